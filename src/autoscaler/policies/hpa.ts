import {
  clampReplicas,
  holdForMissing,
  type Decision,
  type Observation,
  type PolicyDefinition,
  type ReplicaBounds,
} from './types.js';

/**
 * The Kubernetes HorizontalPodAutoscaler algorithm (pkg/controller/podautoscaler), with its
 * defaults: 15 s sync, 10% tolerance, no scale-up stabilisation, 300 s scale-down
 * stabilisation, scale-up limited per 15 s to max(+4 pods, +100%), scale-down to -100%.
 */
export const HPA_DEFAULTS = {
  syncPeriodSeconds: 15,
  tolerance: 0.1,
  scaleDownStabilisationSeconds: 300,
  scaleUpPods: 4,
  scaleUpPercent: 100,
} as const;

export interface HpaState {
  /** Raw recommendations of past syncs, newest last, kept for the stabilisation window. */
  recommendations: ReadonlyArray<{ time: number; replicas: number }>;
}

/** A recommendation computed from one metric, before stabilisation and rate limits. */
interface MetricRecommendation {
  replicas: number;
  explanation: string;
}

/**
 * Stabilisation and rate limits (normalizeDesiredReplicasWithBehaviors): the result never
 * exceeds the highest recommendation of the last 300 s on the way down, and grows at most
 * by max(4 pods, 100%) per sync on the way up.
 */
function applyBehaviour(
  state: HpaState,
  observation: Observation,
  recommendation: MetricRecommendation,
  bounds: ReplicaBounds,
  policyName: string,
): { state: HpaState; decision: Decision } {
  const now = observation.time;
  const current = observation.specReplicas;
  const window = HPA_DEFAULTS.scaleDownStabilisationSeconds;
  const kept = state.recommendations.filter((r) => r.time > now - window);
  const recommendations = [...kept, { time: now, replicas: recommendation.replicas }];
  const downRecommendation = Math.max(...recommendations.map((r) => r.replicas));
  const raw = recommendation.replicas;
  const stabilised = raw > current ? raw : Math.min(current, downRecommendation);
  const scaleUpLimit = Math.max(
    current + HPA_DEFAULTS.scaleUpPods,
    Math.ceil(current * (1 + HPA_DEFAULTS.scaleUpPercent / 100)),
  );
  const replicas = clampReplicas(Math.min(stabilised, scaleUpLimit), bounds);
  let why = `${recommendation.explanation} (recommends ${raw})`;
  if (stabilised > raw) why += `; held by the ${window}s scale-down stabilisation window`;
  if (scaleUpLimit < stabilised) why += `; scale-up rate allows ${scaleUpLimit} per ${HPA_DEFAULTS.syncPeriodSeconds}s`;
  return {
    state: { recommendations },
    decision: { replicas, reason: `${policyName}: ${why} -> ${replicas} replicas`, held: false },
  };
}

/**
 * Per-pod utilisation metric (type Resource/Pods, target averageUtilization). Pods not yet
 * ready have no metric: they count as 0% when scaling up and 100% of target when scaling
 * down, as in replica_calculator.go.
 */
export function utilisationRecommendation(
  currentReplicas: number,
  readyReplicas: number,
  meanUtilisation: number,
  target: number,
): MetricRecommendation {
  const tolerance = HPA_DEFAULTS.tolerance;
  const missing = Math.max(0, currentReplicas - readyReplicas);
  const usageRatio = readyReplicas > 0 ? meanUtilisation / target : 0;
  const describe = `mean utilisation ${(meanUtilisation * 100).toFixed(0)}% vs target ${(target * 100).toFixed(0)}%`;
  if (readyReplicas === 0) return { replicas: currentReplicas, explanation: `no ready pods to measure` };
  if (missing === 0) {
    if (Math.abs(1 - usageRatio) <= tolerance) return { replicas: currentReplicas, explanation: `${describe}, within tolerance` };
    return { replicas: Math.ceil(usageRatio * readyReplicas), explanation: describe };
  }
  if (Math.abs(1 - usageRatio) <= tolerance) return { replicas: currentReplicas, explanation: `${describe}, within tolerance` };
  const assumed = usageRatio > 1 ? 0 : target;
  const newRatio = (meanUtilisation * readyReplicas + assumed * missing) / (target * currentReplicas);
  const reversed = (usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1);
  if (Math.abs(1 - newRatio) <= tolerance || reversed) {
    return { replicas: currentReplicas, explanation: `${describe}, but ${missing} pod(s) not ready yet` };
  }
  const replicas = Math.ceil(newRatio * currentReplicas);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) {
    return { replicas: currentReplicas, explanation: describe };
  }
  return { replicas, explanation: describe };
}

/** External metric with target averageValue (how KEDA drives the HPA): total / target per pod. */
export function averageValueRecommendation(
  currentReplicas: number,
  total: number,
  targetPerPod: number,
  metricName: string,
): MetricRecommendation {
  const usageRatio = total / (targetPerPod * Math.max(1, currentReplicas));
  const describe = `${metricName} total ${total} vs ${targetPerPod} per pod`;
  if (Math.abs(1 - usageRatio) <= HPA_DEFAULTS.tolerance) {
    return { replicas: currentReplicas, explanation: `${describe}, within tolerance` };
  }
  return { replicas: Math.ceil(total / targetPerPod), explanation: describe };
}

export interface HpaConfig extends ReplicaBounds {
  /** Target mean GPU utilisation per pod, 0..1. */
  targetUtilisation: number;
}

/** `hpa`: the HPA on per-pod GPU utilisation (DCGM_FI_DEV_GPU_UTIL-style busy fraction). */
export function hpaPolicy(config: HpaConfig): PolicyDefinition<HpaState> {
  return {
    name: 'hpa',
    syncPeriodSeconds: HPA_DEFAULTS.syncPeriodSeconds,
    initialState: () => ({ recommendations: [] }),
    decide(state, observation) {
      if (observation.gpuUtilisation === undefined) {
        return { state, decision: holdForMissing(observation, 'GPU utilisation', config) };
      }
      const recommendation = utilisationRecommendation(
        observation.specReplicas,
        observation.readyReplicas,
        observation.gpuUtilisation,
        config.targetUtilisation,
      );
      return applyBehaviour(state, observation, recommendation, config, 'hpa');
    },
  };
}

export interface KedaQueueConfig extends ReplicaBounds {
  /** Waiting requests per replica that KEDA's Prometheus trigger targets (AverageValue). */
  waitingPerReplica: number;
}

/**
 * `keda-queue`: KEDA's Prometheus scaler on sum(vllm:num_requests_waiting). KEDA hands the
 * value to an HPA it creates, so the HPA behaviour (tolerance, stabilisation, limits) applies.
 */
export function kedaQueuePolicy(config: KedaQueueConfig): PolicyDefinition<HpaState> {
  return {
    name: 'keda-queue',
    syncPeriodSeconds: HPA_DEFAULTS.syncPeriodSeconds,
    initialState: () => ({ recommendations: [] }),
    decide(state, observation) {
      if (observation.waitingRequests === undefined) {
        return { state, decision: holdForMissing(observation, 'vllm:num_requests_waiting', config) };
      }
      const recommendation = averageValueRecommendation(
        observation.specReplicas,
        observation.waitingRequests,
        config.waitingPerReplica,
        'vllm:num_requests_waiting',
      );
      return applyBehaviour(state, observation, recommendation, config, 'keda-queue');
    },
  };
}
