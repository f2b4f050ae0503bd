import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../src/cluster/types.js';
import { ago, deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, node, obj, ownerRef, runningStatus } from './fixtures.js';
import { diagnoseExample, exampleExists, notReadyStatus, pdb } from './controller-fixtures.js';

type Json = Record<string, unknown>;

const setCondition = (o: KubeObject, condition: Json) => {
  const status = o.status as { conditions?: Json[] };
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), condition];
};

/** A pod whose image cannot be pulled, as the kubelet reports it. */
const imagePullStatus = (): Json => ({
  phase: 'Pending',
  conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: ago(900) }],
  containerStatuses: [{ name: 'app', image: 'nginx:1.99', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:1.99"' } } }],
});

describe('rollout.progress-deadline-exceeded', () => {
  function stuck() {
    const app = deployment('web', { namespace: 'shop', replicas: 2, podStatus: imagePullStatus() });
    setCondition(app.deployment, {
      type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-7d9f8b6c5d" has timed out progressing.',
      lastUpdateTime: ago(60), lastTransitionTime: ago(60),
    });
    return app;
  }

  it('reports the stuck rollout on the Deployment, depending on the new ReplicaSet\'s pods', () => {
    const app = stuck();
    const [d] = detect('rollout.progress-deadline-exceeded', [...healthyNodes(), ...app.all]);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.dependsOn).toContainEqual({ kind: 'Pod', namespace: 'shop', name: app.pods[0].metadata.name });
    expect(d.evidence[0]).toBe('Deployment shop/web: status.conditions[Progressing]=False ProgressDeadlineExceeded: ReplicaSet "web-7d9f8b6c5d" has timed out progressing.');
    expect(d.severity).toBe('critical');
  });

  it('folds into the image finding that explains it', () => {
    const app = stuck();
    const pullFailed = app.pods.map((p) => event(p, 'Warning', 'Failed', 'Failed to pull image "nginx:1.99": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found'));
    const report = diagnoseObjects([...healthyNodes(), ...app.all, ...pullFailed]);
    expect(report.findings.map((f) => f.scenario)).not.toContain('rollout.progress-deadline-exceeded');
    expect(firstFindingFor(report, 'Deployment', 'web')?.evidence.join('\n')).toContain('↳ Deployment shop/web: status.conditions[Progressing]=False ProgressDeadlineExceeded');
  });

  it('stays quiet for a rollout that progressed', () => {
    expect(detect('rollout.progress-deadline-exceeded', deployment('web').all)).toEqual([]);
  });
});

describe('rollout.deployment-unavailable', () => {
  it('reports a Deployment below minimum availability for more than five minutes', () => {
    const app = deployment('api', { namespace: 'shop', replicas: 2, podStatus: notReadyStatus() });
    const [d] = detect('rollout.deployment-unavailable', app.all);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(d.evidence[0]).toContain('status.conditions[Available]=False MinimumReplicasUnavailable: Deployment does not have minimum availability.');
    expect(d.severity).toBe('critical');
  });

  it('stays quiet just after a change, and for healthy or scaled-to-zero Deployments', () => {
    const fresh = deployment('api', { namespace: 'shop', replicas: 2, podStatus: notReadyStatus() });
    setCondition(fresh.deployment, { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastTransitionTime: ago(40) });
    expect(detect('rollout.deployment-unavailable', fresh.all)).toEqual([]);
    expect(detect('rollout.deployment-unavailable', deployment('api').all)).toEqual([]);
    expect(detect('rollout.deployment-unavailable', deployment('api', { replicas: 0 }).all)).toEqual([]);
  });
});

describe('rollout.surge-blocked-by-quota', () => {
  /** web rolling from revision 1 (3 pods) to 2, whose first surge pod the quota refuses. */
  function rolling(oldReplicas: number) {
    const app = deployment('web', { namespace: 'shop', replicas: 3 });
    (app.replicaSet.status as Json).replicas = oldReplicas;
    const newRs = obj('ReplicaSet', 'apps/v1', 'web-5c6b7d8e9f', 'shop', {
      spec: { replicas: 1, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5c6b7d8e9f' } } },
      status: {
        replicas: 0, observedGeneration: 1,
        conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-5c6b7d8e9f-x7k2p" is forbidden: exceeded quota: compute-quota, requested: requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=1500m', lastTransitionTime: ago(300) }],
      },
    }, { ownerReferences: [ownerRef(app.deployment)], annotations: { 'deployment.kubernetes.io/revision': '2' } });
    const refused = event(newRs, 'Warning', 'FailedCreate', 'Error creating: pods "web-5c6b7d8e9f-x7k2p" is forbidden: exceeded quota: compute-quota, requested: requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=1500m', { component: 'replicaset-controller', count: 14 });
    return [...healthyNodes(), ...app.all, newRs, refused];
  }

  it('names the Deployment, with the Deployment → ReplicaSet → ResourceQuota chain', () => {
    const [d] = detect('rollout.surge-blocked-by-quota', rolling(3));
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.affected).toContainEqual({ kind: 'ResourceQuota', namespace: 'shop', name: 'compute-quota' });
    expect(d.evidence[0]).toBe('Deployment shop/web → ReplicaSet shop/web-5c6b7d8e9f → ResourceQuota shop/compute-quota: new pods refused');
    expect(d.remediation[0]).toContain('"maxSurge":0');
  });

  it('leaves quota exhaustion outside a rollout to the quota scenarios', () => {
    expect(detect('rollout.surge-blocked-by-quota', rolling(0))).toEqual([]);
  });
});

describe('rollout.deployment-paused', () => {
  it('reports a paused Deployment with an unrolled template change', () => {
    const app = deployment('web', { replicas: 3 });
    (app.deployment.spec as Json).paused = true;
    (app.deployment.status as Json).updatedReplicas = 0;
    const [d] = detect('rollout.deployment-paused', app.all);
    expect(d.remediation).toEqual(['kubectl -n default rollout resume deployment/web']);
  });

  it('stays quiet when paused with nothing pending', () => {
    const app = deployment('web', { replicas: 3 });
    (app.deployment.spec as Json).paused = true;
    expect(detect('rollout.deployment-paused', app.all)).toEqual([]);
  });
});

describe('rollout.pdb-blocks-drain', () => {
  /** Example 040's shape: a single-replica Deployment with minAvailable 1 on a cordoned node. */
  function drain(options: { cordoned: boolean; allowed: number }) {
    const pilot = deployment('istio-pilot', { namespace: 'istio-system', replicas: 1, labels: { app: 'pilot' }, nodeName: 'node-1' });
    const nodes = [node('node-1', { unschedulable: options.cordoned, ...(options.cordoned ? { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } : {}) }), node('node-2')];
    const budget = pdb('istio-pilot', 'istio-system', { app: 'pilot' }, { minAvailable: 1 }, { expected: 1, healthy: 1, desired: 1, allowed: options.allowed });
    return { pilot, objects: [...nodes, ...pilot.all, budget, event(nodes[0], 'Normal', 'NodeNotSchedulable', 'Node node-1 status is now: NodeNotSchedulable')] };
  }

  it('names the PDB as root cause of the hung drain, with the Node → Pod → PDB chain', () => {
    const { pilot, objects } = drain({ cordoned: true, allowed: 0 });
    const [d] = detect('rollout.pdb-blocks-drain', objects);
    expect(d.resource).toEqual({ kind: 'Node', name: 'node-1' });
    expect(d.rootCause).toEqual({ kind: 'PodDisruptionBudget', namespace: 'istio-system', name: 'istio-pilot' });
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'istio-system', name: 'istio-pilot' });
    expect(d.evidence[0]).toBe(`Node node-1: spec.unschedulable=true (cordoned for drain) ← Pod istio-system/${pilot.pods[0].metadata.name} ← PodDisruptionBudget istio-system/istio-pilot: disruptionsAllowed=0`);
  });

  it('also recognises refused evictions reported on the pod', () => {
    const { pilot, objects } = drain({ cordoned: false, allowed: 0 });
    const refused = event(pilot.pods[0], 'Warning', 'EvictionFailed', "Cannot evict pod as it would violate the pod's disruption budget.", { component: 'cluster-autoscaler' });
    const [d] = detect('rollout.pdb-blocks-drain', [...objects, refused]);
    expect(d.evidence.join('\n')).toContain("violate the pod's disruption budget");
  });

  it('is the first finding for the Node in a full diagnosis', () => {
    const first = firstFindingFor(diagnoseObjects(drain({ cordoned: true, allowed: 0 }).objects), 'Node', 'node-1');
    expect(first?.category).toBe('rollout');
    expect(first?.rootCause).toEqual({ kind: 'PodDisruptionBudget', namespace: 'istio-system', name: 'istio-pilot' });
  });

  it('is reported once: the structural-PDB scenario leaves a blocked drain to this one', () => {
    expect(detect('rollout.pdb-never-allows-disruption', drain({ cordoned: true, allowed: 0 }).objects)).toEqual([]);
    expect(detect('rollout.pdb-never-allows-disruption', drain({ cordoned: false, allowed: 0 }).objects)).toHaveLength(1);
  });

  it('stays quiet when the PDB allows a disruption or no node is draining', () => {
    expect(detect('rollout.pdb-blocks-drain', drain({ cordoned: true, allowed: 1 }).objects)).toEqual([]);
    expect(detect('rollout.pdb-blocks-drain', drain({ cordoned: false, allowed: 0 }).objects)).toEqual([]);
  });
});

describe('rollout.pdb-never-allows-disruption', () => {
  const app = () => deployment('api', { namespace: 'shop', replicas: 1, labels: { app: 'api' } });

  it.each([
    [{ minAvailable: 1 }, 'minAvailable=1 with 1 pod(s)'],
    [{ maxUnavailable: 0 }, 'maxUnavailable=0'],
  ])('flags %j on healthy pods', (rule, why) => {
    const budget = pdb('api', 'shop', { app: 'api' }, rule, { expected: 1, healthy: 1, desired: 1, allowed: 0 });
    const [d] = detect('rollout.pdb-never-allows-disruption', [...app().all, budget]);
    expect(d.rootCause).toEqual({ kind: 'PodDisruptionBudget', namespace: 'shop', name: 'api' });
    expect(d.title).toContain(why);
  });

  it('stays quiet when a disruption is allowed or the block comes from unhealthy pods', () => {
    const ok = pdb('api', 'shop', { app: 'api' }, { maxUnavailable: 1 }, { expected: 2, healthy: 2, desired: 1, allowed: 1 });
    expect(detect('rollout.pdb-never-allows-disruption', [...app().all, ok])).toEqual([]);
    const degraded = pdb('api', 'shop', { app: 'api' }, { minAvailable: 2 }, { expected: 3, healthy: 1, desired: 2, allowed: 0 });
    expect(detect('rollout.pdb-never-allows-disruption', [...app().all, degraded])).toEqual([]);
  });
});

/** A StatefulSet with ordinal pods; `ready(i)` says which are ready, `count` how many exist. */
function statefulSet(name: string, replicas: number, count: number, ready: (i: number) => boolean, policy?: string) {
  const set = obj('StatefulSet', 'apps/v1', name, 'data', {
    spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, ...(policy ? { podManagementPolicy: policy } : {}), template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } } },
    status: { replicas: count, readyReplicas: Array.from({ length: count }, (_, i) => ready(i)).filter(Boolean).length, currentReplicas: count, updatedReplicas: count },
  });
  const spec = { containers: [{ name: 'db', image: 'postgres:16' }] };
  const pods = Array.from({ length: count }, (_, i) =>
    obj('Pod', 'v1', `${name}-${i}`, 'data', { spec: { ...spec, nodeName: 'node-1' }, status: ready(i) ? runningStatus(spec) : notReadyStatus('db', 'postgres:16') }, { labels: { app: name }, ownerReferences: [ownerRef(set)], creationTimestamp: ago(3000) }) as Pod,
  );
  return { set, pods, all: [set, ...pods] };
}

describe('rollout.statefulset-stuck-on-ordinal', () => {
  it('names the unready ordinal that blocks the higher ones', () => {
    const { all } = statefulSet('db', 3, 2, (i) => i === 0);
    const [d] = detect('rollout.statefulset-stuck-on-ordinal', all);
    expect(d.resource).toEqual({ kind: 'Pod', namespace: 'data', name: 'db-1' });
    expect(d.rootCause).toEqual({ kind: 'StatefulSet', namespace: 'data', name: 'db' });
    expect(d.evidence).toContain('StatefulSet data/db: ordinals 2 not created');
  });

  it('stays quiet for Parallel pod management and for a fully ready set', () => {
    expect(detect('rollout.statefulset-stuck-on-ordinal', statefulSet('db', 3, 2, (i) => i === 0, 'Parallel').all)).toEqual([]);
    expect(detect('rollout.statefulset-stuck-on-ordinal', statefulSet('db', 3, 3, () => true).all)).toEqual([]);
  });
});

function daemonSet(status: Json, unreadyPod: boolean) {
  const ds = obj('DaemonSet', 'apps/v1', 'node-exporter', 'monitoring', {
    spec: { selector: { matchLabels: { app: 'node-exporter' } }, template: { metadata: { labels: { app: 'node-exporter' } }, spec: { containers: [{ name: 'exporter', image: 'prom/node-exporter:v1.8.2' }] } } },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, numberMisscheduled: 0, updatedNumberScheduled: 3, ...status },
  });
  const spec = { containers: [{ name: 'exporter', image: 'prom/node-exporter:v1.8.2' }] };
  const pods = [1, 2, 3].map((i) =>
    obj('Pod', 'v1', `node-exporter-${i}x2k`, 'monitoring', { spec: { ...spec, nodeName: `node-${i}` }, status: unreadyPod && i === 3 ? notReadyStatus('exporter') : runningStatus(spec) }, { labels: { app: 'node-exporter' }, ownerReferences: [ownerRef(ds)] }),
  );
  return [...healthyNodes(), ds, ...pods];
}

describe('rollout.daemonset-pods-unavailable', () => {
  it('reports the DaemonSet with its unready pod as a dependency', () => {
    const [d] = detect('rollout.daemonset-pods-unavailable', daemonSet({ numberReady: 2, numberAvailable: 2, numberUnavailable: 1 }, true));
    expect(d.rootCause).toEqual({ kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter' });
    expect(d.dependsOn).toEqual([{ kind: 'Pod', namespace: 'monitoring', name: 'node-exporter-3x2k' }]);
    expect(d.evidence[0]).toContain('numberUnavailable=1');
  });

  it('stays quiet when every scheduled pod is ready', () => {
    expect(detect('rollout.daemonset-pods-unavailable', daemonSet({}, false))).toEqual([]);
  });
});

describe('rollout.daemonset-misscheduled', () => {
  it('reports misscheduled pods', () => {
    const [d] = detect('rollout.daemonset-misscheduled', daemonSet({ numberMisscheduled: 1 }, false));
    expect(d.evidence[0]).toContain('numberMisscheduled=1');
  });

  it('stays quiet when none are misscheduled', () => {
    expect(detect('rollout.daemonset-misscheduled', daemonSet({}, false))).toEqual([]);
  });
});

describe.skipIf(!exampleExists('040-rollout-pdb-blocks-node-drain'))('shared example 040', () => {
  it('diagnoses the hung drain as the PodDisruptionBudget', () => {
    const { report, label } = diagnoseExample('040-rollout-pdb-blocks-node-drain');
    const first = firstFindingFor(report, label.symptom!.kind, label.symptom!.name);
    expect(first?.category).toBe(label.category);
    expect(label.rootCause).toContainEqual(first?.rootCause);
  });
});

describe('rollout.rollout-stalled-without-deadline', () => {
  /** Revision 2's pod never becomes ready; the Deployment has the old API's "no deadline" default. */
  function stalled(newAge: number) {
    const app = deployment('web', { namespace: 'shop', replicas: 2 });
    (app.deployment.spec as Json).progressDeadlineSeconds = 2147483647;
    const newRs = obj('ReplicaSet', 'apps/v1', 'web-5c6b7d8e9f', 'shop', {
      spec: { replicas: 1, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5c6b7d8e9f' } } },
      status: { replicas: 1, readyReplicas: 0, availableReplicas: 0 },
    }, { ownerReferences: [ownerRef(app.deployment)], annotations: { 'deployment.kubernetes.io/revision': '2' }, creationTimestamp: ago(newAge) });
    const pod = obj('Pod', 'v1', 'web-5c6b7d8e9f-q8x2z', 'shop', { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], nodeName: 'node-1' }, status: notReadyStatus() }, { ownerReferences: [ownerRef(newRs)], labels: { app: 'web' }, creationTimestamp: ago(newAge) });
    return [...app.all, newRs, pod];
  }

  it('reports the stalled rollout, depending on the new revision\'s pods', () => {
    const [d] = detect('rollout.rollout-stalled-without-deadline', stalled(7200));
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.dependsOn).toContainEqual({ kind: 'Pod', namespace: 'shop', name: 'web-5c6b7d8e9f-q8x2z' });
    expect(d.explanation).toContain('No progress deadline is set');
  });

  it('stays quiet for a rollout that just started', () => {
    expect(detect('rollout.rollout-stalled-without-deadline', stalled(60))).toEqual([]);
  });
});

describe('rollout.statefulset-partition-holds-update / statefulset-ondelete-pending / daemonset-ondelete-pending', () => {
  const sts = (strategy: Json, updated: number) =>
    obj('StatefulSet', 'apps/v1', 'kafka', 'data', {
      spec: { replicas: 3, serviceName: 'kafka', updateStrategy: strategy, selector: { matchLabels: { app: 'kafka' } } },
      status: { replicas: 3, readyReplicas: 3, updatedReplicas: updated, currentRevision: 'kafka-6d8f7b9c5', updateRevision: updated === 3 ? 'kafka-6d8f7b9c5' : 'kafka-7c9d5f6b8' },
    });
  const ds = (type: string, updated: number) =>
    obj('DaemonSet', 'apps/v1', 'fluent-bit', 'logging', { spec: { updateStrategy: { type } }, status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: updated } });

  it('reports updates held back by the strategy (info)', () => {
    expect(detect('rollout.statefulset-partition-holds-update', [sts({ type: 'RollingUpdate', rollingUpdate: { partition: 3 } }, 0)])[0].evidence[0]).toContain('partition=3 ≥ replicas=3');
    expect(detect('rollout.statefulset-ondelete-pending', [sts({ type: 'OnDelete' }, 1)])[0].title).toContain('2 pod(s) still on the old revision');
    expect(detect('rollout.daemonset-ondelete-pending', [ds('OnDelete', 1)])[0].rootCause).toEqual({ kind: 'DaemonSet', namespace: 'logging', name: 'fluent-bit' });
  });

  it('stays quiet once every pod runs the current revision, or under RollingUpdate', () => {
    expect(detect('rollout.statefulset-partition-holds-update', [sts({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, 1)])).toEqual([]);
    expect(detect('rollout.statefulset-ondelete-pending', [sts({ type: 'OnDelete' }, 3)])).toEqual([]);
    expect(detect('rollout.daemonset-ondelete-pending', [ds('RollingUpdate', 1), ds('OnDelete', 3)])).toEqual([]);
  });
});

describe('rollout.pods-not-created', () => {
  const refused = (message: string) => {
    const app = deployment('api', { namespace: 'shop', replicas: 2, podStatus: notReadyStatus() });
    (app.replicaSet.status as Json).replicas = 0;
    return [...app.all, event(app.replicaSet, 'Warning', 'FailedCreate', message, { component: 'replicaset-controller', count: 9 })];
  };

  it('reports the workload with the API server\'s refusal when nothing more specific explains it', () => {
    const [d] = detect('rollout.pods-not-created', refused('Error creating: pods "api-7d9f8b6c5d-" is forbidden: node selector conflicts with its namespace node label selector'));
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(d.evidence[0]).toContain('FailedCreate (x9): Error creating: pods "api-7d9f8b6c5d-" is forbidden');
  });

  it('stays quiet for a ReplicaSet that has all its pods', () => {
    expect(detect('rollout.pods-not-created', deployment('api').all)).toEqual([]);
  });
});

describe('rollout.no-revision-history', () => {
  it('reports revisionHistoryLimit 0 (info)', () => {
    const app = deployment('api');
    (app.deployment.spec as Json).revisionHistoryLimit = 0;
    expect(detect('rollout.no-revision-history', app.all)[0].evidence).toEqual(['Deployment default/api: spec.revisionHistoryLimit=0']);
  });

  it('stays quiet with the default history', () => {
    expect(detect('rollout.no-revision-history', deployment('api').all)).toEqual([]);
  });
});

describe('rollout.pdb-selects-no-pods', () => {
  it('reports a PDB whose selector matches nothing (info)', () => {
    const budget = pdb('api', 'shop', { app: 'api-server' }, { minAvailable: 1 }, { expected: 0, healthy: 0, desired: 0, allowed: 0 });
    const [d] = detect('rollout.pdb-selects-no-pods', [...deployment('api', { namespace: 'shop' }).all, budget, event(budget, 'Normal', 'NoPods', 'No matching pods found', { component: 'controllermanager' })]);
    expect(d.evidence[1]).toContain('NoPods: No matching pods found');
  });

  it('stays quiet when it selects pods', () => {
    const budget = pdb('api', 'shop', { app: 'api' }, { minAvailable: 1 }, { expected: 2, healthy: 2, desired: 1, allowed: 1 });
    expect(detect('rollout.pdb-selects-no-pods', [...deployment('api', { namespace: 'shop' }).all, budget])).toEqual([]);
  });
});

describe('rollout.pdb-overlapping', () => {
  it('names the newer of two PDBs covering the same pods', () => {
    const app = deployment('api', { namespace: 'shop', labels: { app: 'api', tier: 'backend' } });
    const older = pdb('api', 'shop', { app: 'api' }, { maxUnavailable: 1 }, { expected: 2, healthy: 2, desired: 1, allowed: 1 });
    const newer = pdb('backend', 'shop', { tier: 'backend' }, { maxUnavailable: 1 }, { expected: 2, healthy: 2, desired: 1, allowed: 1 });
    newer.metadata.creationTimestamp = ago(60);
    const [d] = detect('rollout.pdb-overlapping', [...app.all, older, newer]);
    expect(d.rootCause).toEqual({ kind: 'PodDisruptionBudget', namespace: 'shop', name: 'backend' });
    expect(d.affected).toContainEqual({ kind: 'PodDisruptionBudget', namespace: 'shop', name: 'api' });
  });

  it('stays quiet for disjoint PDBs', () => {
    const a = deployment('api', { namespace: 'shop' });
    const w = deployment('web', { namespace: 'shop' });
    const budgets = [pdb('api', 'shop', { app: 'api' }, { maxUnavailable: 1 }, { expected: 2, healthy: 2, desired: 1, allowed: 1 }), pdb('web', 'shop', { app: 'web' }, { maxUnavailable: 1 }, { expected: 2, healthy: 2, desired: 1, allowed: 1 })];
    expect(detect('rollout.pdb-overlapping', [...a.all, ...w.all, ...budgets])).toEqual([]);
  });
});

describe('rollout.pdb-exhausted-by-unhealthy-pods', () => {
  it('reports the PDB blocked by unready pods, depending on them', () => {
    const app = deployment('api', { namespace: 'shop', replicas: 2, podStatus: (i) => (i === 0 ? notReadyStatus() : runningStatus()) });
    const budget = pdb('api', 'shop', { app: 'api' }, { minAvailable: 2 }, { expected: 2, healthy: 1, desired: 2, allowed: 0 });
    const [d] = detect('rollout.pdb-exhausted-by-unhealthy-pods', [...app.all, budget]);
    expect(d.dependsOn).toEqual([{ kind: 'Pod', namespace: 'shop', name: app.pods[0].metadata.name }]);
  });

  it('stays quiet when the pods are healthy', () => {
    const budget = pdb('api', 'shop', { app: 'api' }, { minAvailable: 1 }, { expected: 2, healthy: 2, desired: 1, allowed: 1 });
    expect(detect('rollout.pdb-exhausted-by-unhealthy-pods', [...deployment('api', { namespace: 'shop' }).all, budget])).toEqual([]);
  });
});

describe('consequences never fold into info findings', () => {
  it('keeps an unexplained stuck rollout as its own finding next to the info one about the same Deployment', () => {
    const app = deployment('web', { namespace: 'shop', replicas: 2, podStatus: notReadyStatus() });
    (app.deployment.spec as Json).revisionHistoryLimit = 0;
    setCondition(app.deployment, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-7d9f8b6c5d" has timed out progressing.', lastUpdateTime: ago(60), lastTransitionTime: ago(60) });
    const report = diagnoseObjects([...healthyNodes(), ...app.all]);
    const info = report.findings.find((f) => f.scenario === 'rollout.no-revision-history');
    expect(info?.severity).toBe('info');
    expect(firstFindingFor(report, 'Deployment', 'web')?.severity).toBe('critical');
  });
});
