import type { ClusterState, PodReference } from '../../cluster/state.js';
import { displayName } from '../../cluster/state.js';
import type { ConfigMap, ObjectRef, Pod } from '../../cluster/types.js';
import type { Detection, Scenario } from '../types.js';
import { refusalScenario } from './create-failures.js';
import type { PodFailure } from './pod-failures.js';
import { podFailureScenario, podsOf } from './pod-failures.js';
import { containersOf, eventLine, eventsMatching, groupByWorkload, isActivePod, isPodReady, kubectl, kubectlRef, statusLine } from './util.js';

/** Pods whose non-optional references to a kind name objects that do not exist, grouped by missing object. */
function podsMissing(state: ClusterState, kind: 'ConfigMap' | 'Secret') {
  const byMissing = new Map<string, { ref: ObjectRef; uses: Array<{ pod: Pod; use: PodReference }> }>();
  for (const pod of state.pods) {
    // A running, ready pod already has its references resolved; skipping it keeps this O(pods) pass cheap.
    if (!isActivePod(pod) || (pod.status?.phase === 'Running' && isPodReady(pod))) continue;
    const ns = pod.metadata.namespace ?? 'default';
    for (const use of state.podReferences(pod)) {
      if (use.kind !== kind || use.optional || state.get(kind, ns, use.name)) continue;
      // The root-CA publisher creates this one in every namespace; a snapshot that lacks it says nothing.
      if (use.via === 'projected' && use.name === 'kube-root-ca.crt') continue;
      const key = `${ns}/${use.name}`;
      const entry = byMissing.get(key) ?? { ref: { kind, namespace: ns, name: use.name }, uses: [] };
      if (!entry.uses.some((u) => u.pod === pod)) entry.uses.push({ pod, use });
      byMissing.set(key, entry);
    }
  }
  return [...byMissing.values()];
}

/** The status and event lines that prove a pod is blocked by a missing object. */
function missingObjectEvidence(state: ClusterState, pod: Pod, lowerKind: string, name: string): string[] {
  const needle = `${lowerKind} "${name}" not found`;
  const lines: string[] = [];
  for (const c of containersOf(pod)) {
    const waiting = c.status?.state?.waiting;
    if (waiting?.message?.includes(needle)) {
      lines.push(statusLine(pod, `container ${c.name} waiting: ${waiting.reason}: ${waiting.message ?? ''}`.trim()));
    }
  }
  for (const e of eventsMatching(state, pod, ['Failed', 'FailedMount'], new RegExp(`${lowerKind} "?${name}"? not found|couldn't get ${lowerKind}`, 'i'))) {
    lines.push(eventLine(pod, e));
  }
  return lines;
}

function missingReferenceScenario(kind: 'ConfigMap' | 'Secret'): Scenario {
  const lower = kind.toLowerCase();
  return {
    id: `config.${lower}-missing`,
    category: 'config',
    severity: 'critical',
    title: `Pods reference a ${kind} that does not exist`,
    description:
      `A pod mounts or reads environment variables from a ${kind} that is not in its namespace. The kubelet ` +
      `refuses to start the container (CreateContainerConfigError, or FailedMount "${lower} \\"x\\" not found"). ` +
      `Evidence: the pod's waiting state and Failed/FailedMount events. Fix: create the ${kind} in that namespace, ` +
      `or correct the name in the workload, or mark the reference optional.`,
    detect(state) {
      const detections: Detection[] = [];
      for (const { ref, uses } of podsMissing(state, kind)) {
        for (const group of groupByWorkload(state, uses)) {
          const pods = group.items.map((u) => u.pod);
          const evidence = pods.flatMap((pod) => missingObjectEvidence(state, pod, lower, ref.name));
          // A reference alone is only a risk when the pods already run (e.g. created after start);
          // the kubelet's own complaint makes it certain.
          const confirmed = evidence.length > 0;
          const running = pods.every((p) => p.status?.phase === 'Running' && containersOf(p).every((c) => c.status?.state?.running));
          // Without the kubelet's complaint, absence alone is only trusted when the kind was read and
          // the container is blocked on configuration (snapshots rarely hold Secrets at all).
          const blockedOnConfig = pods.some((p) => containersOf(p).some((c) => c.status?.state?.waiting?.reason === 'CreateContainerConfigError'));
          if (!confirmed && (running || !state.hasKind(kind) || !blockedOnConfig)) continue;
          const via = [...new Set(group.items.map((u) => (u.use.volume ? `volume "${u.use.volume}"` : `${u.use.via} of container "${u.use.container}"`)))].join(', ');
          detections.push({
            resource: { kind: 'Pod', namespace: ref.namespace, name: pods[0].metadata.name },
            rootCause: ref,
            affected: [group.workload, ...pods.slice(1).map((p) => ({ kind: 'Pod', namespace: ref.namespace, name: p.metadata.name }))],
            title: `${kind} ${displayName(ref)} does not exist`,
            explanation:
              `${pods.length} pod(s) of ${group.workload.kind} ${displayName(group.workload)} read ${kind} "${ref.name}" ` +
              `(${via}), but no such ${kind} exists in namespace ${ref.namespace}, so the kubelet cannot start their containers.`,
            evidence: confirmed ? evidence : [`${group.workload.kind} ${displayName(group.workload)}: references ${kind} "${ref.name}" (${via}); it does not exist`],
            remediation: [
              kind === 'ConfigMap'
                ? kubectl(ref.namespace, `create configmap ${ref.name} --from-file=<path>  # or --from-literal=KEY=VALUE`)
                : kubectl(ref.namespace, `create secret generic ${ref.name} --from-literal=KEY=VALUE`),
              `or fix the name in ${group.workload.kind} ${displayName(group.workload)}: ${kubectl(ref.namespace, `edit ${group.workload.kind.toLowerCase()}/${group.workload.name}`)}`,
            ],
            confidence: confirmed ? 0.95 : 0.6,
          });
        }
      }
      return detections;
    },
  };
}


// ---- keys missing from an existing ConfigMap/Secret ---------------------------------------------

/**
 * `couldn't find key cluster_type in ConfigMap monitoring/autotune-config` (env, kubelet_pods.go),
 * `volume cfg items shop/web references non-existent config key: app.yaml` (newer volume plugin) and the
 * older `configmap references non-existent config key: app.yaml` / `secret references non-existent secret key`.
 */
const KEY_IN_OBJECT = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/(\S+)/i;
const KEY_IN_VOLUME = /(?:volume "?([^"\s:]+)"?[^:]*?(?:items ([^/\s]+)\/(\S+) )?)?(?:: )?(configmap|secret)?\s*references non-existent (config|secret) key:? "?([^"\s]+)"?/i;

function missingKeyScenario(kind: 'ConfigMap' | 'Secret'): Scenario {
  const lower = kind.toLowerCase();
  return podFailureScenario({
    id: `config.${lower}-key-missing`,
    category: 'config',
    severity: 'critical',
    title: `Pods read a key their ${kind} does not have`,
    description:
      `A pod reads one key of a ${kind} (env valueFrom.${lower === 'configmap' ? 'configMapKeyRef' : 'secretKeyRef'} or volume items) and the ${kind} exists but ` +
      `has no such key, so the kubelet refuses to start the container ("couldn't find key X in ${kind} ns/name", CreateContainerConfigError) or ` +
      `to mount the volume ("references non-existent ${lower === 'configmap' ? 'config' : 'secret'} key: X"). Evidence: the waiting message and ` +
      `Failed/FailedMount events. Fix: add the key to the ${kind}, or correct the key name in the workload.`,
    pattern: /couldn't find key|references non-existent (?:config|secret) key/i,
    rootCauseOf(state, failure) {
      const found = keyReference(failure.pod, failure.message);
      if (!found || found.kind !== kind) return undefined;
      const ns = failure.pod.metadata.namespace;
      const existing = state.get<ConfigMap>(kind, ns, found.name);
      // Resolved since: the key is there now.
      if (existing && (existing.data?.[found.key] !== undefined || existing.binaryData?.[found.key] !== undefined)) return undefined;
      return { kind, namespace: ns, name: found.name };
    },
    report(state, ref, failures) {
      const keys = [...new Set(failures.map(({ failure }) => keyReference(failure.pod, failure.message)?.key).filter((k): k is string => !!k))];
      const obj = state.find<ConfigMap>(ref);
      const present = obj ? Object.keys({ ...(obj.data ?? {}), ...(obj.binaryData ?? {}) }) : [];
      const workloads = [...new Set(failures.map(({ failure }) => state.workloadOf(failure.pod)))];
      return {
        title: `${kind} ${displayName(ref)} has no key ${keys.map((k) => `"${k}"`).join(', ')}`,
        explanation:
          `${workloads.map((w) => `${w.kind} ${displayName(w)}`).join(', ')} read key(s) ${keys.join(', ')} of ${kind} "${ref.name}", which ` +
          `${obj ? `only has ${present.length ? present.join(', ') : 'no keys'}` : 'does not contain them'}, so the kubelet cannot start the containers.`,
      evidence: [`Pod ${displayName({ kind: 'Pod', namespace: ref.namespace, name: failures[0].failure.pod.metadata.name })} ← ${kind} ${displayName(ref)}: key "${keys[0]}" missing${obj ? ` (has: ${present.join(', ') || 'none'})` : ''}`],
        remediation: [
          kind === 'ConfigMap'
            ? kubectl(ref.namespace, `patch configmap ${ref.name} --type merge -p '{"data":{"${keys[0]}":"<value>"}}'`)
            : kubectl(ref.namespace, `patch secret ${ref.name} --type merge -p '{"stringData":{"${keys[0]}":"<value>"}}'`),
          `or fix the key name in ${workloads[0].kind} ${displayName(workloads[0])}: ${kubectl(ref.namespace, `edit ${kubectlRef(workloads[0])}`)}`,
        ],
      };
    },
  });
}

/** Which ConfigMap/Secret and key a kubelet message is about (the volume form names the volume, resolved through the pod spec). */
function keyReference(pod: Pod, message: string): { kind: 'ConfigMap' | 'Secret'; name: string; key: string } | undefined {
  const direct = KEY_IN_OBJECT.exec(message);
  if (direct) return { kind: direct[2].toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', name: direct[4], key: direct[1] };
  const viaVolume = KEY_IN_VOLUME.exec(message);
  if (!viaVolume) return undefined;
  const kind = viaVolume[5].toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
  const key = viaVolume[6];
  if (viaVolume[3]) return { kind, name: viaVolume[3], key };
  const volumes = pod.spec?.volumes ?? [];
  const volume = volumes.find((v) => v.name === viaVolume[1]) ?? volumes.find((v) => (kind === 'ConfigMap' ? v.configMap : v.secret)?.items?.some((i) => i.key === key));
  const name = kind === 'ConfigMap' ? volume?.configMap?.name : volume?.secret?.secretName;
  return name ? { kind, name, key } : undefined;
}

// ---- kubelet refuses the container: the workload's spec is wrong --------------------------------

interface SpecFailureSpec {
  id: string;
  title: string;
  description: string;
  pattern: RegExp;
  accept?: (failure: PodFailure) => boolean;
  explain: (match: RegExpExecArray) => string;
  fix: string;
  confidence?: number;
}

function workloadSpecScenario(spec: SpecFailureSpec): Scenario {
  return podFailureScenario({
    id: `config.${spec.id}`,
    category: 'config',
    severity: 'critical',
    title: spec.title,
    description: spec.description,
    pattern: spec.pattern,
    accept: spec.accept,
    rootCauseOf: (state, failure) => state.workloadOf(failure.pod),
    report(_state, workload, failures) {
      return {
        title: `${workload.kind} ${displayName(workload)}: ${spec.title.charAt(0).toLowerCase()}${spec.title.slice(1)}`,
        explanation: `${podsOf(failures).length} pod(s) of ${workload.kind} ${displayName(workload)} cannot start: ${spec.explain(failures[0].match)}.`,
        remediation: [`${spec.fix}: ${kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)}`],
        confidence: spec.confidence,
      };
    },
  });
}

const subPathFailed = workloadSpecScenario({
  id: 'subpath-failed',
  title: 'A volumeMount subPath cannot be prepared',
  description:
    'The kubelet cannot prepare a volumeMount\'s subPath/subPathExpr ("failed to prepare subPath for volumeMount \\"x\\" of container ' +
    '\\"y\\"", "failed to create subPath directory"): the path escapes the volume, is a symlink out of it, or the expanded subPathExpr is ' +
    'invalid. Evidence: CreateContainerConfigError messages and Failed events. Fix: correct subPath/subPathExpr in the workload.',
  pattern: /failed to (?:prepare|create) subPath(?: directory)? for volumeMount "?([^"\s]+)"? of container "?([^"\s]+)"?|subPath(?:Expr)? .*(?:must not|is not|invalid)/i,
  explain: (m) => (m[1] ? `the subPath of volumeMount "${m[1]}" in container "${m[2]}" cannot be prepared` : 'a subPath cannot be prepared'),
  fix: 'correct volumeMounts[].subPath (relative, inside the volume, no ..)',
});

const mountFileOntoDirectory = workloadSpecScenario({
  id: 'mount-type-mismatch',
  title: 'A volume is mounted over a path of the other type (file vs directory)',
  description:
    'The runtime cannot mount a volume because the source and target differ in type — typically a ConfigMap key mounted with subPath onto ' +
    'a path that is a directory in the image, or a directory onto a file ("... not a directory: unknown: Are you trying to mount a directory ' +
    'onto a file (or vice-versa)? Check if the specified host path exists and is the expected type"). Evidence: RunContainerError / ' +
    'CreateContainerError messages. Fix: point mountPath at a file path with subPath, or mount the whole volume on a directory.',
  pattern: /Are you trying to mount a directory onto a file \(or vice-versa\)|not a directory: unknown/i,
  explain: () => 'a volume is mounted onto a path of the other type (file vs directory)',
  fix: 'fix volumeMounts[].mountPath/subPath so files are mounted onto files and directories onto directories',
});

const KNOWN_CONFIG_ERRORS = /not found|couldn't find key|non-existent|runAsNonRoot|subPath|sysctl|AppArmor|seccomp/i;

const containerConfigError = workloadSpecScenario({
  id: 'container-config-error',
  title: 'The kubelet cannot build the container configuration',
  description:
    'A container is stuck in CreateContainerConfigError for a reason no more specific scenario recognises (the waiting message says ' +
    'which field). Evidence: the container\'s waiting reason and message. Fix: correct that field of the pod template.',
  pattern: /.+/,
  accept: (f) => f.source === 'waiting' && f.reason === 'CreateContainerConfigError' && !KNOWN_CONFIG_ERRORS.test(f.message),
  explain: (m) => `CreateContainerConfigError: ${m[0]}`,
  fix: 'correct the field named in the message',
  confidence: 0.75,
});

const hostPathTypeMismatch = workloadSpecScenario({
  id: 'hostpath-type-check-failed',
  title: 'A hostPath volume does not exist or is not of the declared type',
  description:
    'A hostPath volume declares a type (Directory, File, Socket, ...) that the path on the node does not have ("MountVolume.SetUp failed ' +
    'for volume \\"x\\" : hostPath type check failed: /var/run/app.sock is not a socket file"), so the pod stays in ContainerCreating. ' +
    'Evidence: FailedMount events. Fix: create the path on the nodes (or use DirectoryOrCreate), or fix the path/type.',
  pattern: /hostPath type check failed: (\S+) is not a[n]? ([\w ]+)/i,
  explain: (m) => `hostPath ${m[1]} is not a ${m[2].trim()} on the node`,
  fix: 'fix volumes[].hostPath.path/type (e.g. DirectoryOrCreate), or create the path on every node',
});

const projectedTokenFailed = podFailureScenario({
  id: 'config.projected-token-failed',
  category: 'config',
  severity: 'critical',
  title: 'A projected service-account token cannot be issued',
  description:
    'The kubelet cannot obtain the token of a projected volume (kube-api-access-* or a serviceAccountToken source with its own audience ' +
    'and expirationSeconds): "MountVolume.SetUp failed for volume \\"vault-token\\" : failed to fetch token: ...", e.g. an ' +
    'expirationSeconds below 600 or an audience the API server does not issue. The pod stays in ContainerCreating. Evidence: FailedMount ' +
    'events. Fix: correct the projected serviceAccountToken source. (A deleted ServiceAccount is security.serviceaccount-deleted.)',
  pattern: /failed to fetch token: (.*)/i,
  rootCauseOf: (state, failure, match) => (/serviceaccounts "[^"]+" not found/.test(match[1]) ? undefined : state.workloadOf(failure.pod)),
  report(_state, workload, failures) {
    return {
      title: `${workload.kind} ${displayName(workload)}: projected service-account token cannot be issued`,
      explanation: `The kubelet cannot obtain a service-account token for the projected volume of ${podsOf(failures).length} pod(s): ${failures[0].match[1]}.`,
      remediation: [`correct volumes[].projected.sources[].serviceAccountToken (audience, expirationSeconds ≥ 600): ${kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)}`],
    };
  },
});

/** Keys an envFrom source holds that are not valid variable names: silently skipped, so the app misses settings. */
const invalidEnvNames: Scenario = {
  id: 'config.envfrom-invalid-keys',
  category: 'config',
  severity: 'info',
  title: 'envFrom skipped ConfigMap/Secret keys that are not valid variable names',
  description:
    'A container imports a ConfigMap/Secret with envFrom, and some keys are not valid environment variable names (dots, dashes at the ' +
    'start...), so the kubelet skips them (Warning InvalidEnvironmentVariableNames "Keys [a.b] from the EnvFrom configMap ns/x were skipped ' +
    'since they are considered invalid environment variable names."). The app silently lacks those settings. Fix: rename the keys or mount ' +
    'the ConfigMap as files.',
  detect(state) {
    const byWorkload = new Map<string, Detection>();
    for (const event of state.events) {
      if (event.reason !== 'InvalidEnvironmentVariableNames' || event.involvedObject?.kind !== 'Pod' || !event.involvedObject.name) continue;
      const pod = state.get<Pod>('Pod', event.involvedObject.namespace, event.involvedObject.name);
      if (!pod) continue;
      const workload = state.workloadOf(pod);
      const key = `${workload.kind}/${workload.namespace}/${workload.name}`;
      const existing = byWorkload.get(key);
      const line = eventLine(pod, event);
      if (existing) {
        if (!existing.evidence.includes(line)) existing.evidence.push(line);
        continue;
      }
      byWorkload.set(key, {
        resource: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name },
        rootCause: workload,
        title: `${workload.kind} ${displayName(workload)}: envFrom keys skipped as invalid variable names`,
        explanation: `The kubelet skipped keys that are not valid environment variable names; the container runs without them.`,
        evidence: [line],
        remediation: ['rename the keys to [A-Za-z_][A-Za-z0-9_]*, or mount the ConfigMap/Secret as a volume and read files'],
        confidence: 0.8,
      });
    }
    return [...byWorkload.values()];
  },
};

// ---- pod specs the API server rejects at pod creation ---------------------------------------------

// `Pod "web-0" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "data"`
const POD_INVALID = /(?:Pod|pods) "[^"]*" is invalid: (.+)/;

function invalidSpecScenario(id: string, title: string, description: string, fields: RegExp | undefined, exclude: RegExp | undefined, fix: string): Scenario {
  return refusalScenario({
    id: `config.${id}`,
    category: 'config',
    severity: 'critical',
    title,
    description,
    pattern: POD_INVALID,
    rootCauseOf(state, failure, match) {
      const detail = match[1];
      if (fields && !fields.test(detail)) return undefined;
      if (exclude && exclude.test(detail)) return undefined;
      // A LimitRange default limit below the request is quota.limitrange-default-below-request's finding.
      if (/must be less than or equal to \S+ limit/.test(detail) && state.list('LimitRange').some((lr) => lr.metadata.namespace === failure.subject.namespace)) return undefined;
      return failure.workload;
    },
    report(_state, workload, failures) {
      const details = [...new Set(failures.map(({ match }) => match[1]))];
      return {
        title: `${workload.kind} ${displayName(workload)}: ${title.charAt(0).toLowerCase()}${title.slice(1)}`,
        explanation: `The API server rejects the pods ${workload.kind} ${displayName(workload)} creates: ${details.join('; ')}.`,
        remediation: [`${fix}: ${kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)}`],
      };
    },
  });
}

const RESOURCE_FIELDS = /resources\.(?:requests|limits)|quantities must match|must be less than or equal to \S+ limit|must be greater than or equal to 0/;
const DOWNWARD_FIELDS = /fieldRef|resourceFieldRef|downwardAPI/;
const MOUNT_FIELDS = /volumeMounts\[\d+\]\.name: Not found/;

const invalidResources = invalidSpecScenario('invalid-resource-quantity', 'Pods rejected: invalid resource requests/limits',
  'The pods the controller creates fail validation on their resources (a request above its limit after defaulting, a malformed quantity, ' +
  'a negative value): "Pod \\"x\\" is invalid: spec.containers[0].resources.requests: Invalid value: \\"2\\": must be less than or equal to ' +
  'cpu limit". Evidence: FailedCreate events. Fix: make every request ≤ its limit and use valid quantities.',
  RESOURCE_FIELDS, undefined, 'make each container\'s requests ≤ limits and use valid quantities (100m, 512Mi)');

const invalidDownwardApi = invalidSpecScenario('downward-api-invalid', 'Pods rejected: invalid downward API reference',
  'An env valueFrom.fieldRef/resourceFieldRef or a downwardAPI volume item names a field or container that is not supported ' +
  '("spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: ..."), so the pods are rejected. Evidence: FailedCreate ' +
  'events. Fix: use a supported fieldPath (metadata.name, metadata.namespace, status.podIP, spec.nodeName, ...) or an existing container name.',
  DOWNWARD_FIELDS, undefined, 'use a supported fieldPath / resourceFieldRef');

const volumeMountNotFound = invalidSpecScenario('volume-mount-not-found', 'Pods rejected: a volumeMount names no volume',
  'A container mounts a volume name that neither spec.volumes nor (for StatefulSets) volumeClaimTemplates defines ("spec.containers[0]' +
  '.volumeMounts[0].name: Not found: \\"data\\""). StatefulSet templates pass validation but every pod is rejected. Evidence: FailedCreate ' +
  'events. Fix: make the mount name match a volume or a volumeClaimTemplate.',
  MOUNT_FIELDS, undefined, 'make volumeMounts[].name match a volume or volumeClaimTemplates[].metadata.name');

const invalidPodSpec = invalidSpecScenario('invalid-pod-spec', 'Pods rejected: the pod template is invalid',
  'The API server rejects every pod the controller creates ("Pod \\"x\\" is invalid: ..."), for a field no more specific scenario ' +
  'covers — usually a value a mutating webhook or defaulting changed after the template was accepted. Evidence: FailedCreate events with ' +
  'the field path. Fix: correct that field in the workload (or the webhook that mutates it).',
  // privileged pods on an API server with --allow-privileged=false are security.privileged-disallowed.
  undefined, new RegExp(`${RESOURCE_FIELDS.source}|${DOWNWARD_FIELDS.source}|${MOUNT_FIELDS.source}|disallowed by cluster policy`), 'correct the field named in the message');

export const configScenarios: Scenario[] = [
  missingReferenceScenario('ConfigMap'),
  missingReferenceScenario('Secret'),
  missingKeyScenario('ConfigMap'),
  missingKeyScenario('Secret'),
  subPathFailed,
  mountFileOntoDirectory,
  hostPathTypeMismatch,
  containerConfigError,
  projectedTokenFailed,
  invalidEnvNames,
  invalidResources,
  invalidDownwardApi,
  volumeMountNotFound,
  invalidPodSpec,
];
