import { clampReplicas, holdForMissing, type PolicyDefinition, type ReplicaBounds } from './types.js';

/**
 * Knative's KPA (pkg/autoscaler/scaling/autoscaler.go) with the config-autoscaler defaults:
 * 2 s tick, 60 s stable window, 6 s panic window (10%), panic threshold 200%, target
 * utilisation 70%, max scale-up rate 1000, max scale-down rate 2 (at most halve per tick).
 * The metric is concurrency: in-flight requests per pod. `scaleDownDelaySeconds` is Knative's
 * `scale-down-delay` (default 0): the pod count applied is the highest desired count of that
 * window, which Knative recommends for containers that are slow to start.
 */
export const KPA_DEFAULTS = {
  tickSeconds: 2,
  stableWindowSeconds: 60,
  panicWindowSeconds: 6,
  panicThreshold: 2.0,
  targetUtilisation: 0.7,
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2.0,
} as const;

export interface KpaConfig extends ReplicaBounds {
  /** autoscaling.knative.dev/target: concurrent requests per pod. */
  targetConcurrency: number;
  /** autoscaling.knative.dev/scale-down-delay, seconds. */
  scaleDownDelaySeconds: number;
}

export interface KpaState {
  samples: ReadonlyArray<{ time: number; concurrency: number }>;
  /** When panic mode was last (re)entered; undefined when not panicking. */
  panicSince: number | undefined;
  maxPanicPods: number;
  /** Desired pod counts of the scale-down-delay window. */
  desired: ReadonlyArray<{ time: number; pods: number }>;
}

export function kpaPolicy(config: KpaConfig): PolicyDefinition<KpaState> {
  const target = config.targetConcurrency * KPA_DEFAULTS.targetUtilisation;
  return {
    name: 'kpa',
    syncPeriodSeconds: KPA_DEFAULTS.tickSeconds,
    initialState: () => ({ samples: [], panicSince: undefined, maxPanicPods: 0, desired: [] }),
    decide(state, observation) {
      const now = observation.time;
      if (observation.concurrency === undefined) {
        return { state, decision: holdForMissing(observation, 'concurrency (running + waiting requests)', config) };
      }
      const samples = [
        ...state.samples.filter((s) => s.time > now - KPA_DEFAULTS.stableWindowSeconds),
        { time: now, concurrency: observation.concurrency },
      ];
      const average = (windowSeconds: number): number => {
        const inWindow = samples.filter((s) => s.time > now - windowSeconds);
        return inWindow.reduce((sum, s) => sum + s.concurrency, 0) / inWindow.length;
      };
      const stableValue = average(KPA_DEFAULTS.stableWindowSeconds);
      const panicValue = average(KPA_DEFAULTS.panicWindowSeconds);
      const ready = Math.max(1, observation.readyReplicas);
      const maxUp = Math.ceil(KPA_DEFAULTS.maxScaleUpRate * ready);
      const maxDown = Math.floor(ready / KPA_DEFAULTS.maxScaleDownRate);
      const limit = (pods: number) => Math.min(maxUp, Math.max(maxDown, pods));
      const stablePods = limit(Math.ceil(stableValue / target));
      const panicPods = limit(Math.ceil(panicValue / target));
      const overThreshold = panicPods / ready >= KPA_DEFAULTS.panicThreshold;

      let panicSince = state.panicSince;
      let maxPanicPods = state.maxPanicPods;
      if (overThreshold) panicSince = now;
      else if (panicSince !== undefined && now >= panicSince + KPA_DEFAULTS.stableWindowSeconds) {
        panicSince = undefined;
        maxPanicPods = 0;
      }
      let desired = stablePods;
      let why = `stable concurrency ${stableValue.toFixed(1)} over ${KPA_DEFAULTS.stableWindowSeconds}s vs target ${target.toFixed(1)} per pod`;
      if (panicSince !== undefined) {
        // In panic mode the KPA never scales down.
        maxPanicPods = Math.max(maxPanicPods, panicPods, stablePods);
        desired = maxPanicPods;
        why = `panic mode: concurrency ${panicValue.toFixed(1)} over ${KPA_DEFAULTS.panicWindowSeconds}s vs target ${target.toFixed(1)} per pod`;
      }
      const delayed = [...state.desired.filter((d) => d.time > now - config.scaleDownDelaySeconds), { time: now, pods: desired }];
      const delayedMax = Math.max(...delayed.map((d) => d.pods));
      if (delayedMax > desired) why += `; held at ${delayedMax} by the ${config.scaleDownDelaySeconds}s scale-down delay`;
      const replicas = clampReplicas(delayedMax, config);
      return {
        state: { samples, panicSince, maxPanicPods, desired: delayed },
        decision: { replicas, reason: `kpa: ${why} -> ${replicas} replicas`, held: false },
      };
    },
  };
}
