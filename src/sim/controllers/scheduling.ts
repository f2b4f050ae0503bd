import type { Node, Pod } from '../../cluster/types.js';
import { podRequests, type ResourceAmounts } from './resources.js';

/**
 * The default scheduler's placement decision, pure: filter nodes in kube-scheduler's plugin order
 * (first failing plugin wins per node), score the feasible ones, and otherwise build the exact
 * FitError text kube-scheduler puts in the FailedScheduling event.
 */
export interface NodeSnapshot {
  node: Node;
  allocatable: ResourceAmounts;
  requested: ResourceAmounts;
  podCount: number;
  usedHostPorts: Set<string>;
  /** Pods per controlling owner uid, for spreading replicas (the default topology spread). */
  ownerCounts?: Map<string, number>;
}

export type Placement = { nodeName: string } | { message: string };

type Verdict =
  | { fit: true }
  // resolvable: preemption could in principle help (resources, ports); otherwise it cannot.
  | { fit: false; reasons: string[]; resolvable: boolean };

interface Toleration { key?: string; operator?: string; value?: string; effect?: string }
interface Taint { key: string; value?: string; effect: string }

export function tolerates(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

function matchesNodeSelectorTerm(
  term: { matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>; matchFields?: Array<{ key: string; operator: string; values?: string[] }> },
  node: Node,
): boolean {
  const labels = node.metadata.labels ?? {};
  const exprOk = (term.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    const has = e.key in labels;
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(value);
      case 'NotIn': return !has || !(e.values ?? []).includes(value);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      case 'Gt': return has && Number(value) > Number(e.values?.[0]);
      case 'Lt': return has && Number(value) < Number(e.values?.[0]);
      default: return false;
    }
  });
  const fieldsOk = (term.matchFields ?? []).every((f) =>
    f.key === 'metadata.name' && (f.operator === 'In' ? (f.values ?? []).includes(node.metadata.name) : !(f.values ?? []).includes(node.metadata.name)));
  return exprOk && fieldsOk;
}

function matchesNodeAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required?.nodeSelectorTerms?.length) return true;
  return required.nodeSelectorTerms.some((term) => matchesNodeSelectorTerm(term, node));
}

export function podHostPorts(pod: Pod): string[] {
  const ports: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.hostPort) ports.push(`${p.protocol ?? 'TCP'}/${p.hostPort}`);
  }
  return ports;
}

function filterNode(pod: Pod, request: ResourceAmounts, snap: NodeSnapshot): Verdict {
  const { node } = snap;
  const tolerations = pod.spec?.tolerations as Toleration[] | undefined;
  if (node.spec?.unschedulable && !tolerates(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { fit: false, reasons: ['node(s) were unschedulable'], resolvable: false };
  }
  if (pod.spec?.nodeName && pod.spec.nodeName !== node.metadata.name) {
    return { fit: false, reasons: ["node(s) didn't match the requested node name"], resolvable: false };
  }
  const untolerated = (node.spec?.taints ?? []).find((t) =>
    (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tolerations, t as Taint));
  if (untolerated) {
    return { fit: false, reasons: [`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`], resolvable: false };
  }
  if (!matchesNodeAffinity(pod, node)) {
    return { fit: false, reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false };
  }
  if (podHostPorts(pod).some((p) => snap.usedHostPorts.has(p))) {
    return { fit: false, reasons: ["node(s) didn't have free ports for the requested pod ports"], resolvable: true };
  }
  const reasons: string[] = [];
  if (snap.podCount + 1 > (snap.allocatable.pods ?? 110)) reasons.push('Too many pods');
  for (const [resource, amount] of Object.entries(request)) {
    if (amount <= 0 || resource === 'pods') continue;
    if ((snap.requested[resource] ?? 0) + amount > (snap.allocatable[resource] ?? 0)) reasons.push(`Insufficient ${resource}`);
  }
  return reasons.length ? { fit: false, reasons, resolvable: true } : { fit: true };
}

/**
 * LeastAllocated over cpu and memory (the default NodeResourcesFit strategy), minus a penalty
 * per sibling pod already on the node, as the default pod topology spread does for replicas.
 */
function score(request: ResourceAmounts, snap: NodeSnapshot, owner: string | undefined): number {
  let total = owner ? -(snap.ownerCounts?.get(owner) ?? 0) : 0;
  for (const resource of ['cpu', 'memory']) {
    const capacity = snap.allocatable[resource] ?? 0;
    if (capacity <= 0) continue;
    total += (capacity - (snap.requested[resource] ?? 0) - (request[resource] ?? 0)) / capacity;
  }
  return total;
}

/** kube-scheduler's adaptive percentageOfNodesToScore: stop filtering once this many nodes fit. */
export function feasibleNodesToFind(numNodes: number): number {
  if (numNodes < 100) return numNodes;
  const percentage = Math.max(5, 50 - Math.floor(numNodes / 125));
  return Math.max(100, Math.floor((numNodes * percentage) / 100));
}

function histogram(reasons: Map<string, number>): string {
  return [...reasons].map(([reason, count]) => `${count} ${reason}`).sort().join(', ');
}

/** `0/N nodes are available: <filter reasons>. preemption: 0/N nodes are available: <postfilter reasons>.` */
export function fitErrorMessage(numNodes: number, filterReasons: Map<string, number>, preemption: Map<string, number>, preFilterMessage?: string): string {
  let message = `0/${numNodes} nodes are available:`;
  if (preFilterMessage) message += ` ${preFilterMessage}.`;
  else if (filterReasons.size) message += ` ${histogram(filterReasons)}.`;
  if (preemption.size) message += ` preemption: 0/${numNodes} nodes are available: ${histogram(preemption)}.`;
  return message;
}

const NO_VICTIMS = 'No preemption victims found for incoming pod';
const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/**
 * Place one pod. `startIndex` rotates where filtering begins, as kube-scheduler does, so that
 * large clusters are not always scanned from the first node.
 */
export function placePod(pod: Pod, nodes: NodeSnapshot[], startIndex = 0, preFilterMessage?: string): Placement {
  const preemption = new Map<string, number>();
  if (preFilterMessage) {
    if (nodes.length) preemption.set(NOT_HELPFUL, nodes.length);
    return { message: fitErrorMessage(nodes.length, new Map(), preemption, preFilterMessage) };
  }
  const request = podRequests(pod);
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid;
  const wanted = feasibleNodesToFind(nodes.length);
  const reasons = new Map<string, number>();
  let best: { snap: NodeSnapshot; score: number } | undefined;
  let feasible = 0;
  for (let i = 0; i < nodes.length && feasible < wanted; i++) {
    const snap = nodes[(startIndex + i) % nodes.length];
    const verdict = filterNode(pod, request, snap);
    if (verdict.fit) {
      feasible++;
      const s = score(request, snap, owner);
      if (!best || s > best.score || (s === best.score && snap.node.metadata.name < best.snap.node.metadata.name)) best = { snap, score: s };
      continue;
    }
    for (const reason of verdict.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    const key = verdict.resolvable ? NO_VICTIMS : NOT_HELPFUL;
    preemption.set(key, (preemption.get(key) ?? 0) + 1);
  }
  if (best) return { nodeName: best.snap.node.metadata.name };
  if (nodes.length === 0) return { message: `no nodes available to schedule pods` };
  return { message: fitErrorMessage(nodes.length, reasons, preemption) };
}
