/**
 * Parsing of the scheduler's "why no node fits" message, as kube-scheduler's FitError prints it
 * (pkg/scheduler/framework/types.go) and as its plugins word each reason
 * (pkg/scheduler/framework/plugins/*):
 *
 *   0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {key: value}.
 *   preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.
 *
 * Older releases: "node(s) didn't match node selector", "node(s) had taint {k: v}, that the pod
 * didn't tolerate", "node(s) had taints that the pod didn't tolerate"; pre-1.10:
 * "No nodes are available that match all of the following predicates:: Insufficient cpu (3), ...".
 * Volcano prints "0/4 nodes are unavailable: 4 Insufficient nvidia.com/gpu." or "all nodes are unavailable: ...".
 */

export type ReasonKind =
  | 'insufficient'
  | 'too-many-pods'
  | 'taint'
  | 'node-selector'
  | 'node-name'
  | 'unschedulable'
  | 'not-ready'
  | 'pod-affinity'
  | 'pod-anti-affinity'
  | 'existing-anti-affinity'
  | 'topology-spread'
  | 'host-port'
  | 'volume-node-affinity'
  | 'volume-binding'
  | 'unbound-pvc'
  | 'pvc-missing'
  | 'pvc-lost'
  | 'pvc-deleting'
  | 'max-volume-count'
  | 'disk-conflict'
  | 'other';

export interface FitReason {
  /** Nodes that failed for this reason (undefined for pod-level reasons such as unbound PVCs). */
  count?: number;
  text: string;
  kind: ReasonKind;
  /** For `insufficient`: the resource name as the scheduler prints it. */
  resource?: string;
  /** For `taint`: the taint key and value when the message names them. */
  taintKey?: string;
  taintValue?: string;
  /** For pvc-* reasons: the claim the scheduler names. */
  claim?: string;
}

export interface FitError {
  total?: number;
  reasons: FitReason[];
  /** The "preemption: ..." tail, kept verbatim for evidence. */
  preemption?: string;
}

const LEGACY_PREDICATES: Record<string, ReasonKind> = {
  MatchNodeSelector: 'node-selector',
  PodToleratesNodeTaints: 'taint',
  MatchInterPodAffinity: 'pod-affinity',
  PodFitsHostPorts: 'host-port',
  NoVolumeZoneConflict: 'volume-node-affinity',
  CheckNodeUnschedulable: 'unschedulable',
  NodeUnschedulable: 'unschedulable',
  NoDiskConflict: 'disk-conflict',
  MaxVolumeCount: 'max-volume-count',
  CheckVolumeBinding: 'volume-binding',
  HostName: 'node-name',
  CheckNodeCondition: 'not-ready',
};

/** Classifies one reason as a plugin prints it. */
export function classifyReason(text: string, count?: number): FitReason {
  const t = text.trim();
  const lower = t.toLowerCase();
  const base = { count, text: t };
  let m: RegExpExecArray | null;
  if ((m = /^insufficient (\S+)/i.exec(t))) return { ...base, kind: 'insufficient', resource: m[1] };
  if (lower.includes('too many pods') || lower.includes('pod number exceeded')) return { ...base, kind: 'too-many-pods' };
  if ((m = /untolerated taint \{([^:}]*):\s?([^}]*)\}/i.exec(t)) || (m = /had taint \{([^:}]*):\s?([^}]*)\}/i.exec(t))) {
    return { ...base, kind: 'taint', taintKey: m[1].trim(), taintValue: m[2].trim() };
  }
  if (lower.includes("taints that the pod didn't tolerate") || lower.includes('untolerated taint')) return { ...base, kind: 'taint' };
  if (lower.includes("didn't satisfy existing pods anti-affinity")) return { ...base, kind: 'existing-anti-affinity' };
  if (lower.includes("didn't match pod anti-affinity")) return { ...base, kind: 'pod-anti-affinity' };
  if (lower.includes("didn't match pod affinity")) return { ...base, kind: 'pod-affinity' };
  if (lower.includes('node affinity/selector') || lower.includes("didn't match node selector") || lower.includes("didn't match pod's node affinity") || lower.includes("didn't match node affinity")) {
    return { ...base, kind: 'node-selector' };
  }
  if (lower.includes('topology spread constraints')) return { ...base, kind: 'topology-spread' };
  if (lower.includes('free ports')) return { ...base, kind: 'host-port' };
  if (lower.includes('were unschedulable')) return { ...base, kind: 'unschedulable' };
  if (lower.includes('volume node affinity conflict') || lower.includes('no available volume zone')) return { ...base, kind: 'volume-node-affinity' };
  if (lower.includes("didn't find available persistent volumes") || lower.includes('did not have enough free storage')) return { ...base, kind: 'volume-binding' };
  if (lower.includes('unbound immediate persistentvolumeclaims')) return { ...base, kind: 'unbound-pvc' };
  if ((m = /persistentvolumeclaim "?([^"\s]+)"? bound to non-existent persistentvolume/i.exec(t))) return { ...base, kind: 'pvc-lost', claim: m[1] };
  if ((m = /persistentvolumeclaim "?([^"\s]+)"? is being deleted/i.exec(t))) return { ...base, kind: 'pvc-deleting', claim: m[1] };
  if ((m = /persistentvolumeclaim "?([^"\s]+)"? not found/i.exec(t))) return { ...base, kind: 'pvc-missing', claim: m[1] };
  if (lower.includes('max volume count')) return { ...base, kind: 'max-volume-count' };
  if (lower.includes('no available disk') || lower.includes('readwriteoncepod')) return { ...base, kind: 'disk-conflict' };
  if (lower.includes("didn't match the requested node name") || lower.includes("didn't match the requested hostname")) return { ...base, kind: 'node-name' };
  if (lower.includes('not ready') || lower.includes('unknown conditions') || lower.includes('unreachable') || lower.includes('network is unavailable')) return { ...base, kind: 'not-ready' };
  return { ...base, kind: 'other' };
}

/** Parses a FailedScheduling message; undefined when it is not a fit error at all. */
export function parseFitError(message: string): FitError | undefined {
  const text = message.replace(/\s+/g, ' ').trim();
  const legacy = /following predicates::? (.*)$/.exec(text);
  if (legacy) {
    const reasons = legacy[1].replace(/\.$/, '').split(/, (?=[A-Z])/).map((item) => {
      const m = /^(.*?) \((\d+)\)$/.exec(item.trim());
      const name = m ? m[1] : item.trim();
      const count = m ? Number(m[2]) : undefined;
      const kind = LEGACY_PREDICATES[name];
      return kind ? { count, text: name, kind } : classifyReason(name, count);
    });
    return { reasons };
  }
  const head = /(?:(\d+)\/(\d+)|all) nodes are (?:un)?available:? ?(.*)$/.exec(text);
  if (!head) {
    // Pre-filter failures are printed without the node histogram (e.g. `persistentvolumeclaim "x" not found`).
    const reason = classifyReason(text.replace(/^.*?PreFilter plugin "?\w+"?:? ?/, ''));
    return reason.kind === 'other' ? undefined : { reasons: [reason] };
  }
  let body = head[3];
  let preemption: string | undefined;
  const cut = body.search(/\.? ?preemption: /);
  if (cut >= 0) {
    preemption = body.slice(cut).replace(/^\.? ?/, '');
    body = body.slice(0, cut);
  }
  body = body.replace(/\.+$/, '').trim();
  const reasons: FitReason[] = [];
  // Reasons are joined by ", "; a new one starts with its node count. Pod-level reasons have no count.
  for (const item of body.split(/, (?=\d+ )/)) {
    if (!item) continue;
    const m = /^(\d+) (.*)$/.exec(item);
    reasons.push(m ? classifyReason(m[2], Number(m[1])) : classifyReason(item));
  }
  return { total: head[2] ? Number(head[2]) : undefined, reasons, preemption };
}

/** Reasons that only say the node is not meant for the pod; the pod may still fit elsewhere. */
const EXCLUDING: ReadonlySet<ReasonKind> = new Set(['taint', 'node-selector', 'node-name', 'unschedulable', 'not-ready', 'other']);
/** Pod-level reasons: the scheduler stopped before looking at nodes. */
const POD_LEVEL: ReadonlySet<ReasonKind> = new Set(['unbound-pvc', 'pvc-missing', 'pvc-lost', 'pvc-deleting']);

/**
 * The reason to act on. The scheduler stops at the first failing filter for each node, and the
 * early filters (taints, selectors, cordons) mostly mark nodes the pod was never meant for; the
 * reason on the remaining nodes (resources, affinity, spread, volumes) is what blocks it.
 */
export function primaryReason(fit: FitError): FitReason | undefined {
  const podLevel = fit.reasons.find((r) => POD_LEVEL.has(r.kind));
  if (podLevel) return podLevel;
  const deep = fit.reasons.filter((r) => !EXCLUDING.has(r.kind));
  const pool = deep.length > 0 ? deep : fit.reasons.filter((r) => r.kind !== 'other');
  let best: FitReason | undefined;
  for (const r of pool) if (!best || (r.count ?? 0) > (best.count ?? 0)) best = r;
  return best ?? fit.reasons[0];
}
