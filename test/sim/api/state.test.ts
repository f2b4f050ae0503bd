import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportStateFile, exportStore, resourceTypes as rt, startSimulator } from '../../../src/sim/index.js';
import { call } from './helpers.js';

describe('--state save/restore and export', () => {
  it('restores objects, resourceVersion, token and certificate after a restart', async () => {
    const state = join(await mkdtemp(join(tmpdir(), 'nakhoda-state-')), 'sim.json');
    const first = await startSimulator({ port: 0, state, parts: [] });
    expect(first.restored).toBe(false);
    const cm = first.store.create(rt.configmaps, { metadata: { name: 'kept', namespace: 'default' }, data: { a: '1' } });
    const rv = first.store.resourceVersion;
    await first.stop();
    expect((await stat(state)).mode & 0o777).toBe(0o600);

    const second = await startSimulator({ port: 0, state, parts: [] });
    try {
      expect(second.restored).toBe(true);
      expect(second.token).toBe(first.token);
      expect(second.api.tls.certPem).toBe(first.api.tls.certPem);
      expect(second.store.resourceVersion).toBe(rv);
      const res = await call(second.api, 'GET', '/api/v1/namespaces/default/configmaps/kept');
      expect(res.json()).toMatchObject({ metadata: { uid: cm.metadata.uid }, data: { a: '1' } });
      // A watch from before the save cannot be continued: the client must relist.
      expect(JSON.parse((await call(second.api, 'GET', '/api/v1/configmaps?watch=1&resourceVersion=1')).body.trim())).toMatchObject({
        type: 'ERROR',
        object: { code: 410 },
      });
    } finally {
      await second.stop();
    }
    const list = (await exportStateFile(state)) as { kind: string; items: Array<{ kind: string; metadata: { name: string } }> };
    expect(list.kind).toBe('List');
    expect(list.items).toContainEqual(expect.objectContaining({ kind: 'ConfigMap', metadata: expect.objectContaining({ name: 'kept' }) }));
  });

  it('exports a v1 List with secret values blanked', async () => {
    const sim = await startSimulator({ port: 0, parts: [] });
    try {
      sim.store.create(rt.secrets, { metadata: { name: 'db', namespace: 'default' }, data: { password: Buffer.from('hunter2').toString('base64') } });
      const list = exportStore(sim.store) as { apiVersion: string; kind: string; items: Array<{ kind: string; data?: Record<string, string> }> };
      expect([list.apiVersion, list.kind]).toEqual(['v1', 'List']);
      expect(list.items.find((o) => o.kind === 'Secret')?.data).toEqual({ password: '' });
      expect(list.items.filter((o) => o.kind === 'Namespace')).toHaveLength(4);
    } finally {
      await sim.stop();
    }
  });
});
