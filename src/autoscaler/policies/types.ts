/**
 * What a scaling policy sees at one sync. Replay fills it from the simulation, the live
 * controller from Prometheus or pods' /metrics; a field is `undefined` when its source did
 * not answer. Counts are TOTALS over the scale target's pods unless the name says per pod;
 * per-pod values are the total divided by `readyReplicas`.
 */
export interface Observation {
  /** Seconds on a monotonic clock (trace time in replay, wall time live). */
  time: number;
  /** Replicas the scale target currently asks for (spec.replicas). */
  specReplicas: number;
  /** Replicas serving traffic. */
  readyReplicas: number;
  /** Total vllm:num_requests_waiting over ready pods. */
  waitingRequests: number | undefined;
  /** Total vllm:num_requests_running over ready pods. */
  runningRequests: number | undefined;
  /** Mean vllm:gpu_cache_usage_perc over ready pods, 0..1. */
  kvCacheUsage: number | undefined;
  /** Mean in-flight requests (running + waiting, total) over the last interval. */
  concurrency: number | undefined;
  /** Mean GPU busy fraction over ready pods during the last interval, 0..1 (DCGM GPU_UTIL). */
  gpuUtilisation: number | undefined;
  /** Requests that arrived during the last interval, with their token totals. */
  arrivals: ArrivalWindow | undefined;
  /** Time-to-first-token outcomes of requests whose first token came in the last interval. */
  ttft: TtftWindow | undefined;
}

export interface ArrivalWindow {
  intervalSeconds: number;
  requests: number;
  promptTokens: number;
  outputTokens: number;
}

export interface TtftWindow {
  /** Requests that got their first token in the interval. */
  count: number;
  /** Of those, how many within the SLO. */
  withinSlo: number;
}

export interface Decision {
  /** Replicas wanted, already within [minReplicas, maxReplicas]. */
  replicas: number;
  /** One sentence for the event explaining the decision. */
  reason: string;
  /** True when the policy could not decide because metrics were missing. */
  held: boolean;
}

export interface ReplicaBounds {
  minReplicas: number;
  maxReplicas: number;
}

/**
 * A pure policy: the next state and decision follow from the previous state and the
 * observation only. `syncPeriodSeconds` is how often the caller should ask.
 */
export interface PolicyDefinition<State> {
  readonly name: string;
  readonly syncPeriodSeconds: number;
  initialState(): State;
  decide(state: State, observation: Observation): { state: State; decision: Decision };
}

/** A policy bound to its own state: what replay and the live controller drive. */
export interface PolicyRunner {
  readonly name: string;
  readonly syncPeriodSeconds: number;
  decide(observation: Observation): Decision;
}

export function bindPolicy<State>(definition: PolicyDefinition<State>): PolicyRunner {
  let state = definition.initialState();
  return {
    name: definition.name,
    syncPeriodSeconds: definition.syncPeriodSeconds,
    decide(observation) {
      const next = definition.decide(state, observation);
      state = next.state;
      return next.decision;
    },
  };
}

export function clampReplicas(replicas: number, bounds: ReplicaBounds): number {
  return Math.min(bounds.maxReplicas, Math.max(bounds.minReplicas, Math.ceil(replicas)));
}

/** The decision to keep the current size because `missing` could not be read. */
export function holdForMissing(observation: Observation, missing: string, bounds: ReplicaBounds): Decision {
  return {
    replicas: clampReplicas(observation.specReplicas, bounds),
    reason: `holding at ${observation.specReplicas} replicas: metric ${missing} is unavailable`,
    held: true,
  };
}
