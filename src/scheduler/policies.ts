import { FragmentationModel, podShapeDistribution, type PodShape } from './fragmentation.js';
import { SeededRandom } from './random.js';
import {
  bestFitDevices,
  ClusterState,
  isFractional,
  MILLI_PER_GPU,
  totalGpuMilli,
  type Placement,
  type PodRequest,
} from './resources.js';

export const POLICY_NAMES = ['random', 'bestfit', 'packing', 'dotprod', 'fgd', 'nakhoda'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/**
 * A node-scoring policy. `score` is called only for nodes where the pod fits; the highest
 * score wins. Ties go to the node with the smallest name (what the FGD authors' scheduler
 * does, for reproducibility) unless `randomTies` is set. `devices` picks the GPU devices on
 * the chosen node.
 */
export interface PlacementPolicy {
  readonly name: PolicyName;
  readonly randomTies?: boolean;
  score(state: ClusterState, node: number, pod: PodRequest): number;
  devices(state: ClusterState, node: number, pod: PodRequest, rng: SeededRandom): number[];
}

/** Normalisers the FGD authors' simulator uses for its baselines: the largest node it knows. */
const MAX_SPEC_CPU_MILLI = 128_000;
const MAX_SPEC_GPU_MILLI = 8_000;
const MAX_NODE_SCORE = 100;

const randomPolicy: PlacementPolicy = {
  name: 'random',
  randomTies: true,
  score: () => 0,
  devices(state, node, pod, rng) {
    if (!isFractional(pod)) return bestFitDevices(state, node, pod);
    const fitting = state.deviceFree(node).flatMap((free, d) => (free >= pod.gpuMilli ? [d] : []));
    return [fitting[rng.int(fitting.length)]!];
  },
};

/** Best fit: least cpu and GPU left over after placing, each normalised, equally weighted. */
const bestFitPolicy: PlacementPolicy = {
  name: 'bestfit',
  score(state, node, pod) {
    const leftover =
      ((state.cpuFree[node]! - pod.cpuMilli) / MAX_SPEC_CPU_MILLI) * 0.5 +
      ((state.gpuMilliFree(node) - totalGpuMilli(pod)) / MAX_SPEC_GPU_MILLI) * 0.5;
    return Math.trunc((1 - leftover) * MAX_NODE_SCORE);
  },
  devices: (state, node, pod) => bestFitDevices(state, node, pod),
};

/**
 * GPU packing: prefer already-shared GPUs, then free GPUs on a used node, then untouched
 * nodes (fewest GPUs first). Cpu-only pods score equally everywhere.
 */
const packingPolicy: PlacementPolicy = {
  name: 'packing',
  score(state, node, pod) {
    if (pod.gpuCount === 0) return 0;
    const fullyFree = state.fullyFreeGpus(node);
    if (fullyFree === state.gpuCount[node]) {
      return Math.max(Math.trunc(MAX_NODE_SCORE / 3) - fullyFree, fullyFree);
    }
    const free = state.deviceFree(node);
    const order = free.map((_, d) => d).sort((a, b) => free[a]! - free[b]! || a - b);
    let wanted = pod.gpuCount;
    let fullyFreeUsed = 0;
    let freePercentOnUsed = 0;
    for (const d of order) {
      if (wanted === 0) break;
      if (free[d]! >= pod.gpuMilli) {
        wanted--;
        if (free[d] === MILLI_PER_GPU) fullyFreeUsed++;
        freePercentOnUsed += Math.trunc((free[d]! * 100) / MILLI_PER_GPU);
      }
    }
    if (fullyFreeUsed > 0) return Math.max(MAX_NODE_SCORE / 2 - fullyFreeUsed, Math.trunc(MAX_NODE_SCORE / 3));
    return Math.max(MAX_NODE_SCORE - Math.trunc(freePercentOnUsed / 10), MAX_NODE_SCORE / 2);
  },
  devices: (state, node, pod) => bestFitDevices(state, node, pod),
};

/** Tetris-style dot product of the pod's and the node's free (cpu, GPU) vectors; smaller wins. */
const dotProductPolicy: PlacementPolicy = {
  name: 'dotprod',
  score(state, node, pod) {
    const dot =
      (state.cpuFree[node]! / MAX_SPEC_CPU_MILLI) * (pod.cpuMilli / MAX_SPEC_CPU_MILLI) +
      (state.gpuMilliFree(node) / MAX_SPEC_GPU_MILLI) * (totalGpuMilli(pod) / MAX_SPEC_GPU_MILLI);
    return Math.trunc(MAX_NODE_SCORE * (1 - dot / 2));
  },
  devices: (state, node, pod) => bestFitDevices(state, node, pod),
};

/**
 * Per-state cache of a fragmentation-based score, keyed by pod shape and invalidated through
 * the state's per-node version: a pod changes one node, so the next pod of the same shape
 * rescores one node instead of all of them.
 */
class ShapeScoreCache {
  private readonly byShape = new Map<string, { score: Float64Array; device: Int8Array; stamp: Uint32Array }>();
  readonly nodeFrag: Float64Array;
  readonly nodeFragStamp: Uint32Array;

  constructor(size: number) {
    this.nodeFrag = new Float64Array(size);
    this.nodeFragStamp = new Uint32Array(size);
  }

  entry(pod: PodRequest, size: number): { score: Float64Array; device: Int8Array; stamp: Uint32Array } {
    const key = `${pod.cpuMilli}/${pod.gpuCount}x${pod.gpuMilli}`;
    let entry = this.byShape.get(key);
    if (!entry) {
      entry = { score: new Float64Array(size), device: new Int8Array(size), stamp: new Uint32Array(size) };
      this.byShape.set(key, entry);
    }
    return entry;
  }
}

/** How a fragmentation-based policy turns a growth in fragmentation into a score. */
type FragmentationScore = (growthMilli: number) => number;

/**
 * Build a policy that places where the node's expected fragmentation grows least; for a
 * fractional pod it also chooses the device that way (first device on equal scores).
 */
function fragmentationPolicy(
  name: PolicyName,
  model: FragmentationModel,
  toScore: FragmentationScore,
  tieBreak: (state: ClusterState, node: number, pod: PodRequest) => number,
): PlacementPolicy {
  const caches = new WeakMap<ClusterState, ShapeScoreCache>();
  const cacheFor = (state: ClusterState): ShapeScoreCache => {
    let cache = caches.get(state);
    if (!cache) {
      cache = new ShapeScoreCache(state.size);
      caches.set(state, cache);
    }
    return cache;
  };
  const currentFragmentation = (state: ClusterState, cache: ShapeScoreCache, node: number): number => {
    const stamp = state.version[node]! + 1;
    if (cache.nodeFragStamp[node] !== stamp) {
      cache.nodeFrag[node] = model.nodeFragmentation(state, node);
      cache.nodeFragStamp[node] = stamp;
    }
    return cache.nodeFrag[node]!;
  };
  const evaluate = (state: ClusterState, node: number, pod: PodRequest): { score: number; device: number } => {
    const cache = cacheFor(state);
    const entry = cache.entry(pod, state.size);
    const stamp = state.version[node]! + 1;
    if (entry.stamp[node] === stamp) return { score: entry.score[node]!, device: entry.device[node]! };
    const before = currentFragmentation(state, cache, node);
    let best = -Infinity;
    let bestDevice = -1;
    if (isFractional(pod)) {
      const base = node * state.maxGpus;
      const seen = new Set<number>();
      for (let d = 0; d < state.gpuCount[node]!; d++) {
        const free = state.gpuFree[base + d]!;
        // devices with equal free milli give equal results; score each value once
        if (free < pod.gpuMilli || seen.has(free)) continue;
        seen.add(free);
        const score = toScore(model.fragmentationAfter(state, node, pod, d) - before);
        if (score > best) {
          best = score;
          bestDevice = d;
        }
      }
    } else {
      best = toScore(model.fragmentationAfter(state, node, pod, -1) - before);
    }
    best += tieBreak(state, node, pod);
    entry.score[node] = best;
    entry.device[node] = bestDevice;
    entry.stamp[node] = stamp;
    return { score: best, device: bestDevice };
  };
  return {
    name,
    score: (state, node, pod) => evaluate(state, node, pod).score,
    devices(state, node, pod) {
      if (!isFractional(pod)) return bestFitDevices(state, node, pod);
      return [evaluate(state, node, pod).device];
    },
  };
}

/**
 * FGD as the authors' scheduler plugin scores it: 100 · sigmoid(−growth / 1000), truncated
 * to an integer, so nodes within a few milli-GPU of each other tie and are picked at random.
 */
export function fgdPolicy(shapes: readonly PodShape[], state: ClusterState): PlacementPolicy {
  const model = new FragmentationModel(shapes, state.models, state.maxGpus);
  return fragmentationPolicy(
    'fgd',
    model,
    (growth) => Math.trunc(MAX_NODE_SCORE / (1 + Math.exp(growth / MILLI_PER_GPU))),
    () => 0,
  );
}

/**
 * Nakhoda: the exact (unrounded) growth of expected fragmentation decides; among nodes it
 * cannot separate, the one left with the least free GPU and then cpu wins (keeping whole
 * nodes free for the large pods that fragment most easily), instead of a coin toss.
 */
export function nakhodaPolicy(shapes: readonly PodShape[], state: ClusterState, pods?: readonly PodRequest[]): PlacementPolicy {
  const model = new FragmentationModel(pods ? podShapeDistribution(pods, Number(process.env['NKCOV'] ?? '0.95'), Number(process.env['NKGW'] ?? '0')) : shapes, state.models, state.maxGpus);
  const v = process.env['NK'] ?? 'A';
  const q = Number(process.env['NKQ'] ?? '1');
  return fragmentationPolicy(
    'nakhoda',
    model,
    (growth) => v.startsWith('E') || v === 'W' ? -growth / MILLI_PER_GPU : Math.trunc((q * MAX_NODE_SCORE) / (1 + Math.exp(growth / MILLI_PER_GPU))),
    (s, node, pod) => {
      const gpuLeft = (s.gpuMilliFree(node) - totalGpuMilli(pod)) / MAX_SPEC_GPU_MILLI;
      const cpuLeft = (s.cpuFree[node]! - pod.cpuMilli) / MAX_SPEC_CPU_MILLI;
      if (v === 'A' || v === 'E') return -1e-3 * (gpuLeft + 1e-3 * cpuLeft);
      if (v === 'W') return -Number(process.env['NKW'] ?? '1') * (0.5 * gpuLeft + 0.5 * cpuLeft);
      if (v === 'H') return pod.gpuCount > 0 ? 0 : -1e-3 * (gpuLeft + 1e-3 * cpuLeft);
      if (v === 'F') return pod.gpuCount === 0 ? 0 : -1e-3 * (0.5 * gpuLeft + 0.5 * cpuLeft);
      if (v === 'G') return pod.gpuCount > 0 ? 0 : -1e-3 * (0.5 * gpuLeft + 0.5 * cpuLeft);
      if (v === 'B') return -1e-3 * (0.5 * gpuLeft + 0.5 * cpuLeft);
      if (v === 'C') return -1e-3 * (cpuLeft + 1e-3 * gpuLeft);
      return 0;
    },
  );
}

/**
 * Create a policy. Fragmentation-aware ones need the workload's pod shapes (see
 * `podShapeDistribution`) and the cluster they will score.
 */
export function createPolicy(name: PolicyName, shapes: readonly PodShape[], state: ClusterState, pods?: readonly PodRequest[]): PlacementPolicy {
  switch (name) {
    case 'random':
      return randomPolicy;
    case 'bestfit':
      return bestFitPolicy;
    case 'packing':
      return packingPolicy;
    case 'dotprod':
      return dotProductPolicy;
    case 'fgd':
      return fgdPolicy(shapes, state);
    case 'nakhoda':
      return nakhodaPolicy(shapes, state, pods);
  }
}

/**
 * Choose a node for one pod among `candidates` (default: all nodes): feasible nodes only,
 * highest score, ties as the policy says. Null when the pod fits nowhere.
 */
export function selectPlacement(
  state: ClusterState,
  pod: PodRequest,
  policy: PlacementPolicy,
  rng: SeededRandom,
  candidates?: ArrayLike<number>,
): Placement | null {
  const access = state.modelAccess(pod);
  let best = -1;
  let bestScore = -Infinity;
  let ties = 0;
  const count = candidates ? candidates.length : state.size;
  for (let i = 0; i < count; i++) {
    const node = candidates ? candidates[i]! : i;
    if (!state.fits(node, pod, access)) continue;
    const score = policy.score(state, node, pod);
    if (score > bestScore) {
      bestScore = score;
      best = node;
      ties = 1;
    } else if (score === bestScore) {
      if (policy.randomTies) {
        ties++;
        if (rng.int(ties) === 0) best = node;
      } else if (state.nameRank[node]! < state.nameRank[best]!) {
        best = node;
      }
    }
  }
  if (best < 0) return null;
  return { node: best, devices: policy.devices(state, best, pod, rng) };
}
