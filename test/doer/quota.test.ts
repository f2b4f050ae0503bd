import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { detect, diagnoseObjects, firstFindingFor, healthyNodes, obj } from './fixtures.js';
import { recovered, refusedDeployment, refusedStatefulSet } from './infra-fixtures.js';

// Messages as plugin/pkg/admission/resourcequota and plugin/pkg/admission/limitranger word them.
const quota = (name: string, hard: Record<string, string>, used: Record<string, string>, namespace = 'shop') =>
  obj('ResourceQuota', 'v1', name, namespace, { spec: { hard }, status: { hard, used } });
const limitRange = (name: string, limits: unknown[], namespace = 'shop') => obj('LimitRange', 'v1', name, namespace, { spec: { limits } });

interface Case {
  id: string;
  message: string;
  statefulSet?: 'Pod' | 'Claim';
  extra?: KubeObject[];
  rootCause: { kind: string; name: string };
  evidence: string;
}

const cases: Case[] = [
  {
    id: 'quota.must-specify-resources',
    message: 'pods "web-7d9f8b6c5d-abcde" is forbidden: failed quota: compute-quota: must specify limits.cpu,limits.memory,requests.cpu,requests.memory',
    extra: [quota('compute-quota', { 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi' }, { 'requests.cpu': '0', 'requests.memory': '0' })],
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'must specify limits.cpu',
  },
  {
    id: 'quota.exceeded-compute',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: exceeded quota: compute-quota, requested: requests.cpu=500m, used: requests.cpu=3800m, limited: requests.cpu=4',
    extra: [quota('compute-quota', { 'requests.cpu': '4' }, { 'requests.cpu': '3800m' })],
    rootCause: { kind: 'ResourceQuota', name: 'compute-quota' },
    evidence: 'ResourceQuota shop/compute-quota: requests.cpu used 3800m of 4',
  },
  {
    id: 'quota.request-exceeds-quota',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: exceeded quota: mem-quota, requested: requests.memory=16Gi, used: requests.memory=0, limited: requests.memory=8Gi',
    rootCause: { kind: 'ResourceQuota', name: 'mem-quota' },
    evidence: 'limited: requests.memory=8Gi',
  },
  {
    id: 'quota.exceeded-pod-count',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: exceeded quota: pod-count, requested: pods=1, used: pods=10, limited: pods=10',
    rootCause: { kind: 'ResourceQuota', name: 'pod-count' },
    evidence: 'used: pods=10',
  },
  {
    id: 'quota.exceeded-storage',
    statefulSet: 'Claim',
    message: 'persistentvolumeclaims "data-web-0" is forbidden: exceeded quota: storage-quota, requested: requests.storage=5Gi, used: requests.storage=18Gi, limited: requests.storage=20Gi',
    rootCause: { kind: 'ResourceQuota', name: 'storage-quota' },
    evidence: 'create Claim data-web-0',
  },
  {
    id: 'quota.exceeded-extended-resource',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: exceeded quota: gpu-quota, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=4, limited: requests.nvidia.com/gpu=4',
    rootCause: { kind: 'ResourceQuota', name: 'gpu-quota' },
    evidence: 'requests.nvidia.com/gpu=4',
  },
  {
    id: 'quota.exceeded-object-count',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: exceeded quota: object-counts, requested: count/secrets=1, used: count/secrets=50, limited: count/secrets=50',
    rootCause: { kind: 'ResourceQuota', name: 'object-counts' },
    evidence: 'count/secrets=50',
  },
  {
    id: 'quota.limitrange-max-exceeded',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: maximum cpu usage per Container is 2, but limit is 4',
    extra: [limitRange('container-limits', [{ type: 'Container', max: { cpu: '2', memory: '2Gi' } }])],
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'maximum cpu usage per Container is 2, but limit is 4',
  },
  {
    id: 'quota.limitrange-min-not-met',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi',
    extra: [limitRange('container-limits', [{ type: 'Container', min: { memory: '64Mi' } }])],
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'minimum memory usage per Container is 64Mi',
  },
  {
    id: 'quota.limitrange-ratio-exceeded',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: memory max limit to request ratio per Container is 2, but provided ratio is 4.000000',
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'max limit to request ratio',
  },
  {
    id: 'quota.limitrange-pvc-storage',
    statefulSet: 'Claim',
    message: 'persistentvolumeclaims "data-web-0" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi',
    extra: [limitRange('storage-limits', [{ type: 'PersistentVolumeClaim', max: { storage: '2Gi' } }])],
    rootCause: { kind: 'StatefulSet', name: 'web' },
    evidence: 'maximum storage usage per PersistentVolumeClaim is 2Gi',
  },
  {
    id: 'quota.limitrange-default-below-request',
    message: 'Pod "web-7d9f8b6c5d-x2x9q" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit',
    extra: [limitRange('defaults', [{ type: 'Container', default: { cpu: '1', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }])],
    rootCause: { kind: 'LimitRange', name: 'defaults' },
    evidence: 'LimitRange shop/defaults: default cpu=1',
  },
  {
    id: 'quota.scope-not-covered',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: insufficient quota to match these scopes: [{PriorityClass In [cluster-services]}]',
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'insufficient quota to match these scopes',
  },
];

function refused(c: Case) {
  return c.statefulSet ? refusedStatefulSet('web', c.message, { namespace: 'shop', what: c.statefulSet }) : refusedDeployment('web', c.message, { namespace: 'shop' });
}

describe.each(cases)('$id', (c) => {
  it('names the root cause, lists the blocked workload and quotes the refusal', () => {
    const r = refused(c);
    const detections = detect(c.id, [...healthyNodes(), ...r.all, ...(c.extra ?? [])]);
    expect(detections).toHaveLength(1);
    const [d] = detections;
    expect(d.rootCause).toMatchObject({ ...c.rootCause, namespace: 'shop' });
    expect(d.affected).toContainEqual({ kind: r.workload.kind, namespace: 'shop', name: 'web' });
    expect(d.evidence.join('\n')).toContain(c.evidence);
    expect(d.remediation.join('\n')).toMatch(/kubectl/);
  });

  it('stays quiet once the controller has all its replicas again', () => {
    expect(detect(c.id, [...healthyNodes(), ...recovered(refused(c)), ...(c.extra ?? [])])).toEqual([]);
  });

  it('does not claim refusals of another kind', () => {
    const other = cases.find((o) => o.id !== c.id && o.rootCause.kind !== c.rootCause.kind) ?? cases[0];
    const r = refusedDeployment('api', other.message, { namespace: 'shop' });
    expect(detect(c.id, [...healthyNodes(), ...r.all]).filter((d) => d.rootCause.name === other.rootCause.name)).toEqual([]);
  });
});

describe('quota refusals in a full diagnosis', () => {
  it('a quota exhausted by a rollout is the first finding for the Deployment, degraded not down', () => {
    const r = refusedDeployment('web', cases[1].message, { namespace: 'shop', replicas: 3, ready: 1 });
    const report = diagnoseObjects([...healthyNodes(), ...r.all, quota('compute-quota', { 'requests.cpu': '4' }, { 'requests.cpu': '3800m' })]);
    const finding = firstFindingFor(report, 'Deployment', 'web');
    expect(finding?.category).toBe('quota');
    expect(finding?.rootCause).toEqual({ kind: 'ResourceQuota', namespace: 'shop', name: 'compute-quota' });
    expect(finding?.severity).toBe('warning');
  });

  it('must-specify on a StatefulSet (as in the shared example) is critical and names the StatefulSet', () => {
    const r = refusedStatefulSet('es-master', 'pods "es-master-0" is forbidden: failed quota: fpl-quota: must specify requests.cpu,requests.memory', { namespace: 'fpl' });
    const report = diagnoseObjects([...healthyNodes(), ...r.all]);
    const finding = firstFindingFor(report, 'StatefulSet', 'es-master');
    expect(finding).toMatchObject({ category: 'quota', severity: 'critical', rootCause: { kind: 'StatefulSet', namespace: 'fpl', name: 'es-master' } });
    expect(finding?.affected).toContainEqual({ kind: 'ResourceQuota', namespace: 'fpl', name: 'fpl-quota' });
  });
});

describe('stale refusals', () => {
  it('are ignored once the ordinal they name exists (it was created after the quota was raised)', () => {
    const r = refusedStatefulSet('web', 'pods "web-0" is forbidden: exceeded quota: compute-quota, requested: requests.cpu=500m, used: requests.cpu=3800m, limited: requests.cpu=4', { namespace: 'shop' });
    const pod = obj('Pod', 'v1', 'web-0', 'shop', { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] }, status: { phase: 'Running' } });
    expect(detect('quota.exceeded-compute', [...healthyNodes(), ...r.all])).toHaveLength(1);
    expect(detect('quota.exceeded-compute', [...healthyNodes(), ...r.all, pod])).toEqual([]);
  });
});

describe('quota exhaustion during a rolling update', () => {
  it('is left to rollout.surge-blocked-by-quota when the old ReplicaSet still holds the pods', () => {
    const r = refusedDeployment('web', cases[1].message, { namespace: 'shop', replicas: 2 });
    const oldRs = obj('ReplicaSet', 'apps/v1', 'web-5b8c7d6f4a', 'shop', { spec: { replicas: 2 }, status: { replicas: 2, readyReplicas: 2 } }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: r.workload.metadata.uid, controller: true }] });
    expect(detect('quota.exceeded-compute', [...healthyNodes(), ...r.all, oldRs])).toEqual([]);
  });
});

describe('quota.at-limit', () => {
  it('reports a quota with no room left as info', () => {
    const [d] = detect('quota.at-limit', [quota('pods', { pods: '10', 'requests.cpu': '8' }, { pods: '10', 'requests.cpu': '2' })]);
    expect(d).toMatchObject({ rootCause: { kind: 'ResourceQuota', namespace: 'shop', name: 'pods' } });
    expect(d.evidence).toEqual(['ResourceQuota shop/pods: pods used 10 of 10']);
  });

  it('ignores quotas with room, and zero-valued limits (which forbid a kind on purpose)', () => {
    expect(detect('quota.at-limit', [quota('q', { pods: '10', 'services.loadbalancers': '0' }, { pods: '9', 'services.loadbalancers': '0' })])).toEqual([]);
  });

  it('is never more than info', () => {
    const report = diagnoseObjects([...healthyNodes(), quota('pods', { pods: '10' }, { pods: '10' })]);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});
