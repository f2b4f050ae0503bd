import { simulate, type PolicyOutcome, type SimulationResult } from './engine.js';
import { requestWorkSeconds, type ReplicaModel } from './model.js';
import { createPolicy, type PolicyName } from './policies/index.js';
import type { ReplicaBounds } from './policies/types.js';
import type { Trace, TraceRequest } from './trace.js';

export interface ReplayOptions {
  policies: readonly PolicyName[];
  model: ReplicaModel;
  sloTtftSeconds: number;
  bounds: ReplicaBounds;
  sampleSeconds?: number;
  /** Seconds of warm-up history taken from the trace's end (see withWarmup); default DEFAULT_WARMUP_SECONDS. */
  warmupSeconds?: number;
}

/** The `-o json` document of `nakhoda autoscale replay`. */
export interface ReplayReport {
  trace: string;
  requests: number;
  sloTtftSeconds: number;
  policies: PolicyOutcome[];
}

export interface ReplayRun {
  report: ReplayReport;
  /** Per policy, in the order asked: time series and decisions (for plots and explanations). */
  runs: Array<{ policy: PolicyName } & SimulationResult>;
}

/**
 * Warm-up before scoring. Online policies would otherwise all start blind: no history, one
 * replica, and a burst in the first cold start lost whatever they do, while the static
 * references are sized from the whole trace. Ten minutes covers every policy's memory
 * (HPA's 300 s stabilisation, KPA's 60 s window plus its scale-down delay of one cold start,
 * nakhoda's 600 s lookback with the default model).
 */
export const DEFAULT_WARMUP_SECONDS = 600;

/** Decode batch at which the static references cost a generated token (as nakhoda does). */
const SIZING_DECODE_BATCH = 16;

export function replay(trace: Trace, options: ReplayOptions): ReplayRun {
  const staticReplicas = staticSizes(trace.requests, options.model, options.sloTtftSeconds);
  const warm = withWarmup(trace.requests, options.warmupSeconds ?? DEFAULT_WARMUP_SECONDS);
  const runs = options.policies.map((name) => {
    const policy = createPolicy(name, {
      model: options.model,
      sloTtftSeconds: options.sloTtftSeconds,
      bounds: options.bounds,
      staticReplicas,
    });
    const result = simulate(warm.requests, policy, {
      model: options.model,
      sloTtftSeconds: options.sloTtftSeconds,
      sampleSeconds: options.sampleSeconds ?? 10,
      scoreFromSeconds: warm.scoreFromSeconds,
    });
    return { policy: name, ...result };
  });
  return {
    report: {
      trace: trace.name,
      requests: trace.requests.length,
      sloTtftSeconds: options.sloTtftSeconds,
      policies: runs.map((r) => r.outcome),
    },
    runs,
  };
}

/**
 * The trace preceded by its own last `seconds` (as if it repeated, the way a daily pattern
 * does), shifted so the trace proper starts at `scoreFromSeconds`. The warm-up is at most
 * the trace's length.
 */
export function withWarmup(requests: readonly TraceRequest[], seconds: number): { requests: TraceRequest[]; scoreFromSeconds: number } {
  const duration = requests[requests.length - 1]?.arrival ?? 0;
  const warmup = Math.max(0, Math.min(seconds, duration));
  if (warmup === 0) return { requests: [...requests], scoreFromSeconds: 0 };
  // The tail lies strictly inside (duration - warmup, duration): shifted, it ends before the first scored request.
  const tail = requests.filter((r) => r.arrival > duration - warmup && r.arrival < duration).map((r) => ({ ...r, arrival: r.arrival - (duration - warmup) }));
  const shifted = requests.map((r) => ({ ...r, arrival: r.arrival + warmup }));
  return { requests: [...tail, ...shifted], scoreFromSeconds: warmup };
}

/**
 * Replicas for the trace's mean load and for its peak, counting each request at the
 * replica-seconds the model says it costs (a replica kept 100% busy). The peak is the most
 * work that arrives within any window as long as the TTFT SLO: a burst arriving within one
 * SLO must be prefilled within about one SLO, so a fixed size meant to hold the SLO at the
 * peak needs that work ÷ SLO replicas (a minute-long window averages the bursts away and
 * undersizes it).
 */
export function staticSizes(
  requests: readonly TraceRequest[],
  model: ReplicaModel,
  peakWindowSeconds: number,
): { peak: number; mean: number } {
  if (requests.length === 0) return { peak: 1, mean: 1 };
  const duration = Math.max(1, requests[requests.length - 1]!.arrival);
  const work = requests.map((r) => requestWorkSeconds(model, r.promptTokens, r.outputTokens, SIZING_DECODE_BATCH));
  const window = Math.max(1e-3, peakWindowSeconds);
  let total = 0;
  let inWindow = 0;
  let peak = 0;
  let first = 0;
  for (let i = 0; i < requests.length; i++) {
    total += work[i]!;
    inWindow += work[i]!;
    while (requests[first]!.arrival <= requests[i]!.arrival - window) inWindow -= work[first++]!;
    peak = Math.max(peak, inWindow);
  }
  return { peak: Math.max(1, Math.ceil(peak / window)), mean: Math.max(1, Math.ceil(total / duration)) };
}
