import { selectPlacement, type PlacementPolicy } from './policies.js';
import { SeededRandom } from './random.js';
import { ClusterState, isFractional, MILLI_PER_GPU, totalGpuMilli, type Placement, type PodRequest } from './resources.js';
import { lowestCommonTier, type Topology } from './topology.js';

/** Volcano PodGroup `spec.networkTopology`. */
export interface NetworkTopologySpec {
  readonly mode: 'hard' | 'soft';
  /** Widest tier the gang may span (Volcano tier numbers, 1 = tightest). */
  readonly highestTierAllowed?: number;
}

/** A gang: `members` are the pods that must all be placed together (PodGroup minMember). */
export interface GangRequest {
  readonly name: string;
  readonly members: readonly PodRequest[];
  readonly networkTopology?: NetworkTopologySpec;
}

/**
 * How a gang's domain is chosen:
 * - `nakhoda`: the tightest tier that can hold it, and there the domain it fills best
 *   (leaving large domains whole for large gangs); wider only if the gang's mode allows;
 * - `volcano`: like Volcano's network-topology plugin: tiers up to `highestTierAllowed`, the
 *   first fitting domain; anywhere when soft or unconstrained;
 * - `unaware`: the whole cluster, pod by pod (plain gang scheduling).
 */
export type GangStrategy = 'nakhoda' | 'volcano' | 'unaware';

export type GangOutcome =
  | {
      readonly placed: true;
      /** In the order of `members`. */
      readonly placements: readonly Placement[];
      /** Tier of the placement's lowest common ancestor (0 = one node). */
      readonly tier: number;
    }
  | { readonly placed: false; readonly reason: string };

/** How many pods of this shape node n can still take (the quick capacity bound). */
export function podsThatFit(state: ClusterState, node: number, pod: PodRequest, access: Uint8Array): number {
  if (pod.gpuCount > 0) {
    const model = state.modelIndex[node]!;
    if (model < 0 || access[model] === 0) return 0;
  }
  let fit = Math.min(
    pod.cpuMilli > 0 ? Math.floor(state.cpuFree[node]! / pod.cpuMilli) : Infinity,
    pod.memoryMiB > 0 ? Math.floor(state.memoryFree[node]! / pod.memoryMiB) : Infinity,
  );
  if (pod.gpuCount > 0) {
    if (isFractional(pod)) {
      let shares = 0;
      const base = node * state.maxGpus;
      for (let d = 0; d < state.gpuCount[node]!; d++) shares += Math.floor(state.gpuFree[base + d]! / pod.gpuMilli);
      fit = Math.min(fit, shares);
    } else {
      fit = Math.min(fit, Math.floor(state.fullyFreeGpus(node) / pod.gpuCount));
    }
  }
  return fit === Infinity ? Number.MAX_SAFE_INTEGER : fit;
}

/** Pods of the gang's largest member shape each domain of tier t can hold (on eligible nodes). */
function domainCapacities(state: ClusterState, topology: Topology, t: number, shape: PodRequest, eligible?: Uint8Array): number[] {
  const access = state.modelAccess(shape);
  return topology.domains[t - 1]!.map((domain) => {
    let sum = 0;
    for (const n of domain.nodes) if (!eligible || eligible[n] === 1) sum += podsThatFit(state, n, shape, access);
    return sum;
  });
}

/** Member indices, largest first: those are the hardest to fit once small ones took space. */
export function largestFirst(members: readonly PodRequest[]): number[] {
  return members
    .map((_, i) => i)
    .sort((a, b) => totalGpuMilli(members[b]!) - totalGpuMilli(members[a]!) || members[b]!.cpuMilli - members[a]!.cpuMilli || a - b);
}

function eligibleNodes(eligible: Uint8Array): number[] {
  const nodes: number[] = [];
  eligible.forEach((ok, n) => {
    if (ok === 1) nodes.push(n);
  });
  return nodes;
}

function largestMember(members: readonly PodRequest[]): PodRequest {
  return members.reduce((a, b) => (totalGpuMilli(b) > totalGpuMilli(a) || (totalGpuMilli(b) === totalGpuMilli(a) && b.cpuMilli > a.cpuMilli) ? b : a));
}

/** Place every member among `candidates` or none: on failure the state is left as it was. */
export function placeMembers(
  state: ClusterState,
  members: readonly PodRequest[],
  order: readonly number[],
  policy: PlacementPolicy,
  rng: SeededRandom,
  candidates?: ArrayLike<number>,
): Placement[] | null {
  const placements: Placement[] = new Array(members.length);
  const done: number[] = [];
  for (const i of order) {
    const pod = members[i]!;
    const placement = selectPlacement(state, pod, policy, rng, candidates);
    if (!placement) {
      for (const j of done) state.release(placements[j]!, members[j]!);
      return null;
    }
    state.assign(placement, pod);
    placements[i] = placement;
    done.push(i);
  }
  return placements;
}

/** "64 pods × 8 GPUs" for a uniform gang, else "64 pods (512 GPUs in total)". */
export function describeMembers(members: readonly PodRequest[]): string {
  const first = members[0];
  const pods = `${members.length} pod${members.length === 1 ? '' : 's'}`;
  if (!first) return pods;
  const uniform = members.every((m) => m.gpuCount === first.gpuCount && m.gpuMilli === first.gpuMilli);
  if (uniform && first.gpuCount > 0) {
    const each = isFractional(first) ? `${first.gpuMilli} milli-GPU` : `${first.gpuCount} GPU${first.gpuCount === 1 ? '' : 's'}`;
    return `${pods} × ${each}`;
  }
  const gpus = members.reduce((sum, m) => sum + totalGpuMilli(m), 0) / MILLI_PER_GPU;
  return gpus > 0 ? `${pods} (${gpus} GPUs in total)` : pods;
}

/**
 * Place a gang all-or-nothing. On success the state holds every member's assignment; on
 * failure it is unchanged and `reason` says, in one sentence, what would let it fit.
 */
export function placeGang(
  state: ClusterState,
  topology: Topology,
  gang: GangRequest,
  policy: PlacementPolicy,
  rng: SeededRandom,
  strategy: GangStrategy = 'nakhoda',
  eligible?: Uint8Array,
): GangOutcome {
  const members = gang.members;
  if (members.length === 0) return { placed: true, placements: [], tier: 0 };
  const order = largestFirst(members);
  const shape = largestMember(members);
  const mode = gang.networkTopology?.mode;
  const highest = gang.networkTopology?.highestTierAllowed ?? (mode === 'hard' ? 1 : topology.tiers);
  const widestTier = mode === 'hard' ? Math.min(highest, topology.tiers) : topology.tiers;
  const mayUseWholeCluster = mode !== 'hard' || highest > topology.tiers;
  const done = (placements: Placement[]): GangOutcome => ({
    placed: true,
    placements,
    tier: lowestCommonTier(topology, placements.map((p) => p.node)),
  });

  if (strategy !== 'unaware' && (strategy === 'nakhoda' || mode !== undefined)) {
    const tierLimit = strategy === 'volcano' && mode === 'soft' ? Math.min(highest, topology.tiers) : widestTier;
    for (let t = 1; t <= tierLimit; t++) {
      const domains = topology.domains[t - 1]!;
      const capacity = domainCapacities(state, topology, t, shape, eligible);
      let candidates = domains.map((_, d) => d).filter((d) => capacity[d]! >= members.length);
      if (strategy === 'nakhoda') {
        // best fit at domain level: the domain left with the least room keeps big ones whole
        candidates = candidates.sort((a, b) => capacity[a]! - capacity[b]! || a - b).slice(0, 4);
      }
      for (const d of candidates) {
        const placements = placeMembers(state, members, order, policy, rng, eligible ? domains[d]!.nodes.filter((n) => eligible[n] === 1) : domains[d]!.nodes);
        if (placements) return done(placements);
        if (strategy === 'volcano') break;
      }
    }
  }
  if (mayUseWholeCluster || strategy === 'unaware') {
    const placements = placeMembers(state, members, order, policy, rng, eligible ? eligibleNodes(eligible) : undefined);
    if (placements) return done(placements);
  }
  return { placed: false, reason: explainFailure(state, topology, gang, shape, mayUseWholeCluster ? undefined : widestTier, eligible) };
}

function explainFailure(
  state: ClusterState,
  topology: Topology,
  gang: GangRequest,
  shape: PodRequest,
  tier: number | undefined,
  eligible?: Uint8Array,
): string {
  const needs = `gang ${gang.name} needs ${describeMembers(gang.members)}`;
  if (tier !== undefined && tier >= 1) {
    const capacity = domainCapacities(state, topology, tier, shape, eligible);
    const tierName = topology.tierNames[tier - 1] ?? `tier ${tier}`;
    let best = -1;
    capacity.forEach((c, d) => {
      if (best < 0 || c > capacity[best]!) best = d;
    });
    const block =
      best < 0
        ? `there are no tier-${tier} domains`
        : `the largest free block is ${capacity[best]} such pod${capacity[best] === 1 ? '' : 's'} in ${topology.domains[tier - 1]![best]!.name}`;
    return `${needs} inside one tier-${tier} domain (${tierName}); ${block}. Free capacity there, or allow a wider tier (networkTopology.highestTierAllowed).`;
  }
  const access = state.modelAccess(shape);
  let room = 0;
  for (let n = 0; n < state.size; n++) if (!eligible || eligible[n] === 1) room += podsThatFit(state, n, shape, access);
  return `${needs}; the cluster has room for ${room} such pod${room === 1 ? '' : 's'} now. Wait for running pods to finish, add nodes, or lower minMember.`;
}
