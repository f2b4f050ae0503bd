/**
 * ResourceQuota and LimitRange refusals. Both are admission plugins: the API server refuses the
 * pod (or claim) a controller tries to create, so the evidence is the controller's FailedCreate
 * event, worded by plugin/pkg/admission/resourcequota and plugin/pkg/admission/limitranger.
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName } from '../../cluster/state.js';
import { parseQuantity } from '../../cluster/quantity.js';
import type { Container, KubeObject, LimitRange, ObjectRef, ResourceQuota } from '../../cluster/types.js';
import type { Scenario } from '../types.js';
import type { CreateFailure, MatchedFailure } from './create-failures.js';
import { refusalScenario } from './create-failures.js';
import { kubectl, kubectlRef } from './util.js';

// `exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=3, limited: requests.cpu=4`
const EXCEEDED = /exceeded quota: ([^,\s]+), requested: (\S+?), used: (\S+?), limited: (\S+)/i;
// `failed quota: fpl-quota: must specify requests.cpu,requests.memory` (newer: `must specify limits.cpu for: app; ...`)
const MUST_SPECIFY = /failed quota: ([^:\s]+): must specify (.+)/i;
const SCOPES = /insufficient quota to match these scopes: (.+)/i;

type QuotaClass = 'over-hard' | 'extended' | 'storage' | 'pods' | 'compute' | 'objects';

/** `requests.cpu=2,requests.memory=1Gi` → { 'requests.cpu': '2', ... } */
function quantities(list: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const item of list.replace(/[.,;]+$/, '').split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0) result.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return result;
}

const COMPUTE = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'ephemeral-storage', 'requests.ephemeral-storage', 'limits.ephemeral-storage']);

/** Which kind of exhaustion a refusal is; a single request larger than the whole quota comes first. */
function classify(match: RegExpExecArray): QuotaClass {
  const requested = quantities(match[2]);
  const limited = quantities(match[4]);
  for (const [name, value] of requested) {
    const want = parseQuantity(value);
    const hard = parseQuantity(limited.get(name));
    if (want !== undefined && hard !== undefined && want > hard) return 'over-hard';
  }
  const names = [...requested.keys()];
  if (names.some((n) => n.includes('storageclass.storage.k8s.io') || n === 'requests.storage' || /persistentvolumeclaims$/.test(n))) return 'storage';
  if (names.some((n) => n.includes('/') && !n.startsWith('count/') && !COMPUTE.has(n))) return 'extended';
  if (names.some((n) => n === 'pods' || n === 'count/pods')) return 'pods';
  if (names.some((n) => COMPUTE.has(n))) return 'compute';
  return 'objects';
}

/** The refusal hits the new revision of a Deployment whose older ReplicaSet still holds pods (a surge, not a full namespace). */
function isSurgeOfRollout(state: ClusterState, failure: CreateFailure): boolean {
  const subject = state.find(failure.subject);
  const deployment = subject?.kind === 'Deployment' ? subject : subject?.kind === 'ReplicaSet' ? state.owner(subject) : undefined;
  if (!subject || deployment?.kind !== 'Deployment') return false;
  type Counts = { spec?: { replicas?: number }; status?: { replicas?: number } };
  const sets = state.children(deployment).filter((c) => c.kind === 'ReplicaSet') as Array<KubeObject & Counts>;
  const refused = subject.kind === 'ReplicaSet' ? subject : sets.find((rs) => (rs.spec?.replicas ?? 0) > (rs.status?.replicas ?? 0));
  return sets.some((rs) => rs !== refused && (rs.status?.replicas ?? 0) > 0);
}

function quotaRef(failure: CreateFailure, name: string): ObjectRef {
  return { kind: 'ResourceQuota', namespace: failure.subject.namespace, name };
}

/** `ResourceQuota shop/compute: requests.cpu used 3 of 4` from the quota object itself, when read. */
function quotaStatusLines(state: ClusterState, ref: ObjectRef, names: string[]): string[] {
  const quota = state.find<ResourceQuota>(ref);
  if (!quota) return [];
  const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
  const used = quota.status?.used ?? {};
  return names
    .filter((n) => hard[n] !== undefined)
    .map((n) => `ResourceQuota ${displayName(ref)}: ${n} used ${used[n] ?? '0'} of ${hard[n]}`);
}

function exceededScenario(quotaClass: QuotaClass, id: string, title: string, description: string, fix: (q: ObjectRef, names: string[]) => string[], hops?: number): Scenario {
  return refusalScenario({
    id: `quota.${id}`,
    category: 'quota',
    severity: 'critical',
    title,
    description,
    hops,
    pattern: EXCEEDED,
    rootCauseOf: (state, failure, match) => {
      if (classify(match) !== quotaClass) return undefined;
      // A rolling update whose surge pods do not fit is rollout.surge-blocked-by-quota's finding (fix: maxSurge 0).
      if (quotaClass !== 'over-hard' && isSurgeOfRollout(state, failure)) return undefined;
      return quotaRef(failure, match[1]);
    },
    report(state, quota, failures: MatchedFailure[]) {
      const names = [...new Set(failures.flatMap(({ match }) => [...quantities(match[2]).keys()]))];
      const workloads = [...new Set(failures.map(({ failure }) => `${failure.workload.kind} ${displayName(failure.workload)}`))];
      return {
        title: `ResourceQuota ${displayName(quota)} is exhausted (${names.join(', ')}): ${workloads.join(', ')} cannot create pods`,
        explanation:
          `The API server refuses new objects in namespace ${quota.namespace} because ResourceQuota "${quota.name}" has no room left for ` +
          `${names.join(', ')}. ${workloads.join(', ')} stays below its desired replicas until usage drops or the quota is raised.`,
        evidence: quotaStatusLines(state, quota, names),
        remediation: [
          kubectl(quota.namespace, `describe resourcequota ${quota.name}`),
          ...fix(quota, names),
        ],
      };
    },
  });
}

const raiseOrShrink = (q: ObjectRef, names: string[]) => [
  `raise the limit: ${kubectl(q.namespace, `edit resourcequota ${q.name}`)}  # spec.hard: ${names.map((n) => `${n}: <larger>`).join(', ')}`,
  `or free room: scale down or delete unused workloads in ${q.namespace} (${kubectl(q.namespace, 'get pods --field-selector=status.phase!=Running')})`,
];

/** Requests/limits missing for a resource the quota tracks: the workload's template must declare them. */
const mustSpecify = refusalScenario({
  id: 'quota.must-specify-resources',
  category: 'quota',
  severity: 'critical',
  title: 'Pods refused: the namespace quota requires requests/limits the workload does not set',
  description:
    'A ResourceQuota that tracks requests.cpu/requests.memory/limits.* makes the API server refuse every pod that does not ' +
    'declare those values ("failed quota: <name>: must specify requests.cpu,requests.memory"). Evidence: the controller\'s ' +
    'FailedCreate events or ReplicaFailure condition. Fix: set the resources in the workload\'s pod template (every container, ' +
    'init containers included), or add a LimitRange with defaults in the namespace.',
  pattern: MUST_SPECIFY,
  rootCauseOf: (_state, failure) => failure.workload,
  report(state, workload, failures) {
    const quota = quotaRef(failures[0].failure, failures[0].match[1]);
    const missing = [...new Set(failures.flatMap(({ match }) => [...match[2].matchAll(/([a-z][\w.\/-]*\.(?:cpu|memory|storage|ephemeral-storage)|[a-z][\w.-]*\/[\w.-]+)/g)].map((m) => m[1])))];
    const containers = templateContainers(state, workload).filter((c) => missing.some((name) => !resourceValue(c, name)));
    return {
      title: `${workload.kind} ${displayName(workload)} sets no ${missing.join(', ')}, which ResourceQuota ${quota.name} requires`,
      explanation:
        `ResourceQuota "${quota.name}" in ${quota.namespace} tracks ${missing.join(', ')}, so every pod must declare them. ` +
        `The pod template of ${workload.kind} ${displayName(workload)} does not` +
        (containers.length ? ` (containers ${containers.map((c) => c.name).join(', ')})` : '') + ', so no pod can be created.',
      evidence: containers.map((c) => `${workload.kind} ${displayName(workload)}: container ${c.name} resources: ${JSON.stringify(c.resources ?? {})}`),
      affected: [quota],
      remediation: [
        `set the resources on every container: ${kubectl(workload.namespace, `set resources ${kubectlRef(workload)} --requests=cpu=100m,memory=128Mi --limits=cpu=500m,memory=512Mi`)}`,
        `or give the namespace defaults: a LimitRange with spec.limits[].defaultRequest/default for type Container in ${workload.namespace}`,
      ],
    };
  },
});

/** A quota that requires a scope the pod does not fall into (apiserver `limitedResources` configuration). */
const scopeNotCovered = refusalScenario({
  id: 'quota.scope-not-covered',
  category: 'quota',
  severity: 'critical',
  title: 'Pods refused: no ResourceQuota covers their scope (e.g. PriorityClass)',
  description:
    'When the API server\'s quota admission configuration limits a resource (typically high PriorityClasses) to namespaces with ' +
    'a matching scoped quota, pods outside any such quota are refused with "insufficient quota to match these scopes". ' +
    'Evidence: FailedCreate events. Fix: create a ResourceQuota with the matching scopeSelector in the namespace, or use a ' +
    'PriorityClass the namespace is allowed.',
  pattern: SCOPES,
  rootCauseOf: (_state, failure) => failure.workload,
  report(_state, workload, failures) {
    return {
      title: `${workload.kind} ${displayName(workload)} uses a quota-limited scope with no matching ResourceQuota`,
      explanation:
        `The API server requires a ResourceQuota matching scopes ${failures[0].match[1]} in namespace ${workload.namespace}; none matches, ` +
        `so pods of ${workload.kind} ${displayName(workload)} are refused.`,
      remediation: [
        `create a ResourceQuota with spec.scopeSelector matching ${failures[0].match[1]} in ${workload.namespace}`,
        `or change spec.template.spec.priorityClassName: ${kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)}`,
      ],
    };
  },
});

// ---- LimitRange --------------------------------------------------------------------------------

const LIMIT_TYPES = '(Container|Pod|PersistentVolumeClaim)';
const MAX = new RegExp(`maximum (\\S+) usage per ${LIMIT_TYPES} is ([0-9.]+[A-Za-z]*)`, 'i');
const MIN = new RegExp(`minimum (\\S+) usage per ${LIMIT_TYPES} is ([0-9.]+[A-Za-z]*)`, 'i');
const RATIO = new RegExp(`(\\S+) max limit to request ratio per ${LIMIT_TYPES} is ([0-9.]+[A-Za-z]*)`, 'i');

function limitRangesIn(state: ClusterState, namespace: string | undefined): LimitRange[] {
  return state.list<LimitRange>('LimitRange').filter((lr) => lr.metadata.namespace === namespace);
}

function limitRangeRefs(state: ClusterState, namespace: string | undefined, type: string, resource: string): ObjectRef[] {
  return limitRangesIn(state, namespace)
    .filter((lr) => lr.spec?.limits?.some((l) => l.type === type && [l.max, l.min, l.maxLimitRequestRatio].some((m) => m?.[resource] !== undefined)))
    .map((lr) => ({ kind: 'LimitRange', namespace, name: lr.metadata.name }));
}

function limitRangeScenario(id: string, pattern: RegExp, bound: string, onlyClaims: boolean, fix: string): Scenario {
  return refusalScenario({
    id: `quota.${id}`,
    category: 'quota',
    severity: 'critical',
    title: onlyClaims
      ? 'Claims refused: the storage request is outside the namespace LimitRange'
      : `Pods refused: container resources break the namespace LimitRange ${bound}`,
    description:
      `A LimitRange in the namespace sets a ${bound} for ${onlyClaims ? 'PersistentVolumeClaim storage' : 'container or pod resources'}, and the ` +
      `workload's ${onlyClaims ? 'volumeClaimTemplates ask' : 'pod template asks'} for values outside it, so the API server refuses the object ` +
      `("${onlyClaims ? 'maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi' : 'maximum cpu usage per Container is 2, but limit is 4'}"). ` +
      `Evidence: FailedCreate events of the controller. Fix: ${fix}`,
    pattern,
    rootCauseOf: (_state, failure, match) => ((match[2] === 'PersistentVolumeClaim') === onlyClaims ? failure.workload : undefined),
    report(state, workload, failures) {
      const rules = [...new Set(failures.map(({ match }) => match[0]))];
      const [, resource, type] = failures[0].match;
      const ranges = limitRangeRefs(state, workload.namespace, type, resource);
      return {
        title: `${workload.kind} ${displayName(workload)} asks for ${resource} outside LimitRange ${ranges.map((r) => r.name).join(', ') || `of ${workload.namespace}`}`,
        explanation:
          `The LimitRange of namespace ${workload.namespace} allows a ${bound} per ${type} (${rules.join('; ')}); the ` +
          `${onlyClaims ? 'claim templates' : 'pod template'} of ${workload.kind} ${displayName(workload)} asks for more, so the API server refuses to create ` +
          `${onlyClaims ? 'its claims and the pods wait' : 'its pods'}.`,
        affected: ranges,
        remediation: [
          kubectl(workload.namespace, 'describe limitrange'),
          `${fix}: ${kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)}`,
        ],
      };
    },
  });
}

/**
 * A container that sets a request but no limit gets the LimitRange's default limit; when that default is
 * below the request the pod is invalid. The LimitRange default is what to change (two hops from the pod).
 */
const INVALID_REQUEST = /Invalid value: "([^"]+)": must be less than or equal to (\S+?) limit/i;

function templateContainers(state: ClusterState, workload: ObjectRef): Container[] {
  const obj = state.find(workload);
  const spec = obj?.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } }; jobTemplate?: { spec?: { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } } } | undefined;
  const podSpec = spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
  return [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])];
}

function resourceValue(c: Container, name: string): string | undefined {
  const [section, resource] = name.includes('.') && /^(requests|limits)\./.test(name) ? name.split(/\.(.*)/s) : ['requests', name];
  const list = (c.resources as Record<string, Record<string, string> | undefined> | undefined)?.[section];
  return list?.[resource];
}

/** `spec.limits[type=Container].default[resource]` (the wire name is `default`, which the client types rename). */
function containerDefaultLimit(range: LimitRange, resource: string): string | undefined {
  const item = range.spec?.limits?.find((l) => l.type === 'Container') as { default?: Record<string, string> } | undefined;
  return item?.default?.[resource];
}

const defaultLimitBelowRequest = refusalScenario({
  id: 'quota.limitrange-default-below-request',
  category: 'quota',
  severity: 'critical',
  hops: 2,
  title: 'Pods invalid: the LimitRange default limit is lower than the container request',
  description:
    'A container that sets a request but no limit receives the namespace LimitRange\'s default limit; when that default is lower ' +
    'than the request the pod fails validation ("Invalid value: \\"2\\": must be less than or equal to cpu limit"). Evidence: ' +
    'FailedCreate events, the LimitRange default and the template\'s request. Fix: raise the LimitRange default, or set an explicit ' +
    'limit in the workload.',
  pattern: INVALID_REQUEST,
  rootCauseOf(state, failure, match) {
    const [, value, resource] = match;
    const requested = parseQuantity(value) ?? 0;
    const range = limitRangesIn(state, failure.subject.namespace).find((lr) => {
      const limit = parseQuantity(containerDefaultLimit(lr, resource));
      return limit !== undefined && limit < requested;
    });
    return range ? { kind: 'LimitRange', namespace: range.metadata.namespace, name: range.metadata.name } : undefined;
  },
  report(state, range, failures) {
    const [, value, resource] = failures[0].match;
    const lr = state.find<LimitRange>(range);
    const defaultLimit = lr ? containerDefaultLimit(lr, resource) : undefined;
    const workloads = [...new Set(failures.map(({ failure }) => `${failure.workload.kind} ${displayName(failure.workload)}`))];
    return {
      title: `LimitRange ${displayName(range)} defaults the ${resource} limit to ${defaultLimit}, below the ${value} requested by ${workloads.join(', ')}`,
      explanation:
        `${workloads.join(', ')} request ${value} ${resource} without a limit, so the LimitRange admission plugin fills in the default limit ` +
        `${defaultLimit}; a request above its limit is invalid and the pod is refused.`,
      evidence: [`${workloads[0]} ← Pod invalid: request ${value} > limit ← LimitRange ${displayName(range)}: default ${resource}=${defaultLimit}`],
      remediation: [
        `raise the default: ${kubectl(range.namespace, `edit limitrange ${range.name}`)}  # spec.limits[type=Container].default.${resource} >= ${value}`,
        `or set an explicit limit in the workload: ${kubectl(range.namespace, `set resources ${kubectlRef(failures[0].failure.workload)} --limits=${resource}=${value}`)}`,
      ],
    };
  },
});

/** A quota at 100% of some resource: the next pod, claim or object of that kind will be refused. */
const atLimit: Scenario = {
  id: 'quota.at-limit',
  category: 'quota',
  severity: 'info',
  title: 'ResourceQuota fully used: the next object of that kind will be refused',
  description:
    'A ResourceQuota whose status.used equals status.hard for some resource leaves no room: the next pod, claim or object counted ' +
    'by it is refused (scale-ups, rollouts that surge, Jobs). Evidence: the quota\'s status. Fix: raise the quota or free room ' +
    'before the next rollout.',
  needs: ['ResourceQuota'],
  detect(state) {
    return state.list<ResourceQuota>('ResourceQuota').flatMap((quota) => {
      const hard = quota.status?.hard ?? {};
      const used = quota.status?.used ?? {};
      const full = Object.keys(hard).filter((n) => {
        const h = parseQuantity(hard[n]);
        const u = parseQuantity(used[n]);
        return h !== undefined && h > 0 && u !== undefined && u >= h;
      });
      if (!full.length) return [];
      const ref: ObjectRef = { kind: 'ResourceQuota', namespace: quota.metadata.namespace, name: quota.metadata.name };
      return [{
        resource: ref,
        rootCause: ref,
        title: `ResourceQuota ${displayName(ref)} is at its limit for ${full.join(', ')}`,
        explanation: `Namespace ${ref.namespace} has used all of ${full.join(', ')}; the next object that needs any of it will be refused.`,
        evidence: full.map((n) => `ResourceQuota ${displayName(ref)}: ${n} used ${used[n]} of ${hard[n]}`),
        remediation: [kubectl(ref.namespace, `describe resourcequota ${ref.name}`), `raise spec.hard or remove unused objects: ${kubectl(ref.namespace, `edit resourcequota ${ref.name}`)}`],
        confidence: 0.9,
      }];
    });
  },
};

export const quotaScenarios: Scenario[] = [
  mustSpecify,
  exceededScenario('over-hard', 'request-exceeds-quota', 'A single pod asks for more than the whole namespace quota',
    'The refused pod requests more of a resource than the ResourceQuota allows in total ("requested: requests.memory=16Gi, ... limited: ' +
    'requests.memory=8Gi"), so it can never be created, whatever else is deleted. Evidence: FailedCreate events with exceeded quota. ' +
    'Fix: raise the quota above one pod\'s needs, or lower the workload\'s requests.',
    (q) => [`raise spec.hard above one pod's request: ${kubectl(q.namespace, `edit resourcequota ${q.name}`)}`, 'or lower the requests in the workload\'s pod template']),
  exceededScenario('compute', 'exceeded-compute', 'Pods refused: namespace CPU/memory quota exhausted',
    'The namespace ResourceQuota has no CPU or memory left ("exceeded quota: <name>, requested: requests.cpu=..., used: ..., limited: ..."), ' +
    'so controllers cannot create more pods: replicas stay missing, rollouts that surge stall. Evidence: FailedCreate events and the quota\'s ' +
    'status. Fix: raise the quota, or reduce replicas/requests in the namespace.', raiseOrShrink),
  exceededScenario('pods', 'exceeded-pod-count', 'Pods refused: namespace pod-count quota reached',
    'The namespace ResourceQuota limits the number of pods ("pods" or "count/pods") and it is reached. Completed Job pods still count ' +
    'until deleted. Evidence: FailedCreate events with exceeded quota. Fix: raise the count, or delete finished pods (ttlSecondsAfterFinished on Jobs).',
    (q) => [`raise spec.hard.pods: ${kubectl(q.namespace, `edit resourcequota ${q.name}`)}`, `delete finished pods: ${kubectl(q.namespace, 'delete pods --field-selector=status.phase==Succeeded')}`]),
  exceededScenario('storage', 'exceeded-storage', 'Claims refused: namespace storage quota exhausted',
    'The namespace ResourceQuota limits requests.storage, the number of PersistentVolumeClaims, or a StorageClass\'s share, and it is used up, ' +
    'so a StatefulSet cannot create the claim for its next ordinal (the pod is never created either). Evidence: FailedCreate "create Claim ... ' +
    'exceeded quota". Fix: raise the storage quota or delete unused claims.',
    (q) => [`raise the storage limits: ${kubectl(q.namespace, `edit resourcequota ${q.name}`)}`, `find unused claims: ${kubectl(q.namespace, 'get pvc')}`], 2),
  exceededScenario('extended', 'exceeded-extended-resource', 'Pods refused: namespace quota for GPUs or other extended resources exhausted',
    'The namespace ResourceQuota limits an extended resource such as requests.nvidia.com/gpu and all of it is in use, so new GPU pods are ' +
    'refused before scheduling. Evidence: FailedCreate events with exceeded quota on the extended resource. Fix: raise the quota, or wait for / ' +
    'stop other GPU workloads in the namespace.', raiseOrShrink),
  exceededScenario('objects', 'exceeded-object-count', 'Objects refused: namespace object-count quota reached',
    'The namespace ResourceQuota limits how many objects of a kind may exist (services, configmaps, secrets, count/<resource>) and the ' +
    'limit is reached. Evidence: FailedCreate events with exceeded quota on a count. Fix: raise the count or delete unused objects.', raiseOrShrink),
  limitRangeScenario('limitrange-max-exceeded', MAX, 'maximum', false, 'lower the limits/requests in the pod template to the LimitRange maximum, or raise the maximum'),
  limitRangeScenario('limitrange-min-not-met', MIN, 'minimum', false, 'raise the requests/limits in the pod template to the LimitRange minimum'),
  limitRangeScenario('limitrange-ratio-exceeded', RATIO, 'maximum limit-to-request ratio', false, 'bring limits closer to requests in the pod template (or set requests)'),
  limitRangeScenario('limitrange-pvc-storage', new RegExp(`(?:maximum|minimum) (storage) usage per (PersistentVolumeClaim) is ([0-9.]+[A-Za-z]*)`, 'i'), 'storage bound', true, 'change the storage request in volumeClaimTemplates to fit the LimitRange'),
  defaultLimitBelowRequest,
  scopeNotCovered,
  atLimit,
];
