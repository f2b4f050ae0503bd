import { afterEach, describe, expect, it } from 'vitest';
import { applyFault } from '../../../src/sim/faults/apply.js';
import { faultSchema } from '../../../src/sim/faults/schema.js';
import { resourceTypes } from '../../../src/sim/store/index.js';
import { defaultClusterDefinition } from '../../../src/sim/clusterdef/build.js';
import { startTestCluster, type TestCluster } from './harness.js';

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

const pod = (name: string, container: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: name } },
  spec: { containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } }, ...container }] },
});

function inject(c: TestCluster, id: string, fault: unknown): void {
  applyFault({ store: c.store, clock: c.clock }, c.plane.faults.registry, id, faultSchema.parse(fault));
}

describe('kubelet model', () => {
  it('pulls images, creates and starts containers with the kubelet events, in order', () => {
    const c = (cluster = startTestCluster());
    c.apply(pod('web'));
    c.run(5);
    const p = c.pods('default')[0];
    expect(p.status.phase).toBe('Running');
    expect(p.status.containerStatuses[0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
    const events = c.events({ name: 'web' }).map((e) => `${e.reason}: ${e.message}`);
    expect(events[0]).toBe(`Scheduled: Successfully assigned default/web to ${p.spec.nodeName}`);
    expect(events.slice(1, 5)).toEqual([
      'Pulling: Pulling image "ghcr.io/example/app:1.0"',
      expect.stringMatching(/^Pulled: Successfully pulled image "ghcr.io\/example\/app:1.0" in [\d.]+s \([\d.]+s including waiting\)\. Image size: \d+ bytes\.$/),
      'Created: Created container app',
      'Started: Started container app',
    ]);
    expect(c.events({ name: 'web', reason: 'Pulled' })[0].source).toEqual({ component: 'kubelet', host: p.spec.nodeName });
  });

  it('restarts a crashing container with back-off doubling from 10s to 5m', () => {
    const c = (cluster = startTestCluster());
    inject(c, 'crash', { type: 'crash-loop', target: { namespace: 'default', labels: { app: 'web' } }, afterSeconds: 1 });
    c.apply(pod('web'));
    const backoffs = new Set<string>();
    for (let i = 0; i < 20 * 60; i++) {
      c.run(1);
      const waiting = c.pods('default')[0].status.containerStatuses?.[0]?.state?.waiting;
      if (waiting?.reason === 'CrashLoopBackOff') backoffs.add(/^back-off (\S+) restarting failed container=app pod=web_default\(/.exec(waiting.message)![1]);
    }
    expect([...backoffs]).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s']);
    const status = c.pods('default')[0].status.containerStatuses[0];
    expect(status.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(c.events({ name: 'web', reason: 'BackOff' })[0].message).toMatch(/^Back-off restarting failed container app in pod web_default\([0-9a-f-]{36}\)$/);
  });

  it('copies the log tail into the termination message of a failed container only under FallbackToLogsOnError', () => {
    const c = (cluster = startTestCluster());
    inject(c, 'crash', { type: 'crash-loop', target: { namespace: 'default' }, afterSeconds: 1, log: 'RuntimeError: No CUDA GPUs are available' });
    c.apply(pod('fallback', { terminationMessagePolicy: 'FallbackToLogsOnError' }));
    c.apply(pod('file'));
    c.run(20);
    const last = (name: string) => c.pods('default').find((p) => p.metadata.name === name)!.status.containerStatuses[0].lastState.terminated;
    expect(last('fallback')).toMatchObject({ exitCode: 1, reason: 'Error', message: expect.stringMatching(/starting app\nRuntimeError: No CUDA GPUs are available\n$/) });
    expect(last('file')).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(last('file').message).toBeUndefined();
  });

  it('refuses to start an absent image with imagePullPolicy Never (ErrImageNeverPull)', () => {
    const c = (cluster = startTestCluster());
    c.apply(pod('local', { image: 'registry.example.com/team/app:dev', imagePullPolicy: 'Never' }));
    c.run(20);
    const status = c.pods('default')[0].status.containerStatuses[0];
    const message = 'Container image "registry.example.com/team/app:dev" is not present with pull policy of Never';
    expect(status.state.waiting).toEqual({ reason: 'ErrImageNeverPull', message });
    expect(c.events({ name: 'local', reason: 'ErrImageNeverPull' })[0]).toMatchObject({ type: 'Warning', message });
    expect(c.events({ name: 'local', reason: 'Failed' })[0].message).toBe('Error: ErrImageNeverPull');
    expect(c.events({ name: 'local', reason: 'Pulling' })).toEqual([]);
  });

  it('reports OOM kills as OOMKilled with exit code 137', () => {
    const c = (cluster = startTestCluster());
    inject(c, 'oom', { type: 'oom-kill', target: { namespace: 'default', name: 'web' }, afterSeconds: 2 });
    c.apply(pod('web'));
    c.run(20);
    const status = c.pods('default')[0].status.containerStatuses[0];
    expect(status.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(status.restartCount).toBeGreaterThanOrEqual(1);
  });

  it('drops allocatable accelerators to 0 while the device plugin is down, and restores them', () => {
    const c = (cluster = startTestCluster({
      cluster: {
        source: 'test',
        workloadLine: () => 0,
        definition: { ...defaultClusterDefinition, nodePools: [...defaultClusterDefinition.nodePools, { ...defaultClusterDefinition.nodePools[1], name: 'gpu', count: 1, accelerators: { resource: 'nvidia.com/gpu', count: 8 } }] },
      },
    }));
    c.run(1);
    inject(c, 'plugin', { type: 'device-plugin-failure', target: { name: 'gpu-0' } });
    c.run(12);
    const node = () => c.store.get(resourceTypes.nodes, undefined, 'gpu-0') as any;
    expect(node().status.capacity['nvidia.com/gpu']).toBe('8');
    expect(node().status.allocatable['nvidia.com/gpu']).toBe('0');
    c.apply({ ...pod('trainer', { resources: { limits: { 'nvidia.com/gpu': '1' } } }) });
    c.run(3);
    expect(c.events({ name: 'trainer', reason: 'FailedScheduling' })[0].message).toContain('3 Insufficient nvidia.com/gpu');
    c.plane.faults.registry.remove('plugin');
    c.run(12);
    expect(node().status.allocatable['nvidia.com/gpu']).toBe('8');
  });

  it('serves usage for metrics.k8s.io from running containers', () => {
    const c = (cluster = startTestCluster());
    c.apply(pod('web'));
    c.run(5);
    const p = c.pods('default')[0];
    const usage = c.plane.kubelets.containerUsage(p as any, 'app');
    expect(usage.cpu).toBeGreaterThan(0);
    expect(usage.memory).toBeGreaterThan(0);
    expect(c.plane.kubelets.nodeUsage(p.spec.nodeName).memory).toBeGreaterThan(usage.memory);
  });
});
