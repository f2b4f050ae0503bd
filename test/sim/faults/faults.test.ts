import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadClusterDefinition } from '../../../src/sim/clusterdef/index.js';
import { applyFault, clearFault } from '../../../src/sim/faults/apply.js';
import { faultCategory, faultSchema, loadFaultFile, type FaultType } from '../../../src/sim/faults/index.js';
import { resourceTypes } from '../../../src/sim/store/index.js';
import { startTestCluster, type TestCluster } from '../controllers/harness.js';

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

const web = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            envFrom: [{ configMapRef: { name: 'settings' } }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/', port: 80 } },
          },
        ],
      },
    },
  },
};

/** A small cluster with one of everything the faults act on. */
function startShop(): TestCluster {
  const c = (cluster = startTestCluster());
  c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { MODE: 'prod' } });
  c.apply(web);
  c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  c.apply({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'train', namespace: 'default' }, spec: { backoffLimit: 1, template: { metadata: { annotations: { 'sim.nakhoda.io/run-seconds': '600' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'python:3.12' }] } } } });
  c.apply({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
  });
  c.run(10);
  return c;
}

const deploymentTarget = { kind: 'Deployment', namespace: 'default', name: 'web' };
const messages = (c: TestCluster, reason: string) => c.events({ reason }).map((e) => e.message as string);

/** Each fault type, what to inject, and the evidence a real cluster would show. */
const cases: Array<{ type: FaultType; fault: Record<string, unknown>; seconds: number; setup?: (c: TestCluster) => void; check: (c: TestCluster) => void }> = [
  {
    type: 'image-pull',
    fault: { target: deploymentTarget, error: 'unauthorized' },
    seconds: 20,
    check: (c) => {
      expect(messages(c, 'Failed')).toContain('Error: ImagePullBackOff');
      expect(messages(c, 'Failed').some((m) => m.startsWith('Failed to pull image "nginx:1.27": ') && m.includes('pull access denied'))).toBe(true);
      expect(c.pods('default', 'app=web').map((p) => p.status.containerStatuses[0].state.waiting?.reason)).toContain('ImagePullBackOff');
    },
  },
  {
    type: 'crash-loop',
    fault: { target: deploymentTarget, exitCode: 2 },
    seconds: 30,
    check: (c) => {
      const status = c.pods('default', 'app=web')[0].status.containerStatuses[0];
      expect(status.state.waiting.reason).toBe('CrashLoopBackOff');
      expect(status.lastState.terminated.exitCode).toBe(2);
    },
  },
  {
    type: 'oom-kill',
    fault: { target: deploymentTarget },
    seconds: 20,
    check: (c) => expect(c.pods('default', 'app=web')[0].status.containerStatuses[0].lastState.terminated.reason).toBe('OOMKilled'),
  },
  {
    type: 'missing-config',
    fault: { target: { namespace: 'default' }, configMap: 'settings' },
    seconds: 10,
    check: (c) => {
      expect(messages(c, 'Failed')).toContain('Error: configmap "settings" not found');
      expect(c.pods('default', 'app=web').every((p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'CreateContainerConfigError')).toBe(true);
    },
  },
  {
    type: 'probe-failure',
    fault: { target: deploymentTarget },
    seconds: 15,
    check: (c) => {
      expect(messages(c, 'Unhealthy')).toContain('Readiness probe failed: HTTP probe failed with statuscode: 503');
      expect(c.pods('default', 'app=web').every((p) => !p.status.containerStatuses[0].ready)).toBe(true);
    },
  },
  {
    type: 'unschedulable',
    fault: { target: deploymentTarget },
    seconds: 10,
    check: (c) => expect(messages(c, 'FailedScheduling')[0]).toMatch(/^0\/3 nodes are available: .*2 Insufficient cpu\. preemption: /),
  },
  {
    type: 'node-taint',
    fault: { target: { name: 'worker-0' }, taint: { key: 'maintenance', value: 'true', effect: 'NoExecute' } },
    seconds: 10,
    check: (c) => expect(c.pods('default', 'app=web').filter((p) => !p.metadata.deletionTimestamp).every((p) => p.spec.nodeName !== 'worker-0')).toBe(true),
  },
  {
    type: 'volume-provisioning',
    fault: { storageClass: 'standard', mode: 'class-missing' },
    seconds: 5,
    check: (c) => {
      c.apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      c.run(2);
      expect(messages(c, 'ProvisioningFailed')).toContain('storageclass.storage.k8s.io "standard" not found');
    },
  },
  {
    type: 'node-down',
    fault: { target: { name: 'worker-0' } },
    seconds: 60,
    check: (c) => {
      const node = c.store.get(resourceTypes.nodes, undefined, 'worker-0') as any;
      expect(node.status.conditions.find((x: any) => x.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
      expect(node.spec.taints.map((t: any) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
      expect(messages(c, 'NodeNotReady')).toContain('Node worker-0 status is now: NodeNotReady');
    },
  },
  {
    type: 'node-pressure',
    fault: { target: { name: 'worker-0' } },
    seconds: 15,
    check: (c) => {
      expect(messages(c, 'NodeHasInsufficientMemory')).toContain('Node worker-0 status is now: NodeHasInsufficientMemory');
      expect(messages(c, 'Evicted')[0]).toMatch(/^The node was low on resource: memory\. Threshold quantity: 100Mi, available: \d+Ki\. /);
    },
  },
  {
    type: 'service-no-endpoints',
    fault: { target: { namespace: 'default', name: 'web' } },
    seconds: 2,
    check: (c) => expect((c.store.get(resourceTypes.endpoints, 'default', 'web') as any).subsets).toBeUndefined(),
  },
  {
    type: 'cni-failure',
    fault: { target: { labels: { 'nakhoda.io/pool': 'worker' } } },
    seconds: 5,
    check: (c) => expect(messages(c, 'FailedCreatePodSandBox')[0]).toMatch(/^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="calico" failed \(add\): /),
  },
  {
    type: 'quota-exceeded',
    fault: { target: deploymentTarget },
    seconds: 5,
    check: (c) => expect(messages(c, 'FailedCreate')[0]).toMatch(/^Error creating: pods "web-\w+-" is forbidden: exceeded quota: compute-quota, requested: /),
  },
  {
    type: 'serviceaccount-missing',
    fault: { target: deploymentTarget },
    seconds: 5,
    check: (c) => expect(messages(c, 'FailedCreate')[0]).toMatch(/^Error creating: pods "web-\w+-" is forbidden: error looking up service account default\/web-sa: serviceaccount "web-sa" not found$/),
  },
  {
    type: 'rollout-stuck',
    fault: { target: deploymentTarget, progressDeadlineSeconds: 30 },
    seconds: 60,
    check: (c) => {
      const d = c.store.get(resourceTypes.deployments, 'default', 'web') as any;
      const progressing = d.status.conditions.find((x: any) => x.type === 'Progressing');
      expect(progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
      expect(progressing.message).toMatch(/^ReplicaSet "web-\w+" has timed out progressing\.$/);
    },
  },
  {
    type: 'job-failure',
    fault: { target: { kind: 'Job', namespace: 'default', name: 'train' } },
    seconds: 60,
    check: (c) => {
      const job = c.store.get(resourceTypes.jobs, 'default', 'train') as any;
      expect(job.status.conditions.find((x: any) => x.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    },
  },
  {
    type: 'hpa-failure',
    fault: { target: { namespace: 'default', name: 'web' } },
    seconds: 1,
    check: (c) => {
      const hpa = c.store.get(resourceTypes.horizontalpodautoscalers, 'default', 'web') as any;
      expect(hpa.status.conditions.find((x: any) => x.type === 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
      expect(messages(c, 'FailedGetResourceMetric')).toContain('failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API');
    },
  },
  {
    type: 'device-plugin-failure',
    fault: { target: { name: 'worker-0' }, resource: 'huawei.com/ascend-910', unhealthyDevices: 3 },
    setup: (c) =>
      c.store.mutate(resourceTypes.nodes, undefined, 'worker-0', (n) => {
        const status = n.status as { capacity: Record<string, string>; allocatable: Record<string, string> };
        status.capacity['huawei.com/ascend-910'] = '8';
        status.allocatable['huawei.com/ascend-910'] = '8';
      }),
    seconds: 12,
    check: (c) => {
      const status = (c.store.get(resourceTypes.nodes, undefined, 'worker-0') as any).status;
      expect([status.capacity['huawei.com/ascend-910'], status.allocatable['huawei.com/ascend-910']]).toEqual(['8', '5']);
    },
  },
  {
    type: 'webhook-failure',
    fault: { target: { namespace: 'default' } },
    seconds: 5,
    check: (c) => {
      expect(messages(c, 'FailedCreate')[0]).toBe(
        'Error creating: Internal error occurred: failed calling webhook "validate.policy.example.com": failed to call webhook: Post "https://policy-webhook.policy-system.svc:443/validate?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      );
      expect(c.store.get(resourceTypes.validatingwebhookconfigurations, undefined, 'validate')).toBeDefined();
    },
  },
];

describe('fault injection', () => {
  it('covers all 16 diagnosis categories', () => {
    expect(new Set(Object.values(faultCategory)).size).toBe(16);
    expect(cases.map((c) => c.type).sort()).toEqual(Object.keys(faultCategory).sort());
  });

  it.each(cases)('$type produces the evidence a real cluster shows', ({ type, fault, seconds, setup, check }) => {
    const c = startShop();
    setup?.(c);
    applyFault({ store: c.store, clock: c.clock }, c.plane.faults.registry, type, faultSchema.parse({ type, ...fault }));
    c.run(seconds);
    check(c);
  });

  it('reverts the objects a fault changed when it is cleared', () => {
    const c = startShop();
    applyFault({ store: c.store, clock: c.clock }, c.plane.faults.registry, 'cfg', faultSchema.parse({ type: 'missing-config', target: { namespace: 'default' }, configMap: 'settings' }));
    c.run(5);
    expect(clearFault(c.plane.faults.registry, 'cfg')).toBe(true);
    c.run(20);
    expect(c.store.get(resourceTypes.configmaps, 'default', 'settings')).toBeDefined();
    expect(c.pods('default', 'app=web').every((p) => p.status.containerStatuses?.[0]?.ready)).toBe(true);
  });
});

describe('fault and cluster files', () => {
  async function file(name: string, text: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'nakhoda-faults-'));
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('names the file, line and field of a bad fault in one line', async () => {
    const path = await file('bad.yaml', 'faults:\n  - type: crash-loop\n    target: { kind: Deployment, name: web }\n  - type: crash-loop\n    exitCode: "one"\n');
    await expect(loadFaultFile(path)).rejects.toThrow(new InputError(`${path}:5: faults[1].exitCode: Invalid input: expected number, received string`));
    const unknown = await file('unknown.yaml', 'faults:\n  - type: disk-on-fire\n');
    await expect(loadFaultFile(unknown)).rejects.toThrow(/unknown\.yaml:2: faults\[0\]\.type: Invalid discriminator value/);
  });

  it('names the line of a bad cluster definition field', async () => {
    const path = await file('cluster.yaml', 'nodePools:\n  - name: gpu\n    count: 2\n    memory: lots\n');
    await expect(loadClusterDefinition(path)).rejects.toThrow(`${path}:4: nodePools[0].memory: not a Kubernetes quantity (e.g. "500m", "16Gi", 8)`);
  });

  it('loads the ai-cluster example with two 48-node supernodes and its faults', async () => {
    const loaded = await loadClusterDefinition('examples/ai-cluster/cluster.yaml');
    const pools = loaded.definition.nodePools.filter((p) => p.accelerators?.count === 8);
    expect(pools.map((p) => [p.count, p.labels['volcano.sh/hypernode']])).toEqual([[48, 'supernode-a'], [48, 'supernode-b']]);
    const faults = await loadFaultFile('examples/ai-cluster/faults.yaml');
    expect(new Set(faults.map((f) => faultCategory[f.fault.type])).size).toBeGreaterThanOrEqual(6);
  });
});
