import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sim/clock.js';
import { Store, StatusError, recordEvent, resourceTypes as rt, type KubeObject, type WatchEvent } from '../../../src/sim/store/index.js';

function pod(name: string, extra: Partial<KubeObject> = {}, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    ...extra,
  };
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('Store', () => {
  it('assigns uid, resourceVersion, creationTimestamp and a generated name', () => {
    const store = new Store({ clock: new ManualClock(Date.UTC(2026, 10, 28, 5, 0, 0)) });
    const created = store.create(rt.pods, pod('', { metadata: { generateName: 'web-', namespace: 'default' } }));
    expect(created.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toBe('2026-11-28T05:00:00Z');
    expect(Number(created.metadata.resourceVersion)).toBe(Number(store.resourceVersion));
    expect((created.status as { phase: string }).phase).toBe('Pending');
    expect(Object.isFrozen(created.metadata)).toBe(true);
  });

  it('bumps resourceVersion on every write and rejects stale updates with the real 409', () => {
    const store = new Store();
    const v1 = store.create(rt.configmaps, { metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } });
    const v2 = store.update(rt.configmaps, { ...structuredClone(v1), data: { a: '2' } });
    expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
    const err = statusOf(() => store.update(rt.configmaps, { ...structuredClone(v1), data: { a: '3' } }));
    expect(err.code).toBe(409);
    expect(err.message).toBe(
      'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('reports missing objects and duplicates like the API server', () => {
    const store = new Store();
    expect(statusOf(() => store.delete(rt.pods, 'default', 'x')).message).toBe('pods "x" not found');
    expect(statusOf(() => store.update(rt.deployments, { metadata: { name: 'web', namespace: 'default' } })).message).toBe(
      'deployments.apps "web" not found',
    );
    store.create(rt.pods, pod('a'));
    const dup = statusOf(() => store.create(rt.pods, pod('a')));
    expect([dup.code, dup.reason, dup.message]).toEqual([409, 'AlreadyExists', 'pods "a" already exists']);
    const noNs = statusOf(() => store.create(rt.pods, { ...pod('b'), metadata: { name: 'b', namespace: 'nope' } }));
    expect([noNs.code, noNs.message]).toEqual([404, 'namespaces "nope" not found']);
  });

  it('rejects invalid objects with 422 and field causes', () => {
    const store = new Store();
    const err = statusOf(() => store.create(rt.pods, { metadata: { name: 'Bad_Name', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } }));
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.details?.causes?.map((c) => c.field)).toEqual(['metadata.name', 'spec.containers[0].image']);
    expect(err.message).toMatch(/^Pod "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });

  it('keeps status on spec updates and spec on status updates', () => {
    const store = new Store();
    const created = store.create(rt.pods, pod('p'));
    const running = store.update(rt.pods, { ...structuredClone(created), status: { phase: 'Running' } }, { subresource: 'status' });
    expect((running.status as { phase: string }).phase).toBe('Running');
    const relabelled = store.update(rt.pods, {
      ...structuredClone(running),
      metadata: { ...structuredClone(running.metadata), labels: { a: 'b' } },
      status: { phase: 'Failed' },
    });
    expect((relabelled.status as { phase: string }).phase).toBe('Running');
    expect(relabelled.metadata.labels).toEqual({ a: 'b' });
  });

  it('bumps generation only when the spec changes', () => {
    const store = new Store();
    const d = store.create(rt.deployments, {
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    expect(d.metadata.generation).toBe(1);
    const scaled = store.mutate(rt.deployments, 'default', 'web', (o) => ((o.spec as { replicas: number }).replicas = 3));
    expect(scaled.metadata.generation).toBe(2);
    const statusOnly = store.mutate(rt.deployments, 'default', 'web', (o) => (o.status = { observedGeneration: 2 }));
    expect(statusOnly.metadata.generation).toBe(2);
  });

  it('holds objects with finalizers until the finalizers are removed', () => {
    const store = new Store();
    store.create(rt.configmaps, { metadata: { name: 'f', namespace: 'default', finalizers: ['example.com/keep'] } });
    const deleting = store.delete(rt.configmaps, 'default', 'f');
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(store.get(rt.configmaps, 'default', 'f')).toBeDefined();
    store.mutate(rt.configmaps, 'default', 'f', (o) => (o.metadata.finalizers = []));
    expect(store.get(rt.configmaps, 'default', 'f')).toBeUndefined();
  });

  it('deletes a bound pod gracefully and finishes after its containers stop', () => {
    const clock = new ManualClock();
    const store = new Store({ clock });
    store.create(rt.pods, pod('p', { spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } }));
    const terminating = store.delete(rt.pods, 'default', 'p');
    expect(terminating.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(store.get(rt.pods, 'default', 'p')).toBeDefined();
    clock.advance(1000);
    expect(store.get(rt.pods, 'default', 'p')).toBeUndefined();
  });

  it('garbage-collects dependents through ownerReferences, and orphans on request', () => {
    const store = new Store();
    const owner = store.create(rt.configmaps, { metadata: { name: 'owner', namespace: 'default' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! };
    store.create(rt.pods, pod('child', { metadata: { name: 'child', namespace: 'default', ownerReferences: [ref] } }));
    store.delete(rt.configmaps, 'default', 'owner');
    expect(store.get(rt.pods, 'default', 'child')).toBeUndefined();

    const owner2 = store.create(rt.configmaps, { metadata: { name: 'owner2', namespace: 'default' } });
    store.create(rt.pods, pod('kept', { metadata: { name: 'kept', namespace: 'default', ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.metadata.uid! }] } }));
    store.delete(rt.configmaps, 'default', 'owner2', { propagationPolicy: 'Orphan' });
    expect(store.get(rt.pods, 'default', 'kept')?.metadata.ownerReferences).toBeUndefined();
  });

  it('holds a foreground-deleted owner until its dependents are gone', () => {
    const store = new Store();
    const owner = store.create(rt.configmaps, { metadata: { name: 'o', namespace: 'default' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: owner.metadata.uid! };
    store.create(rt.configmaps, { metadata: { name: 'dep', namespace: 'default', ownerReferences: [ref], finalizers: ['x/y'] } });
    store.delete(rt.configmaps, 'default', 'o', { propagationPolicy: 'Foreground' });
    expect(store.get(rt.configmaps, 'default', 'o')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    store.mutate(rt.configmaps, 'default', 'dep', (o) => delete o.metadata.finalizers);
    expect(store.get(rt.configmaps, 'default', 'dep')).toBeUndefined();
    expect(store.get(rt.configmaps, 'default', 'o')).toBeUndefined();
  });

  it('filters lists by label and field selectors', () => {
    const store = new Store();
    store.create(rt.pods, pod('a', { spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } }, { app: 'web', tier: 'fe' }));
    store.create(rt.pods, pod('b', {}, { app: 'db' }));
    store.create(rt.namespaces, { metadata: { name: 'other' } });
    store.create(rt.pods, { ...pod('c', {}, { app: 'web' }), metadata: { name: 'c', namespace: 'other', labels: { app: 'web' } } });
    const names = (o: Parameters<Store['list']>[1]) => store.list(rt.pods, o).items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(names({ labelSelector: 'app=web' })).toEqual(['default/a', 'other/c']);
    expect(names({ labelSelector: 'app in (web,db),!tier' })).toEqual(['default/b', 'other/c']);
    expect(names({ fieldSelector: 'spec.nodeName=n1' })).toEqual(['default/a']);
    expect(names({ fieldSelector: 'spec.nodeName=' })).toEqual(['default/b', 'other/c']);
    expect(names({ namespace: 'other' })).toEqual(['other/c']);
    expect(names({ fieldSelector: 'metadata.name=b,metadata.namespace=default' })).toEqual(['default/b']);
    expect(names({ fieldSelector: 'status.phase!=Pending' })).toEqual([]);
    expect(statusOf(() => store.list(rt.pods, { labelSelector: 'a in b' })).code).toBe(400);
  });

  it('pages lists with limit and continue, in key order', () => {
    const store = new Store();
    for (let i = 0; i < 25; i++) store.create(rt.configmaps, { metadata: { name: `cm-${String(i).padStart(2, '0')}`, namespace: 'default' } });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = store.list(rt.configmaps, { limit: 10, continue: token });
      seen.push(...page.items.map((o) => o.metadata.name!));
      if (pages === 0) expect(page.remainingItemCount).toBe(15);
      token = page.continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(25);
  });

  it('watches from a resourceVersion, translates selector transitions and answers 410 when too old', () => {
    const store = new Store({ historySize: 5 });
    const start = store.resourceVersion;
    store.create(rt.pods, pod('a'));
    const events: string[] = [];
    const stop = store.watch(rt.pods, { resourceVersion: start, fieldSelector: 'spec.nodeName=n1' }, (e: WatchEvent) =>
      events.push(`${e.type} ${e.object.metadata.name}`),
    );
    store.mutate(rt.pods, 'default', 'a', (o) => ((o.spec as { nodeName: string }).nodeName = 'n1'));
    store.mutate(rt.pods, 'default', 'a', (o) => (o.status = { phase: 'Running' }));
    store.mutate(rt.pods, 'default', 'a', (o) => ((o.spec as { nodeName: string }).nodeName = 'n2'));
    stop();
    store.mutate(rt.pods, 'default', 'a', (o) => ((o.spec as { nodeName: string }).nodeName = 'n1'));
    expect(events).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);

    for (let i = 0; i < 20; i++) store.create(rt.pods, pod(`p${i}`));
    const gone = statusOf(() => store.watch(rt.pods, { resourceVersion: start }, () => {}));
    expect([gone.code, gone.reason]).toEqual([410, 'Expired']);
    expect(gone.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('starts a watch without resourceVersion with synthetic ADDED events', () => {
    const store = new Store();
    store.create(rt.pods, pod('a'));
    const events: string[] = [];
    store.watch(rt.pods, {}, (e) => events.push(`${e.type} ${e.object.metadata.name}`));
    store.create(rt.pods, pod('b'));
    store.delete(rt.pods, 'default', 'a');
    expect(events).toEqual(['ADDED a', 'ADDED b', 'DELETED a']);
  });

  it('delivers events in resourceVersion order when a watcher writes from its callback', () => {
    const store = new Store();
    const seen: number[] = [];
    store.watch(rt.configmaps, {}, (e) => {
      if (e.object.metadata.name === 'first') store.create(rt.configmaps, { metadata: { name: 'second', namespace: 'default' } });
    });
    store.watch(rt.configmaps, {}, (e) => seen.push(Number(e.object.metadata.resourceVersion)));
    store.create(rt.configmaps, { metadata: { name: 'first', namespace: 'default' } });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBeLessThan(seen[1]!);
  });

  it('serves custom resources once their CRD is created', () => {
    const store = new Store();
    store.create(rt.customresourcedefinitions, {
      metadata: { name: 'podgroups.scheduling.volcano.sh' },
      spec: {
        group: 'scheduling.volcano.sh',
        scope: 'Namespaced',
        names: { plural: 'podgroups', singular: 'podgroup', kind: 'PodGroup', shortNames: ['pg'] },
        versions: [{ name: 'v1beta1', served: true, storage: true, subresources: { status: {} } }],
      },
    });
    const type = store.resourceTypes.find('pg')!;
    expect(type.kind).toBe('PodGroup');
    const pg = store.create(type, { metadata: { name: 'train', namespace: 'default' }, spec: { minMember: 4 } });
    expect(pg.apiVersion).toBe('scheduling.volcano.sh/v1beta1');
    const crd = store.get(rt.customresourcedefinitions, undefined, 'podgroups.scheduling.volcano.sh')!;
    expect((crd.status as { conditions: Array<{ type: string; status: string }> }).conditions).toContainEqual(
      expect.objectContaining({ type: 'Established', status: 'True' }),
    );
    store.delete(rt.customresourcedefinitions, undefined, 'podgroups.scheduling.volcano.sh');
    expect(store.resourceTypes.find('pg')).toBeUndefined();
  });

  it('saves and restores, and old watch positions then get 410', () => {
    const store = new Store();
    const before = store.resourceVersion;
    store.create(rt.pods, pod('a'));
    const copy = new Store({ seedNamespaces: false });
    copy.restore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(copy.get(rt.pods, 'default', 'a')?.metadata.uid).toBe(store.get(rt.pods, 'default', 'a')?.metadata.uid);
    expect(copy.resourceVersion).toBe(store.resourceVersion);
    expect(statusOf(() => copy.watch(rt.pods, { resourceVersion: before }, () => {})).code).toBe(410);
  });

  it('refuses new objects in a terminating namespace', () => {
    const store = new Store();
    store.create(rt.namespaces, { metadata: { name: 'gone' } });
    store.delete(rt.namespaces, undefined, 'gone');
    expect((store.get(rt.namespaces, undefined, 'gone')?.status as { phase: string }).phase).toBe('Terminating');
    const err = statusOf(() => store.create(rt.configmaps, { metadata: { name: 'x', namespace: 'gone' } }));
    expect([err.code, err.message]).toEqual([403, 'unable to create new content in namespace gone because it is being terminated']);
    store.mutate(rt.namespaces, undefined, 'gone', (ns) => ((ns.spec as { finalizers: string[] }).finalizers = []));
    expect(store.get(rt.namespaces, undefined, 'gone')).toBeUndefined();
  });
});

describe('recordEvent', () => {
  it('creates a core/v1 Event like the client-go recorder and aggregates repeats', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 28, 5, 0, 0));
    const store = new Store({ clock });
    const p = store.create(rt.pods, pod('web-1'));
    const first = recordEvent(store, p, 'Warning', 'BackOff', 'Back-off restarting failed container app in pod web-1_default(uid)', {
      component: 'kubelet',
      host: 'node-1',
    });
    expect(first.metadata.name).toMatch(/^web-1\.[0-9a-f]+$/);
    expect(first).toMatchObject({
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: p.metadata.uid, apiVersion: 'v1' },
      source: { component: 'kubelet', host: 'node-1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
      count: 1,
      firstTimestamp: '2026-11-28T05:00:00Z',
    });
    clock.advance(20_000);
    const again = recordEvent(store, p, 'Warning', 'BackOff', 'Back-off restarting failed container app in pod web-1_default(uid)', {
      component: 'kubelet',
      host: 'node-1',
    });
    expect(again.metadata.name).toBe(first.metadata.name);
    expect(again).toMatchObject({ count: 2, firstTimestamp: '2026-11-28T05:00:00Z', lastTimestamp: '2026-11-28T05:00:20Z' });
    const byObject = store.list(rt.events, { fieldSelector: `involvedObject.name=web-1,involvedObject.kind=Pod,involvedObject.uid=${p.metadata.uid}` });
    expect(byObject.items).toHaveLength(1);
  });

  it('combines similar events from the 10th different message on with different messages, as the client-go aggregator does', () => {
    const store = new Store();
    const p = store.create(rt.pods, pod('gang-0'));
    for (let i = 1; i <= 12; i++) {
      recordEvent(store, p, 'Warning', 'FailedScheduling', `0/${i} nodes are available: ${i} Insufficient nvidia.com/gpu.`, 'default-scheduler');
    }
    const events = store.list(rt.events, { fieldSelector: 'involvedObject.name=gang-0' }).items;
    expect(events).toHaveLength(10);
    const combined = events.find((e) => String(e.message).startsWith('(combined from similar events): '));
    expect(combined).toMatchObject({ count: 3, message: '(combined from similar events): 0/12 nodes are available: 12 Insufficient nvidia.com/gpu.' });
  });

  it('puts events about cluster-scoped objects in the default namespace', () => {
    const store = new Store();
    const node = store.create(rt.nodes, { metadata: { name: 'node-1' } });
    const e = recordEvent(store, node, 'Normal', 'NodeReady', 'Node node-1 status is now: NodeReady', { component: 'kubelet', host: 'node-1' });
    expect(e.metadata.namespace).toBe('default');
  });
});
