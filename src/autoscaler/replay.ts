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

/** Window over which `static-peak` takes the trace's peak load. */
export const STATIC_PEAK_WINDOW_SECONDS = 60;
/** Decode batch at which the static references cost a generated token (as nakhoda does). */
const SIZING_DECODE_BATCH = 16;

export function replay(trace: Trace, options: ReplayOptions): ReplayRun {
  const staticReplicas = staticSizes(trace.requests, options.model);
  const runs = options.policies.map((name) => {
    const policy = createPolicy(name, {
      model: options.model,
      sloTtftSeconds: options.sloTtftSeconds,
      bounds: options.bounds,
      staticReplicas,
    });
    const result = simulate(trace.requests, policy, {
      model: options.model,
      sloTtftSeconds: options.sloTtftSeconds,
      sampleSeconds: options.sampleSeconds ?? 10,
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
 * Replicas for the trace's mean load and for its busiest minute, counting each request at the
 * replica-seconds the model says it costs (a replica kept 100% busy).
 */
export function staticSizes(requests: readonly TraceRequest[], model: ReplicaModel): { peak: number; mean: number } {
  if (requests.length === 0) return { peak: 1, mean: 1 };
  const duration = Math.max(1, requests[requests.length - 1]!.arrival);
  const perSecond = new Float64Array(Math.ceil(duration) + 1);
  for (const r of requests) perSecond[Math.floor(r.arrival)]! += requestWorkSeconds(model, r.promptTokens, r.outputTokens, SIZING_DECODE_BATCH);
  const total = perSecond.reduce((s, w) => s + w, 0);
  const window = Math.min(STATIC_PEAK_WINDOW_SECONDS, perSecond.length);
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < perSecond.length; i++) {
    sum += perSecond[i]!;
    if (i >= window) sum -= perSecond[i - window]!;
    peak = Math.max(peak, sum / window);
  }
  return { peak: Math.max(1, Math.ceil(peak)), mean: Math.max(1, Math.ceil(total / duration)) };
}
