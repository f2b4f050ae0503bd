/**
 * Accelerator nodes and their device plugins, read once per ClusterState: which nodes are
 * GPU/NPU nodes (by advertised resources or by labels), what they advertise, and the state of
 * the device-plugin and GPU-operator pods that make them advertise it.
 */
import type { ClusterState } from '../../../cluster/state.js';
import type { KubeObject, Node, ObjectRef, Pod } from '../../../cluster/types.js';
import { ageSeconds, containersOf, isActivePod, isPodReady, label } from '../util.js';
import { nodeQuantity } from '../scheduling/pending.js';

export interface Vendor {
  id: 'nvidia' | 'amd' | 'ascend';
  /** What the devices are called in titles. */
  device: string;
  /** Extended resources the vendor's plugin advertises. */
  resource: RegExp;
  /** The resource most pods ask for, for remediation text. */
  mainResource: string;
  /** Labels (key=value) that mark a node as carrying this vendor's devices even when nothing is advertised. */
  nodeLabel(labels: Record<string, string>): boolean;
  /** Device-plugin pods, by pod name or image. */
  plugin: RegExp;
  /** Upstream manifest name of the plugin DaemonSet, for remediation when none is installed. */
  pluginDaemonSet: string;
}

/** Cloud instance types that carry NVIDIA GPUs (AWS p/g families, GCP a2/a3/g2, Azure N-series). */
const GPU_INSTANCE_TYPE = /^(p[2-5][a-z]*|g[4-6][a-z]*dn|g[5-6][a-z]*)\.|^(a2|a3|g2)-|^Standard_N[CDV]/i;

export const VENDORS: readonly Vendor[] = [
  {
    id: 'nvidia',
    device: 'GPU',
    resource: /^nvidia\.com\/(gpu|mig-.+|gpu\.shared)$/,
    mainResource: 'nvidia.com/gpu',
    nodeLabel: (l) =>
      l['nvidia.com/gpu.present'] === 'true' || 'nvidia.com/gpu.product' in l || 'cloud.google.com/gke-accelerator' in l ||
      l['feature.node.kubernetes.io/pci-10de.present'] === 'true' || /nvidia|tesla|a100|h100|h200|l4|t4|v100|a10g/i.test(l.accelerator ?? '') ||
      'karpenter.k8s.aws/instance-gpu-name' in l || GPU_INSTANCE_TYPE.test(l['node.kubernetes.io/instance-type'] ?? l['beta.kubernetes.io/instance-type'] ?? ''),
    plugin: /nvidia-device-plugin|nvidia-gpu-device-plugin|k8s-device-plugin/,
    pluginDaemonSet: 'nvidia-device-plugin-daemonset',
  },
  {
    id: 'amd',
    device: 'GPU',
    resource: /^amd\.com\/gpu$/,
    mainResource: 'amd.com/gpu',
    nodeLabel: (l) => l['feature.node.kubernetes.io/pci-1002.present'] === 'true' || Object.keys(l).some((k) => k.startsWith('amd.com/gpu')) || /amd|mi2\d\d|mi3\d\d/i.test(l.accelerator ?? ''),
    plugin: /amdgpu[-_]?device[-_]?plugin|amd-gpu-device-plugin|rocm\/k8s-device-plugin/,
    pluginDaemonSet: 'amdgpu-device-plugin-daemonset',
  },
  {
    id: 'ascend',
    device: 'NPU',
    // The Ascend plugin registers huawei.com/Ascend910 (and 310P...); clusters also name it huawei.com/ascend-910.
    resource: /^huawei\.com\/(Ascend-?\d+\w*|npu)$/i,
    mainResource: 'huawei.com/Ascend910',
    nodeLabel: (l) => /ascend|huawei/i.test(l.accelerator ?? '') || 'node.kubernetes.io/npu.chip.name' in l || /ascend/i.test(l['accelerator-type'] ?? '') || l['host-arch'] === 'huawei-arm' || l['npu'] === 'on',
    plugin: /ascend-device-plugin|device-plugin.*ascend|ascend.*device-plugin/i,
    pluginDaemonSet: 'ascend-device-plugin-daemonset',
  },
];

export function vendorOfResource(resource: string): Vendor | undefined {
  return VENDORS.find((v) => v.resource.test(resource));
}

/** The vendor's resources a node advertises in capacity or allocatable. */
export function advertised(node: Node, vendor: Vendor): string[] {
  const names = new Set([...Object.keys(node.status?.capacity ?? {}), ...Object.keys(node.status?.allocatable ?? {})]);
  return [...names].filter((n) => vendor.resource.test(n));
}

function isPluginPod(pod: Pod, vendor: Vendor): boolean {
  if (vendor.plugin.test(pod.metadata.name)) return true;
  return (pod.spec?.containers ?? []).some((c) => vendor.plugin.test(c.image ?? '') || vendor.plugin.test(c.name));
}

/** NVIDIA GPU operator components whose failure leaves a node without a working device plugin. */
const OPERATOR_COMPONENT = /^(nvidia-driver-daemonset|nvidia-container-toolkit-daemonset|nvidia-operator-validator|nvidia-device-plugin-daemonset|nvidia-mig-manager|gpu-feature-discovery|nvidia-dcgm|nvidia-vgpu-manager|nvidia-sandbox-validator)/;

export interface PodTrouble {
  pod: Pod;
  /** `CrashLoopBackOff`, `Init:CrashLoopBackOff`, `not ready`... */
  state: string;
  /** The most telling message: last termination message or waiting message. */
  message: string;
}

/** Why a pod is not working, or undefined when it is running and ready. */
export function podTrouble(pod: Pod): PodTrouble | undefined {
  if (isPodReady(pod) && pod.status?.phase === 'Running') return undefined;
  let state = pod.status?.phase ?? 'Unknown';
  let message = '';
  for (const c of containersOf(pod)) {
    const waiting = c.status?.state?.waiting;
    const last = c.status?.lastState?.terminated ?? c.status?.state?.terminated;
    if (waiting?.reason && waiting.reason !== 'PodInitializing' && waiting.reason !== 'ContainerCreating') state = `${c.init ? 'Init:' : ''}${waiting.reason}`;
    else if (!c.status?.ready && c.status?.state?.running && !c.init) state = `container ${c.name} not ready`;
    const text = last?.message?.trim() || waiting?.message?.trim() || '';
    if (text && !message) message = `${c.name}: ${text}`;
    if (waiting?.reason === 'CrashLoopBackOff' || (c.init && waiting)) break;
  }
  return { pod, state, message };
}

/**
 * Start-up is not a fault: the GPU operator's driver container compiles for minutes and the
 * validators wait in Init meanwhile. A failure counts when it is a crash/error state or has lasted.
 */
function lasting(state: ClusterState, t: PodTrouble): boolean {
  return /CrashLoopBackOff|Error|BackOff|Failed|Invalid/.test(t.state) || ageSeconds(state, t.pod.metadata.creationTimestamp) > 900;
}

/** The lines of a (possibly multi-line, log-tail) message that explain a failure. */
export function telling(message: string, max = 2): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const important = lines.filter((l) => /error|fail|could not|cannot|unable|not found|xid|nvml|driver/i.test(l));
  return (important.length ? important.slice(-max) : lines.slice(-max)).join(' | ').slice(0, 400);
}

export interface AcceleratorNode {
  node: Node;
  vendor: Vendor;
  /** Devices advertised in capacity / allocatable of the vendor's main resources. */
  capacity: number;
  allocatable: number;
  pluginPods: Pod[];
  /** Failing plugin pods on this node. */
  pluginTrouble: PodTrouble[];
  /** Failing GPU-operator pods on this node (driver, toolkit, validator...). */
  operatorTrouble: PodTrouble[];
  /** No device is usable: nothing advertised, or allocatable 0. */
  noDevices: boolean;
}

const cache = new WeakMap<ClusterState, AcceleratorNode[]>();

/** Every node that carries (or is labelled as carrying) accelerators, with its plugin's health. */
export function acceleratorNodes(state: ClusterState): AcceleratorNode[] {
  const cached = cache.get(state);
  if (cached) return cached;
  const result: AcceleratorNode[] = [];
  for (const node of state.nodes) {
    const labels = node.metadata.labels ?? {};
    for (const vendor of VENDORS) {
      const resources = advertised(node, vendor);
      if (resources.length === 0 && !vendor.nodeLabel(labels) && !(node.spec?.taints ?? []).some((t) => vendor.resource.test(t.key))) continue;
      const pods = state.podsOnNode(node.metadata.name).filter(isActivePod);
      const pluginPods = pods.filter((p) => isPluginPod(p, vendor));
      const operatorPods = vendor.id === 'nvidia' ? pods.filter((p) => OPERATOR_COMPONENT.test(p.metadata.name) && !isPluginPod(p, vendor)) : [];
      const capacity = resources.reduce((s, r) => s + nodeQuantity(node, r, 'capacity'), 0);
      const allocatable = resources.reduce((s, r) => s + nodeQuantity(node, r), 0);
      result.push({
        node, vendor, capacity, allocatable, pluginPods,
        pluginTrouble: pluginPods.map(podTrouble).filter((t): t is PodTrouble => !!t && lasting(state, t)),
        operatorTrouble: operatorPods.map(podTrouble).filter((t): t is PodTrouble => !!t && !/Completed/.test(t.state) && lasting(state, t)),
        noDevices: allocatable === 0,
      });
    }
  }
  cache.set(state, result);
  return result;
}

/** `Node gpu-2: capacity nvidia.com/gpu=0, allocatable=0` */
export function deviceLine(an: AcceleratorNode): string {
  return `${label(an.node)}: ${an.vendor.mainResource} capacity=${an.capacity}, allocatable=${an.allocatable}${an.capacity === 0 && an.allocatable === 0 ? ' (not advertised)' : ''}`;
}

export function troubleLine(t: PodTrouble): string {
  return `${label(t.pod)} on ${t.pod.spec?.nodeName}: ${t.state}${t.message ? ` — ${telling(t.message)}` : ''}`;
}

/** Objects that own AI workloads: the one a person edits (PyTorchJob, Volcano Job, RayJob...). */
const AI_OWNERS = new Set(['PyTorchJob', 'TFJob', 'MPIJob', 'XGBoostJob', 'PaddleJob', 'JAXJob', 'TrainJob', 'RayJob', 'RayCluster', 'JobSet', 'LeaderWorkerSet', 'InferenceService', 'Notebook']);

/** The object to edit for an AI pod: its training/serving CR when it has one, else its workload. */
export function aiWorkloadOf(state: ClusterState, obj: KubeObject): ObjectRef {
  const chain = state.ownerChain(obj);
  const ai = chain.find((r) => AI_OWNERS.has(r.kind) || (r.kind === 'Job' && /volcano/.test(ownerApiVersion(obj, state) ?? '')));
  return ai ?? state.workloadOf(obj);
}

function ownerApiVersion(obj: KubeObject, state: ClusterState): string | undefined {
  let current: KubeObject | undefined = obj;
  for (let i = 0; current && i < 4; i++) {
    const owner: { kind: string; name: string; apiVersion?: string; controller?: boolean } | undefined = current.metadata.ownerReferences?.find((r) => r.controller) ?? current.metadata.ownerReferences?.[0];
    if (!owner) return undefined;
    if (owner.kind === 'Job' && owner.apiVersion?.startsWith('batch.volcano.sh')) return owner.apiVersion;
    current = state.find({ kind: owner.kind, namespace: obj.metadata.namespace, name: owner.name });
  }
  return undefined;
}
