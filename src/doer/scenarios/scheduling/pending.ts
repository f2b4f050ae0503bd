/**
 * The unschedulable pods of a cluster, computed once per ClusterState and shared by the
 * scheduling, storage and accelerator scenarios, so each pod is read once and every pod is
 * attributed to exactly one cause.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { parseQuantity } from '../../../cluster/quantity.js';
import type { Node, Pod } from '../../../cluster/types.js';
import { ageSeconds, eventLine, isActivePod, podCondition, statusLine } from '../util.js';
import { type FitError, type FitReason, parseFitError, primaryReason } from './fit-error.js';

export interface UnschedulablePod {
  pod: Pod;
  message: string;
  /** The event or condition line that carries the message. */
  evidence: string;
  fit: FitError;
  primary: FitReason;
  /** The blocking reason is about an accelerator (resource, taint or selector): accelerator scenarios own it. */
  accelerator: boolean;
}

/** Extended resources that are accelerators (GPUs, NPUs, MIG slices, TPUs, Neuron cores...). */
const ACCELERATOR_RESOURCE = /^(nvidia\.com\/|amd\.com\/gpu|gpu\.intel\.com\/|huawei\.com\/|habana\.ai\/|aws\.amazon\.com\/neuron|google\.com\/tpu|cambricon\.com\/|hygon\.com\/|metax-tech\.com\/|iluvatar\.ai\/|enflame\.com\/|xilinx\.com\/)/i;

export function isAcceleratorResource(name: string): boolean {
  return ACCELERATOR_RESOURCE.test(name);
}

/** Node labels and taints that are about accelerators. */
export const ACCELERATOR_LABEL = /^(nvidia\.com\/|amd\.com\/|huawei\.com\/|accelerator$|cloud\.google\.com\/gke-accelerator|cloud\.google\.com\/gke-tpu|karpenter\.k8s\.aws\/instance-gpu|feature\.node\.kubernetes\.io\/pci-(10de|1002)|node\.kubernetes\.io\/npu|gpu|.*\/gpu[.-]|.*\/accelerator)/i;

/** Effective request of a pod for a resource: max(sum of containers, any init container). Extended resources default to their limit. */
export function podRequest(pod: Pod, resource: string): number {
  const of = (c: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }) =>
    parseQuantity(c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource]) ?? 0;
  const sum = (pod.spec?.containers ?? []).reduce((total, c) => total + of(c), 0);
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map(of));
  return Math.max(sum, init);
}

/** Resource names a pod requests (containers and init containers, requests or limits). */
export function requestedResources(pod: Pod): string[] {
  const names = new Set<string>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const k of Object.keys(c.resources?.requests ?? {})) names.add(k);
    for (const k of Object.keys(c.resources?.limits ?? {})) names.add(k);
  }
  return [...names];
}

export function acceleratorRequests(pod: Pod): string[] {
  return requestedResources(pod).filter((r) => isAcceleratorResource(r) && podRequest(pod, r) > 0);
}

export function nodeQuantity(node: Node, resource: string, field: 'allocatable' | 'capacity' = 'allocatable'): number {
  return parseQuantity(node.status?.[field]?.[resource]) ?? 0;
}

const cache = new WeakMap<ClusterState, UnschedulablePod[]>();

/**
 * Pods the scheduler could not place, with its message. Skips pods younger than a minute
 * (the scheduler may still be retrying) and pods without any scheduler complaint.
 */
export function unschedulablePods(state: ClusterState): UnschedulablePod[] {
  const cached = cache.get(state);
  if (cached) return cached;
  const result: UnschedulablePod[] = [];
  for (const pod of state.pods) {
    if (!isActivePod(pod) || pod.spec?.nodeName || pod.status?.phase !== 'Pending') continue;
    if (ageSeconds(state, pod.metadata.creationTimestamp) < 60) continue;
    const found = schedulerMessage(state, pod);
    if (!found) continue;
    const fit = parseFitError(found.message);
    const primary = fit && refinePrimary(state, pod, fit, primaryReason(fit));
    if (!fit || !primary) continue;
    result.push({ pod, ...found, fit, primary, accelerator: isAcceleratorBlock(pod, primary) });
  }
  cache.set(state, result);
  return result;
}

/**
 * "1 node(s) had untolerated taint {dedicated: ml}, 2 node(s) didn't match Pod's node affinity/selector":
 * when some node does match the pod's selector, the selector is not the problem — the reason on
 * the nodes it targets (taint, cordon, not ready) is.
 */
function refinePrimary(state: ClusterState, pod: Pod, fit: FitError, primary: FitReason | undefined): FitReason | undefined {
  // Conversely, taints on other nodes do not matter when no node carries the labels the pod selects.
  const selector = fit.reasons.find((r) => r.kind === 'node-selector');
  if (primary?.kind === 'taint' && selector && state.nodes.length > 0 && !state.nodes.some((n) => nodeMatchesPod(n, pod))) return selector;
  if (primary?.kind !== 'node-selector') return primary;
  const others = fit.reasons.filter((r) => r.kind === 'taint' || r.kind === 'unschedulable' || r.kind === 'not-ready');
  if (others.length === 0 || !state.nodes.some((n) => nodeMatchesPod(n, pod))) return primary;
  return others.reduce((best, r) => ((r.count ?? 0) > (best.count ?? 0) ? r : best));
}

function schedulerMessage(state: ClusterState, pod: Pod): { message: string; evidence: string } | undefined {
  const events = state.eventsFor({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name });
  // The cluster autoscaler is adding a node for it right now: not (yet) a fault.
  if (events.some((e) => e.reason === 'TriggeredScaleUp' && ageSeconds(state, e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp) < 600)) return undefined;
  const event = events.find((e) => e.reason === 'FailedScheduling');
  if (event?.message) return { message: event.message, evidence: eventLine(pod, event) };
  const cond = podCondition(pod, 'PodScheduled');
  if (cond?.status === 'False' && cond.reason === 'Unschedulable' && cond.message) {
    return { message: cond.message, evidence: statusLine(pod, `condition PodScheduled=False reason=Unschedulable: ${cond.message}`) };
  }
  return undefined;
}

function isAcceleratorBlock(pod: Pod, primary: FitReason): boolean {
  const wanted = acceleratorRequests(pod);
  if (primary.kind === 'insufficient') return !!primary.resource && isAcceleratorResource(primary.resource);
  if (wanted.length === 0) return false;
  if (primary.kind === 'taint') return !!primary.taintKey && ACCELERATOR_LABEL.test(primary.taintKey);
  if (primary.kind === 'node-selector') return acceleratorSelectorKeys(pod).length > 0;
  return false;
}

/** Keys of a pod's nodeSelector and required node affinity that name accelerator labels. */
export function acceleratorSelectorKeys(pod: Pod): string[] {
  return selectorRequirements(pod).map((r) => r.key).filter((k) => ACCELERATOR_LABEL.test(k));
}

export interface NodeRequirement {
  key: string;
  operator: string;
  values: string[];
}

/** nodeSelector entries and the first required node-affinity term's expressions, as requirements. */
export function selectorRequirements(pod: Pod): NodeRequirement[] {
  const reqs: NodeRequirement[] = Object.entries(pod.spec?.nodeSelector ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const e of term.matchExpressions ?? []) reqs.push({ key: e.key, operator: e.operator, values: e.values ?? [] });
  }
  return reqs;
}

export function nodeMeets(node: Node, req: NodeRequirement): boolean {
  const labels = node.metadata.labels ?? {};
  const has = req.key in labels;
  const value = labels[req.key];
  switch (req.operator) {
    case 'In': return has && req.values.includes(value);
    case 'NotIn': return !has || !req.values.includes(value);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && Number(value) > Number(req.values[0]);
    case 'Lt': return has && Number(value) < Number(req.values[0]);
    default: return false;
  }
}

/** Whether the node satisfies the pod's nodeSelector and (any of) its required node-affinity terms. */
export function nodeMatchesPod(node: Node, pod: Pod): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return true;
  return terms.some((t) => (t.matchExpressions ?? []).every((e) => nodeMeets(node, { key: e.key, operator: e.operator, values: e.values ?? [] })));
}
