import { describe, expect, it } from 'vitest';
import { resolveFenceposts, rollingUpdateStep } from '../../../src/sim/controllers/rollout.js';
import { quotaRejection } from '../../../src/sim/controllers/quota.js';
import type { Pod, ResourceQuota } from '../../../src/cluster/types.js';

describe('rolling update arithmetic', () => {
  it('rounds surge up and unavailability down, and never lets both be zero', () => {
    expect(resolveFenceposts(undefined, undefined, 10)).toEqual([3, 2]);
    expect(resolveFenceposts(0, 0, 4)).toEqual([0, 1]);
  });

  it('surges the new ReplicaSet first, then scales old ones down only as far as availability allows', () => {
    const step = rollingUpdateStep(4, 1, 0, { name: 'new', replicas: 0, available: 0, created: '2' }, [{ name: 'old', replicas: 4, available: 4, created: '1' }]);
    expect(Object.fromEntries(step.scale)).toEqual({ new: 1 });
    const next = rollingUpdateStep(4, 1, 0, { name: 'new', replicas: 1, available: 1, created: '2' }, [{ name: 'old', replicas: 4, available: 4, created: '1' }]);
    expect(Object.fromEntries(next.scale)).toEqual({ old: 3 });
  });
});

describe('ResourceQuota admission', () => {
  const quota = { kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'shop' }, spec: { hard: { 'requests.cpu': '2', pods: '10' } } } as unknown as ResourceQuota;
  const pod = (cpu?: string) =>
    ({ kind: 'Pod', metadata: { name: 'web-x', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx', resources: cpu ? { requests: { cpu } } : {} }] } }) as unknown as Pod;

  it('refuses pods that exceed the quota with the apiserver message', () => {
    expect(quotaRejection(quota, { 'requests.cpu': 1800, pods: 3 }, pod('500m'))).toBe(
      'exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=1800m, limited: requests.cpu=2',
    );
    expect(quotaRejection(quota, { 'requests.cpu': 1000, pods: 3 }, pod('500m'))).toBeUndefined();
  });

  it('requires constrained resources to be declared', () => {
    expect(quotaRejection(quota, {}, pod())).toBe('failed quota: compute: must specify requests.cpu');
  });
});
