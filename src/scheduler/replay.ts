import { renderLineChart } from './plot.js';
import { createPolicy, selectPlacement, type PolicyName } from './policies.js';
import { SeededRandom } from './random.js';
import { ClusterState, MILLI_PER_GPU, totalGpuMilli, type NodeSpec } from './resources.js';
import type { TracePod } from './traces.js';

/** Allocation (0..1) each time the arrived GPU request crossed another 1% of capacity. */
export interface FillCurve {
  /** `allocation[i]` is recorded when arrived request first reached (i+1)% of capacity. */
  readonly allocation: readonly number[];
  readonly finalAllocation: number;
  readonly failedPods: number;
  readonly scheduledPods: number;
}

/**
 * The workload of one seed, as openb's REFERENCE.md describes: pods sorted by name and
 * shuffled with the seed, then copies drawn uniformly with replacement appended until the
 * total GPU request would pass `tune` × capacity.
 */
export function fillWorkload(pods: readonly TracePod[], capacityMilli: number, tune: number, rng: SeededRandom): TracePod[] {
  const sorted = [...pods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const workload = rng.shuffle([...sorted]);
  let requested = workload.reduce((sum, p) => sum + totalGpuMilli(p), 0);
  const target = tune * capacityMilli;
  if (requested > target) {
    // fewer pods than the trace: drop random ones until the request fits
    while (requested > target && workload.length > 0) {
      const [removed] = workload.splice(rng.int(workload.length), 1);
      requested -= totalGpuMilli(removed!);
    }
    return workload;
  }
  for (let copy = 0; sorted.length > 0; copy++) {
    const pod = sorted[rng.int(sorted.length)]!;
    if (requested + totalGpuMilli(pod) > target) break;
    requested += totalGpuMilli(pod);
    workload.push({ ...pod, name: `${pod.name}-copy-${copy}` });
  }
  return workload;
}

/**
 * "Fill until full": schedule each pod once, in order, never release; a pod that fits
 * nowhere is dropped. The policy's pod-shape distribution is the trace's own pods.
 */
export function runFill(
  nodes: readonly NodeSpec[],
  tracePods: readonly TracePod[],
  policyName: PolicyName,
  seed: number,
  tune: number,
): FillCurve {
  const rng = new SeededRandom(seed);
  const state = new ClusterState(nodes);
  const capacity = state.totalGpus() * MILLI_PER_GPU;
  const workload = fillWorkload(tracePods, capacity, tune, rng);
  const policy = createPolicy(policyName, tracePods, state);
  const allocation: number[] = [];
  let allocated = 0;
  let arrived = 0;
  let failedPods = 0;
  for (const pod of workload) {
    const placement = selectPlacement(state, pod, policy, rng);
    if (placement) {
      state.assign(placement, pod);
      allocated += totalGpuMilli(pod);
    } else {
      failedPods++;
    }
    arrived += totalGpuMilli(pod);
    while ((allocation.length + 1) * capacity <= arrived * 100) allocation.push(allocated / capacity);
  }
  return {
    allocation,
    finalAllocation: allocated / capacity,
    failedPods,
    scheduledPods: workload.length - failedPods,
  };
}

/** Allocation when the arrived request first reached `percent`% (the end of the run if it never did). */
export function allocationAt(curve: FillCurve, percent: number): number {
  return curve.allocation[percent - 1] ?? curve.finalAllocation;
}

export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

export interface PolicyResult {
  readonly policy: PolicyName;
  readonly alloc100: Spread;
  readonly alloc130: Spread;
  readonly unallocatedGpus130: number;
  readonly seconds: number;
  /** Mean allocation (%) at each 1% of arrived request, for plots. */
  readonly curve: readonly number[];
}

export interface ReplayReport {
  readonly trace: string;
  readonly gpus: number;
  readonly policies: readonly PolicyResult[];
}

function spread(values: readonly number[]): Spread {
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    mean: round(values.reduce((a, b) => a + b, 0) / values.length),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

export interface ReplayOptions {
  readonly trace: string;
  readonly nodes: readonly NodeSpec[];
  readonly pods: readonly TracePod[];
  readonly policies: readonly PolicyName[];
  readonly seeds: readonly number[];
  readonly tune: number;
  /** Called after each (policy, seed) run, e.g. for progress output. */
  readonly onRun?: (policy: PolicyName, seed: number, curve: FillCurve) => void;
}

/** Run every policy on every seed and summarise allocation at 100% and at `tune` arrived. */
export function replayOpenb(options: ReplayOptions): ReplayReport {
  const gpus = options.nodes.reduce((sum, n) => sum + n.gpuCount, 0);
  const endPercent = Math.round(options.tune * 100);
  const policies = options.policies.map((policy): PolicyResult => {
    const started = performance.now();
    const curves = options.seeds.map((seed) => {
      const curve = runFill(options.nodes, options.pods, policy, seed, options.tune);
      options.onRun?.(policy, seed, curve);
      return curve;
    });
    const seconds = (performance.now() - started) / 1000;
    const at = (percent: number): number[] => curves.map((c) => allocationAt(c, percent) * 100);
    const alloc130 = spread(at(endPercent));
    const points = Math.max(...curves.map((c) => c.allocation.length));
    const curve = Array.from({ length: points }, (_, i) => {
      const values = at(i + 1);
      return values.reduce((a, b) => a + b, 0) / values.length;
    });
    return {
      policy,
      alloc100: spread(at(100)),
      alloc130,
      unallocatedGpus130: Math.round(gpus * (1 - alloc130.mean / 100)),
      seconds: Math.round(seconds * 10) / 10,
      curve,
    };
  });
  return { trace: options.trace, gpus, policies };
}

/** Allocation vs arrived GPU request, one line per policy (mean over seeds). */
export function renderReplayPlot(report: ReplayReport): string {
  const series = report.policies.map((p) => ({
    label: p.policy,
    points: p.curve.map((y, i) => [i + 1, y] as const),
  }));
  const lows = report.policies.flatMap((p) => p.curve.slice(59));
  return renderLineChart({
    title: `GPU allocation, ${report.trace} (${report.gpus} GPUs)`,
    xLabel: 'arrived GPU request (% of capacity)',
    yLabel: 'allocated GPU (% of capacity)',
    series,
    xRange: [60, Math.max(100, ...report.policies.map((p) => p.curve.length))],
    yRange: [Math.floor(Math.min(60, ...lows)), 100],
  });
}
