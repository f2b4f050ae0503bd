/**
 * A scheduler process killed (SIGKILL) while it binds a large gang: the next instance
 * finishes the gang from what the API server holds, in the same supernode, and no GPU is
 * handed out twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICES_ANNOTATION, GROUP_ANNOTATION } from '../../src/scheduler/index.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

const NS = 'train';
const GANG = 48;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sim: Simulator;
let kubeconfig: string;
let core: CoreV1Api;
let objects: KubernetesObjectApi;
const children: ChildProcess[] = [];

function startSchedulerProcess(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('test', 'scheduler', 'cli-entry.ts'), 'schedule', 'run', '--kubeconfig', kubeconfig, '--lease-namespace', NS, '--lease-duration', '2', '--interval', '100'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  return child;
}

async function boundMembers(): Promise<number> {
  const list = await core.listNamespacedPod({ namespace: NS });
  return list.items.filter((p) => p.spec?.nodeName).length;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nakhoda-crash-'));
  const clusterFile = join(dir, 'cluster.yaml');
  // two supernodes of 6 nodes × 8 GPUs; the gang (48 × 1 GPU) fits one supernode exactly
  writeFileSync(
    clusterFile,
    `name: crash
nodePools:
  - name: gpu
    count: 12
    cpu: "64"
    memory: 512Gi
    accelerators: { resource: nvidia.com/gpu, count: 8, product: H100 }
    topology:
      - { key: volcano.sh/hypernode, groupSize: 6, prefix: hn- }
namespaces: [${NS}]
`,
  );
  sim = await startSimulator({ port: 0, cluster: clusterFile, defaultScheduler: false });
  kubeconfig = join(dir, 'kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(kc);
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await sim?.stop();
});

describe('scheduler killed in the middle of a gang', () => {
  it('is finished by the next instance without double-booking', async () => {
    await objects.create({
      apiVersion: 'scheduling.volcano.sh/v1beta1',
      kind: 'PodGroup',
      metadata: { name: 'big', namespace: NS },
      spec: { minMember: GANG, networkTopology: { mode: 'hard', highestTierAllowed: 1 } },
    } as KubernetesObject);
    for (let i = 0; i < GANG; i++) {
      await objects.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `big-${String(i).padStart(2, '0')}`, namespace: NS, annotations: { [GROUP_ANNOTATION]: 'big' } },
        spec: { schedulerName: 'nakhoda', containers: [{ name: 'w', image: 'busybox', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { 'nvidia.com/gpu': '1' } } }] },
      } as KubernetesObject);
    }
    const first = startSchedulerProcess();
    let deadline = Date.now() + 60_000;
    while ((await boundMembers()) === 0) {
      if (Date.now() > deadline) throw new Error('the first scheduler bound nothing');
      await sleep(5);
    }
    first.kill('SIGKILL');
    const boundAtCrash = await boundMembers();

    startSchedulerProcess();
    deadline = Date.now() + 60_000;
    while ((await boundMembers()) < GANG) {
      if (Date.now() > deadline) throw new Error(`gang incomplete: ${await boundMembers()} of ${GANG} bound`);
      await sleep(100);
    }
    const pods = (await core.listNamespacedPod({ namespace: NS })).items;
    const nodes = new Map((await core.listNode()).items.map((n) => [n.metadata!.name!, n.metadata!.labels!['volcano.sh/hypernode']]));
    expect(new Set(pods.map((p) => nodes.get(p.spec!.nodeName!))).size).toBe(1);
    const held = new Set<string>();
    for (const p of pods) {
      const key = `${p.spec!.nodeName}/${p.metadata!.annotations![DEVICES_ANNOTATION]}`;
      expect(held.has(key), `GPU ${key} given twice`).toBe(false);
      held.add(key);
    }
    // report how much of the gang the killed process had bound (the restart path is what matters)
    expect(boundAtCrash).toBeGreaterThan(0);
    console.log(`killed after ${boundAtCrash} of ${GANG} binds`);
  }, 120_000);
});
