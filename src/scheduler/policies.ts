import { FragmentationModel, podShapeDistribution } from './fragmentation.js';
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

/** Scores one feasible node for the pod a scorer was made for; higher is better. */
export type NodeScorer = (node: number) => number;

/**
 * A node-scoring policy. `scorer` prepares scoring of one pod (work shared by all nodes is
 * done once); the highest score wins. Ties go to the node with the smallest name (what the
 * FGD authors' scheduler does, for reproducibility) unless `randomTies` is set. `devices`
 * picks the GPU devices on the chosen node.
 */
export interface PlacementPolicy {
  readonly name: PolicyName;
  readonly randomTies?: boolean;
  scorer(state: ClusterState, pod: PodRequest): NodeScorer;
  devices(state: ClusterState, node: number, pod: PodRequest, rng: SeededRandom): number[];
}

/** Normalisers the FGD authors' simulator uses for its baselines: the largest node it knows. */
const MAX_SPEC_CPU_MILLI = 128_000;
const MAX_SPEC_GPU_MILLI = 8_000;
const MAX_NODE_SCORE = 100;

/** Free cpu and GPU left after placing, normalised and equally weighted (0 = nothing left). */
function leftover(state: ClusterState, node: number, pod: PodRequest): number {
  return (
    ((state.cpuFree[node]! - pod.cpuMilli) / MAX_SPEC_CPU_MILLI) * 0.5 +
    ((state.gpuFreeTotal[node]! - totalGpuMilli(pod)) / MAX_SPEC_GPU_MILLI) * 0.5
  );
}

const randomPolicy: PlacementPolicy = {
  name: 'random',
  randomTies: true,
  scorer: () => () => 0,
  devices(state, node, pod, rng) {
    if (!isFractional(pod)) return bestFitDevices(state, node, pod);
    const fitting = state.deviceFree(node).flatMap((free, d) => (free >= pod.gpuMilli ? [d] : []));
    return [fitting[rng.int(fitting.length)]!];
  },
};

/** Best fit: least cpu and GPU left over after placing, as a whole-number score. */
const bestFitPolicy: PlacementPolicy = {
  name: 'bestfit',
  scorer: (state, pod) => (node) => Math.trunc((1 - leftover(state, node, pod)) * MAX_NODE_SCORE),
  devices: (state, node, pod) => bestFitDevices(state, node, pod),
};

/**
 * GPU packing: prefer already-shared GPUs, then free GPUs on a used node, then untouched
 * nodes (fewest GPUs first). Cpu-only pods score equally everywhere.
 */
const packingPolicy: PlacementPolicy = {
  name: 'packing',
  scorer: (state, pod) => (node) => {
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
  scorer: (state, pod) => {
    const cpu = pod.cpuMilli / MAX_SPEC_CPU_MILLI;
    const gpu = totalGpuMilli(pod) / MAX_SPEC_GPU_MILLI;
    return (node) => {
      const dot = (state.cpuFree[node]! / MAX_SPEC_CPU_MILLI) * cpu + (state.gpuFreeTotal[node]! / MAX_SPEC_GPU_MILLI) * gpu;
      return Math.trunc(MAX_NODE_SCORE * (1 - dot / 2));
    };
  },
  devices: (state, node, pod) => bestFitDevices(state, node, pod),
};

/** Scores of one pod shape on every node, valid while the node's version is unchanged. */
interface ShapeScores {
  readonly score: Float64Array;
  readonly device: Int8Array;
  /** node version + 1 when the entry was computed (0 = never). */
  readonly stamp: Uint32Array;
}

/**
 * Per-state cache for fragmentation scores: a placement changes one node, so the next pod of
 * the same shape rescores that node only, instead of the whole cluster.
 */
class FragmentationCache {
  private readonly byShape = new Map<string, ShapeScores>();
  readonly nodeFrag: Float64Array;
  readonly nodeFragStamp: Uint32Array;

  constructor(private readonly size: number) {
    this.nodeFrag = new Float64Array(size);
    this.nodeFragStamp = new Uint32Array(size);
  }

  forShape(pod: PodRequest): ShapeScores {
    // the model constraint only decides feasibility, so it is not part of the key
    const key = `${pod.cpuMilli}/${pod.gpuCount}x${pod.gpuMilli}`;
    let entry = this.byShape.get(key);
    if (!entry) {
      entry = { score: new Float64Array(this.size), device: new Int8Array(this.size), stamp: new Uint32Array(this.size) };
      this.byShape.set(key, entry);
    }
    return entry;
  }
}

/**
 * FGD's node score: 100 · sigmoid(−growth / 1000), truncated to a step of 1/`stepsPerPoint`
 * (FGD: whole numbers, as kube-scheduler's int64 scores).
 */
function fgdScore(growthMilli: number, stepsPerPoint = 1): number {
  return Math.trunc((stepsPerPoint * MAX_NODE_SCORE) / (1 + Math.exp(growthMilli / MILLI_PER_GPU))) / stepsPerPoint;
}

/**
 * A policy that places where the node's expected fragmentation grows least (FGD); for a
 * fractional pod it chooses the device the same way (lowest index on equal scores), on a
 * score step of 1/`fractionalSteps`. `tieBreak` adds a value below one score step to order
 * nodes the score cannot tell apart.
 */
function fragmentationPolicy(
  name: PolicyName,
  model: FragmentationModel,
  fractionalSteps: number,
  tieBreak?: (state: ClusterState, node: number, pod: PodRequest) => number,
): PlacementPolicy {
  const caches = new WeakMap<ClusterState, FragmentationCache>();
  const cacheFor = (state: ClusterState): FragmentationCache => {
    let cache = caches.get(state);
    if (!cache) {
      cache = new FragmentationCache(state.size);
      caches.set(state, cache);
    }
    return cache;
  };
  const evaluate = (state: ClusterState, cache: FragmentationCache, entry: ShapeScores, node: number, pod: PodRequest): void => {
    const stamp = state.version[node]! + 1;
    if (cache.nodeFragStamp[node] !== stamp) {
      cache.nodeFrag[node] = model.nodeFragmentation(state, node);
      cache.nodeFragStamp[node] = stamp;
    }
    const before = cache.nodeFrag[node]!;
    let best = -Infinity;
    let bestDevice = -1;
    if (isFractional(pod)) {
      const base = node * state.maxGpus;
      let lastFree = -1;
      for (let d = 0; d < state.gpuCount[node]!; d++) {
        const free = state.gpuFree[base + d]!;
        // a device with the same free milli as the previous one scores the same
        if (free < pod.gpuMilli || free === lastFree) continue;
        lastFree = free;
        const score = fgdScore(model.fragmentationAfter(state, node, pod, d) - before, fractionalSteps);
        if (score > best) {
          best = score;
          bestDevice = d;
        }
      }
    } else {
      best = fgdScore(model.fragmentationAfter(state, node, pod, -1) - before);
    }
    entry.score[node] = best + (tieBreak ? tieBreak(state, node, pod) : 0);
    entry.device[node] = bestDevice;
    entry.stamp[node] = stamp;
  };
  return {
    name,
    scorer(state, pod) {
      const cache = cacheFor(state);
      const entry = cache.forShape(pod);
      return (node) => {
        if (entry.stamp[node] !== state.version[node]! + 1) evaluate(state, cache, entry, node, pod);
        return entry.score[node]!;
      };
    },
    devices(state, node, pod) {
      if (!isFractional(pod)) return bestFitDevices(state, node, pod);
      const cache = cacheFor(state);
      const entry = cache.forShape(pod);
      if (entry.stamp[node] !== state.version[node]! + 1) evaluate(state, cache, entry, node, pod);
      return [entry.device[node]!];
    },
  };
}

/** FGD as its authors' scheduler runs it: shapes covering 95% of the workload's pods. */
export function fgdPolicy(workload: readonly PodRequest[], state: ClusterState): PlacementPolicy {
  return fragmentationPolicy('fgd', new FragmentationModel(podShapeDistribution(workload, 0.95), state.models, state.maxGpus), 1);
}

/** Below one score step, so it only orders nodes the score leaves equal. */
const TIE_WEIGHT = 1e-3;
/** Nakhoda scores fractional pods on half-point steps (see nakhodaPolicy). */
const NAKHODA_FRACTIONAL_STEPS = 2;

/**
 * Nakhoda's single-pod policy: FGD with three changes, chosen on openb and checked on every
 * variant (bench/RESULTS.md):
 * - the fragmentation model uses every pod shape of the workload, not the 95% most common:
 *   the rare shapes dropped by the cut are large or model-pinned ones, the very pods that
 *   stranded GPUs turn away;
 * - among nodes the score leaves equal, a cpu-only pod goes to the node left with the least
 *   free GPU and cpu (where GPUs are already taken, so its cpu strands none), while GPU pods
 *   keep a stable first-fit order, which consolidates partly used nodes;
 * - whole-GPU pods keep FGD's coarse whole-point score (finer steps measured worse: the
 *   consolidating order matters more than small fragmentation differences), but fractional
 *   pods, whose growths are all below one GPU, are told apart on half-point steps.
 */
export function nakhodaPolicy(workload: readonly PodRequest[], state: ClusterState): PlacementPolicy {
  const model = new FragmentationModel(podShapeDistribution(workload, 1), state.models, state.maxGpus);
  return fragmentationPolicy('nakhoda', model, NAKHODA_FRACTIONAL_STEPS, (s, node, pod) => (pod.gpuCount > 0 ? 0 : -TIE_WEIGHT * leftover(s, node, pod)));
}

/**
 * Create a policy. Fragmentation-aware ones learn the pod-shape distribution from `workload`
 * (the pods expected to arrive: a trace, or the pods seen so far) for the cluster they score.
 */
export function createPolicy(name: PolicyName, workload: readonly PodRequest[], state: ClusterState): PlacementPolicy {
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
      return fgdPolicy(workload, state);
    case 'nakhoda':
      return nakhodaPolicy(workload, state);
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
  const score = policy.scorer(state, pod);
  const rank = state.nameRank;
  let best = -1;
  let bestScore = -Infinity;
  let ties = 0;
  const count = candidates ? candidates.length : state.size;
  for (let i = 0; i < count; i++) {
    const node = candidates ? candidates[i]! : i;
    if (!state.fits(node, pod, access)) continue;
    const s = score(node);
    if (s > bestScore) {
      bestScore = s;
      best = node;
      ties = 1;
    } else if (s === bestScore) {
      if (policy.randomTies) {
        ties++;
        if (rng.int(ties) === 0) best = node;
      } else if (rank[node]! < rank[best]!) {
        best = node;
      }
    }
  }
  if (best < 0) return null;
  return { node: best, devices: policy.devices(state, best, pod, rng) };
}
