/**
 * Accelerator hardware and node-runtime faults: XID errors, GPUs fallen off the bus, ECC errors,
 * devices marked unhealthy (capacity > allocatable), Ascend NPU fault reports, failed MIG
 * reconfiguration, and nodes whose container runtime has no NVIDIA runtime.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { refOf } from '../../../cluster/state.js';
import type { ConfigMap, Node, Pod } from '../../../cluster/types.js';
import type { Detection, Scenario, Severity } from '../../types.js';
import { ageSeconds, eventLine, isActivePod, label, statusLine } from '../util.js';
import { acceleratorRequests } from '../scheduling/pending.js';
import { acceleratorNodes, aiWorkloadOf, deviceLine, type AcceleratorNode } from './devices.js';

type FaultKind = 'fallen-off-bus' | 'ecc' | 'xid' | 'unhealthy';

/** Xids that report application faults (illegal address, MMU faults from user code), not broken hardware. */
const APPLICATION_XIDS = new Set([13, 31, 43, 45, 68]);
const ECC_XIDS = new Set([48, 63, 64, 92, 94, 95]);
/** `NVRM: Xid (PCI:0000:3b:00): 79, pid=...` (kernel) and `Xid=79 on Device=GPU-...` (device plugin). */
const XID = /\bXid\b(?:\s*\(PCI:[0-9a-fA-F:.]+\))?\s*[:=]?\s*(\d+)/;
const ECC_TEXT = /(uncorrectable|double[- ]bit|\bDBE\b)[^.]{0,60}(ECC|error)|ECC[^.]{0,60}(uncorrectable|double[- ]bit)|row remap(ping)? (failure|pending)/i;

function xidOf(text: string): number | undefined {
  const m = XID.exec(text);
  return m ? Number(m[1]) : undefined;
}

function classify(text: string): FaultKind | undefined {
  const xid = xidOf(text);
  if (/fallen off the bus/i.test(text) || xid === 79) return 'fallen-off-bus';
  if (ECC_TEXT.test(text) || (xid !== undefined && ECC_XIDS.has(xid))) return 'ecc';
  if (xid !== undefined && !APPLICATION_XIDS.has(xid)) return 'xid';
  return undefined;
}

interface NodeFault {
  an: AcceleratorNode;
  kind: FaultKind;
  evidence: string[];
}

/** Messages about a node from the last day: its events and the messages of its problem conditions. */
function nodeMessages(state: ClusterState, node: Node): Array<{ line: string; text: string }> {
  const out: Array<{ line: string; text: string }> = [];
  for (const e of state.eventsFor(refOf(node))) {
    if (ageSeconds(state, e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp) > 86400) continue;
    out.push({ line: eventLine(node, e), text: e.message ?? '' });
  }
  for (const c of node.status?.conditions ?? []) {
    if (c.status === 'True' && c.message && !['Ready'].includes(c.type)) out.push({ line: statusLine(node, `condition ${c.type}=True reason=${c.reason ?? ''}: ${c.message}`), text: c.message });
  }
  return out;
}

const cache = new WeakMap<ClusterState, NodeFault[]>();

/** One fault per accelerator node, the most severe found: off the bus > ECC > XID > devices marked unhealthy. */
function nodeFaults(state: ClusterState): NodeFault[] {
  const cached = cache.get(state);
  if (cached) return cached;
  const faults: NodeFault[] = [];
  for (const an of acceleratorNodes(state)) {
    if (an.vendor.id === 'ascend') continue;
    const messages = [...nodeMessages(state, an.node), ...an.pluginPods.flatMap((p) => pluginLogLines(p))];
    const of = (kind: FaultKind) => messages.filter((m) => classify(m.text) === kind).map((m) => m.line);
    const bus = of('fallen-off-bus');
    const ecc = of('ecc');
    const xid = of('xid');
    if (bus.length) faults.push({ an, kind: 'fallen-off-bus', evidence: bus });
    else if (ecc.length) faults.push({ an, kind: 'ecc', evidence: ecc });
    else if (xid.length) faults.push({ an, kind: 'xid', evidence: xid });
    else if (an.capacity > an.allocatable && an.pluginTrouble.length === 0 && an.pluginPods.length > 0) {
      faults.push({ an, kind: 'unhealthy', evidence: messages.filter((m) => /unhealthy/i.test(m.text)).map((m) => m.line) });
    }
  }
  cache.set(state, faults);
  return faults;
}

/** Log tails the device plugin left in its termination messages ("XidCriticalError: Xid=79 on Device=...; marking device as unhealthy."). */
function pluginLogLines(pod: Pod): Array<{ line: string; text: string }> {
  const lines: Array<{ line: string; text: string }> = [];
  for (const c of pod.status?.containerStatuses ?? []) {
    const text = c.lastState?.terminated?.message ?? c.state?.terminated?.message;
    if (!text) continue;
    for (const l of text.split('\n')) if (/xid|unhealthy|ecc/i.test(l)) lines.push({ line: `${label(pod)}: ${l.trim()}`, text: l });
  }
  return lines;
}

/** GPU pods on the node: the workloads that lose their devices. */
function gpuPodsOn(state: ClusterState, node: Node): Pod[] {
  return state.podsOnNode(node.metadata.name).filter((p) => isActivePod(p) && acceleratorRequests(p).length > 0);
}

const FAULT_TEXT: Record<FaultKind, { what: string; fix: string; severity: Severity }> = {
  'fallen-off-bus': { what: 'a GPU has fallen off the PCIe bus (Xid 79)', fix: 'drain the node and power-cycle it (a reboot from the OS is often not enough); replace the GPU if it recurs', severity: 'critical' },
  ecc: { what: 'a GPU reports uncorrectable ECC / row-remapping errors', fix: 'drain the node, reset the GPU (nvidia-smi -r) or reboot to apply row remapping; replace the GPU if errors persist', severity: 'critical' },
  xid: { what: 'the NVIDIA driver reports XID errors', fix: 'look the Xid up in NVIDIA\'s XID catalog; drain the node and reset the GPU or reboot; check driver version and GPU health (nvidia-smi -q)', severity: 'warning' },
  unhealthy: { what: 'the device plugin marked devices unhealthy (capacity > allocatable)', fix: 'check nvidia-smi and the device plugin logs for the XID that marked them; reset the GPU or reboot the node', severity: 'warning' },
};

function faultScenario(kind: FaultKind, id: string, title: string, description: string): Scenario {
  return {
    id,
    category: 'accelerator',
    severity: FAULT_TEXT[kind].severity,
    title,
    description,
    detect(state) {
      return nodeFaults(state).filter((f) => f.kind === kind).map((f): Detection => {
        const pods = gpuPodsOn(state, f.an.node);
        const name = f.an.node.metadata.name;
        return {
          resource: refOf(f.an.node),
          rootCause: refOf(f.an.node),
          affected: [...pods.map(refOf), ...pods.map((p) => aiWorkloadOf(state, p))],
          title: `Node ${name}: ${FAULT_TEXT[kind].what}`,
          explanation: `On ${label(f.an.node)} ${FAULT_TEXT[kind].what}. Pods using its GPUs fail or hang${pods.length ? ` (${pods.length} GPU pod(s) on it)` : ''}, and the node keeps accepting GPU work until it is drained.`,
          evidence: [...f.evidence.slice(0, 4), deviceLine(f.an)],
          remediation: [`kubectl cordon ${name} && kubectl drain ${name} --ignore-daemonsets --delete-emptydir-data`, FAULT_TEXT[kind].fix],
          confidence: kind === 'unhealthy' && f.evidence.length === 0 ? 0.75 : 0.92,
        };
      });
    },
  };
}

export const faultScenarios: Scenario[] = [
  faultScenario('fallen-off-bus', 'accelerator.gpu-fallen-off-bus', 'A GPU has fallen off the bus',
    'The NVIDIA driver lost a GPU ("NVRM: Xid (PCI:0000:3b:00): 79, pid=..., GPU has fallen off the bus."), reported through node ' +
    'events or conditions (node-problem-detector, DCGM) or the device plugin\'s "XidCriticalError: Xid=79 ...; marking device as ' +
    'unhealthy". The GPU is unusable until the node is power-cycled. Fix: drain and power-cycle; replace the board if it recurs.'),
  faultScenario('ecc', 'accelerator.gpu-ecc-errors', 'A GPU reports uncorrectable ECC errors',
    'Double-bit / uncorrectable ECC errors or row-remapping failures (Xid 48, 63, 64, 92, 94, 95) on a GPU, from node events, ' +
    'conditions or the device plugin. Jobs on it crash or produce corrupt results. Fix: drain, reset/reboot to remap rows, replace ' +
    'the GPU if errors continue.'),
  faultScenario('xid', 'accelerator.gpu-xid-errors', 'GPU driver reports XID errors on a node',
    'The NVIDIA driver logs XID errors that point at hardware, driver or firmware faults (application Xids 13/31/43/45 are ignored), ' +
    'seen in node events/conditions or device-plugin logs. Fix: look the Xid up in NVIDIA\'s catalog, drain the node and reset the GPU.'),
  faultScenario('unhealthy', 'accelerator.gpu-devices-unhealthy', 'Node advertises fewer usable GPUs than it has',
    'The device plugin is running but marked some devices unhealthy ("Marking device ... as unhealthy" / "XidCriticalError ... ' +
    'marking device as unhealthy"), so status.allocatable is lower than status.capacity and the node silently loses GPU capacity. ' +
    'Fix: find the faulty GPU (nvidia-smi -q), reset it or reboot; the plugin does not recover devices on its own.'),
];

/** Ascend device plugin/NodeD fault reports: node annotations and the mindx-dl-deviceinfo ConfigMap. */
const ASCEND_FAULT_KEY = /^huawei\.com\/Ascend\w*-(Unhealthy|NetworkUnhealthy|Fault)$/;

function ascendFaults(state: ClusterState, node: Node): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(node.metadata.annotations ?? {})) {
    if (ASCEND_FAULT_KEY.test(k) && v && v !== '[]') lines.push(`${label(node)}: annotation ${k}=${v}`);
  }
  const cm = state.get<ConfigMap>('ConfigMap', 'kube-system', `mindx-dl-deviceinfo-${node.metadata.name}`);
  const raw = cm?.data?.DeviceInfoCfg;
  if (raw) {
    try {
      const list = (JSON.parse(raw) as { DeviceInfo?: { DeviceList?: Record<string, string> } }).DeviceInfo?.DeviceList ?? {};
      for (const [k, v] of Object.entries(list)) if (ASCEND_FAULT_KEY.test(k) && v && v !== '[]') lines.push(`ConfigMap kube-system/mindx-dl-deviceinfo-${node.metadata.name}: ${k}=${v}`);
    } catch {
      // A malformed report proves nothing either way.
    }
  }
  return lines;
}

export const ascendFaultScenario: Scenario = {
  id: 'accelerator.ascend-npu-unhealthy',
  category: 'accelerator',
  severity: 'warning',
  title: 'Ascend NPUs reported unhealthy',
  description:
    'The Ascend device plugin reports faulty NPUs for a node — huawei.com/Ascend910-Unhealthy, -NetworkUnhealthy or -Fault in the ' +
    'node annotations or the kube-system/mindx-dl-deviceinfo-<node> ConfigMap — so those chips are withheld and jobs needing a full ' +
    'node of NPUs cannot run there. Fix: check the chips with npu-smi info, recover or isolate them, reboot if needed.',
  detect(state) {
    const detections: Detection[] = [];
    for (const an of acceleratorNodes(state)) {
      if (an.vendor.id !== 'ascend') continue;
      const lines = ascendFaults(state, an.node);
      if (lines.length === 0) continue;
      const pods = gpuPodsOn(state, an.node);
      detections.push({
        resource: refOf(an.node),
        rootCause: refOf(an.node),
        affected: pods.map(refOf),
        title: `Node ${an.node.metadata.name}: Ascend NPUs reported unhealthy`,
        explanation: `The Ascend device plugin on ${an.node.metadata.name} reports faulty NPUs; they are not allocated, and ${an.vendor.mainResource} allocatable is ${an.allocatable} of ${an.capacity}.`,
        evidence: [...lines, deviceLine(an)],
        remediation: [`on ${an.node.metadata.name}: npu-smi info; recover or isolate the faulty chips, then restart the device plugin`],
        confidence: 0.9,
      });
    }
    return detections;
  },
};

export const migConfigFailedScenario: Scenario = {
  id: 'accelerator.mig-reconfiguration-failed',
  category: 'accelerator',
  severity: 'warning',
  title: 'MIG reconfiguration failed on a node',
  description:
    'The NVIDIA MIG manager could not apply the MIG layout requested by the node label nvidia.com/mig.config: it sets ' +
    'nvidia.com/mig.config.state=failed, and the node keeps its old (or no) MIG devices, so pods asking for nvidia.com/mig-* profiles ' +
    'cannot use it. Fix: read the nvidia-mig-manager log on the node; GPUs must be idle to repartition (stop GPU pods, drain), and ' +
    'the profile must exist in the mig-parted config.',
  detect(state) {
    const detections: Detection[] = [];
    for (const an of acceleratorNodes(state)) {
      const labels = an.node.metadata.labels ?? {};
      if (labels['nvidia.com/mig.config.state'] !== 'failed') continue;
      const manager = state.podsOnNode(an.node.metadata.name).find((p) => /mig-manager/.test(p.metadata.name));
      detections.push({
        resource: refOf(an.node),
        rootCause: refOf(an.node),
        affected: manager ? [refOf(manager)] : [],
        title: `Node ${an.node.metadata.name}: MIG layout "${labels['nvidia.com/mig.config'] ?? '?'}" failed to apply`,
        explanation: `The MIG manager failed to apply nvidia.com/mig.config=${labels['nvidia.com/mig.config'] ?? '?'} on ${an.node.metadata.name}; its MIG devices do not match what pods request.`,
        evidence: [`${label(an.node)}: labels nvidia.com/mig.config=${labels['nvidia.com/mig.config'] ?? ''}, nvidia.com/mig.config.state=failed`, deviceLine(an)],
        remediation: [`kubectl -n gpu-operator logs ${manager?.metadata.name ?? '<nvidia-mig-manager pod on the node>'}`, `drain ${an.node.metadata.name} (GPUs must be idle), then relabel: kubectl label node ${an.node.metadata.name} nvidia.com/mig.config=${labels['nvidia.com/mig.config'] ?? '<profile>'} --overwrite`],
        confidence: 0.9,
      });
    }
    return detections;
  },
};

const NO_NVIDIA_RUNTIME = /no runtime for "?nvidia"? is configured|unknown or invalid runtime name: nvidia|RuntimeHandler "?nvidia"? not supported|nvidia-container-runtime: (no such file|executable file not found)/i;

export const runtimeNotConfiguredScenario: Scenario = {
  id: 'accelerator.nvidia-runtime-not-configured',
  category: 'accelerator',
  severity: 'critical',
  title: 'Node has no NVIDIA container runtime for GPU pods',
  description:
    'Pods with runtimeClassName: nvidia (or the GPU operator\'s own pods) cannot start on a node whose containerd/CRI-O has no ' +
    '"nvidia" runtime handler: "failed to get sandbox runtime: no runtime for \\"nvidia\\" is configured" (FailedCreatePodSandBox). ' +
    'Fix: install the NVIDIA container toolkit on the node and register the runtime (nvidia-ctk runtime configure --runtime=containerd; ' +
    'restart containerd), or let the GPU operator\'s toolkit DaemonSet do it.',
  hops: 2,
  detect(state) {
    const byNode = new Map<string, { pods: Pod[]; line: string }>();
    const seen = new Set<string>();
    for (const e of state.events) {
      const inv = e.involvedObject;
      if (inv?.kind !== 'Pod' || !NO_NVIDIA_RUNTIME.test(e.message ?? '')) continue;
      const pod = state.get<Pod>('Pod', inv.namespace, inv.name ?? '');
      const nodeName = pod?.spec?.nodeName ?? e.source?.host;
      if (!pod || !nodeName || !isActivePod(pod) || seen.has(`${inv.namespace}/${inv.name}`)) continue;
      seen.add(`${inv.namespace}/${inv.name}`);
      const entry = byNode.get(nodeName) ?? { pods: [], line: eventLine(pod, e) };
      entry.pods.push(pod);
      byNode.set(nodeName, entry);
    }
    return [...byNode.entries()].map(([nodeName, { pods, line }]) => ({
      resource: refOf(pods[0]),
      rootCause: { kind: 'Node', name: nodeName },
      affected: [...pods.map(refOf), ...pods.map((p) => aiWorkloadOf(state, p))],
      title: `Node ${nodeName} has no "nvidia" runtime configured`,
      explanation: `${pods.length} pod(s) on ${nodeName} cannot create their sandbox: the node's container runtime has no "nvidia" handler.`,
      evidence: [`${label(pods[0])}: ContainerCreating ← RuntimeClass handler "nvidia" ← Node ${nodeName}: runtime not configured`, line],
      remediation: [`on ${nodeName}: nvidia-ctk runtime configure --runtime=containerd && systemctl restart containerd`, 'or check the GPU operator\'s nvidia-container-toolkit-daemonset pod on that node'],
      confidence: 0.93,
    }));
  },
};
