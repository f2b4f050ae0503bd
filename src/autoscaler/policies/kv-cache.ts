import { clampReplicas, holdForMissing, type PolicyDefinition, type ReplicaBounds } from './types.js';

/**
 * AIBrix-style APA on vllm:gpu_cache_usage_perc: the mean KV-cache usage over a 30 s window
 * against a target, with an up-fluctuation tolerance of 10% and a down-fluctuation
 * tolerance of 20% (AIBrix's sample PodAutoscaler annotations), scaling proportionally.
 */
export const KV_CACHE_DEFAULTS = {
  syncPeriodSeconds: 15,
  windowSeconds: 30,
  upTolerance: 0.1,
  downTolerance: 0.2,
} as const;

export interface KvCacheConfig extends ReplicaBounds {
  /** Target mean KV-cache usage per pod, 0..1. */
  targetUsage: number;
}

export interface KvCacheState {
  samples: ReadonlyArray<{ time: number; usage: number }>;
}

export function kvCachePolicy(config: KvCacheConfig): PolicyDefinition<KvCacheState> {
  return {
    name: 'kv-cache',
    syncPeriodSeconds: KV_CACHE_DEFAULTS.syncPeriodSeconds,
    initialState: () => ({ samples: [] }),
    decide(state, observation) {
      if (observation.kvCacheUsage === undefined) {
        return { state, decision: holdForMissing(observation, 'vllm:gpu_cache_usage_perc', config) };
      }
      const now = observation.time;
      const samples = [
        ...state.samples.filter((s) => s.time > now - KV_CACHE_DEFAULTS.windowSeconds),
        { time: now, usage: observation.kvCacheUsage },
      ];
      const usage = samples.reduce((sum, s) => sum + s.usage, 0) / samples.length;
      const ratio = usage / config.targetUsage;
      const current = observation.specReplicas;
      const describe = `mean KV-cache usage ${(usage * 100).toFixed(0)}% over ${KV_CACHE_DEFAULTS.windowSeconds}s vs target ${(config.targetUsage * 100).toFixed(0)}%`;
      const outside = ratio > 1 + KV_CACHE_DEFAULTS.upTolerance || ratio < 1 - KV_CACHE_DEFAULTS.downTolerance;
      // Usage is measured on ready pods; pods still starting add capacity without usage.
      const desired = outside ? Math.ceil(ratio * Math.max(1, observation.readyReplicas)) : current;
      const replicas = clampReplicas(ratio > 1 ? Math.max(desired, current) : desired, config);
      const why = outside ? describe : `${describe}, within tolerance`;
      return { state: { samples }, decision: { replicas, reason: `kv-cache: ${why} -> ${replicas} replicas`, held: false } };
    },
  };
}
