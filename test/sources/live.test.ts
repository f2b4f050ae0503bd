/**
 * The live path against the simulator's real Kubernetes API: the same objects read through a
 * kubeconfig and read from a file give the same findings; Secrets arrive without values.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { diagnose, SCENARIOS } from '../../src/doer/index.js';
import { loadLive, readCluster } from '../../src/sources/index.js';
import { ResourceTypeRegistry, startSimulator, type Simulator } from '../../src/sim/index.js';

const EXAMPLE = '../shared/data/diagnosis-examples/002-config-configmap-not-found-createcontainerconfigerror/snapshot.json';

let sim: Simulator;
let kubeconfig: string;

beforeAll(async () => {
  // API server only: this tests the source, so no simulated controller may change the objects.
  sim = await startSimulator({ port: 0, parts: [] });
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'nakhoda-live-')), 'kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  const types = new ResourceTypeRegistry();
  const items = (JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { items: KubeObject[] }).items;
  // A real API server refuses objects in namespaces that do not exist: create them first.
  for (const ns of new Set(items.map((i) => i.metadata.namespace).filter((n): n is string => !!n))) {
    if (!sim.store.get(types.byKind('v1', 'Namespace')!, undefined, ns)) sim.store.create(types.byKind('v1', 'Namespace')!, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as never);
  }
  for (const item of items) {
    const type = types.byKind(item.apiVersion ?? 'v1', item.kind);
    if (!type) throw new Error(`simulator has no ${item.kind}`);
    const { resourceVersion: _rv, ...metadata } = item.metadata;
    sim.store.create(type, { ...item, metadata } as never);
  }
  // The snapshot holds no Secrets (snapshots never do); the live cluster has the ones pods mount.
  const secret = (name: string) => sim.store.create(types.byKind('v1', 'Secret')!, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'monitoring' }, type: 'Opaque', data: { password: 'aHVudGVyMg==' } } as never);
  for (const name of ['db-password', 'autotune-sa-token-dsxkw']) secret(name);
});

afterAll(async () => {
  await sim?.stop();
});

const summaryOf = (findings: Array<{ scenario: string; rootCause: unknown }>) => findings.map((f) => `${f.scenario} ${JSON.stringify(f.rootCause)}`);

describe('live source (simulator API through a kubeconfig)', () => {
  it('finds the same root causes as the file source for the same objects', async () => {
    const live = await readCluster({ kubeconfig });
    const file = await readCluster({ files: [EXAMPLE] });
    expect(live.source.type).toBe('live');
    const liveReport = diagnose(live.state, SCENARIOS, { source: live.source });
    const fileReport = diagnose(file.state, SCENARIOS, { source: file.source });
    expect(liveReport.findings.length).toBeGreaterThan(0);
    expect(summaryOf(liveReport.findings)).toEqual(summaryOf(fileReport.findings));
    expect(liveReport.findings[0].rootCause).toEqual({ kind: 'ConfigMap', namespace: 'monitoring', name: 'autotune-config-key' });
  });

  it('reads Secrets as names only, never their values', async () => {
    const loaded = await loadLive({ kubeconfig });
    const secret = loaded.objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'db-password');
    expect(secret).toBeDefined();
    expect(JSON.stringify(loaded.objects)).not.toContain('aHVudGVyMg==');
  });

  it('reads lists longer than one page (limit/continue) completely', async () => {
    const cmType = new ResourceTypeRegistry().byKind('v1', 'ConfigMap')!;
    for (let i = 0; i < 1234; i++) sim.store.create(cmType, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${i}`, namespace: 'kube-system' }, data: { i: String(i) } } as never);
    const loaded = await loadLive({ kubeconfig, namespace: 'kube-system' });
    expect(loaded.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('page-'))).toHaveLength(1234);
  });

  it('limits namespaced kinds to -n, keeping cluster-scoped ones', async () => {
    const loaded = await loadLive({ kubeconfig, namespace: 'kube-system' });
    expect(loaded.objects.some((o) => o.metadata.namespace === 'monitoring')).toBe(false);
    expect(loaded.objects.some((o) => o.kind === 'Node')).toBe(true);
  });
});
