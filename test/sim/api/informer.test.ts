import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createServingCertificate } from '../../../src/sim/api/index.js';
import { resourceTypes as rt, startSimulator, type Simulator } from '../../../src/sim/index.js';
import { runningPod } from './helpers.js';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** @kubernetes/client-node, as the live Nakhoda code paths use it: list + watch informers. */
describe('client-node informers against the simulator', () => {
  const running: Simulator[] = [];
  afterEach(async () => {
    for (const sim of running.splice(0)) await sim.stop();
  });

  async function client(sim: Simulator): Promise<KubeConfig> {
    const path = join(await mkdtemp(join(tmpdir(), 'nakhoda-informer-')), 'kubeconfig');
    await sim.writeKubeconfig(path);
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    return kc;
  }

  it('lists, then follows adds, updates and deletes through the watch', async () => {
    const sim = await startSimulator({ port: 0, parts: [] });
    running.push(sim);
    sim.store.create(rt.pods, runningPod('before', 'node-1'));
    const kc = await client(sim);
    const api = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/namespaces/default/pods', () => api.listNamespacedPod({ namespace: 'default' }));
    const seen: string[] = [];
    informer.on('add', (p: V1Pod) => seen.push(`add ${p.metadata?.name}`));
    informer.on('update', (p: V1Pod) => seen.push(`update ${p.metadata?.name} ${p.metadata?.labels?.stage ?? ''}`));
    informer.on('delete', (p: V1Pod) => seen.push(`delete ${p.metadata?.name}`));
    await informer.start();
    try {
      await until(() => seen.includes('add before'), 'the initial list');
      sim.store.create(rt.pods, runningPod('after', 'node-1'));
      sim.store.mutate(rt.pods, 'default', 'after', (p) => (p.metadata.labels = { stage: 'two' }));
      sim.store.delete(rt.pods, 'default', 'before', { gracePeriodSeconds: 0 });
      await until(() => seen.includes('delete before'), 'the watch events');
      expect(seen).toEqual(['add before', 'add after', 'update after two', 'delete before']);
      expect(informer.list().map((p) => p.metadata?.name)).toEqual(['after']);
    } finally {
      await informer.stop();
    }
  });

  it('relists after a simulator restart, when its old resourceVersion gets 410 Gone', async () => {
    const tls = createServingCertificate();
    const first = await startSimulator({ port: 0, token: 'restart-token', tls, parts: [] });
    running.push(first);
    for (let i = 0; i < 5; i++) first.store.create(rt.configmaps, { metadata: { name: `old-${i}`, namespace: 'default' } });
    const kc = await client(first);
    const port = Number(new URL(first.url).port);
    const api = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => api.listNamespacedConfigMap({ namespace: 'default' }));
    let relists = 0;
    let errors = 0;
    informer.on('connect', () => relists++);
    // The informer stops on a connection error (the server is down while restarting); restart it, as applications do.
    let stopping = false;
    informer.on('error', () => {
      if (stopping) return;
      errors++;
      setTimeout(() => void informer.start(), 100);
    });
    const names = () => informer.list().map((c) => c.metadata?.name).sort();
    await informer.start();
    try {
      await until(() => names().length === 5, 'the first list');

      await first.stop();
      running.splice(running.indexOf(first), 1);
      // A fresh simulator: its history does not reach back to the informer's resourceVersion.
      const second = await startSimulator({ port, token: 'restart-token', tls, parts: [] });
      running.push(second);
      second.store.create(rt.configmaps, { metadata: { name: 'new-0', namespace: 'default' } });

      await until(() => names().join() === 'new-0', 'the relist against the new simulator');
      expect(errors).toBeGreaterThan(0);
      expect(relists).toBeGreaterThan(1);
      second.store.create(rt.configmaps, { metadata: { name: 'new-1', namespace: 'default' } });
      await until(() => names().join() === 'new-0,new-1', 'watch events after the relist');
    } finally {
      stopping = true;
      await informer.stop();
    }
  });
});
