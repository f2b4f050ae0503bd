/**
 * The live scheduler's decisions, as a pure function of what the API server holds: nodes,
 * pods, PodGroups and HyperNodes in, bindings and explanations out. The same placement core
 * as trace replay decides; `live.ts` only lists objects and carries the decisions out.
 */
import { parseQuantity } from '../cluster/quantity.js';
import { largestFirst, placeGang, placeMembers, type NetworkTopologySpec } from './gang.js';
import { createPolicy, type PolicyName } from './policies.js';
import { SeededRandom } from './random.js';
import { bestFitDevices, ClusterState, MILLI_PER_GPU, type NodeSpec, type Placement, type PodRequest } from './resources.js';
import { topologyFromHyperNodes, topologyFromLabels, type HyperNodeObject } from './topology.js';

/** Annotation (Volcano's) naming a pod's PodGroup. */
export const GROUP_ANNOTATION = 'scheduling.k8s.io/group-name';
/** Written before binding: the device indices the pod's GPU request sits on, e.g. "0,3". */
export const DEVICES_ANNOTATION = 'nakhoda.io/gpu-devices';
/** Asks for a share of one GPU in milli-GPU ("500" = half a GPU). */
export const GPU_MILLI_ANNOTATION = 'nakhoda.io/gpu-milli';
/** Restricts a pod to GPU models, `|`-separated ("A100|H100"). */
export const GPU_MODELS_ANNOTATION = 'nakhoda.io/gpu-models';
/** Node labels that carry the GPU model. */
const MODEL_LABELS = ['nvidia.com/gpu.product', 'accelerator'];

interface Meta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly creationTimestamp?: string | Date;
  readonly deletionTimestamp?: string | Date;
}
type Quantities = Readonly<Record<string, string | number>>;

/** The fields of a Node the scheduler reads. */
export interface NodeObject {
  readonly metadata: Meta;
  readonly spec?: { readonly unschedulable?: boolean; readonly taints?: ReadonlyArray<{ key: string; value?: string; effect: string }> };
  readonly status?: { readonly allocatable?: Quantities; readonly conditions?: ReadonlyArray<{ type: string; status: string }> };
}

/** The fields of a Pod the scheduler reads. */
export interface PodObject {
  readonly metadata: Meta;
  readonly spec?: {
    readonly schedulerName?: string;
    readonly nodeName?: string;
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly tolerations?: ReadonlyArray<{ key?: string; operator?: string; value?: string; effect?: string }>;
    readonly containers?: ReadonlyArray<{ readonly resources?: { readonly requests?: Quantities; readonly limits?: Quantities } }>;
    readonly initContainers?: ReadonlyArray<{ readonly resources?: { readonly requests?: Quantities; readonly limits?: Quantities } }>;
  };
  readonly status?: { readonly phase?: string };
}

/** A Volcano PodGroup (scheduling.volcano.sh/v1beta1). */
export interface PodGroupObject {
  readonly metadata: Meta;
  readonly spec?: { readonly minMember?: number; readonly networkTopology?: NetworkTopologySpec };
  readonly status?: { readonly phase?: string };
}

export interface ClusterView {
  readonly nodes: readonly NodeObject[];
  readonly pods: readonly PodObject[];
  readonly podGroups: readonly PodGroupObject[];
  readonly hyperNodes: readonly HyperNodeObject[];
}

export interface PlanOptions {
  readonly schedulerName: string;
  /** Topology tier labels, tightest first (used when there are no HyperNodes). */
  readonly tierLabels: readonly string[];
  /** Extended resources that count as whole accelerators (nvidia.com/gpu, ...). */
  readonly gpuResources: readonly string[];
  readonly policy: PolicyName;
  readonly seed: number;
}

export interface BindDecision {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly node: string;
  readonly devices: readonly number[];
  readonly group?: string;
}

export interface FailureDecision {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly message: string;
}

export interface GroupStatusDecision {
  readonly namespace: string;
  readonly name: string;
  readonly phase: 'Pending' | 'Running';
  readonly message: string;
}

export interface CyclePlan {
  readonly binds: readonly BindDecision[];
  readonly failures: readonly FailureDecision[];
  readonly groups: readonly GroupStatusDecision[];
}

const CPU_PER_CORE = 1000;
const BYTES_PER_MIB = 1024 * 1024;

function quantity(values: Quantities | undefined, key: string): number {
  return parseQuantity(values?.[key]) ?? 0;
}

export function nodeSpecFromNode(node: NodeObject, gpuResources: readonly string[]): NodeSpec {
  const allocatable = node.status?.allocatable;
  const gpuCount = Math.floor(Math.max(0, ...gpuResources.map((r) => quantity(allocatable, r))));
  const labels = node.metadata.labels ?? {};
  return {
    name: node.metadata.name ?? '',
    cpuMilli: Math.round(quantity(allocatable, 'cpu') * CPU_PER_CORE),
    memoryMiB: Math.floor(quantity(allocatable, 'memory') / BYTES_PER_MIB),
    gpuCount,
    gpuModel: gpuCount > 0 ? (MODEL_LABELS.map((l) => labels[l]).find((v) => v) ?? 'gpu') : '',
    labels,
  };
}

/** A pod's request: the sum over containers, or the largest init container if that is more. */
export function podRequestFromPod(pod: PodObject, gpuResources: readonly string[]): PodRequest {
  // a container's request defaults to its limit when only the limit is set (as the API server does)
  type Container = { readonly resources?: { readonly requests?: Quantities; readonly limits?: Quantities } };
  const amount = (c: Container, name: string): number =>
    c.resources?.requests?.[name] !== undefined ? quantity(c.resources.requests, name) : quantity(c.resources?.limits, name);
  const total = (name: string): number =>
    Math.max(
      (pod.spec?.containers ?? []).reduce((sum, c) => sum + amount(c, name), 0),
      ...(pod.spec?.initContainers ?? []).map((c) => amount(c, name)),
    );
  const annotations = pod.metadata.annotations ?? {};
  let gpuCount = Math.ceil(Math.max(0, ...gpuResources.map(total)));
  let gpuMilli = gpuCount > 0 ? MILLI_PER_GPU : 0;
  const share = Number(annotations[GPU_MILLI_ANNOTATION]);
  if (Number.isInteger(share) && share > 0 && share < MILLI_PER_GPU && gpuCount <= 1) {
    gpuCount = 1;
    gpuMilli = share;
  }
  return {
    cpuMilli: Math.round(total('cpu') * CPU_PER_CORE),
    memoryMiB: Math.ceil(total('memory') / BYTES_PER_MIB),
    gpuCount,
    gpuMilli,
    gpuModels: (annotations[GPU_MODELS_ANNOTATION] ?? '').split('|').filter((m) => m !== ''),
  };
}

/** Ready, not cordoned, labels match the nodeSelector, every NoSchedule/NoExecute taint tolerated. */
export function nodeAdmitsPod(node: NodeObject, pod: PodObject): boolean {
  if (node.spec?.unschedulable) return false;
  if (!node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return false;
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const tolerations = pod.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).every(
    (taint) =>
      taint.effect === 'PreferNoSchedule' ||
      tolerations.some(
        (t) =>
          (t.effect === undefined || t.effect === '' || t.effect === taint.effect) &&
          (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === taint.key && (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? ''))),
      ),
  );
}

const key = (o: { metadata: Meta }): string => `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;
const isFinished = (pod: PodObject): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

function parseDevices(text: string | undefined): number[] | undefined {
  if (!text) return undefined;
  const devices = text.split(',').map(Number);
  return devices.every((d) => Number.isInteger(d) && d >= 0) ? devices : undefined;
}

/**
 * Rebuild the cluster's free resources from bound pods. A pod's recorded devices are used when
 * they still fit; a GPU pod bound by someone else gets the lowest free devices.
 */
export function occupiedState(view: ClusterView, specs: readonly NodeSpec[], gpuResources: readonly string[]): ClusterState {
  const state = new ClusterState(specs);
  const index = new Map(specs.map((s, i) => [s.name, i]));
  for (const pod of view.pods) {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || isFinished(pod)) continue;
    const node = index.get(nodeName);
    if (node === undefined) continue;
    const request = podRequestFromPod(pod, gpuResources);
    const recorded = parseDevices(pod.metadata.annotations?.[DEVICES_ANNOTATION]);
    const base = node * state.maxGpus;
    const recordedFits =
      recorded !== undefined &&
      recorded.length === request.gpuCount &&
      new Set(recorded).size === recorded.length &&
      recorded.every((d) => d < state.gpuCount[node]! && state.gpuFree[base + d]! >= request.gpuMilli);
    const devices = request.gpuCount === 0 ? [] : recordedFits ? recorded : bestFitDevices(state, node, request);
    // an over-committed node (bound elsewhere) still loses its cpu and memory
    const counted = devices.length === request.gpuCount ? request : { ...request, gpuCount: 0, gpuMilli: 0 };
    state.assign({ node, devices: devices.length === request.gpuCount ? devices : [] }, counted);
  }
  return state;
}

/** One scheduling cycle: gangs in order of their oldest pod, each placed all-or-nothing. */
export function planCycle(view: ClusterView, options: PlanOptions): CyclePlan {
  const specs = view.nodes.map((n) => nodeSpecFromNode(n, options.gpuResources));
  const state = occupiedState(view, specs, options.gpuResources);
  const topology = view.hyperNodes.length > 0 ? topologyFromHyperNodes(specs, view.hyperNodes) : topologyFromLabels(specs, options.tierLabels);
  const ours = view.pods.filter((p) => p.spec?.schedulerName === options.schedulerName && !isFinished(p));
  const policy = createPolicy(options.policy, ours.map((p) => podRequestFromPod(p, options.gpuResources)), state);
  const rng = new SeededRandom(options.seed);
  const podGroups = new Map(view.podGroups.map((g) => [key(g), g]));

  const gangs = new Map<string, { group?: string; pending: PodObject[]; bound: PodObject[] }>();
  for (const pod of ours) {
    if (pod.metadata.deletionTimestamp) continue;
    const group = pod.metadata.annotations?.[GROUP_ANNOTATION];
    const gangKey = group ? `${pod.metadata.namespace ?? 'default'}/${group}` : `pod:${key(pod)}`;
    const gang = gangs.get(gangKey) ?? { group, pending: [], bound: [] };
    (pod.spec?.nodeName ? gang.bound : gang.pending).push(pod);
    gangs.set(gangKey, gang);
  }
  const created = (p: PodObject): string => String(p.metadata.creationTimestamp ?? '');
  const order = [...gangs.entries()]
    .filter(([, g]) => g.pending.length > 0)
    .sort(([a, ga], [b, gb]) => {
      const oldest = (g: { pending: PodObject[] }) => g.pending.map(created).sort()[0] ?? '';
      return oldest(ga) < oldest(gb) ? -1 : oldest(ga) > oldest(gb) ? 1 : a < b ? -1 : 1;
    });

  const binds: BindDecision[] = [];
  const failures: FailureDecision[] = [];
  const groups: GroupStatusDecision[] = [];
  const fail = (pods: readonly PodObject[], message: string): void => {
    for (const p of pods) failures.push({ namespace: p.metadata.namespace ?? 'default', name: p.metadata.name ?? '', uid: p.metadata.uid ?? '', message });
  };

  for (const [gangKey, gang] of order) {
    const pending = [...gang.pending].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    const podGroup = gang.group ? podGroups.get(gangKey) : undefined;
    const groupRef = gang.group ? { namespace: gangKey.split('/')[0]!, name: gang.group } : undefined;
    if (gang.group && !podGroup) {
      fail(pending, `PodGroup ${gangKey} does not exist; create it (scheduling.volcano.sh/v1beta1) or remove the ${GROUP_ANNOTATION} annotation.`);
      continue;
    }
    const minMember = podGroup?.spec?.minMember ?? 1;
    const present = pending.length + gang.bound.length;
    if (present < minMember) {
      const message = `gang ${gangKey} waits for its pods: ${present} of minMember ${minMember} exist; create the missing ${minMember - present} or lower minMember.`;
      fail(pending, message);
      if (groupRef) groups.push({ ...groupRef, phase: 'Pending', message });
      continue;
    }
    const eligible = new Uint8Array(specs.length);
    view.nodes.forEach((node, n) => {
      eligible[n] = pending.every((p) => nodeAdmitsPod(node, p)) ? 1 : 0;
    });
    const members = pending.map((p) => podRequestFromPod(p, options.gpuResources));
    const networkTopology = podGroup?.spec?.networkTopology;
    let placements: readonly Placement[] | null = null;
    let reason = '';
    if (gang.bound.length > 0) {
      // the rest of a gang that is partly bound (e.g. after a restart) joins its domain
      const boundNodes = gang.bound.map((p) => specs.findIndex((s) => s.name === p.spec?.nodeName)).filter((n) => n >= 0);
      const tier = Math.min(networkTopology?.mode === 'hard' ? (networkTopology.highestTierAllowed ?? 1) : 1, topology.tiers);
      const domain = tier >= 1 && boundNodes.length > 0 ? topology.nodeDomain[tier - 1]![boundNodes[0]!]! : -1;
      const inDomain = domain >= 0 ? topology.domains[tier - 1]![domain]!.nodes.filter((n) => eligible[n] === 1) : undefined;
      placements = inDomain ? placeMembers(state, members, largestFirst(members), policy, rng, inDomain) : null;
      if (!placements && networkTopology?.mode !== 'hard') {
        placements = placeMembers(state, members, largestFirst(members), policy, rng, specs.map((_, n) => n).filter((n) => eligible[n] === 1));
      }
      if (!placements) reason = `the remaining ${pending.length} pod(s) of gang ${gangKey} do not fit next to its ${gang.bound.length} bound pod(s); free capacity in that domain.`;
    } else {
      const outcome = placeGang(state, topology, { name: gangKey, members, ...(networkTopology ? { networkTopology } : {}) }, policy, rng, 'nakhoda', eligible);
      if (outcome.placed) placements = outcome.placements;
      else reason = outcome.reason;
    }
    if (!placements) {
      const ineligible = eligible.reduce((n, ok) => n + (ok ? 0 : 1), 0);
      const filtered = ineligible > 0 ? ` (${ineligible} of ${specs.length} nodes are excluded by readiness, cordon, taints or nodeSelector)` : '';
      const message = `${reason.replace(/^gang [^ ]+ /, `gang ${gangKey} `)}${filtered}`;
      fail(pending, message);
      if (groupRef) groups.push({ ...groupRef, phase: 'Pending', message });
      continue;
    }
    placements.forEach((placement, i) => {
      const pod = pending[i]!;
      binds.push({
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name ?? '',
        uid: pod.metadata.uid ?? '',
        node: specs[placement.node]!.name,
        devices: placement.devices,
        ...(gang.group ? { group: gangKey } : {}),
      });
    });
    if (groupRef) groups.push({ ...groupRef, phase: 'Running', message: `all ${present} pods of gang ${gangKey} are placed` });
  }
  return { binds, failures, groups };
}
