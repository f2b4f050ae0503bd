import { clampReplicas, type PolicyDefinition, type ReplicaBounds } from './types.js';

/** A fixed replica count (`static-peak` and `static-mean` are sized from the trace up front). */
export function staticPolicy(name: string, replicas: number, bounds: ReplicaBounds, sizing: string): PolicyDefinition<null> {
  const fixed = clampReplicas(replicas, bounds);
  return {
    name,
    syncPeriodSeconds: 60,
    initialState: () => null,
    decide: (state) => ({
      state,
      decision: { replicas: fixed, reason: `${name}: fixed at ${fixed} replicas (${sizing})`, held: false },
    }),
  };
}
