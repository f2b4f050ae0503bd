import { coldStartSeconds, type ReplicaModel } from '../model.js';
import { hpaPolicy, kedaQueuePolicy } from './hpa.js';
import { kpaPolicy } from './kpa.js';
import { kvCachePolicy } from './kv-cache.js';
import { nakhodaDefaults, nakhodaPolicy, type NakhodaConfig } from './nakhoda.js';
import { staticPolicy } from './static.js';
import { bindPolicy, type PolicyRunner, type ReplicaBounds } from './types.js';

export const POLICY_NAMES = ['static-peak', 'static-mean', 'hpa', 'kpa', 'keda-queue', 'kv-cache', 'nakhoda'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
/** Policies that need no knowledge of the future, so the live controller can run them. */
export const LIVE_POLICY_NAMES = ['hpa', 'kpa', 'keda-queue', 'kv-cache', 'nakhoda'] as const;

/**
 * Baseline targets. Each is the value a team would plausibly configure; docs/autoscaler.md
 * says where each comes from.
 */
export const BASELINE_TARGETS = {
  hpaGpuUtilisation: 0.5,
  kpaConcurrencyPerPod: 8,
  kedaWaitingPerPod: 5,
  kvCacheUsage: 0.5,
} as const;

export interface PolicyContext {
  model: ReplicaModel;
  sloTtftSeconds: number;
  bounds: ReplicaBounds;
  /** Replica counts of the static references, sized from the whole trace (replay only). */
  staticReplicas?: { peak: number; mean: number };
  /** Timing overrides for nakhoda (an InferenceAutoscaler's spec.nakhoda). */
  nakhoda?: Partial<Pick<NakhodaConfig, 'syncPeriodSeconds' | 'lookbackSeconds' | 'holdSeconds'>>;
}

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

export function createPolicy(name: PolicyName, context: PolicyContext): PolicyRunner {
  const { bounds } = context;
  switch (name) {
    case 'static-peak':
    case 'static-mean': {
      const sizes = context.staticReplicas;
      if (!sizes) throw new Error(`${name} needs the whole trace to size it; it exists in replay only`);
      const which = name === 'static-peak' ? 'peak' : 'mean';
      return bindPolicy(staticPolicy(name, sizes[which], bounds, `sized for the trace's ${which} load`));
    }
    case 'hpa':
      return bindPolicy(hpaPolicy({ ...bounds, targetUtilisation: BASELINE_TARGETS.hpaGpuUtilisation }));
    case 'kpa':
      // scale-down-delay = one cold start: capacity given up sooner cannot return in time.
      return bindPolicy(
        kpaPolicy({ ...bounds, targetConcurrency: BASELINE_TARGETS.kpaConcurrencyPerPod, scaleDownDelaySeconds: coldStartSeconds(context.model) }),
      );
    case 'keda-queue':
      return bindPolicy(kedaQueuePolicy({ ...bounds, waitingPerReplica: BASELINE_TARGETS.kedaWaitingPerPod }));
    case 'kv-cache':
      return bindPolicy(kvCachePolicy({ ...bounds, targetUsage: BASELINE_TARGETS.kvCacheUsage }));
    case 'nakhoda': {
      const defaults = nakhodaDefaults(context.model, context.sloTtftSeconds, bounds);
      const overrides = context.nakhoda ?? {};
      return bindPolicy(nakhodaPolicy({ ...defaults, ...overrides }));
    }
  }
}
