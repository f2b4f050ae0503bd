import type { ClusterState, PodReference } from '../../cluster/state.js';
import { displayName } from '../../cluster/state.js';
import type { ObjectRef, Pod } from '../../cluster/types.js';
import type { Detection, Scenario } from '../types.js';
import { containersOf, eventLine, eventsMatching, groupByWorkload, isActivePod, kubectl, statusLine } from './util.js';

/** Pods whose non-optional references to a kind name objects that do not exist, grouped by missing object. */
function podsMissing(state: ClusterState, kind: 'ConfigMap' | 'Secret') {
  const byMissing = new Map<string, { ref: ObjectRef; uses: Array<{ pod: Pod; use: PodReference }> }>();
  for (const pod of state.pods) {
    if (!isActivePod(pod)) continue;
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

export const configScenarios: Scenario[] = [missingReferenceScenario('ConfigMap'), missingReferenceScenario('Secret')];
