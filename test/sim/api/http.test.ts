import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer, maxBodyBytes } from '../../../src/sim/api/index.js';
import { resourceTypes as rt, startSimulator, Store, type Simulator } from '../../../src/sim/index.js';
import { call, node, runningPod } from './helpers.js';

type Status = { kind: string; code: number; reason: string; message: string; details?: { causes?: Array<{ field?: string; reason?: string; message?: string }> } };

describe('API server over HTTP', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, parts: [] });
    sim.store.create(rt.nodes, node('node-1'));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('refuses requests without the bearer token', async () => {
    const res = await call(sim.api, 'GET', '/api/v1/pods', undefined, {}, null);
    expect(res.status).toBe(401);
    expect(res.json<Status>()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('serves discovery for core, groups and custom resources', async () => {
    expect((await call(sim.api, 'GET', '/version')).json()).toMatchObject({ major: '1', minor: '32' });
    const core = (await call(sim.api, 'GET', '/api/v1')).json<{ resources: Array<{ name: string }> }>();
    expect(core.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['pods', 'pods/status', 'pods/binding', 'pods/eviction', 'pods/log', 'nodes', 'events']));
    const groups = (await call(sim.api, 'GET', '/apis')).json<{ groups: Array<{ name: string }> }>();
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'batch', 'autoscaling', 'policy', 'apiextensions.k8s.io', 'metrics.k8s.io', 'scheduling.volcano.sh', 'topology.volcano.sh']),
    );
    const volcano = (await call(sim.api, 'GET', '/apis/scheduling.volcano.sh/v1beta1')).json<{ resources: Array<{ name: string; kind: string }> }>();
    expect(volcano.resources).toContainEqual(expect.objectContaining({ name: 'podgroups', kind: 'PodGroup' }));
  });

  it('serves aggregated discovery to clients that ask for it', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const res = await call(sim.api, 'GET', '/apis', undefined, { Accept: accept });
    const list = res.json<{ kind: string; items: Array<{ metadata: { name: string }; versions: Array<{ resources: Array<{ resource: string; subresources?: Array<{ subresource: string }> }> }> }> }>();
    expect(list.kind).toBe('APIGroupDiscoveryList');
    const deployments = list.items.find((g) => g.metadata.name === 'apps')!.versions[0]!.resources.find((r) => r.resource === 'deployments')!;
    expect(deployments.subresources?.map((s) => s.subresource)).toEqual(['status', 'scale']);
    const core = (await call(sim.api, 'GET', '/api', undefined, { Accept: accept })).json<{ items: Array<{ metadata: { name: string } }> }>();
    expect(core.items.map((g) => g.metadata.name)).toEqual(['']);
  });

  it('answers errors with Status objects: 400, 404, 409, 413, 422', async () => {
    const malformed = await call(sim.api, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata": {');
    expect(malformed.status).toBe(400);
    expect(malformed.json<Status>()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });

    const unknown = await call(sim.api, 'GET', '/api/v1/namespaces/default/widgets');
    expect(unknown.status).toBe(404);
    expect(unknown.json<Status>()).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource' });

    const created = await call(sim.api, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cfg' }, data: { a: '1' } });
    expect(created.status).toBe(201);
    const cfg = created.json<{ metadata: { resourceVersion: string } }>();
    expect((await call(sim.api, 'PUT', '/api/v1/namespaces/default/configmaps/cfg', { ...cfg, data: { a: '2' } })).status).toBe(200);
    const stale = await call(sim.api, 'PUT', '/api/v1/namespaces/default/configmaps/cfg', { ...cfg, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.json<Status>().message).toBe(
      'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    );

    const huge = await call(sim.api, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'big' }, data: { a: 'x'.repeat(maxBodyBytes) } });
    expect(huge.status).toBe(413);
    expect(huge.json<Status>()).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });

    const invalid = await call(sim.api, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } });
    expect(invalid.status).toBe(422);
    expect(invalid.json<Status>()).toMatchObject({
      reason: 'Invalid',
      message: 'Pod "p" is invalid: spec.containers[0].image: Required value',
      details: { causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }] },
    });
  });

  it('pages lists with limit and continue', async () => {
    for (let i = 0; i < 7; i++) sim.store.create(rt.configmaps, { metadata: { name: `page-${i}`, namespace: 'default', labels: { paged: 'yes' } } });
    const names: string[] = [];
    let token = '';
    do {
      const page = (await call(sim.api, 'GET', `/api/v1/namespaces/default/configmaps?labelSelector=paged%3Dyes&limit=3${token ? `&continue=${token}` : ''}`)).json<{
        kind: string;
        items: Array<{ metadata: { name: string } }>;
        metadata: { continue?: string };
      }>();
      expect(page.kind).toBe('ConfigMapList');
      names.push(...page.items.map((i) => i.metadata.name));
      token = page.metadata.continue ?? '';
    } while (token);
    expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  it('selects events by involvedObject fields and pods by spec.nodeName and status.phase', async () => {
    sim.store.create(rt.pods, runningPod('sel-1', 'node-1'));
    sim.store.create(rt.pods, { ...runningPod('sel-2', ''), spec: { containers: [{ name: 'app', image: 'nginx' }] }, status: undefined });
    const onNode = (await call(sim.api, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1,status.phase%3DRunning')).json<{ items: Array<{ metadata: { name: string } }> }>();
    expect(onNode.items.map((p) => p.metadata.name)).toEqual(['sel-1']);
    const pending = (await call(sim.api, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DPending')).json<{ items: Array<{ metadata: { name: string } }> }>();
    expect(pending.items.map((p) => p.metadata.name)).toEqual(['sel-2']);
  });

  it('returns the Table format kubectl asks for', async () => {
    const res = await call(sim.api, 'GET', '/api/v1/namespaces/default/pods?limit=500', undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
    });
    const table = res.json<{ kind: string; columnDefinitions: Array<{ name: string; priority: number }>; rows: Array<{ cells: unknown[]; object: { kind: string } }> }>();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.rows[0]!.object.kind).toBe('PartialObjectMetadata');
  });

  it('binds pods once, with the real conflict message for a second binding', async () => {
    sim.store.create(rt.pods, { metadata: { name: 'unbound', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'unbound' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    expect((await call(sim.api, 'POST', '/api/v1/namespaces/default/pods/unbound/binding', binding)).status).toBe(201);
    const pod = sim.store.get(rt.pods, 'default', 'unbound')!;
    expect((pod.spec as { nodeName: string }).nodeName).toBe('node-1');
    expect((pod.status as { conditions: Array<{ type: string; status: string }> }).conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    const again = await call(sim.api, 'POST', '/api/v1/namespaces/default/pods/unbound/binding', binding);
    expect(again.status).toBe(409);
    expect(again.json<Status>().message).toBe('Operation cannot be fulfilled on pods/binding "unbound": pod unbound is already assigned to node "node-1"');
  });

  it('refuses evictions that would violate a PodDisruptionBudget with 429', async () => {
    for (const name of ['db-0', 'db-1']) sim.store.create(rt.pods, runningPod(name, 'node-1', { app: 'db' }));
    sim.store.create(rt.poddisruptionbudgets, { metadata: { name: 'db', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
    const evict = (name: string) =>
      call(sim.api, 'POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });
    expect((await evict('db-0')).status).toBe(201);
    expect(sim.store.get(rt.pods, 'default', 'db-0')?.metadata.deletionTimestamp).toBeDefined();
    const refused = await evict('db-1');
    expect(refused.status).toBe(429);
    expect(refused.json<Status>()).toMatchObject({
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget db needs 1 healthy pods and has 1 currently' }] },
    });
  });

  it('applies merge, JSON and strategic merge patches', async () => {
    sim.store.create(rt.pods, runningPod('patched', 'node-1', { a: '1' }));
    const merge = await call(sim.api, 'PATCH', '/api/v1/namespaces/default/pods/patched', { metadata: { labels: { a: null, b: '2' } } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(merge.json<{ metadata: { labels: object } }>().metadata.labels).toEqual({ b: '2' });
    const json = await call(sim.api, 'PATCH', '/api/v1/namespaces/default/pods/patched', [{ op: 'add', path: '/metadata/annotations', value: { x: 'y' } }], {
      'Content-Type': 'application/json-patch+json',
    });
    expect(json.json<{ metadata: { annotations: object } }>().metadata.annotations).toEqual({ x: 'y' });
    const strategic = await call(
      sim.api,
      'PATCH',
      '/api/v1/namespaces/default/pods/patched',
      { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    const containers = strategic.json<{ spec: { containers: Array<{ name: string; image: string; resources: object }> } }>().spec.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({ name: 'app', image: 'nginx:1.28', resources: { requests: { cpu: '500m', memory: '256Mi' } } });
    const status = await call(sim.api, 'PATCH', '/api/v1/namespaces/default/pods/patched/status', { status: { phase: 'Failed' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(status.json<{ status: { phase: string } }>().status.phase).toBe('Failed');
  });

  it('server-side apply creates, then merges into, an object', async () => {
    const headers = { 'Content-Type': 'application/apply-patch+yaml' };
    const path = '/api/v1/namespaces/default/configmaps/applied?fieldManager=test';
    const created = await call(sim.api, 'PATCH', path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n', headers);
    expect(created.status).toBe(201);
    const merged = await call(sim.api, 'PATCH', path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  b: "2"\n', headers);
    expect(merged.status).toBe(200);
    expect(sim.store.get(rt.configmaps, 'default', 'applied')?.data).toEqual({ a: '1', b: '2' });
  });

  it('scales through the scale subresource', async () => {
    sim.store.create(rt.deployments, {
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const scale = await call(sim.api, 'GET', '/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(scale.json()).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=web' } });
    const patched = await call(sim.api, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: 5 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(patched.json()).toMatchObject({ spec: { replicas: 5 } });
    expect((sim.store.get(rt.deployments, 'default', 'web')!.spec as { replicas: number }).replicas).toBe(5);
  });

  it('streams watch events from a resourceVersion, and reports 410 Expired inside the stream', async () => {
    const rv = sim.store.resourceVersion;
    sim.store.create(rt.configmaps, { metadata: { name: 'watched', namespace: 'default' } });
    const res = await call(sim.api, 'GET', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    const events = res.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED watched']);

    const gone = await call(sim.api, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=999999999');
    expect(gone.status).toBe(200);
    const error = JSON.parse(gone.body.trim()) as { type: string; object: Status };
    expect(error.type).toBe('ERROR');
    expect(error.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('sends bookmarks to watches that allow them', async () => {
    const fast = new ApiServer({ store: new Store(), token: 'bookmarks', bookmarkIntervalMs: 100 });
    await fast.start();
    try {
      const res = await call(fast, 'GET', `/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${fast.store.resourceVersion}&timeoutSeconds=1`);
      const types = res.body.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
      expect(types.length).toBeGreaterThan(0);
      expect(new Set(types)).toEqual(new Set(['BOOKMARK']));
    } finally {
      await fast.stop();
    }
  });

  it('serves metrics.k8s.io with zero usage until a kubelet supplies it', async () => {
    const nodes = (await call(sim.api, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes')).json<{ kind: string; items: Array<{ usage: { cpu: string; memory: string } }> }>();
    expect(nodes.kind).toBe('NodeMetricsList');
    expect(nodes.items[0]!.usage).toEqual({ cpu: '0n', memory: '0Ki' });
  });
});
