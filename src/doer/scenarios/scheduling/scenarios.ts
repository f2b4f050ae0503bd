import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import { formatBytes, parseQuantity } from '../../../cluster/quantity.js';
import { formatSelector, matchesSelector, type LabelSelector } from '../../../cluster/selectors.js';
import type { Node, ObjectRef, Pod } from '../../../cluster/types.js';
import type { Detection, Scenario, Severity } from '../../types.js';
import { ageSeconds, eventLine, eventsMatching, isActivePod, kubectl, kubectlRef, label } from '../util.js';
import type { ReasonKind } from './fit-error.js';
import { nodeMatchesPod, podRequest, selectorRequirements, unschedulablePods, type UnschedulablePod } from './pending.js';

/** What a scenario concludes about one unschedulable pod. */
interface Resolution {
  rootCause: ObjectRef;
  title: string;
  explanation: string;
  evidence?: string[];
  remediation: string[];
  confidence: number;
  affected?: ObjectRef[];
  severity?: Severity;
}

interface FitScenarioSpec {
  id: string;
  title: string;
  description: string;
  kinds: ReasonKind[];
  severity?: Severity;
  hops?: number;
  /** Returns undefined to leave the pod to another scenario of the same reason. */
  resolve(state: ClusterState, item: UnschedulablePod, context: NodeContext): Resolution | undefined;
}

/**
 * Per-run facts about the nodes, each computed at most once per scenario run (O(nodes) or
 * O(pods)), so a thousand pending pods do not rescan the cluster a thousand times.
 */
export interface NodeContext {
  nodes: readonly Node[];
  maxAllocatable(resource: string): number;
  /** Nodes with a NoSchedule/NoExecute taint of this key (any key when undefined). */
  tainted(key: string | undefined): Node[];
  cordoned(): Node[];
  /** Nodes running as many active pods as status.allocatable.pods allows. */
  full(): Node[];
  /** Distinct values of a node label (topology domains). */
  domains(key: string): number;
  /** Any other per-run value, computed once per key. */
  once<T>(key: string, compute: () => T): T;
}

function memo<T>(compute: (key: string) => T): (key: string) => T {
  const values = new Map<string, T>();
  return (key) => {
    if (!values.has(key)) values.set(key, compute(key));
    return values.get(key) as T;
  };
}

function nodeContext(state: ClusterState): NodeContext {
  const nodes = state.nodes;
  const max = memo((resource) => nodes.reduce((m, n) => Math.max(m, parseQuantity(n.status?.allocatable?.[resource]) ?? 0), 0));
  const tainted = memo((key) => nodes.filter((n) => (n.spec?.taints ?? []).some((t) => (key ? t.key === key : true) && (t.effect === 'NoSchedule' || t.effect === 'NoExecute'))));
  const once = memo((what) => (what === 'cordoned'
    ? nodes.filter((n) => n.spec?.unschedulable)
    : nodes.filter((n) => state.podsOnNode(n.metadata.name).filter(isActivePod).length >= (parseQuantity(n.status?.allocatable?.pods) ?? Infinity))));
  const domains = memo((key) => new Set(nodes.map((n) => n.metadata.labels?.[key]).filter(Boolean)).size);
  const values = new Map<string, unknown>();
  const anyOnce = <T>(key: string, compute: () => T): T => {
    if (!values.has(key)) values.set(key, compute());
    return values.get(key) as T;
  };
  return { nodes, maxAllocatable: max, tainted: (key) => tainted(key ?? ''), cordoned: () => once('cordoned'), full: () => once('full'), domains, once: anyOnce };
}

/** A scenario for one family of FailedScheduling reasons: each unschedulable pod goes to one scenario. */
function fitScenario(spec: FitScenarioSpec): Scenario {
  return {
    id: spec.id,
    category: 'scheduling',
    severity: spec.severity ?? 'critical',
    title: spec.title,
    description: spec.description,
    hops: spec.hops,
    detect(state) {
      const items = unschedulablePods(state).filter((u) => !u.accelerator && spec.kinds.includes(u.primary.kind));
      if (items.length === 0) return [];
      const context = nodeContext(state);
      const detections: Detection[] = [];
      for (const item of items) {
        const r = spec.resolve(state, item, context);
        if (!r) continue;
        const workload = state.workloadOf(item.pod);
        const others = item.fit.reasons.filter((x) => x !== item.primary).map((x) => `${x.count ?? ''} ${x.text}`.trim());
        detections.push({
          resource: refOf(item.pod),
          rootCause: r.rootCause,
          affected: [workload, ...(r.affected ?? [])],
          title: r.title,
          explanation: r.explanation + (others.length ? ` (Other nodes were excluded for: ${others.join('; ')}.)` : ''),
          evidence: [item.evidence, ...(r.evidence ?? [])],
          remediation: r.remediation,
          confidence: r.confidence,
          severity: r.severity,
        });
      }
      return detections;
    },
  };
}

const editWorkload = (w: ObjectRef, what: string) => `${what}: ${kubectl(w.namespace, `edit ${kubectlRef(w)}`)}`;
const podsName = (item: UnschedulablePod) => `Pod ${displayName(refOf(item.pod))}`;

const insufficientResources = fitScenario({
  id: 'scheduling.insufficient-resources',
  title: 'Pods do not fit: nodes lack free CPU, memory or other resources',
  description:
    'The scheduler reports "Insufficient <resource>" for the nodes the pod could run on: their allocatable capacity minus what ' +
    'running pods request is smaller than the pod\'s requests. Evidence: FailedScheduling events or the PodScheduled condition. ' +
    'Fix: lower the workload\'s requests to what it really uses, free capacity (scale down other workloads), or add nodes.',
  kinds: ['insufficient'],
  resolve(state, item, ctx) {
    const resource = item.primary.resource ?? 'cpu';
    const wanted = podRequest(item.pod, resource);
    const max = ctx.maxAllocatable(resource);
    if (exceedsEveryNode(ctx, resource, wanted)) return undefined;
    const w = state.workloadOf(item.pod);
    const amount = fmt(resource, wanted);
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} requests more ${resource} than any node has free`,
      explanation:
        `${podsName(item)} requests ${amount} ${resource}; no node has that much unreserved ${resource} left (the largest node offers ` +
        `${fmt(resource, max)} allocatable), so it stays Pending until capacity frees up.`,
      remediation: [
        editWorkload(w, `lower resources.requests.${resource} of ${w.kind} ${displayName(w)}`),
        'or free capacity / add nodes: kubectl describe nodes | grep -A8 "Allocated resources"',
      ],
      confidence: 0.85,
    };
  },
});

const requestExceedsNode = fitScenario({
  id: 'scheduling.request-exceeds-node-capacity',
  title: 'Pods request more than any node can ever offer',
  description:
    'The pod requests more of a resource than the allocatable capacity of the largest node (or a resource no node offers), so it ' +
    'can never be scheduled, however empty the cluster is. Evidence: "Insufficient <resource>" in FailedScheduling and the nodes\' ' +
    'status.allocatable. Fix: lower the request in the workload or add a node type large enough.',
  kinds: ['insufficient'],
  resolve(state, item, ctx) {
    const resource = item.primary.resource ?? 'cpu';
    const wanted = podRequest(item.pod, resource);
    const max = ctx.maxAllocatable(resource);
    if (!exceedsEveryNode(ctx, resource, wanted)) return undefined;
    const w = state.workloadOf(item.pod);
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} requests ${fmt(resource, wanted)} ${resource}, more than any node has`,
      explanation:
        `${podsName(item)} requests ${fmt(resource, wanted)} ${resource} but the largest node offers ${fmt(resource, max)} allocatable; ` +
        `no node can ever run it.`,
      evidence: [`Nodes: largest status.allocatable.${resource} = ${fmt(resource, max)} (${ctx.nodes.length} nodes)`],
      remediation: [editWorkload(w, `set resources.requests.${resource} ≤ ${fmt(resource, max)}`), `or add a node with more than ${fmt(resource, wanted)} ${resource}`],
      confidence: 0.95,
    };
  },
});

/** True when no node could hold the request even empty (a resource no node offers counts as 0). */
function exceedsEveryNode(ctx: NodeContext, resource: string, wanted: number): boolean {
  return ctx.nodes.length > 0 && wanted > ctx.maxAllocatable(resource);
}

function fmt(resource: string, value: number): string {
  if (resource === 'cpu') return value < 1 ? `${Math.round(value * 1000)}m` : `${Number(value.toFixed(3))}`;
  if (resource === 'memory' || resource.includes('storage') || resource.startsWith('hugepages')) return formatBytes(value);
  return String(value);
}

const CONDITION_TAINT = /^node\.kubernetes\.io\/|^node\.cloudprovider\.kubernetes\.io\/uninitialized/;
const CONTROL_PLANE_TAINT = /^node-role\.kubernetes\.io\/(control-plane|master)$/;

const untoleratedTaint = fitScenario({
  id: 'scheduling.untolerated-taint',
  title: 'Pods cannot go to tainted nodes',
  description:
    'Every node the pod could use carries a NoSchedule/NoExecute taint the pod does not tolerate ("node(s) had untolerated taint ' +
    '{key: value}", older "had taint {...}, that the pod didn\'t tolerate"). When the taint marks a node condition (not-ready, ' +
    'disk-pressure, uninitialized) or a control-plane node, the node is what to fix; when the pod targets dedicated nodes, the ' +
    'workload lacks a toleration. Fix: add the toleration to the workload, or remove the taint (kubectl taint nodes N key-).',
  kinds: ['taint'],
  resolve(state, item, ctx) {
    const key = item.primary.taintKey;
    const tainted = ctx.tainted(key);
    const w = state.workloadOf(item.pod);
    const taintText = key ? `{${key}: ${item.primary.taintValue ?? ''}}` : 'taints';
    const nodeIsCause = !!key && (CONDITION_TAINT.test(key) || CONTROL_PLANE_TAINT.test(key)) && tainted.length > 0;
    if (nodeIsCause) {
      const [first, ...rest] = tainted;
      const ref = refOf(first);
      return {
        rootCause: ref,
        title: `Node ${first.metadata.name} is tainted ${taintText}; pods cannot be scheduled`,
        explanation:
          `${podsName(item)} does not tolerate taint ${taintText} on node ${first.metadata.name}` +
          (CONDITION_TAINT.test(key) ? ', which the node lifecycle controller sets while the node is unhealthy.' : ', which keeps workloads off control-plane nodes; the cluster has no other node for them.'),
        evidence: tainted.slice(0, 3).map((n) => `${label(n)}: spec.taints ${JSON.stringify((n.spec?.taints ?? []).filter((t) => t.key === key))}`),
        affected: rest.map(refOf),
        remediation: CONDITION_TAINT.test(key)
          ? [`repair node ${first.metadata.name} (kubectl describe node ${first.metadata.name}); the taint is removed when its condition clears`]
          : [`kubectl taint nodes ${first.metadata.name} ${key}-`, 'or add worker nodes'],
        confidence: 0.8,
        severity: CONDITION_TAINT.test(key) ? 'warning' : undefined,
      };
    }
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} does not tolerate taint ${taintText}`,
      explanation: `The nodes ${podsName(item)} could use are tainted ${taintText} and the pod template has no matching toleration.`,
      evidence: tainted.slice(0, 3).map((n) => `${label(n)}: spec.taints ${JSON.stringify(n.spec?.taints ?? [])}`),
      remediation: [
        editWorkload(w, `add to spec.template.spec.tolerations: {key: "${key ?? '<key>'}", operator: "Exists", effect: "NoSchedule"}`),
        key && tainted[0] ? `or remove the taint: kubectl taint nodes ${tainted[0].metadata.name} ${key}-` : 'or remove the taint from the nodes',
      ],
      confidence: 0.85,
    };
  },
});

const nodeSelectorMismatch = fitScenario({
  id: 'scheduling.node-selector-mismatch',
  title: "Pods' nodeSelector or node affinity matches no node",
  description:
    'The pod\'s nodeSelector or required nodeAffinity excludes every node ("node(s) didn\'t match Pod\'s node affinity/selector", ' +
    'older "didn\'t match node selector"). Evidence: the message and the labels no node carries. Fix: correct the selector in the ' +
    'workload, or label the intended nodes (kubectl label node N key=value).',
  kinds: ['node-selector'],
  resolve(state, item, ctx) {
    const w = state.workloadOf(item.pod);
    const reqs = selectorRequirements(item.pod);
    const matching = ctx.nodes.filter((n) => nodeMatchesPod(n, item.pod));
    const unmet = reqs.filter((r) => !ctx.nodes.some((n) => {
      const v = n.metadata.labels?.[r.key];
      return r.operator === 'In' ? v !== undefined && r.values.includes(v) : r.operator === 'Exists' ? v !== undefined : true;
    }));
    const shown = (unmet.length ? unmet : reqs).map((r) => `${r.key} ${r.operator} (${r.values.join(',')})`).join('; ');
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} selects nodes that do not exist`,
      explanation:
        `${podsName(item)} requires nodes with ${shown || 'labels no node has'}; ${matching.length === 0 ? 'no node' : `only ${matching.length} node(s)`} ` +
        `in the cluster match${matching.length === 1 ? 'es' : ''}${matching.length ? ', and they are excluded for other reasons' : ''}.`,
      evidence: [`${label(item.pod)}: spec.nodeSelector=${JSON.stringify(item.pod.spec?.nodeSelector ?? {})}${item.pod.spec?.affinity?.nodeAffinity ? ' + required nodeAffinity' : ''}; nodes matching: ${matching.length}/${ctx.nodes.length}`],
      remediation: [
        editWorkload(w, 'fix spec.template.spec.nodeSelector / affinity.nodeAffinity'),
        unmet[0] ? `or label the intended nodes: kubectl label node <node> ${unmet[0].key}=${unmet[0].values[0] ?? ''}` : 'or label the intended nodes',
      ],
      confidence: matching.length === 0 ? 0.93 : 0.8,
    };
  },
});

/** Required pod-affinity terms of a pod, with the namespaces they look in. */
function affinityTerms(pod: Pod, kind: 'podAffinity' | 'podAntiAffinity') {
  const terms = pod.spec?.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const ns = pod.metadata.namespace ?? 'default';
  return terms.map((t) => ({ selector: t.labelSelector as LabelSelector | undefined, topologyKey: t.topologyKey, namespaces: t.namespaces?.length ? t.namespaces : [ns] }));
}

/** The workloads whose (running or desired) pods a selector matches. */
function workloadsSelected(state: ClusterState, namespaces: string[], selector: LabelSelector | undefined): ObjectRef[] {
  const found = new Map<string, ObjectRef>();
  for (const ns of namespaces) {
    for (const p of state.podsInNamespace(ns)) {
      if (isActivePod(p) && matchesSelector(selector, p.metadata.labels)) {
        const w = state.workloadOf(p);
        found.set(`${w.kind}/${w.namespace}/${w.name}`, w);
      }
    }
  }
  if (found.size === 0) {
    for (const w of [...state.deployments, ...state.statefulSets]) {
      const ns = w.metadata.namespace ?? 'default';
      if (namespaces.includes(ns) && matchesSelector(selector, w.spec?.template?.metadata?.labels)) found.set(`${w.kind}/${ns}/${w.metadata.name}`, refOf(w));
    }
  }
  return [...found.values()];
}

const podAffinityUnsatisfied = fitScenario({
  id: 'scheduling.pod-affinity-unsatisfied',
  title: 'Pods require co-location with pods that are not where they could run',
  description:
    'A required podAffinity term needs a node (or zone) already running matching pods, and none of the usable nodes has one ' +
    '("node(s) didn\'t match pod affinity rules"). The pods it must join belong to another workload, which has too few replicas ' +
    'or none, or the selector matches nothing. Fix: scale the workload it depends on, or relax the affinity (preferred instead of required).',
  kinds: ['pod-affinity'],
  hops: 2,
  resolve(state, item, ctx) {
    const w = state.workloadOf(item.pod);
    const terms = affinityTerms(item.pod, 'podAffinity');
    const targets = terms.flatMap((t) => ctx.once(`selected:${t.namespaces.join(',')}:${JSON.stringify(t.selector)}`, () => workloadsSelected(state, t.namespaces, t.selector))).filter((t) => !(t.kind === w.kind && t.name === w.name));
    const target = targets[0];
    const sel = terms.map((t) => `${formatSelector(t.selector)} per ${t.topologyKey}`).join('; ');
    if (target) {
      const pods = state.find(target);
      const replicas = (pods?.spec as { replicas?: number } | undefined)?.replicas;
      return {
        rootCause: target,
        title: `${w.kind} ${displayName(w)} must run next to ${target.kind} ${displayName(target)}, which has too few pods`,
        explanation:
          `${podsName(item)} requires a pod matching ${sel} on the same topology domain; those pods belong to ${target.kind} ` +
          `${displayName(target)}${replicas !== undefined ? ` (replicas: ${replicas})` : ''}, and no usable node runs one.`,
        affected: [w],
        remediation: [
          kubectl(target.namespace, `scale ${kubectlRef(target)} --replicas=<at least the replicas of ${w.name}>`),
          editWorkload(w, 'or relax spec.template.spec.affinity.podAffinity to preferredDuringSchedulingIgnoredDuringExecution'),
        ],
        confidence: 0.8,
      };
    }
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} requires affinity to pods that do not exist`,
      explanation: `${podsName(item)} requires co-location with pods matching ${sel}, but no running pod matches that selector.`,
      remediation: [editWorkload(w, 'fix the podAffinity labelSelector or make it preferred')],
      confidence: 0.8,
    };
  },
});

const podAntiAffinityUnsatisfied = fitScenario({
  id: 'scheduling.pod-anti-affinity-unsatisfied',
  title: 'Pods\' required anti-affinity leaves no node',
  description:
    'A required podAntiAffinity term forbids sharing a node (or zone) with matching pods — usually the workload\'s own replicas — and ' +
    'there are more replicas than topology domains ("node(s) didn\'t match pod anti-affinity rules"). Fix: lower replicas, add nodes, ' +
    'or make the anti-affinity preferred.',
  kinds: ['pod-anti-affinity'],
  resolve(state, item, ctx) {
    const w = state.workloadOf(item.pod);
    const terms = affinityTerms(item.pod, 'podAntiAffinity');
    const selfTerm = terms.find((t) => matchesSelector(t.selector, item.pod.metadata.labels));
    const topologyKey = selfTerm?.topologyKey ?? terms[0]?.topologyKey ?? 'kubernetes.io/hostname';
    const domains = ctx.domains(topologyKey);
    const replicas = (state.find(w)?.spec as { replicas?: number } | undefined)?.replicas;
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} has more replicas than its anti-affinity allows`,
      explanation:
        `${podsName(item)} must not share a ${topologyKey} domain with pods matching ${formatSelector((selfTerm ?? terms[0])?.selector)}; ` +
        `the cluster has ${domains} such domain(s)${replicas !== undefined ? ` for ${replicas} replicas` : ''}.`,
      evidence: [`${w.kind} ${displayName(w)}: required podAntiAffinity topologyKey=${topologyKey}; ${domains} distinct ${topologyKey} value(s) among ${ctx.nodes.length} nodes`],
      remediation: [
        replicas !== undefined ? kubectl(w.namespace, `scale ${kubectlRef(w)} --replicas=${Math.max(1, domains)}`) : `reduce the number of ${w.name} pods`,
        editWorkload(w, 'or use preferredDuringSchedulingIgnoredDuringExecution for the anti-affinity'),
        'or add nodes',
      ],
      confidence: 0.85,
    };
  },
});

const existingAntiAffinity = fitScenario({
  id: 'scheduling.existing-pods-anti-affinity',
  title: 'Other pods\' anti-affinity repels these pods',
  description:
    'Pods already running declare a required podAntiAffinity that matches this pod\'s labels, so the scheduler keeps it away from ' +
    'their nodes ("node(s) didn\'t satisfy existing pods anti-affinity rules"). The workload to change is the one declaring the ' +
    'anti-affinity. Fix: narrow that workload\'s anti-affinity selector, or change this pod\'s labels.',
  kinds: ['existing-anti-affinity'],
  hops: 2,
  resolve(state, item, ctx) {
    const w = state.workloadOf(item.pod);
    const ns = item.pod.metadata.namespace ?? 'default';
    // Placed pods of the namespace that declare required anti-affinity, collected once per namespace.
    const repellers = ctx.once(`anti:${ns}`, () => state.podsInNamespace(ns)
      .filter((p) => p.spec?.nodeName && isActivePod(p) && p.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length)
      .map((p) => ({ pod: p, terms: affinityTerms(p, 'podAntiAffinity') })));
    let repeller: ObjectRef | undefined;
    for (const { pod: p, terms } of repellers) {
      if (terms.some((t) => matchesSelector(t.selector, item.pod.metadata.labels))) {
        const other = state.workloadOf(p);
        if (!(other.kind === w.kind && other.name === w.name)) {
          repeller = other;
          break;
        }
      }
    }
    const root = repeller ?? w;
    return {
      rootCause: root,
      title: repeller ? `${root.kind} ${displayName(root)}'s anti-affinity keeps ${w.kind} ${displayName(w)} off its nodes` : `${w.kind} ${displayName(w)} is repelled by existing pods' anti-affinity`,
      explanation: `Running pods${repeller ? ` of ${repeller.kind} ${displayName(repeller)}` : ''} forbid pods labelled like ${podsName(item)} on their nodes.`,
      affected: repeller ? [w] : [],
      remediation: [editWorkload(root, 'narrow the podAntiAffinity labelSelector'), editWorkload(w, 'or change the pod labels')],
      confidence: repeller ? 0.8 : 0.6,
    };
  },
});

const topologySpread = fitScenario({
  id: 'scheduling.topology-spread-unsatisfiable',
  title: 'Topology spread constraints cannot be met',
  description:
    'A topologySpreadConstraint with whenUnsatisfiable: DoNotSchedule cannot be met by any node ("node(s) didn\'t match pod topology ' +
    'spread constraints", or "(missing required label)" when nodes lack the topologyKey label). Fix: raise maxSkew, use ScheduleAnyway, ' +
    'label the nodes with the topology key, or add nodes in the missing domain.',
  kinds: ['topology-spread'],
  resolve(state, item, ctx) {
    const w = state.workloadOf(item.pod);
    const constraints = (item.pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable !== 'ScheduleAnyway');
    const lines = constraints.map((c) => {
      const domains = ctx.domains(c.topologyKey);
      return `${w.kind} ${displayName(w)}: topologySpreadConstraint topologyKey=${c.topologyKey} maxSkew=${c.maxSkew} whenUnsatisfiable=${c.whenUnsatisfiable}; ${domains} domain(s) among nodes`;
    });
    const missingLabel = /missing required label/i.test(item.primary.text);
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)}'s topology spread constraints cannot be satisfied`,
      explanation: missingLabel
        ? `Nodes lack the topologyKey label required by ${podsName(item)}'s spread constraint, so no node qualifies.`
        : `Placing ${podsName(item)} on any usable node would exceed maxSkew of its spread constraint.`,
      evidence: lines,
      remediation: [editWorkload(w, 'raise maxSkew or set whenUnsatisfiable: ScheduleAnyway'), 'or add nodes in the under-populated topology domain'],
      confidence: 0.85,
    };
  },
});

const hostPortConflict = fitScenario({
  id: 'scheduling.host-port-conflict',
  title: 'Pods need a hostPort already taken on every node',
  description:
    'The pod asks for a hostPort that is already in use on each candidate node ("node(s) didn\'t have free ports for the requested pod ' +
    'ports"), typically more replicas than nodes, or another DaemonSet binding the same port. Fix: drop hostPort (use a Service) or ' +
    'run at most one replica per node.',
  kinds: ['host-port'],
  resolve(state, item) {
    const w = state.workloadOf(item.pod);
    const ports = (item.pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => `${p.hostPort}/${p.protocol ?? 'TCP'}`));
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} requests hostPort ${ports.join(', ') || '(see spec)'} already used on every node`,
      explanation: `${podsName(item)} binds hostPort ${ports.join(', ')}; every node that could run it already has a pod on that port.`,
      evidence: ports.length ? [`${w.kind} ${displayName(w)}: containers[].ports[].hostPort = ${ports.join(', ')}`] : [],
      remediation: [editWorkload(w, 'remove hostPort and expose the port through a Service'), 'or keep replicas ≤ number of nodes'],
      confidence: 0.85,
    };
  },
});

const nodesCordoned = fitScenario({
  id: 'scheduling.nodes-cordoned',
  title: 'Pods are Pending because nodes are cordoned',
  description:
    'Nodes the pod could use are marked unschedulable (spec.unschedulable, set by kubectl cordon/drain) — "node(s) were unschedulable" — ' +
    'and the others do not fit. Fix: uncordon the node once maintenance is over (kubectl uncordon N), or add capacity.',
  kinds: ['unschedulable'],
  resolve(state, item, ctx) {
    const cordoned = ctx.cordoned();
    const w = state.workloadOf(item.pod);
    if (cordoned.length === 0) return undefined;
    const [first, ...rest] = cordoned;
    return {
      rootCause: refOf(first),
      title: `Node ${first.metadata.name}${rest.length ? ` and ${rest.length} more` : ''} cordoned; pods cannot be scheduled`,
      explanation: `${podsName(item)} of ${w.kind} ${displayName(w)} has no schedulable node: ${cordoned.length} node(s) are cordoned (spec.unschedulable=true).`,
      evidence: cordoned.slice(0, 3).map((n) => `${label(n)}: spec.unschedulable=true`),
      affected: rest.map(refOf),
      remediation: cordoned.slice(0, 3).map((n) => `kubectl uncordon ${n.metadata.name}`),
      confidence: 0.88,
    };
  },
});

const tooManyPods = fitScenario({
  id: 'scheduling.node-pod-limit-reached',
  title: 'Nodes reached their maximum number of pods',
  description:
    'The nodes that could run the pod already hold status.allocatable.pods pods ("Too many pods"). The limit comes from the kubelet\'s ' +
    'maxPods (or the cloud CNI\'s IP limit per instance type). Fix: raise maxPods / use larger instances, add nodes, or remove idle pods.',
  kinds: ['too-many-pods'],
  resolve(state, item, ctx) {
    const full = ctx.full();
    const w = state.workloadOf(item.pod);
    if (full.length === 0) {
      return {
        rootCause: w,
        title: `Nodes are full (pod count limit); ${w.kind} ${displayName(w)} cannot be placed`,
        explanation: `${podsName(item)}: every usable node holds its maximum number of pods.`,
        remediation: ['raise the kubelet maxPods or add nodes'],
        confidence: 0.6,
      };
    }
    const [first, ...rest] = full;
    return {
      rootCause: refOf(first),
      title: `Node ${first.metadata.name}${rest.length ? ` and ${rest.length} more` : ''} at the pod limit`,
      explanation: `${podsName(item)} cannot be placed: ${full.length} node(s) already run status.allocatable.pods pods.`,
      evidence: full.slice(0, 3).map((n) => `${label(n)}: ${state.podsOnNode(n.metadata.name).filter(isActivePod).length} pods, allocatable.pods=${n.status?.allocatable?.pods}`),
      affected: rest.map(refOf),
      remediation: [`raise maxPods in the kubelet configuration of ${first.metadata.name} (or use a larger instance type)`, 'or add nodes'],
      confidence: 0.8,
    };
  },
});

const volumeNodeAffinity = fitScenario({
  id: 'scheduling.volume-node-affinity-conflict',
  title: 'Pods are pinned by their volume to a zone with no usable node',
  description:
    'The pod\'s PersistentVolume has node affinity (a zone or a local node) and no usable node satisfies it ("node(s) had volume node ' +
    'affinity conflict", "had no available volume zone"). Typical after a node in that zone was removed, or with a StorageClass using ' +
    'Immediate binding in a multi-zone cluster. Fix: add a node in the volume\'s zone; for new claims use volumeBindingMode: WaitForFirstConsumer.',
  kinds: ['volume-node-affinity'],
  hops: 2,
  resolve(state, item) {
    const w = state.workloadOf(item.pod);
    const ns = item.pod.metadata.namespace;
    const chain: string[] = [];
    let pv: ObjectRef | undefined;
    let pvc: ObjectRef | undefined;
    for (const ref of state.podReferences(item.pod)) {
      if (ref.kind !== 'PersistentVolumeClaim') continue;
      const claim = state.get<import('../../../cluster/types.js').PersistentVolumeClaim>('PersistentVolumeClaim', ns, ref.name);
      const volume = claim && state.volumeOf(claim);
      if (!claim || !volume) continue;
      const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
      const zones = terms.flatMap((t) => (t.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} (${(e.values ?? []).join(',')})`));
      const zoneLabel = volume.metadata.labels?.['topology.kubernetes.io/zone'] ?? volume.metadata.labels?.['failure-domain.beta.kubernetes.io/zone'];
      if (!zones.length && !zoneLabel) continue;
      pv = refOf(volume);
      pvc = refOf(claim);
      chain.push(`${label(item.pod)}: Pending ← PersistentVolumeClaim ${displayName(pvc)} ← PersistentVolume ${volume.metadata.name} requires ${zones.join('; ') || `zone ${zoneLabel}`}`);
      break;
    }
    if (!pv || !pvc) {
      return {
        rootCause: w,
        title: `${w.kind} ${displayName(w)}'s volumes are bound where no node can run it`,
        explanation: `${podsName(item)}'s volumes have node affinity that no usable node satisfies.`,
        remediation: ['kubectl get pv -o wide and compare nodeAffinity with the nodes\' topology.kubernetes.io/zone labels'],
        confidence: 0.6,
      };
    }
    return {
      rootCause: pv,
      title: `PersistentVolume ${pv.name} is in a zone with no usable node`,
      explanation: `${podsName(item)} uses claim ${displayName(pvc)}, bound to PersistentVolume ${pv.name}, whose node affinity no schedulable node satisfies.`,
      evidence: chain,
      affected: [pvc],
      remediation: [`add (or uncordon) a node in the zone PersistentVolume ${pv.name} requires`, 'for new claims use a StorageClass with volumeBindingMode: WaitForFirstConsumer'],
      confidence: 0.85,
    };
  },
});

const maxVolumeCount = fitScenario({
  id: 'scheduling.node-volume-limit-reached',
  title: 'Nodes reached their attachable volume limit',
  description:
    'Every usable node already has the maximum number of volumes of this type attached ("node(s) exceed max volume count", the CSI ' +
    'driver\'s allocatable count in CSINode). Fix: use larger instances with more attachment slots, add nodes, or consolidate volumes.',
  kinds: ['max-volume-count'],
  resolve(state, item) {
    const w = state.workloadOf(item.pod);
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} cannot be placed: nodes hit their volume attachment limit`,
      explanation: `${podsName(item)} needs to attach more volumes than any usable node can still take.`,
      remediation: ['kubectl get csinode -o yaml  # see allocatable.count per driver', 'add nodes or use instance types with more attachment slots'],
      confidence: 0.8,
      severity: 'warning',
    };
  },
});

const podWaitsForClaim = fitScenario({
  id: 'scheduling.pod-waiting-for-volume-claim',
  title: 'Pods wait for their PersistentVolumeClaims',
  description:
    'The scheduler will not place a pod whose claims are unbound (Immediate binding), missing or lost ("pod has unbound immediate ' +
    'PersistentVolumeClaims", "persistentvolumeclaim \\"x\\" not found"). This is a symptom: the storage finding for the claim names ' +
    'the cause, and this one is folded into it.',
  kinds: ['unbound-pvc', 'pvc-missing', 'pvc-lost', 'pvc-deleting', 'volume-binding', 'disk-conflict'],
  severity: 'critical',
  resolve(state, item) {
    const w = state.workloadOf(item.pod);
    return {
      rootCause: w,
      title: `${w.kind} ${displayName(w)} waits for its PersistentVolumeClaims`,
      explanation: `${podsName(item)} cannot be scheduled until its claims are bound: ${item.primary.text}.`,
      remediation: [kubectl(item.pod.metadata.namespace, 'get pvc'), kubectl(item.pod.metadata.namespace, 'describe pvc <claim>')],
      confidence: 0.5,
    };
  },
});

/** Consequence: the claims are explained by storage findings, which this folds into. */
const podWaitsForClaimScenario: Scenario = {
  ...podWaitsForClaim,
  consequence: true,
  detect(state) {
    return podWaitsForClaim.detect(state).map((d) => {
      const pod = state.find<Pod>(d.resource);
      const claims = pod ? state.podReferences(pod).filter((r) => r.kind === 'PersistentVolumeClaim').map((r) => ({ kind: r.kind, namespace: pod.metadata.namespace, name: r.name })) : [];
      return { ...d, dependsOn: claims };
    });
  },
};

/** Pods created through a controller whose PriorityClass does not exist: the API server refuses them. */
const priorityClassMissing: Scenario = {
  id: 'scheduling.priorityclass-missing',
  category: 'scheduling',
  severity: 'critical',
  title: 'Workload names a PriorityClass that does not exist',
  description:
    'The Priority admission plugin rejects pods whose priorityClassName names no PriorityClass ("no PriorityClass with name X was ' +
    'found"), so the ReplicaSet/StatefulSet/Job reports FailedCreate and no pod exists. Evidence: the controller\'s FailedCreate ' +
    'events. Fix: create the PriorityClass, or correct priorityClassName in the workload.',
  hops: 2,
  detect(state) {
    const detections: Detection[] = [];
    const pattern = /no PriorityClass with name (\S+?) was found/;
    for (const kind of ['ReplicaSet', 'StatefulSet', 'Job', 'DaemonSet']) {
      for (const owner of state.list(kind)) {
        const events = eventsMatching(state, owner, 'FailedCreate', pattern);
        if (events.length === 0) continue;
        const name = pattern.exec(events[0].message ?? '')?.[1] ?? '';
        if (state.hasKind('PriorityClass') && state.get('PriorityClass', undefined, name)) continue;
        const w = state.workloadOf(owner);
        detections.push({
          resource: w,
          rootCause: { kind: 'PriorityClass', name },
          affected: [refOf(owner)],
          title: `PriorityClass ${name} does not exist; ${w.kind} ${displayName(w)} cannot create pods`,
          explanation: `${w.kind} ${displayName(w)} sets priorityClassName: ${name}, and the API server rejects every pod it creates because no such PriorityClass exists.`,
          evidence: [`${w.kind} ${displayName(w)} ← ${owner.kind} ${owner.metadata.name}: FailedCreate ← PriorityClass "${name}" not found`, eventLine(owner, events[0])],
          remediation: [`kubectl create priorityclass ${name} --value=1000 --description="..."`, editWorkload(w, 'or fix spec.template.spec.priorityClassName')],
          confidence: 0.95,
        });
      }
    }
    return detections;
  },
};

/** Pods addressed to a scheduler that never looks at them stay Pending with no event at all. */
const schedulerNotRunning: Scenario = {
  id: 'scheduling.scheduler-not-running',
  category: 'scheduling',
  severity: 'critical',
  title: 'Pods name a scheduler that is not running',
  description:
    'Pods with spec.schedulerName other than default-scheduler are only placed by that scheduler. When it is not installed or down, ' +
    'the pods stay Pending with no FailedScheduling event and no PodScheduled condition. Evidence: schedulerName, age, no scheduler ' +
    'events. Fix: install/start that scheduler (e.g. Volcano, Nakhoda), or remove schedulerName from the workload.',
  detect(state) {
    const groups = new Map<string, { workload: ObjectRef; pods: Pod[]; scheduler: string }>();
    const serving = new Set<string>();
    for (const pod of state.pods) {
      const name = pod.spec?.schedulerName;
      if (name && name !== 'default-scheduler' && pod.spec?.nodeName) serving.add(name);
    }
    for (const pod of state.pods) {
      const name = pod.spec?.schedulerName;
      if (!name || name === 'default-scheduler' || pod.spec?.nodeName || !isActivePod(pod) || pod.status?.phase !== 'Pending') continue;
      if (serving.has(name) || (pod.status?.conditions ?? []).some((c) => c.type === 'PodScheduled')) continue;
      const age = (state.now - Date.parse(pod.metadata.creationTimestamp ?? '')) / 1000;
      if (!(age > 300)) continue;
      if (state.eventsFor(refOf(pod)).some((e) => e.source?.component === name || e.reportingComponent === name || e.reason === 'FailedScheduling')) continue;
      const w = state.workloadOf(pod);
      const key = `${w.kind}/${w.namespace}/${w.name}/${name}`;
      const g = groups.get(key) ?? { workload: w, pods: [], scheduler: name };
      g.pods.push(pod);
      groups.set(key, g);
    }
    return [...groups.values()].map(({ workload, pods, scheduler }) => ({
      resource: refOf(pods[0]),
      rootCause: workload,
      affected: pods.slice(1).map(refOf),
      title: `${workload.kind} ${displayName(workload)} waits for scheduler "${scheduler}", which is not placing pods`,
      explanation: `${pods.length} pod(s) set schedulerName: ${scheduler}; no pod in the cluster was ever placed by it and these have no scheduling events, so that scheduler is not running.`,
      evidence: pods.slice(0, 3).map((p) => `${label(p)}: phase=Pending, spec.schedulerName=${scheduler}, no PodScheduled condition, no events`),
      remediation: [`install or start the "${scheduler}" scheduler (kubectl get pods -A | grep ${scheduler})`, editWorkload(workload, 'or remove spec.template.spec.schedulerName')],
      confidence: 0.8,
    }));
  },
};

/** Pods bound (spec.nodeName) to a node that does not exist never start: nothing will run them. */
const nodeNameMissing: Scenario = {
  id: 'scheduling.node-name-not-found',
  category: 'scheduling',
  severity: 'critical',
  title: 'Pods are pinned with nodeName to a node that does not exist',
  description:
    'spec.nodeName bypasses the scheduler; when the named node does not exist, the pod stays Pending forever (and is eventually ' +
    'garbage-collected). Evidence: the pod\'s nodeName absent from the node list. Fix: use a nodeSelector on kubernetes.io/hostname ' +
    'instead of nodeName, or correct the name.',
  needs: ['Node'],
  detect(state) {
    const detections: Detection[] = [];
    if (state.nodes.length === 0) return detections;
    for (const pod of state.pods) {
      const nodeName = pod.spec?.nodeName;
      if (!nodeName || !isActivePod(pod) || pod.status?.phase !== 'Pending' || state.node(nodeName)) continue;
      if ((state.now - Date.parse(pod.metadata.creationTimestamp ?? '')) / 1000 < 120) continue;
      const w = state.workloadOf(pod);
      detections.push({
        resource: refOf(pod),
        rootCause: w,
        title: `${w.kind} ${displayName(w)} pins pods to missing node ${nodeName}`,
        explanation: `${label(pod)} has spec.nodeName=${nodeName}, and no node of that name exists, so no kubelet will ever run it.`,
        evidence: [`${label(pod)}: phase=Pending, spec.nodeName=${nodeName} (not among ${state.nodes.length} nodes)`],
        remediation: [editWorkload(w, `replace nodeName with nodeSelector kubernetes.io/hostname: <existing node>`)],
        confidence: 0.9,
      });
    }
    return detections;
  },
};

/** Pods held back by schedulingGates that nothing removes. */
const schedulingGated: Scenario = {
  id: 'scheduling.scheduling-gates-not-removed',
  category: 'scheduling',
  severity: 'warning',
  title: 'Pods stay gated: their schedulingGates are never removed',
  description:
    'Pods created with spec.schedulingGates are not considered by the scheduler until every gate is removed (condition PodScheduled=False, ' +
    'reason SchedulingGated). The controller that owns the gate (a queue such as Kueue, a quota or provisioning controller) is not ' +
    'removing it: not installed, misconfigured, or waiting for capacity. Fix: check that controller, or remove the gate from the workload.',
  detect(state) {
    const groups = new Map<string, { workload: ObjectRef; pods: Pod[]; gates: string[] }>();
    for (const pod of state.pods) {
      const gates = (pod.spec?.schedulingGates ?? []).map((g) => g.name);
      if (!gates.length || !isActivePod(pod) || pod.spec?.nodeName) continue;
      if ((state.now - Date.parse(pod.metadata.creationTimestamp ?? '')) / 1000 < 600) continue;
      const w = state.workloadOf(pod);
      const key = `${w.kind}/${w.namespace}/${w.name}`;
      const g = groups.get(key) ?? { workload: w, pods: [], gates };
      g.pods.push(pod);
      groups.set(key, g);
    }
    return [...groups.values()].map(({ workload, pods, gates }) => ({
      resource: refOf(pods[0]),
      rootCause: workload,
      affected: pods.slice(1).map(refOf),
      title: `${workload.kind} ${displayName(workload)}: pods held by scheduling gate ${gates.join(', ')}`,
      explanation: `${pods.length} pod(s) have carried schedulingGates [${gates.join(', ')}] for over 10 minutes; the scheduler ignores them until the gates are removed.`,
      evidence: pods.slice(0, 3).map((p) => `${label(p)}: spec.schedulingGates=${JSON.stringify(p.spec?.schedulingGates ?? [])}${p.status?.conditions?.some((c) => c.reason === 'SchedulingGated') ? ', condition PodScheduled=False reason=SchedulingGated' : ''}`),
      remediation: [`check the controller that owns gate ${gates[0]} (kubectl get pods -A | grep -i ${gates[0].split(/[./]/)[0]})`, editWorkload(workload, 'or remove spec.template.spec.schedulingGates')],
      confidence: 0.8,
    }));
  },
};

/** `Preempted by pod 5d0c... on node n1` (current) or `Preempted by ns/name on node n1` (older). */
const PREEMPTED = /^Preempted by (?:pod )?(\S+) on node (\S+)/;

const preemptedRepeatedly: Scenario = {
  id: 'scheduling.pods-preempted',
  category: 'scheduling',
  severity: 'warning',
  title: 'Pods keep being preempted by higher-priority pods',
  description:
    'The scheduler evicts these pods to make room for pods of higher priority (events "Preempted by pod <uid> on node <node>"). ' +
    'Repeated preemption means the workload runs at a priority too low for its importance, or the cluster has too little capacity ' +
    'for the high-priority work. Fix: give the workload an appropriate PriorityClass (and preemptionPolicy), or add capacity.',
  detect(state) {
    const groups = new Map<string, { workload: ObjectRef; lines: string[]; count: number; pods: ObjectRef[] }>();
    for (const e of state.events) {
      if (e.reason !== 'Preempted' || e.involvedObject?.kind !== 'Pod' || !PREEMPTED.test(e.message ?? '')) continue;
      if (ageSeconds(state, e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp) > 6 * 3600) continue;
      const pod = state.get<Pod>('Pod', e.involvedObject.namespace, e.involvedObject.name ?? '');
      const ref: ObjectRef = { kind: 'Pod', namespace: e.involvedObject.namespace, name: e.involvedObject.name ?? '' };
      const w = pod ? state.workloadOf(pod) : ref;
      const key = `${w.kind}/${w.namespace}/${w.name}`;
      const g = groups.get(key) ?? { workload: w, lines: [], count: 0, pods: [] };
      g.count += e.count ?? 1;
      g.lines.push(eventLine(ref, e));
      g.pods.push(ref);
      groups.set(key, g);
    }
    // One preemption is the priority system working; repeated ones are a pattern worth fixing.
    return [...groups.values()].filter((g) => g.count >= 3 && g.workload.kind !== 'Pod').map((g) => ({
      resource: g.pods[0],
      rootCause: g.workload,
      affected: g.pods.slice(1),
      title: `${g.workload.kind} ${displayName(g.workload)} was preempted ${g.count} times in 6 hours`,
      explanation: `Pods of ${g.workload.kind} ${displayName(g.workload)} are repeatedly evicted to make room for higher-priority pods.`,
      evidence: g.lines.slice(0, 4),
      remediation: [editWorkload(g.workload, 'set spec.template.spec.priorityClassName to a class matching its importance'), 'or add capacity for the high-priority workloads'],
      confidence: 0.75,
    }));
  },
};

export const schedulingScenarios: Scenario[] = [
  insufficientResources,
  requestExceedsNode,
  untoleratedTaint,
  nodeSelectorMismatch,
  podAffinityUnsatisfied,
  podAntiAffinityUnsatisfied,
  existingAntiAffinity,
  topologySpread,
  hostPortConflict,
  nodesCordoned,
  tooManyPods,
  volumeNodeAffinity,
  maxVolumeCount,
  podWaitsForClaimScenario,
  priorityClassMissing,
  schedulerNotRunning,
  nodeNameMissing,
  schedulingGated,
  preemptedRepeatedly,
];
