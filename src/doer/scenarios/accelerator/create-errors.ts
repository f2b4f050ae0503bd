/**
 * AI workloads whose pods the API server refuses to create: a missing RuntimeClass (the GPU
 * runtime class "nvidia"), or accelerator requests that are fractional, lack a limit, or differ
 * from the limit. The controller (ReplicaSet, Job, PyTorchJob operator...) reports FailedCreate.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName } from '../../../cluster/state.js';
import type { Event, KubeObject, ObjectRef } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { eventLine, kubectl, kubectlRef } from '../util.js';
import { aiWorkloadOf } from './devices.js';

const CREATE_FAILURES = new Set(['FailedCreate', 'FailedCreatePod', 'FailedCreatePods', 'PodCreationFailed']);

/** FailedCreate events whose message matches, with the object they are about, newest per object. */
function failedCreates(state: ClusterState, pattern: RegExp): Array<{ owner: KubeObject; event: Event; match: RegExpExecArray }> {
  const found = new Map<string, { owner: KubeObject; event: Event; match: RegExpExecArray }>();
  for (const e of state.events) {
    if (!CREATE_FAILURES.has(e.reason ?? '')) continue;
    const match = pattern.exec(e.message ?? '');
    const inv = e.involvedObject;
    if (!match || !inv?.kind || !inv.name) continue;
    const owner = state.get(inv.kind, inv.namespace || undefined, inv.name);
    if (!owner) continue;
    const key = `${inv.kind}/${inv.namespace}/${inv.name}`;
    const newest = state.eventsFor({ kind: inv.kind, namespace: inv.namespace || undefined, name: inv.name }).find((x) => CREATE_FAILURES.has(x.reason ?? '') && pattern.test(x.message ?? ''));
    if (!found.has(key)) found.set(key, { owner, event: newest ?? e, match: pattern.exec(newest?.message ?? e.message ?? '') ?? match });
  }
  return [...found.values()];
}

const RUNTIME_CLASS_MISSING = /pod rejected: RuntimeClass "?([^"\s]+)"? not found/;

export const runtimeClassMissingScenario: Scenario = {
  id: 'accelerator.runtimeclass-missing',
  category: 'accelerator',
  severity: 'critical',
  title: 'Workload names a RuntimeClass that does not exist',
  description:
    'The pod template sets runtimeClassName (typically "nvidia", created by the GPU operator) and no such RuntimeClass exists, so ' +
    'the RuntimeClass admission plugin rejects every pod ("pod rejected: RuntimeClass \\"nvidia\\" not found") and the controller ' +
    'reports FailedCreate; no pod appears. Fix: create the RuntimeClass (handler nvidia) or install the GPU operator, or remove ' +
    'runtimeClassName where the default runtime already is nvidia.',
  hops: 2,
  detect(state) {
    const detections: Detection[] = [];
    for (const { owner, event, match } of failedCreates(state, RUNTIME_CLASS_MISSING)) {
      const name = match[1];
      if (state.get('RuntimeClass', undefined, name)) continue;
      const w = aiWorkloadOf(state, owner);
      detections.push({
        resource: w,
        rootCause: { kind: 'RuntimeClass', name },
        affected: [w],
        title: `RuntimeClass ${name} does not exist; ${w.kind} ${displayName(w)} cannot create pods`,
        explanation: `${w.kind} ${displayName(w)} sets runtimeClassName: ${name}; the API server rejects its pods because no RuntimeClass "${name}" exists.`,
        evidence: [`${w.kind} ${displayName(w)} ← ${owner.kind} ${owner.metadata.name}: FailedCreate ← RuntimeClass "${name}" not found`, eventLine(owner, event)],
        remediation: [
          `kubectl apply -f - <<EOF\napiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: ${name}\nhandler: ${name}\nEOF`,
          `or remove runtimeClassName: ${kubectl(w.namespace, `edit ${kubectlRef(w)}`)}`,
        ],
        confidence: 0.95,
      });
    }
    return detections;
  },
};

/** API validation of extended resources (pkg/apis/core/validation): integers, limit required, request == limit. */
const INVALID_ACCELERATOR_REQUEST = /((?:nvidia\.com|amd\.com|huawei\.com|gpu\.intel\.com|habana\.ai|aws\.amazon\.com)\/[\w.-]+)\]?: (Invalid value: "?[^"]*"?: must be an integer|Required value: Limit must be set for non overcommitable resources|Invalid value: "?[^"]*"?: must be equal to \S+ limit[^,]*)/;

export const invalidRequestScenario: Scenario = {
  id: 'accelerator.invalid-accelerator-request',
  category: 'accelerator',
  severity: 'critical',
  title: 'Accelerator request is fractional, without a limit, or differs from its limit',
  description:
    'GPUs and NPUs are extended resources: requests must be whole numbers, must have a limit, and request must equal limit. ' +
    'Otherwise the API server rejects the pods ("must be an integer", "Limit must be set for non overcommitable resources", "must be ' +
    'equal to nvidia.com/gpu limit of 1") and the controller reports FailedCreate. Fractional GPUs need MIG, time-slicing or MPS ' +
    '(advertised as whole devices). Fix: set equal integer request and limit.',
  detect(state) {
    const detections: Detection[] = [];
    for (const { owner, event, match } of failedCreates(state, INVALID_ACCELERATOR_REQUEST)) {
      const w: ObjectRef = aiWorkloadOf(state, owner);
      detections.push({
        resource: w,
        rootCause: w,
        title: `${w.kind} ${displayName(w)}: invalid ${match[1]} request (${match[2].replace(/^.*?: /, '').replace(/^"[^"]*": /, '')})`,
        explanation: `The API server rejects the pods of ${w.kind} ${displayName(w)}: ${match[1]} ${match[2]}. Accelerators are allocated as whole devices with request equal to limit.`,
        evidence: [eventLine(owner, event)],
        remediation: [`${kubectl(w.namespace, `edit ${kubectlRef(w)}`)}  # resources: {limits: {${match[1]}: 1}} (request defaults to the limit)`, 'for GPU sharing use MIG profiles or time-slicing/MPS replicas instead of fractions'],
        confidence: 0.95,
      });
    }
    return detections;
  },
};
