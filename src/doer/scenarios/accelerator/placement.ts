/**
 * Accelerator pods that cannot be placed, and the nodes whose device plugin is the reason.
 * Every unschedulable pod whose blocking reason is about an accelerator is attributed to exactly
 * one cause here (a broken node first, then the pod's own spec), so the generic scheduling
 * scenarios stay silent for it.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { ObjectRef, Pod } from '../../../cluster/types.js';
import type { Detection, Scenario, Severity } from '../../types.js';
import { ageSeconds, kubectl, kubectlRef, label } from '../util.js';
import {
  acceleratorRequests, acceleratorSelectorKeys, nodeMatchesPod, nodeQuantity, podRequest, selectorRequirements, unschedulablePods,
  type UnschedulablePod,
} from '../scheduling/pending.js';
import { acceleratorNodes, aiWorkloadOf, deviceLine, troubleLine, VENDORS, vendorOfResource, type AcceleratorNode, type Vendor } from './devices.js';

export type PlacementCause =
  | { kind: 'broken-node'; nodes: AcceleratorNode[] }
  | { kind: 'node-unavailable'; nodes: AcceleratorNode[] }
  | { kind: 'plugin-not-installed'; vendor: Vendor }
  | { kind: 'no-accelerator-nodes' }
  | { kind: 'mig-not-offered' }
  | { kind: 'exceeds-node' ; max: number }
  | { kind: 'exhausted' }
  | { kind: 'toleration-missing' }
  | { kind: 'selector-mismatch' };

export interface PlacementItem {
  item: UnschedulablePod;
  resource: string;
  cause: PlacementCause;
}

const brokenCache = new WeakMap<ClusterState, AcceleratorNode[]>();

/** A node's device plugin is broken: it advertises no usable device and its plugin pod fails or is missing. */
export function brokenNodes(state: ClusterState): AcceleratorNode[] {
  const cached = brokenCache.get(state);
  if (cached) return cached;
  const all = acceleratorNodes(state);
  const vendorsWithPlugin = new Set(all.filter((o) => o.pluginPods.length > 0).map((o) => o.vendor));
  const broken = all.filter((an) => {
    if (!an.noDevices) return false;
    if (an.pluginTrouble.length || an.operatorTrouble.length) return true;
    // Capacity registered but nothing allocatable: the plugin that registered the devices has gone
    // away or marked them all unhealthy (the kubelet zeroes allocatable, keeps capacity).
    if (an.capacity > 0) return true;
    // A running plugin that registers nothing on a node labelled as a GPU node ("No devices found"): driver/runtime problem.
    if (an.capacity === 0 && an.pluginPods.length > 0) return true;
    // No plugin pod on this node, while the vendor's plugin runs elsewhere: the DaemonSet does not cover it
    // (unless the node just joined and its plugin pod is still on its way).
    return an.pluginPods.length === 0 && vendorsWithPlugin.has(an.vendor) && ageSeconds(state, an.node.metadata.creationTimestamp) > 600;
  });
  brokenCache.set(state, broken);
  return broken;
}

const cache = new WeakMap<ClusterState, PlacementItem[]>();

export function acceleratorPlacements(state: ClusterState): PlacementItem[] {
  const cached = cache.get(state);
  if (cached) return cached;
  const broken = brokenNodes(state);
  const nodes = acceleratorNodes(state);
  const maxAllocatable = new Map<string, number>();
  const max = (resource: string) => {
    let v = maxAllocatable.get(resource);
    if (v === undefined) {
      v = Math.max(0, ...state.nodes.map((n) => nodeQuantity(n, resource)));
      maxAllocatable.set(resource, v);
    }
    return v;
  };
  const result: PlacementItem[] = [];
  for (const item of unschedulablePods(state)) {
    if (!item.accelerator) continue;
    const resource = item.primary.kind === 'insufficient' ? item.primary.resource! : acceleratorRequests(item.pod)[0] ?? 'nvidia.com/gpu';
    result.push({ item, resource, cause: causeOf(item, resource, broken, nodes, max, state.nodes.length > 0) });
  }
  cache.set(state, result);
  return result;
}

/**
 * Whether a broken node would take the pod once repaired: its installed devices of that resource
 * cover the request. A node that registered nothing at all is given the benefit of the doubt.
 */
function couldHost(an: AcceleratorNode, resource: string, wanted: number): boolean {
  const installed = nodeQuantity(an.node, resource, 'capacity');
  return installed === 0 ? an.capacity === 0 : installed >= wanted;
}

/** `hasNodes` false: the input has no nodes, so absence of capacity proves nothing. */
function causeOf(item: UnschedulablePod, resource: string, broken: AcceleratorNode[], nodes: AcceleratorNode[], max: (r: string) => number, hasNodes: boolean): PlacementCause {
  if (item.primary.kind === 'taint') return { kind: 'toleration-missing' };
  if (item.primary.kind === 'node-selector') return { kind: 'selector-mismatch' };
  const vendor = vendorOfResource(resource);
  const candidates = broken.filter((an) => an.vendor === vendor && nodeMatchesPod(an.node, item.pod) && couldHost(an, resource, podRequest(item.pod, resource)));
  if (candidates.length) return { kind: 'broken-node', nodes: candidates };
  // Nodes that offer the resource but are down or cordoned: the scheduler listed them as tainted/unschedulable.
  if (item.fit.reasons.some((r) => r.kind === 'unschedulable' || r.kind === 'not-ready' || (r.kind === 'taint' && /^node\.kubernetes\.io\//.test(r.taintKey ?? '')))) {
    const down = nodes.filter((an) => an.vendor === vendor && an.allocatable > 0 && (an.node.spec?.unschedulable || an.node.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True'));
    if (down.length) return { kind: 'node-unavailable', nodes: down };
  }
  const available = max(resource);
  if (available === 0 && nodes.length + broken.length === 0 && !hasNodes) return { kind: 'exhausted' };
  if (available === 0) {
    if (/\/mig-/.test(resource)) return { kind: 'mig-not-offered' };
    const labelled = vendor && nodes.some((an) => an.vendor === vendor);
    if (vendor && labelled && !nodes.some((an) => an.vendor === vendor && an.pluginPods.length > 0)) return { kind: 'plugin-not-installed', vendor };
    return { kind: 'no-accelerator-nodes' };
  }
  if (podRequest(item.pod, resource) > available) return { kind: 'exceeds-node', max: available };
  return { kind: 'exhausted' };
}

/** The pending pods a broken node explains, grouped per node. */
function pendingByBrokenNode(state: ClusterState): Map<string, UnschedulablePod[]> {
  const byNode = new Map<string, UnschedulablePod[]>();
  for (const p of acceleratorPlacements(state)) {
    if (p.cause.kind !== 'broken-node') continue;
    for (const an of p.cause.nodes) {
      const list = byNode.get(an.node.metadata.name) ?? [];
      list.push(p.item);
      byNode.set(an.node.metadata.name, list);
    }
  }
  return byNode;
}

/**
 * A node whose device plugin (or the GPU-operator stack under it) is broken. Root cause: the Node
 * when the plugin works elsewhere; the plugin DaemonSet when it fails on every node.
 */
function brokenNodeScenario(spec: { id: string; title: string; description: string; vendor?: Vendor['id']; operator: boolean }): Scenario {
  return {
    id: spec.id,
    category: 'accelerator',
    severity: 'critical',
    title: spec.title,
    description: spec.description,
    hops: 3,
    detect(state) {
      const broken = brokenNodes(state).filter((an) => (spec.vendor ? an.vendor.id === spec.vendor : true) && (an.operatorTrouble.length > 0) === spec.operator);
      if (broken.length === 0) return [];
      const pending = pendingByBrokenNode(state);
      const brokenSet = new Set(brokenNodes(state));
      // Per vendor: does its plugin (or operator stack) fail on every node where it runs?
      const failsEverywhere = new Map<Vendor, boolean>();
      for (const o of acceleratorNodes(state)) {
        if (o.pluginPods.length + o.operatorTrouble.length === 0) continue;
        failsEverywhere.set(o.vendor, (failsEverywhere.get(o.vendor) ?? true) && brokenSet.has(o));
      }
      const nodesWithPlugin = new Map<Vendor, number>();
      for (const o of acceleratorNodes(state)) if (o.pluginPods.length + o.operatorTrouble.length > 0) nodesWithPlugin.set(o.vendor, (nodesWithPlugin.get(o.vendor) ?? 0) + 1);
      const detections: Detection[] = [];
      const withoutPlugin = new Map<Vendor, Array<{ an: AcceleratorNode; detection: Detection }>>();
      for (const an of broken) {
        const troubles = spec.operator ? an.operatorTrouble : an.pluginTrouble;
        const failing = troubles[0]?.pod;
        const ds = failing ? state.workloadOf(failing) : undefined;
        const everywhere = !!ds && (nodesWithPlugin.get(an.vendor) ?? 0) > 1 && failsEverywhere.get(an.vendor) === true;
        const root: ObjectRef = everywhere && ds ? ds : refOf(an.node);
        const pods = pending.get(an.node.metadata.name) ?? [];
        const workloads = [...new Map(pods.map((u) => aiWorkloadOf(state, u.pod)).map((w) => [`${w.kind}/${w.namespace}/${w.name}`, w])).values()];
        const what = spec.operator
          ? `GPU operator component ${failing?.metadata.name ?? ''} is failing`
          : failing ? `${an.vendor.device} device plugin pod ${failing.metadata.name} is ${troubles[0].state}`
          : an.pluginPods.length ? `${an.vendor.device} device plugin pod ${an.pluginPods[0].metadata.name} runs but registers no devices (driver or container runtime not set up)`
          : `no ${an.vendor.device} device plugin pod runs`;
        const chain = pods.slice(0, 2).map((u) => `${label(u.pod)}: Pending (${u.primary.count ?? ''} ${u.primary.text}) ← ${label(an.node)}: ${an.vendor.mainResource} allocatable=${an.allocatable} ← ${what}`);
        const detection: Detection = {
          resource: pods[0] ? refOf(pods[0].pod) : refOf(an.node),
          rootCause: root,
          affected: [refOf(an.node), ...(ds ? [ds] : []), ...troubles.map((t) => refOf(t.pod)), ...pods.map((u) => refOf(u.pod)), ...workloads],
          title: root.kind === 'Node'
            ? `Node ${an.node.metadata.name} advertises no ${an.vendor.device}s: ${what}`
            : `${root.kind} ${displayName(root)} fails on every ${an.vendor.device} node`,
          explanation:
            `${label(an.node)} is a ${an.vendor.device} node but advertises ${an.allocatable} allocatable ${an.vendor.mainResource}, because ${what} there` +
            `${troubles[0]?.message ? ` (${troubles[0].message.split('\n').find((l) => /nvml|driver|error|fail/i.test(l))?.trim() ?? ''})` : ''}. ` +
            (pods.length ? `${pods.length} pod(s) wanting ${an.vendor.device}s stay Pending with "Insufficient ${an.vendor.mainResource}".` : 'Its devices are unusable.'),
          evidence: [...chain, deviceLine(an), ...troubles.slice(0, 2).map(troubleLine), ...pods.slice(0, 2).map((u) => u.evidence)],
          remediation: remediationFor(an, spec.operator, failing, ds),
          // The plugin (or driver stack) is itself down: critical even before a GPU pod queues up.
          confidence: pods.length ? 0.95 : troubles.length ? 0.9 : 0.8,
          severity: pods.length || troubles.length ? 'critical' : 'warning',
        };
        if (!spec.operator && !failing && an.pluginPods.length === 0) {
          const group = withoutPlugin.get(an.vendor) ?? [];
          group.push({ an, detection });
          withoutPlugin.set(an.vendor, group);
        } else detections.push(detection);
      }
      for (const [vendor, group] of withoutPlugin) {
        detections.push(group.length === 1 ? group[0].detection : missingPluginOnNodes(state, vendor, group));
      }
      return detections;
    },
  };
}

/**
 * Many nodes with no plugin pod at all share one cause: the plugin DaemonSet does not run there
 * (or is not deployed). One finding names it, with every node affected, instead of one per node.
 */
function missingPluginOnNodes(state: ClusterState, vendor: Vendor, group: Array<{ an: AcceleratorNode; detection: Detection }>): Detection {
  const pluginPod = acceleratorNodes(state).find((o) => o.vendor === vendor && o.pluginPods.length > 0)?.pluginPods[0];
  const ds: ObjectRef = pluginPod ? state.workloadOf(pluginPod) : { kind: 'DaemonSet', namespace: 'kube-system', name: vendor.pluginDaemonSet };
  const nodes = group.map((g) => g.an.node.metadata.name);
  const shown = nodes.slice(0, 5).join(', ') + (nodes.length > 5 ? `, … ${nodes.length - 5} more` : '');
  const first = group.find((g) => g.detection.resource.kind === 'Pod') ?? group[0];
  return {
    resource: first.detection.resource,
    rootCause: ds,
    affected: group.flatMap((g) => [g.detection.resource, ...(g.detection.affected ?? [])]),
    title: `${nodes.length} ${vendor.device} nodes advertise no ${vendor.device}s: no ${vendor.device} device plugin pod runs on them`,
    explanation:
      `Nodes ${shown} carry ${vendor.device}s (capacity or labels) but advertise no allocatable ${vendor.mainResource}, and no device plugin pod ` +
      `runs on any of them, so the kubelet has no plugin to hand out devices. ` +
      (pluginPod ? `${ds.kind} ${displayName(ds)} runs elsewhere but not on these nodes.` : `No ${vendor.device} device plugin is deployed in the input.`),
    evidence: [...first.detection.evidence.slice(0, 2), ...group.slice(0, 3).map((g) => deviceLine(g.an)), `${nodes.length} node(s) affected: ${shown}`],
    remediation: pluginPod
      ? [`make ${ds.kind} ${displayName(ds)} run on ${nodes.length} more nodes: check its nodeSelector/affinity and tolerations against the nodes' labels and taints`, kubectl(ds.namespace, `get ${kubectlRef(ds)} -o wide`)]
      : [`deploy the ${vendor.device} device plugin DaemonSet (${vendor.pluginDaemonSet}) with tolerations for the nodes' taints`, `kubectl describe node ${nodes[0]} | grep -A3 -i ${vendor.mainResource.split('/')[0]}`],
    confidence: Math.max(...group.map((g) => g.detection.confidence)),
    severity: group.some((g) => g.detection.severity === 'critical') ? 'critical' : 'warning',
  };
}

function remediationFor(an: AcceleratorNode, operator: boolean, failing: Pod | undefined, ds: ObjectRef | undefined): string[] {
  const node = an.node.metadata.name;
  const steps: string[] = [];
  if (failing) steps.push(kubectl(failing.metadata.namespace, `logs ${failing.metadata.name} --all-containers --previous`));
  if (operator) steps.push(`fix the driver/toolkit on ${node} as the log says (kernel headers, secure boot, pre-installed driver conflicts), then: kubectl delete pod -n ${failing?.metadata.namespace ?? 'gpu-operator'} ${failing?.metadata.name ?? '<pod>'}`);
  else if (an.vendor.id === 'nvidia') steps.push(`on ${node}: check the driver (nvidia-smi) and that the container runtime's default runtime is nvidia (nvidia-ctk runtime configure --runtime=containerd --set-as-default; systemctl restart containerd)`);
  else steps.push(`on ${node}: check the ${an.vendor.device} driver and the device plugin's prerequisites`);
  if (!failing && ds) steps.push(`make ${ds.kind} ${displayName(ds)} run on ${node} (tolerations/nodeSelector)`);
  steps.push(`kubectl describe node ${node} | grep -A3 -i ${an.vendor.mainResource.split('/')[0]}`);
  return steps;
}

const VENDOR_DESCRIPTION = (v: Vendor) =>
  `A node that carries ${v.device}s (by its labels, taints or earlier capacity) advertises no allocatable ${v.mainResource}, because the ` +
  `${v.device} device plugin on it is crash-looping (e.g. "Failed to initialize NVML: could not load NVML library" when the container ` +
  `runtime is not nvidia, or the driver is missing), not ready, or not scheduled there. Pods requesting ${v.device}s then stay Pending ` +
  `with "Insufficient ${v.mainResource}". Evidence: node capacity/allocatable, the plugin pod's state and last termination message, and ` +
  `the pending pods' FailedScheduling events. Fix: repair the node (driver, container runtime) or the plugin DaemonSet.`;

export const devicePluginScenarios: Scenario[] = VENDORS.map((v) =>
  brokenNodeScenario({
    id: `accelerator.${v.id}-device-plugin-not-ready`,
    title: `${v.id === 'ascend' ? 'Ascend NPU' : `${v.id.toUpperCase()} GPU`} node advertises no devices: device plugin not working`,
    description: VENDOR_DESCRIPTION(v),
    vendor: v.id,
    operator: false,
  }),
);

export const gpuOperatorScenario = brokenNodeScenario({
  id: 'accelerator.gpu-operator-component-failing',
  title: 'GPU operator driver/toolkit/validator fails on a node',
  description:
    'On a GPU node the NVIDIA GPU operator\'s stack is failing (nvidia-driver-daemonset cannot build/load the driver, ' +
    'nvidia-container-toolkit-daemonset cannot configure the runtime, nvidia-operator-validator stuck in Init), so the device ' +
    'plugin never starts and the node advertises no nvidia.com/gpu. Evidence: operator pods\' states and messages on the node, the ' +
    'node\'s allocatable. Fix: act on the failing component\'s log (kernel headers, pre-installed driver, secure boot).',
  operator: true,
});

/** Scenarios for pods whose accelerator request cannot be placed for a reason of their own spec or capacity. */
function placementScenario(spec: {
  id: string;
  title: string;
  description: string;
  cause: PlacementCause['kind'];
  severity?: Severity;
  explain(state: ClusterState, p: PlacementItem, workload: ObjectRef): { title: string; explanation: string; evidence: string[]; remediation: string[]; confidence: number; rootCause?: ObjectRef };
}): Scenario {
  return {
    id: spec.id,
    category: 'accelerator',
    severity: spec.severity ?? 'critical',
    title: spec.title,
    description: spec.description,
    detect(state) {
      return acceleratorPlacements(state).filter((p) => p.cause.kind === spec.cause).map((p) => {
        const w = aiWorkloadOf(state, p.item.pod);
        const r = spec.explain(state, p, w);
        return {
          resource: refOf(p.item.pod),
          rootCause: r.rootCause ?? w,
          affected: [w],
          title: r.title,
          explanation: r.explanation,
          evidence: [p.item.evidence, ...r.evidence],
          remediation: r.remediation,
          confidence: r.confidence,
        };
      });
    },
  };
}

const edit = (w: ObjectRef) => kubectl(w.namespace, `edit ${kubectlRef(w)}`);

function capacitySummary(state: ClusterState, resource: string): string {
  const offering = state.nodes.filter((n) => nodeQuantity(n, resource, 'capacity') > 0);
  return offering.length
    ? `Nodes with ${resource}: ${offering.slice(0, 4).map((n) => `${n.metadata.name} (capacity ${nodeQuantity(n, resource, 'capacity')}, allocatable ${nodeQuantity(n, resource)})`).join(', ')}${offering.length > 4 ? ` and ${offering.length - 4} more` : ''}`
    : `No node advertises ${resource}`;
}

export const placementScenarios: Scenario[] = [
  placementScenario({
    id: 'accelerator.request-exceeds-node-gpus',
    title: 'Pods request more accelerators than any node has',
    description:
      'The pod asks for more GPUs/NPUs (per pod) than the largest node offers, so it can never be placed ("Insufficient nvidia.com/gpu" ' +
      'on every node even when idle). Fix: request at most the per-node count and scale out with more pods (distributed training), or ' +
      'add bigger nodes.',
    cause: 'exceeds-node',
    explain(state, p, w) {
      const max = (p.cause as { max: number }).max;
      const wanted = podRequest(p.item.pod, p.resource);
      return {
        title: `${w.kind} ${displayName(w)} requests ${wanted} ${p.resource} per pod; nodes have at most ${max}`,
        explanation: `${label(p.item.pod)} requests ${wanted} ${p.resource}, but the largest node offers ${max}; no node can ever run it.`,
        evidence: [capacitySummary(state, p.resource)],
        remediation: [`${edit(w)}  # request ≤ ${max} ${p.resource} per pod and use more workers`, `or add nodes with ≥ ${wanted} ${p.resource}`],
        confidence: 0.95,
      };
    },
  }),
  placementScenario({
    id: 'accelerator.accelerators-exhausted',
    title: 'All accelerators are in use',
    description:
      'Nodes offer the requested GPUs/NPUs and their device plugins are healthy, but running pods hold all of them ("Insufficient ' +
      'nvidia.com/gpu"). The pod waits for capacity. Fix: wait, free GPUs (stop idle notebooks/jobs), use priorities/preemption or a ' +
      'queue (Volcano/Kueue), or add GPU nodes.',
    cause: 'exhausted',
    severity: 'warning',
    explain(state, p, w) {
      return {
        title: `No free ${p.resource} for ${w.kind} ${displayName(w)}: all are allocated`,
        explanation: `${label(p.item.pod)} requests ${podRequest(p.item.pod, p.resource)} ${p.resource}; every node offering it has all its devices allocated to running pods.`,
        evidence: [capacitySummary(state, p.resource)],
        remediation: [`kubectl get pods -A -o wide --field-selector=status.phase=Running | grep -i gpu  # who holds the ${p.resource}`, 'free or add accelerator capacity, or queue jobs (Volcano/Kueue)'],
        confidence: 0.7,
      };
    },
  }),
  placementScenario({
    id: 'accelerator.no-accelerator-nodes',
    title: 'Pods request an accelerator no node has',
    description:
      'The pod requests an accelerator resource that no node advertises and no node is labelled for (typo in the resource name, wrong ' +
      'vendor, or the GPU node pool is scaled to zero without an autoscaler that knows it). Fix: correct the resource name, or add the ' +
      'GPU node pool.',
    cause: 'no-accelerator-nodes',
    explain(state, p, w) {
      return {
        title: `${w.kind} ${displayName(w)} requests ${p.resource}, which no node offers`,
        explanation: `${label(p.item.pod)} requests ${p.resource}, but no node advertises it or is labelled as carrying it.`,
        evidence: [capacitySummary(state, p.resource)],
        remediation: [`${edit(w)}  # check the resource name (nvidia.com/gpu, amd.com/gpu, huawei.com/Ascend910)`, 'or add a node pool with these accelerators'],
        confidence: 0.85,
      };
    },
  }),
  placementScenario({
    id: 'accelerator.device-plugin-not-installed',
    title: 'GPU/NPU nodes exist but no device plugin is installed',
    description:
      'Nodes are labelled as GPU/NPU nodes, but no device plugin pod runs anywhere, so no node advertises the resource and every pod ' +
      'requesting it stays Pending. Fix: install the vendor\'s device plugin DaemonSet (or the GPU operator).',
    cause: 'plugin-not-installed',
    explain(state, p) {
      const vendor = (p.cause as { vendor: Vendor }).vendor;
      const labelled = acceleratorNodes(state).filter((an) => an.vendor === vendor).map((an) => an.node.metadata.name);
      return {
        rootCause: { kind: 'DaemonSet', namespace: 'kube-system', name: vendor.pluginDaemonSet },
        title: `No ${vendor.device} device plugin runs; ${vendor.mainResource} is not advertised`,
        explanation: `${labelled.length} node(s) are labelled as ${vendor.device} nodes (${labelled.slice(0, 3).join(', ')}) but no device plugin pod exists, so none advertises ${vendor.mainResource} and ${label(p.item.pod)} cannot be placed.`,
        evidence: [`${vendor.device} nodes: ${labelled.slice(0, 5).join(', ')}; device plugin pods: none`],
        remediation: [vendor.id === 'nvidia' ? 'helm install nvidia-device-plugin nvdp/nvidia-device-plugin -n kube-system (or install the NVIDIA GPU operator)' : `install the ${vendor.id} device plugin DaemonSet`],
        confidence: 0.85,
      };
    },
  }),
  placementScenario({
    id: 'accelerator.mig-profile-not-offered',
    title: 'Pods request a MIG profile no node offers',
    description:
      'The pod requests a MIG slice resource (nvidia.com/mig-<profile>) that no node advertises: the GPUs are not partitioned with ' +
      'that profile, or the device plugin runs with mig-strategy single (which advertises nvidia.com/gpu instead). Fix: request an ' +
      'offered profile, or configure MIG (label nvidia.com/mig.config) and mig-strategy mixed.',
    cause: 'mig-not-offered',
    explain(state, p, w) {
      const offered = new Set<string>();
      for (const n of state.nodes) for (const k of Object.keys(n.status?.allocatable ?? {})) if (/^nvidia\.com\/(mig-|gpu$)/.test(k) && nodeQuantity(n, k) > 0) offered.add(k);
      return {
        title: `${w.kind} ${displayName(w)} requests ${p.resource}, which no node offers`,
        explanation: `${label(p.item.pod)} requests MIG profile ${p.resource}; nodes offer ${[...offered].join(', ') || 'no NVIDIA resources'}.`,
        evidence: [`NVIDIA resources offered: ${[...offered].join(', ') || 'none'}`],
        remediation: [`${edit(w)}  # request one of: ${[...offered].join(', ') || 'nvidia.com/gpu'}`, 'or repartition: kubectl label node <node> nvidia.com/mig.config=<profile set> --overwrite (mig-strategy=mixed)'],
        confidence: 0.9,
      };
    },
  }),
  placementScenario({
    id: 'accelerator.accelerator-node-unavailable',
    title: 'GPU pods wait because GPU nodes are down or cordoned',
    description:
      'The nodes that have the requested accelerators are NotReady/unreachable or cordoned, so the scheduler excludes them ' +
      '("node(s) had untolerated taint {node.kubernetes.io/unreachable: }", "node(s) were unschedulable") and the remaining nodes ' +
      'report "Insufficient nvidia.com/gpu". Fix: recover or uncordon the GPU node (or replace it).',
    cause: 'node-unavailable',
    explain(_state, p) {
      const down = (p.cause as { nodes: AcceleratorNode[] }).nodes;
      const first = down[0].node;
      const why = (n: typeof first) => (n.spec?.unschedulable ? 'cordoned' : `Ready=${n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown'}`);
      return {
        rootCause: refOf(first),
        title: `GPU node ${first.metadata.name} is ${why(first)}; ${p.resource} pods cannot be placed`,
        explanation: `${label(p.item.pod)} needs ${p.resource}; the node(s) offering it (${down.map((an) => `${an.node.metadata.name}: ${why(an.node)}`).join(', ')}) are unavailable, so only full nodes remain.`,
        evidence: down.slice(0, 3).map((an) => `${deviceLine(an)}, ${why(an.node)}`),
        remediation: [first.spec?.unschedulable ? `kubectl uncordon ${first.metadata.name}` : `recover node ${first.metadata.name} (kubectl describe node ${first.metadata.name}) or replace it`],
        confidence: 0.88,
      };
    },
  }),
  placementScenario({
    id: 'accelerator.gpu-toleration-missing',
    title: 'GPU pods do not tolerate the GPU nodes\' taint',
    description:
      'GPU nodes are tainted (e.g. nvidia.com/gpu=present:NoSchedule) to keep other pods off, and the pod requesting GPUs has no ' +
      'toleration for it ("node(s) had untolerated taint {nvidia.com/gpu: present}"). Fix: add the toleration to the workload (the ' +
      'ExtendedResourceToleration admission plugin adds it automatically when enabled).',
    cause: 'toleration-missing',
    explain(_state, p, w) {
      const key = p.item.primary.taintKey ?? 'nvidia.com/gpu';
      return {
        title: `${w.kind} ${displayName(w)} requests ${p.resource} but does not tolerate taint ${key}`,
        explanation: `The ${p.resource} nodes are tainted {${key}: ${p.item.primary.taintValue ?? ''}} and ${label(p.item.pod)} has no matching toleration.`,
        evidence: [`${label(p.item.pod)}: tolerations=${JSON.stringify(p.item.pod.spec?.tolerations ?? [])}`],
        remediation: [`${edit(w)}  # tolerations: [{key: "${key}", operator: "Exists", effect: "NoSchedule"}]`],
        confidence: 0.92,
      };
    },
  }),
  placementScenario({
    id: 'accelerator.gpu-model-selector-mismatch',
    title: 'Pods select a GPU model no node has',
    description:
      'The pod\'s nodeSelector/affinity asks for an accelerator model or type (nvidia.com/gpu.product, cloud.google.com/gke-accelerator, ' +
      'accelerator, karpenter.k8s.aws/instance-gpu-name) that no node carries, e.g. "NVIDIA-A100-SXM4-80GB" while nodes are ' +
      '"NVIDIA-A100-SXM4-40GB". Fix: select a model the nodes have (kubectl get nodes -L nvidia.com/gpu.product) or add such nodes.',
    cause: 'selector-mismatch',
    explain(state, p, w) {
      const keys = acceleratorSelectorKeys(p.item.pod);
      const wanted = selectorRequirements(p.item.pod).filter((r) => keys.includes(r.key));
      const present = keys.map((k) => `${k}: ${[...new Set(state.nodes.map((n) => n.metadata.labels?.[k]).filter(Boolean))].join(', ') || '(no node has this label)'}`);
      return {
        title: `${w.kind} ${displayName(w)} selects ${wanted.map((r) => `${r.key}=${r.values.join('|')}`).join(', ')}, which no node has`,
        explanation: `${label(p.item.pod)} requires ${wanted.map((r) => `${r.key} ${r.operator} (${r.values.join(',')})`).join('; ')}; the cluster's nodes carry ${present.join('; ')}.`,
        evidence: [`Node label values — ${present.join('; ')}`],
        remediation: [`${edit(w)}  # select an existing model`, `kubectl get nodes -L ${keys[0] ?? 'nvidia.com/gpu.product'}`],
        confidence: 0.92,
      };
    },
  }),
];

/** Pods Failed at admission because the kubelet's device manager could not allocate devices. */
export const admissionErrorScenario: Scenario = {
  id: 'accelerator.device-allocation-failed',
  category: 'accelerator',
  severity: 'critical',
  title: 'Kubelet failed to allocate devices to a pod (UnexpectedAdmissionError)',
  description:
    'The scheduler placed the pod but the kubelet\'s device manager refused it: "Allocate failed due to requested number of devices ' +
    'unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected" (pod Failed, reason UnexpectedAdmissionError). ' +
    'The node advertised devices it could not hand out: the device plugin restarted or re-registered, or devices turned unhealthy. ' +
    'Fix: restart the device plugin on the node, check device health, delete the failed pods.',
  hops: 2,
  detect(state) {
    const byNode = new Map<string, Pod[]>();
    for (const pod of state.pods) {
      if (pod.status?.reason !== 'UnexpectedAdmissionError' || !pod.spec?.nodeName) continue;
      if (!/devices unavailable|unhealthy devices|unregistered device|Allocate failed/i.test(pod.status?.message ?? '')) continue;
      const list = byNode.get(pod.spec.nodeName) ?? [];
      list.push(pod);
      byNode.set(pod.spec.nodeName, list);
    }
    return [...byNode.entries()].map(([nodeName, pods]) => ({
      resource: refOf(pods[0]),
      rootCause: { kind: 'Node', name: nodeName },
      affected: [...pods.map(refOf), ...pods.map((p) => aiWorkloadOf(state, p))],
      title: `Node ${nodeName} cannot allocate the devices it advertises`,
      explanation: `${pods.length} pod(s) were rejected by the kubelet on ${nodeName}: ${pods[0].status?.message ?? ''}`,
      evidence: pods.slice(0, 3).map((p) => `${label(p)}: status.phase=${p.status?.phase}, reason=UnexpectedAdmissionError, message=${p.status?.message ?? ''}`),
      remediation: [`kubectl -n kube-system delete pod -l app.kubernetes.io/name=nvidia-device-plugin --field-selector spec.nodeName=${nodeName}  # re-register the plugin`, `kubectl describe node ${nodeName}`, 'delete the failed pods so their controllers recreate them'],
      confidence: 0.9,
    }));
  },
};
