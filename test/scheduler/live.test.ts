/**
 * The live scheduler against the simulator's Kubernetes API with its default scheduler
 * switched off: gangs bind all-or-nothing inside one supernode, failures are explained in
 * events, a restart in the middle of a gang completes it without double-booking a GPU, and
 * two instances elect one leader. Also applies manifests/scheduler to the simulator.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICES_ANNOTATION, GROUP_ANNOTATION, startLiveScheduler, type LiveScheduler } from '../../src/scheduler/index.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NS = 'train';

/** 8 nodes × 8 H100, supernodes (hypernode label) of 4 nodes, one spine. */
const CLUSTER = `
name: gpu
nodePools:
  - name: gpu
    count: 8
    cpu: "64"
    memory: 512Gi
    accelerators: { resource: nvidia.com/gpu, count: 8, product: H100 }
    topology:
      - { key: volcano.sh/hypernode, groupSize: 4, prefix: hn- }
      - { key: nakhoda.io/spine, groupSize: 8, prefix: spine- }
namespaces: [${NS}, kube-system]
`;

let sim: Simulator;
let kc: KubeConfig;
let objects: KubernetesObjectApi;
let core: CoreV1Api;
const running: LiveScheduler[] = [];

async function scheduler(identity: string): Promise<LiveScheduler> {
  const s = await startLiveScheduler(kc, { identity, intervalMs: 100, leaseDurationSeconds: 5 });
  running.push(s);
  return s;
}

async function podGroup(name: string, minMember: number, networkTopology?: { mode: string; highestTierAllowed: number }): Promise<void> {
  await objects.create({
    apiVersion: 'scheduling.volcano.sh/v1beta1',
    kind: 'PodGroup',
    metadata: { name, namespace: NS },
    spec: { minMember, ...(networkTopology ? { networkTopology } : {}) },
  } as KubernetesObject);
}

async function gangPods(group: string, count: number, gpus: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${group}-${i}`, namespace: NS, annotations: { [GROUP_ANNOTATION]: group } },
      spec: {
        schedulerName: 'nakhoda',
        containers: [{ name: 'worker', image: 'pytorch/pytorch:2.4.0', resources: { limits: { 'nvidia.com/gpu': String(gpus) }, requests: { cpu: '4', memory: '16Gi' } } }],
      },
    } as KubernetesObject);
  }
}

async function pods(prefix: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace: NS });
  return list.items.filter((p) => p.metadata?.name?.startsWith(`${prefix}-`));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function events(reason: string, podName: string): Promise<string[]> {
  const list = await core.listNamespacedEvent({ namespace: NS });
  return list.items.filter((e) => e.reason === reason && e.involvedObject.name === podName).map((e) => e.message ?? '');
}

/** Every GPU device of every node is held by at most one live pod. */
async function assertNoDoubleBooking(): Promise<void> {
  const all = await core.listPodForAllNamespaces();
  const held = new Map<string, string>();
  for (const pod of all.items) {
    const node = pod.spec?.nodeName;
    const devices = pod.metadata?.annotations?.[DEVICES_ANNOTATION];
    if (!node || !devices || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    for (const d of devices.split(',')) {
      const key = `${node}/${d}`;
      expect(held.get(key), `GPU ${key} held by ${held.get(key)} and ${pod.metadata?.name}`).toBeUndefined();
      held.set(key, pod.metadata?.name ?? '');
    }
  }
}

const nodeHypernode = async (): Promise<Map<string, string>> => {
  const nodes = await core.listNode();
  return new Map(nodes.items.map((n) => [n.metadata!.name!, n.metadata!.labels!['volcano.sh/hypernode']!]));
};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nakhoda-live-'));
  const clusterFile = join(dir, 'cluster.yaml');
  writeFileSync(clusterFile, CLUSTER);
  sim = await startSimulator({ port: 0, cluster: clusterFile, defaultScheduler: false });
  const kubeconfig = join(dir, 'kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  objects = KubernetesObjectApi.makeApiClient(kc);
  core = kc.makeApiClient(CoreV1Api);
}, 30_000);

afterAll(async () => {
  for (const s of running) await s.stop();
  await sim?.stop();
});

describe('live scheduler in the simulator', () => {
  it('binds a gang all-or-nothing inside one supernode, with devices, events and PodGroup status', async () => {
    await podGroup('alpha', 4, { mode: 'hard', highestTierAllowed: 1 });
    await gangPods('alpha', 4, 8);
    await scheduler('first');
    const bound = await until('gang alpha bound', async () => {
      const list = await pods('alpha');
      return list.every((p) => p.spec?.nodeName) ? list : undefined;
    });
    const supernode = await nodeHypernode();
    expect(new Set(bound.map((p) => supernode.get(p.spec!.nodeName!))).size).toBe(1);
    expect(bound.map((p) => p.metadata?.annotations?.[DEVICES_ANNOTATION])).toEqual(Array(4).fill('0,1,2,3,4,5,6,7'));
    const scheduled = await until('Scheduled event', async () => (await events('Scheduled', 'alpha-0'))[0]);
    expect(scheduled).toMatch(/^Successfully assigned train\/alpha-0 to gpu-\d/);
    const group = (await objects.read({ apiVersion: 'scheduling.volcano.sh/v1beta1', kind: 'PodGroup', metadata: { name: 'alpha', namespace: NS } })) as KubernetesObject & { status?: { phase?: string } };
    expect(group.status?.phase).toBe('Running');
    await assertNoDoubleBooking();
  });

  it('leaves a gang that cannot fit its tier unbound and says why', async () => {
    // 4 nodes are free, all in one supernode; the gang needs 5 whole nodes inside one supernode
    await podGroup('beta', 5, { mode: 'hard', highestTierAllowed: 1 });
    await gangPods('beta', 5, 8);
    // while the pods are still being created the event says the gang waits for them; then why it cannot fit
    const message = await until('FailedScheduling event', async () => (await events('FailedScheduling', 'beta-0')).find((m) => m.includes('needs')));
    expect(message).toMatch(/gang train\/beta needs 5 pods × 8 GPUs inside one tier-1 domain/);
    expect(message).toMatch(/largest free block is 4 such pods in hn-[01]/);
    expect((await pods('beta')).every((p) => !p.spec?.nodeName)).toBe(true);
    for (const p of await pods('beta')) await core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 });
  });

  it('finishes a gang that was half bound when the scheduler restarted, without double-booking', async () => {
    for (const s of running.splice(0)) await s.stop();
    await podGroup('gamma', 4, { mode: 'soft', highestTierAllowed: 1 });
    await gangPods('gamma', 4, 4);
    // what a scheduler that died after two binds leaves behind: devices recorded, pods bound
    const used = new Set((await pods('alpha')).map((p) => p.spec!.nodeName!));
    const node = [...(await nodeHypernode()).keys()].find((n) => !used.has(n))!;
    for (const [i, devices] of [[0, '0,1,2,3'], [1, '4,5,6,7']] as const) {
      await objects.patch(
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: `gamma-${i}`, namespace: NS, annotations: { [DEVICES_ANNOTATION]: devices } } } as KubernetesObject,
        undefined,
        undefined,
        undefined,
        undefined,
        'application/merge-patch+json',
      );
      await core.createNamespacedPodBinding({ name: `gamma-${i}`, namespace: NS, body: { metadata: { name: `gamma-${i}` }, target: { kind: 'Node', name: node } } });
    }
    await scheduler('after-restart');
    const bound = await until('gang gamma complete', async () => {
      const list = await pods('gamma');
      return list.every((p) => p.spec?.nodeName) ? list : undefined;
    });
    const supernode = await nodeHypernode();
    expect(new Set(bound.map((p) => supernode.get(p.spec!.nodeName!))).size).toBe(1);
    expect(bound.filter((p) => p.spec!.nodeName === node)).toHaveLength(2); // the node was full: nothing added there
    await assertNoDoubleBooking();
  });

  it('elects one leader among two instances and still never double-books', async () => {
    for (const s of running.splice(0)) await s.stop();
    const a = await scheduler('instance-a');
    const b = await scheduler('instance-b');
    await until('a leader', async () => (a.isLeader() !== b.isLeader() ? true : undefined));
    await podGroup('delta', 2);
    await gangPods('delta', 2, 4);
    await until('gang delta bound', async () => ((await pods('delta')).every((p) => p.spec?.nodeName) ? true : undefined));
    await assertNoDoubleBooking();
    const leader = a.isLeader() ? a : b;
    const follower = leader === a ? b : a;
    await leader.stop();
    await until('the other instance takes over', async () => {
      await follower.runOnce();
      return follower.isLeader() ? true : undefined;
    });
  });
});

describe('manifests/scheduler', () => {
  const docs = ['rbac.yaml', 'deployment.yaml', 'volcano-crds.yaml'].flatMap((f) =>
    parseAllDocuments(readFileSync(join('manifests/scheduler', f), 'utf8')).map((d) => d.toJS() as KubernetesObject),
  );

  it('apply to the simulator', async () => {
    for (const doc of docs) {
      try {
        await objects.create(doc);
      } catch (err) {
        // the simulator ships Volcano's CRDs already, as a Volcano cluster would: replace them
        if ((err as { code?: number }).code !== 409) throw err;
        const existing = await objects.read(doc as KubernetesObject & { metadata: { name: string } });
        await objects.replace({ ...doc, metadata: { ...doc.metadata, resourceVersion: existing.metadata?.resourceVersion } });
      }
    }
    const deployment = await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nakhoda-scheduler', namespace: 'nakhoda-system' } });
    expect(deployment.metadata?.name).toBe('nakhoda-scheduler');
  });

  it('grant exactly what the scheduler calls, and no secrets or wildcards', () => {
    const role = docs.find((d) => d.kind === 'ClusterRole') as unknown as { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> };
    const grants = new Set(role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`)))));
    for (const needed of ['/nodes:list', '/pods:list', '/pods:patch', '/pods/binding:create', '/events:create', 'scheduling.volcano.sh/podgroups:list', 'scheduling.volcano.sh/podgroups/status:patch', 'topology.volcano.sh/hypernodes:list']) {
      expect(grants.has(needed), needed).toBe(true);
    }
    expect([...grants].some((g) => g.includes('secrets') || g.includes('*'))).toBe(false);
  });
});
