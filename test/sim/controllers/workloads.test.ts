import { afterEach, describe, expect, it } from 'vitest';
import { applyFault } from '../../../src/sim/faults/apply.js';
import { faultSchema } from '../../../src/sim/faults/schema.js';
import { resourceTypes } from '../../../src/sim/store/index.js';
import { startTestCluster, type TestCluster } from './harness.js';

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

const deployment = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
    ...extra,
  },
});

describe('simulated workload controllers', () => {
  it('rolls a Deployment out within maxSurge and maxUnavailable and reports it complete', () => {
    const c = (cluster = startTestCluster());
    c.apply(deployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    c.run(10);
    c.store.mutate(resourceTypes.deployments, 'default', 'web', (d) => {
      ((d.spec as any).template.spec.containers[0]).image = 'nginx:1.28';
    });
    let maxPods = 0;
    let minReady = Infinity;
    for (let i = 0; i < 60; i++) {
      c.run(1);
      const pods = c.pods('default', 'app=web').filter((p) => !p.metadata.deletionTimestamp);
      maxPods = Math.max(maxPods, pods.length);
      minReady = Math.min(minReady, pods.filter((p) => p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True')).length);
    }
    const pods = c.pods('default', 'app=web');
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => p.spec.containers[0].image === 'nginx:1.28')).toBe(true);
    expect(maxPods).toBeLessThanOrEqual(5);
    expect(minReady).toBeGreaterThanOrEqual(4);
    const d = c.store.get(resourceTypes.deployments, 'default', 'web') as any;
    expect(d.status.conditions.find((x: any) => x.type === 'Progressing').reason).toBe('NewReplicaSetAvailable');
    const old = c.store.list(resourceTypes.replicasets, { namespace: 'default' }).items.find((rs) => (rs.spec as any).replicas === 0)!;
    expect(c.events({ reason: 'ScalingReplicaSet' }).map((e) => e.message)).toContain(`Scaled down replica set ${old.metadata.name} from 4 to 3`);
  });

  it('creates StatefulSet pods one at a time, each after the previous is ready', () => {
    const c = (cluster = startTestCluster());
    c.apply({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        serviceName: 'db',
        replicas: 3,
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16', readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 5 } }] } },
      },
    });
    c.run(4);
    expect(c.pods('default', 'app=db').map((p) => p.metadata.name)).toEqual(['db-0']);
    c.run(40);
    expect(c.pods('default', 'app=db').map((p) => p.metadata.name)).toEqual(['db-0', 'db-1', 'db-2']);
    expect(c.events({ reason: 'SuccessfulCreate', name: 'db' }).map((e) => e.message)).toContain('create Pod db-1 in StatefulSet db successful');
  });

  it('runs a DaemonSet pod on every node whose taints it tolerates', () => {
    const c = (cluster = startTestCluster());
    c.apply({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox:1.36' }] } } },
    });
    c.run(10);
    expect(c.pods('default', 'app=agent').map((p) => p.spec.nodeName).sort()).toEqual(['worker-0', 'worker-1']);
  });

  it('completes Jobs and starts CronJob runs on schedule', () => {
    const c = (cluster = startTestCluster());
    c.apply({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } } } });
    c.apply({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick', namespace: 'default' },
      spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: 'busybox:1.36' }] } } } } },
    });
    c.run(150);
    const once = c.store.get(resourceTypes.jobs, 'default', 'once') as any;
    expect(once.status.conditions.map((x: any) => x.type)).toContain('Complete');
    expect(once.status.succeeded).toBe(1);
    const runs = c.store.list(resourceTypes.jobs, { namespace: 'default' }).items.filter((j) => j.metadata.name!.startsWith('tick-'));
    expect(runs.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps Endpoints in step with ready pods and provisions claims on first use', () => {
    const c = (cluster = startTestCluster());
    c.apply(deployment('api', 2));
    c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'default' }, spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] } });
    c.apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } });
    c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'writer', namespace: 'default' }, spec: { containers: [{ name: 'w', image: 'busybox:1.36' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } });
    c.run(15);
    const ep = c.store.get(resourceTypes.endpoints, 'default', 'api') as any;
    expect(ep.subsets[0].addresses).toHaveLength(2);
    expect(ep.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const pvc = c.store.get(resourceTypes.persistentvolumeclaims, 'default', 'data') as any;
    expect(pvc.spec.storageClassName).toBe('standard');
    expect(pvc.status.phase).toBe('Bound');
    expect(c.pods('default').find((p) => p.metadata.name === 'writer')?.status.phase).toBe('Running');
  });

  it('ignores pods for other schedulers, and schedules nothing when switched off', () => {
    const c = (cluster = startTestCluster());
    c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gang-0', namespace: 'default' }, spec: { schedulerName: 'nakhoda', containers: [{ name: 'a', image: 'busybox:1.36' }] } });
    c.run(5);
    expect(c.pods('default')[0].spec.nodeName).toBeUndefined();
    expect(c.events({ name: 'gang-0' })).toHaveLength(0);
    c.stop();
    const off = (cluster = startTestCluster({ defaultScheduler: false }));
    off.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'busybox:1.36' }] } });
    off.run(5);
    expect(off.pods('default')[0].spec.nodeName).toBeUndefined();
  });

  it('deletes everything in a terminating namespace, then the namespace', () => {
    const c = (cluster = startTestCluster());
    c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } });
    c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'tmp' }, data: { a: '1' } });
    c.apply({ ...deployment('w', 1), metadata: { name: 'w', namespace: 'tmp' } });
    c.run(5);
    c.store.delete(resourceTypes.namespaces, undefined, 'tmp');
    c.run(20);
    expect(c.store.get(resourceTypes.namespaces, undefined, 'tmp')).toBeUndefined();
    expect(c.store.list(resourceTypes.pods, { namespace: 'tmp' }).items).toHaveLength(0);
  });

  it('evicts pods from an unreachable node once their 300 s toleration runs out, and replaces them elsewhere', () => {
    const c = (cluster = startTestCluster());
    c.apply(deployment('web', 4));
    c.run(10);
    const onWorker0 = c.pods('default', 'app=web').filter((p) => p.spec.nodeName === 'worker-0').map((p) => p.metadata.name);
    expect(onWorker0.length).toBeGreaterThan(0);
    applyFault({ store: c.store, clock: c.clock }, c.plane.faults.registry, 'down', faultSchema.parse({ type: 'node-down', target: { name: 'worker-0' } }));
    c.run(200);
    expect(c.events({ reason: 'TaintManagerEviction' })).toHaveLength(0);
    c.run(200);
    expect(c.events({ reason: 'TaintManagerEviction' }).map((e) => e.message).sort()).toEqual(onWorker0.map((n) => `Marking for deletion Pod default/${n}`).sort());
    const live = c.pods('default', 'app=web').filter((p) => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(4);
    expect(live.every((p) => p.spec.nodeName === 'worker-1' && p.status.phase === 'Running')).toBe(true);
  });

  it('holds gated pods as SchedulingGated and refuses pods naming a missing PriorityClass', () => {
    const c = (cluster = startTestCluster());
    c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gated', namespace: 'default' }, spec: { schedulingGates: [{ name: 'example.com/quota-check' }], containers: [{ name: 'a', image: 'busybox:1.36' }] } });
    c.apply(deployment('urgent', 1, {}));
    c.store.mutate(resourceTypes.deployments, 'default', 'urgent', (d) => ((d.spec as any).template.spec.priorityClassName = 'business-critical'));
    c.run(5);
    const gated = c.pods('default').find((p) => p.metadata.name === 'gated')!;
    expect(gated.status.conditions.find((x: any) => x.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' });
    expect(c.events({ reason: 'FailedCreate' }).map((e) => e.message)).toContainEqual(expect.stringMatching(/^Error creating: pods "urgent-\w+-" is forbidden: no PriorityClass with name business-critical was found$/));
    c.store.mutate(resourceTypes.pods, 'default', 'gated', (p) => delete (p.spec as any).schedulingGates);
    c.run(5);
    expect(c.pods('default').find((p) => p.metadata.name === 'gated')!.spec.nodeName).toMatch(/^worker-/);
  });
});
