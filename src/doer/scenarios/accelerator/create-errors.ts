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

interface CreateFailure {
  /** The controller that failed to create pods (may be a custom resource absent from the snapshot). */
  owner: ObjectRef;
  /** The object a person edits for it. */
  workload: ObjectRef;
  event: Event;
  match: RegExpExecArray;
}

/** FailedCreate events whose message matches, newest per involved object, in one pass over the events. */
function failedCreates(state: ClusterState, pattern: RegExp): CreateFailure[] {
  const found = new Map<string, CreateFailure>();
  for (const e of state.events) {
    if (!CREATE_FAILURES.has(e.reason ?? '')) continue;
    const inv = e.involvedObject;
    if (!inv?.kind || !inv.name || !pattern.test(e.message ?? '')) continue;
    const ref: ObjectRef = { kind: inv.kind, namespace: inv.namespace || undefined, name: inv.name };
    const key = `${inv.kind}/${inv.namespace}/${inv.name}`;
    if (found.has(key)) continue;
    const newest = state.eventsFor(ref).find((x) => CREATE_FAILURES.has(x.reason ?? '') && pattern.test(x.message ?? '')) ?? e;
    const obj = state.find<KubeObject>(ref);
    found.set(key, { owner: ref, workload: obj ? aiWorkloadOf(state, obj) : ref, event: newest, match: pattern.exec(newest.message ?? '')! });
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
    for (const { owner, workload: w, event, match } of failedCreates(state, RUNTIME_CLASS_MISSING)) {
      const name = match[1];
      if (state.get('RuntimeClass', undefined, name)) continue;
      detections.push({
        resource: w,
        rootCause: { kind: 'RuntimeClass', name },
        affected: [w],
        title: `RuntimeClass ${name} does not exist; ${w.kind} ${displayName(w)} cannot create pods`,
        explanation: `${w.kind} ${displayName(w)} sets runtimeClassName: ${name}; the API server rejects its pods because no RuntimeClass "${name}" exists.`,
        evidence: [`${w.kind} ${displayName(w)} ← ${owner.kind} ${owner.name}: FailedCreate ← RuntimeClass "${name}" not found`, eventLine(owner, event)],
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
    for (const { owner, workload: w, event, match } of failedCreates(state, INVALID_ACCELERATOR_REQUEST)) {
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
