import { describe, expect, it } from 'vitest';
import { hpaPolicy, kedaQueuePolicy } from '../../src/autoscaler/policies/hpa.js';
import { kpaPolicy } from '../../src/autoscaler/policies/kpa.js';
import { nakhodaDefaults, nakhodaPolicy, fluidCapacity } from '../../src/autoscaler/policies/nakhoda.js';
import { bindPolicy, type Observation } from '../../src/autoscaler/policies/types.js';
import { DEFAULT_REPLICA_MODEL } from '../../src/autoscaler/index.js';

const bounds = { minReplicas: 1, maxReplicas: 100 };

function observation(overrides: Partial<Observation>): Observation {
  return {
    time: 0,
    specReplicas: 4,
    readyReplicas: 4,
    waitingRequests: 0,
    runningRequests: 0,
    kvCacheUsage: 0,
    gpuUtilisation: 0.5,
    concurrency: 0,
    arrivals: { intervalSeconds: 5, requests: 0, promptTokens: 0, outputTokens: 0 },
    ttft: { count: 0, withinSlo: 0 },
    ...overrides,
  };
}

describe('hpa (Kubernetes algorithm)', () => {
  it('ignores a deviation within the 10% tolerance', () => {
    const hpa = bindPolicy(hpaPolicy({ ...bounds, targetUtilisation: 0.5 }));
    expect(hpa.decide(observation({ gpuUtilisation: 0.54 })).replicas).toBe(4);
    expect(hpa.decide(observation({ time: 15, gpuUtilisation: 0.56 })).replicas).toBe(5);
  });

  it('limits scale-up per sync to max(4 pods, 100%)', () => {
    const hpa = bindPolicy(hpaPolicy({ ...bounds, targetUtilisation: 0.1 }));
    // 1 pod at 100% against 10% wants 10, but may only go to 1 + 4 = 5.
    expect(hpa.decide(observation({ specReplicas: 1, readyReplicas: 1, gpuUtilisation: 1 })).replicas).toBe(5);
    // 10 pods may double to 20.
    const large = bindPolicy(hpaPolicy({ ...bounds, targetUtilisation: 0.1 }));
    expect(large.decide(observation({ specReplicas: 10, readyReplicas: 10, gpuUtilisation: 1 })).replicas).toBe(20);
  });

  it('scales down only to the highest recommendation of the last 300 s', () => {
    const hpa = bindPolicy(hpaPolicy({ ...bounds, targetUtilisation: 0.5 }));
    expect(hpa.decide(observation({ time: 0, specReplicas: 8, readyReplicas: 8, gpuUtilisation: 0.5 })).replicas).toBe(8);
    const idle = (time: number) => hpa.decide(observation({ time, specReplicas: 8, readyReplicas: 8, gpuUtilisation: 0.05 }));
    expect(idle(15).replicas).toBe(8);
    expect(idle(285).replicas).toBe(8);
    const after = idle(315);
    expect(after.replicas).toBe(1);
    expect(idle(330).reason).toContain('hpa');
  });

  it('counts pods that are not ready yet as idle when scaling up', () => {
    const hpa = bindPolicy(hpaPolicy({ ...bounds, targetUtilisation: 0.5 }));
    // 2 ready at 60% (ratio 1.2) and 2 starting: 1.2 * 2 / 4 = 0.6, a scale-down direction, so hold.
    expect(hpa.decide(observation({ specReplicas: 4, readyReplicas: 2, gpuUtilisation: 0.6 })).replicas).toBe(4);
  });

  it('holds and says so when the metric is missing', () => {
    const hpa = bindPolicy(hpaPolicy({ ...bounds, targetUtilisation: 0.5 }));
    const decision = hpa.decide(observation({ gpuUtilisation: undefined }));
    expect(decision).toMatchObject({ replicas: 4, held: true });
    expect(decision.reason).toContain('unavailable');
  });
});

describe('keda-queue', () => {
  it('asks for total waiting / target per pod', () => {
    const keda = bindPolicy(kedaQueuePolicy({ ...bounds, waitingPerReplica: 5 }));
    expect(keda.decide(observation({ specReplicas: 2, readyReplicas: 2, waitingRequests: 30 })).replicas).toBe(6);
  });
});

describe('kpa (Knative algorithm)', () => {
  it('panics when the 6 s window needs twice the ready pods, and does not scale down while panicking', () => {
    const kpa = bindPolicy(kpaPolicy({ ...bounds, targetConcurrency: 10, scaleDownDelaySeconds: 0 }));
    // target 10 * 70% = 7 per pod; 70 in flight on 2 pods -> 10 pods, >= 2x ready: panic.
    const burst = kpa.decide(observation({ time: 0, specReplicas: 2, readyReplicas: 2, concurrency: 70 }));
    expect(burst.replicas).toBe(10);
    expect(burst.reason).toContain('panic');
    const calm = kpa.decide(observation({ time: 30, specReplicas: 10, readyReplicas: 10, concurrency: 1 }));
    expect(calm.replicas).toBe(10);
    // 60 s after the last panic signal the stable window takes over again.
    let last = calm;
    for (let t = 32; t <= 62; t += 2) last = kpa.decide(observation({ time: t, specReplicas: 10, readyReplicas: 10, concurrency: 1 }));
    expect(last.reason).toContain('stable');
    expect(last.replicas).toBeLessThan(10);
  });
});

describe('kpa scale-down delay', () => {
  it('keeps the highest pod count of the delay window, then follows the stable window', () => {
    const kpa = bindPolicy(kpaPolicy({ ...bounds, targetConcurrency: 10, scaleDownDelaySeconds: 150 }));
    // 28 in flight at target 7 per pod on 4 pods: stable 4 pods, no panic.
    expect(kpa.decide(observation({ time: 0, specReplicas: 4, readyReplicas: 4, concurrency: 28 })).replicas).toBe(4);
    let last = kpa.decide(observation({ time: 62, specReplicas: 4, readyReplicas: 4, concurrency: 1 }));
    expect(last.replicas).toBe(4);
    expect(last.reason).toContain('scale-down delay');
    for (let t = 64; t <= 152; t += 2) last = kpa.decide(observation({ time: t, specReplicas: 4, readyReplicas: 4, concurrency: 1 }));
    expect(last.replicas).toBe(2);
  });
});

describe('nakhoda', () => {
  const config = nakhodaDefaults(DEFAULT_REPLICA_MODEL, 2, bounds);

  it('fluid capacity: a short burst may queue within the SLO, a sustained one may not', () => {
    // 10 replica-seconds in one 5 s interval: capacity c clears 5c in the interval and may leave 2c queued.
    const burst = [{ time: 5, intervalSeconds: 5, work: 10 }];
    expect(fluidCapacity(burst, 2, 0, 100)).toBeCloseTo(10 / 7, 1);
    // The same rate for 1000 s needs the full rate, 2 replicas.
    const sustained = Array.from({ length: 200 }, (_, i) => ({ time: 5 * (i + 1), intervalSeconds: 5, work: 10 }));
    expect(fluidCapacity(sustained, 2, 0, 100)).toBeGreaterThan(1.98);
    expect(fluidCapacity(sustained, 2, 0, 100)).toBeLessThan(2.02);
  });

  it('scales up for arriving work and keeps the capacity through a quiet gap', () => {
    const nakhoda = bindPolicy(nakhodaPolicy(config));
    const busy = { intervalSeconds: 5, requests: 100, promptTokens: 200_000, outputTokens: 3000 };
    const quiet = { intervalSeconds: 5, requests: 0, promptTokens: 0, outputTokens: 0 };
    let replicas = 1;
    for (let t = 5; t <= 60; t += 5) replicas = nakhoda.decide(observation({ time: t, specReplicas: replicas, arrivals: busy })).replicas;
    expect(replicas).toBeGreaterThan(4);
    const peak = replicas;
    // A gap shorter than the hold (the lookback) does not give capacity back.
    for (let t = 65; t <= 60 + config.holdSeconds - 10; t += 5) {
      replicas = nakhoda.decide(observation({ time: t, specReplicas: replicas, readyReplicas: replicas, arrivals: quiet })).replicas;
      expect(replicas).toBe(peak);
    }
    for (let t = 60 + config.holdSeconds; t <= 60 + 3 * config.holdSeconds; t += 5) {
      replicas = nakhoda.decide(observation({ time: t, specReplicas: replicas, readyReplicas: replicas, arrivals: quiet })).replicas;
    }
    expect(replicas).toBe(1);
  });

  it('never asks for more than maxReplicas or fewer than minReplicas', () => {
    const bounded = bindPolicy(nakhodaPolicy({ ...config, minReplicas: 2, maxReplicas: 3 }));
    const flood = { intervalSeconds: 5, requests: 5000, promptTokens: 10_000_000, outputTokens: 100_000 };
    expect(bounded.decide(observation({ time: 5, arrivals: flood })).replicas).toBe(3);
    const idle = bindPolicy(nakhodaPolicy({ ...config, minReplicas: 2, maxReplicas: 3 }));
    expect(idle.decide(observation({ time: 5 })).replicas).toBe(2);
  });

  it('holds and says so without arrival counters', () => {
    const nakhoda = bindPolicy(nakhodaPolicy(config));
    const decision = nakhoda.decide(observation({ arrivals: undefined }));
    expect(decision).toMatchObject({ replicas: 4, held: true });
  });
});
