import { ClusterState, isFractional, MILLI_PER_GPU, type PodRequest } from './resources.js';

/** One pod shape of a workload and how often it occurs (frequencies of a distribution sum to 1). */
export interface PodShape {
  readonly cpuMilli: number;
  readonly gpuCount: number;
  readonly gpuMilli: number;
  readonly gpuModels: readonly string[];
  readonly frequency: number;
}

/**
 * The workload's distribution of pod shapes, as FGD defines it: shapes (cpu, GPU count,
 * milli-GPU per device, allowed models) counted over the workload, most popular first, cut
 * once `coverage` of the pods is covered, then renormalised. Memory is not part of a shape:
 * fragmentation is measured on GPUs, with cpu deciding whether a GPU is reachable at all.
 */
export function podShapeDistribution(pods: readonly PodRequest[], coverage = 0.95): PodShape[] {
  const counts = new Map<string, { shape: Omit<PodShape, 'frequency'>; count: number }>();
  for (const pod of pods) {
    const key = `${pod.cpuMilli}/${pod.gpuCount}x${pod.gpuMilli}/${pod.gpuModels.join('|')}`;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else {
      counts.set(key, {
        shape: { cpuMilli: pod.cpuMilli, gpuCount: pod.gpuCount, gpuMilli: pod.gpuMilli, gpuModels: pod.gpuModels },
        count: 1,
      });
    }
  }
  const sorted = [...counts.values()].sort((a, b) => b.count - a.count || compareShapes(b.shape, a.shape));
  const wanted = coverage * pods.length;
  const kept: typeof sorted = [];
  let covered = 0;
  for (const entry of sorted) {
    if (covered >= wanted) break;
    kept.push(entry);
    covered += entry.count;
  }
  return kept.map(({ shape, count }) => ({ ...shape, frequency: count / covered }));
}

function compareShapes(a: Omit<PodShape, 'frequency'>, b: Omit<PodShape, 'frequency'>): number {
  return (
    a.cpuMilli - b.cpuMilli ||
    a.gpuMilli - b.gpuMilli ||
    a.gpuCount - b.gpuCount ||
    a.gpuModels.join('|').localeCompare(b.gpuModels.join('|'))
  );
}

/** Shapes that want `gpuMilli` per device, grouped so one scan of a node's devices serves all. */
interface MilliGroup {
  readonly gpuMilli: number;
  readonly gpuCount: Int32Array;
  readonly cpuMilli: Float64Array;
  readonly frequency: Float64Array;
}

/**
 * Expected GPU fragmentation of a node against a shape distribution (FGD, Weng et al. ATC'23):
 * for each shape, the node's free milli-GPU that the shape could not use — all of it when the
 * shape cannot run there at all (cpu, model, too few devices, or a cpu-only shape), else the
 * devices with less free than one replica needs — weighted by the shape's frequency.
 *
 * F(node) = free − Σ_{shapes s that fit} freq(s) · (free milli on devices with ≥ milli(s))
 */
export class FragmentationModel {
  /** Per GPU model index, the groups of shapes allowed on that model. */
  private readonly groupsByModel: MilliGroup[][];
  private readonly scratch: Int32Array;

  constructor(readonly shapes: readonly PodShape[], models: readonly string[], maxGpus: number) {
    this.groupsByModel = models.map((model) => {
      const byMilli = new Map<number, PodShape[]>();
      for (const s of shapes) {
        if (s.gpuCount === 0) continue; // cpu-only shapes never use a GPU: all of it is fragment
        if (s.gpuModels.length > 0 && !s.gpuModels.includes(model)) continue;
        const list = byMilli.get(s.gpuMilli) ?? [];
        list.push(s);
        byMilli.set(s.gpuMilli, list);
      }
      return [...byMilli.entries()].map(([gpuMilli, list]) => ({
        gpuMilli,
        gpuCount: Int32Array.from(list, (s) => s.gpuCount),
        cpuMilli: Float64Array.from(list, (s) => s.cpuMilli),
        frequency: Float64Array.from(list, (s) => s.frequency),
      }));
    });
    this.scratch = new Int32Array(maxGpus);
  }

  /** Expected fragmentation (milli-GPU) of a node with `cpuFree` and these device frees. */
  fragmentationOf(model: number, cpuFree: number, deviceFree: Int32Array, devices: number): number {
    let free = 0;
    for (let d = 0; d < devices; d++) free += deviceFree[d]!;
    if (free === 0 || model < 0) return free;
    let usable = 0;
    for (const group of this.groupsByModel[model]!) {
      let fitting = 0;
      let fittingMilli = 0;
      for (let d = 0; d < devices; d++) {
        const f = deviceFree[d]!;
        if (f >= group.gpuMilli) {
          fitting++;
          fittingMilli += f;
        }
      }
      if (fitting === 0) continue;
      let weight = 0;
      for (let i = 0; i < group.gpuCount.length; i++) {
        if (group.gpuCount[i]! <= fitting && group.cpuMilli[i]! <= cpuFree) weight += group.frequency[i]!;
      }
      usable += weight * fittingMilli;
    }
    return free - usable;
  }

  /** Current expected fragmentation of node n. */
  nodeFragmentation(state: ClusterState, node: number): number {
    const base = node * state.maxGpus;
    const count = state.gpuCount[node]!;
    const devices = this.scratch;
    for (let d = 0; d < count; d++) devices[d] = state.gpuFree[base + d]!;
    return this.fragmentationOf(state.modelIndex[node]!, state.cpuFree[node]!, devices, count);
  }

  /**
   * Fragmentation of node n after hypothetically placing `pod` on `devices`
   * (whole GPUs: any fully free devices give the same result; fractional: the one device).
   */
  fragmentationAfter(state: ClusterState, node: number, pod: PodRequest, device: number): number {
    const base = node * state.maxGpus;
    const count = state.gpuCount[node]!;
    const devices = this.scratch;
    for (let d = 0; d < count; d++) devices[d] = state.gpuFree[base + d]!;
    if (isFractional(pod)) {
      devices[device] = devices[device]! - pod.gpuMilli;
    } else {
      let remaining = pod.gpuCount;
      for (let d = 0; d < count && remaining > 0; d++) {
        if (devices[d]! >= MILLI_PER_GPU) {
          devices[d] = devices[d]! - MILLI_PER_GPU;
          remaining--;
        }
      }
    }
    return this.fragmentationOf(state.modelIndex[node]!, state.cpuFree[node]! - pod.cpuMilli, devices, count);
  }
}
