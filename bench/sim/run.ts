/**
 * Simulator scale benchmark (issue 3, part 7): 5,000 nodes and 150,000 pods in one process.
 * Measures create rate (in-process store and over HTTPS), time to list all pods with paging,
 * and watch fan-out to 10 HTTP watchers. Usage: npm run bench:sim [-- --nodes N --pods N]
 */
import type { ClientRequest } from 'node:http';
import { Agent, request, type RequestOptions } from 'node:https';
import { cpus, loadavg, totalmem } from 'node:os';
import { ApiServer } from '../../src/sim/api/index.js';
import { resourceTypes as rt, Store, type KubeObject } from '../../src/sim/index.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const nodeCount = flag('nodes', 5_000);
const podCount = flag('pods', 150_000);
const httpCreates = flag('http-creates', 5_000);
const watchers = flag('watchers', 10);
const watchedCreates = flag('watched-creates', 5_000);
const pageSize = 500;

function node(i: number): KubeObject {
  const name = `node-${String(i).padStart(5, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'nakhoda.io/rack': `rack-${i % 100}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` } },
    spec: {},
    status: {
      capacity: { cpu: '96', memory: '768Gi', pods: '110', 'nvidia.com/gpu': '8' },
      allocatable: { cpu: '95', memory: '760Gi', pods: '110', 'nvidia.com/gpu': '8' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [{ type: 'InternalIP', address: `10.${(i >> 8) & 255}.${i & 255}.1` }],
      nodeInfo: { kubeletVersion: 'v1.32.4', osImage: 'Ubuntu 24.04 LTS', containerRuntimeVersion: 'containerd://1.7.24' },
    },
  };
}

function pod(i: number, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `train-${i}`, namespace, labels: { app: `job-${i % 500}`, 'nakhoda.io/bench': 'yes' } },
    spec: {
      nodeName: `node-${String(i % nodeCount).padStart(5, '0')}`,
      containers: [
        {
          name: 'worker',
          image: 'registry.example.com/train:2.4.1',
          resources: { requests: { cpu: '4', memory: '32Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '32Gi', 'nvidia.com/gpu': '1' } },
          env: [{ name: 'RANK', value: String(i % 64) }],
        },
      ],
    },
    status: {
      phase: 'Running',
      podIP: `10.244.${(i >> 8) & 255}.${i & 255}`,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'worker', ready: true, restartCount: 0, state: { running: { startedAt: '2026-11-28T00:00:00Z' } } }],
    },
  };
}

function https(server: ApiServer, method: string, path: string, body?: object): Promise<{ status: number; text: string }> {
  const payload = body ? JSON.stringify(body) : undefined;
  const options: RequestOptions = {
    method,
    ca: server.tls.certPem,
    agent: keepAlive,
    headers: { Authorization: `Bearer ${server.token}`, Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}) },
  };
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 16 });

function seconds(fromNs: bigint): number {
  return Number(process.hrtime.bigint() - fromNs) / 1e9;
}

/** CPU seconds this process used since `from` (client and server share the process). */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

async function main(): Promise<void> {
  const store = new Store({ historySize: 10_000 });
  const namespaces = 50;
  for (let n = 0; n < namespaces; n++) store.create(rt.namespaces, { metadata: { name: `team-${n}` } });

  let t = process.hrtime.bigint();
  for (let i = 0; i < nodeCount; i++) store.create(rt.nodes, node(i));
  const nodeSeconds = seconds(t);
  t = process.hrtime.bigint();
  const loadCpu = process.cpuUsage();
  for (let i = 0; i < podCount; i++) store.create(rt.pods, pod(i, `team-${i % namespaces}`));
  const podSeconds = seconds(t);
  const podCpuRate = podCount / cpuSeconds(loadCpu);
  const storeRate = podCount / podSeconds;
  global.gc?.();
  const heap = process.memoryUsage();

  // In-process watchers as the kubelet model uses them: one per node, on spec.nodeName.
  store.create(rt.namespaces, { metadata: { name: 'kubelets' } });
  const kubeletEvents = { count: 0 };
  const unwatch = Array.from({ length: nodeCount }, (_, i) =>
    store.watch(rt.pods, { resourceVersion: store.resourceVersion, fieldSelector: `spec.nodeName=node-${String(i).padStart(5, '0')}` }, () => kubeletEvents.count++),
  );
  const kubeletPods = Math.min(10_000, podCount);
  t = process.hrtime.bigint();
  for (let i = 0; i < kubeletPods; i++) store.create(rt.pods, pod(3_000_000 + i, 'kubelets'));
  const kubeletRate = kubeletPods / seconds(t);
  for (const stop of unwatch) stop();
  if (kubeletEvents.count !== kubeletPods) throw new Error(`kubelet watchers saw ${kubeletEvents.count} of ${kubeletPods} events`);

  const server = new ApiServer({ store, token: 'bench' });
  await server.start();

  // Create rate over HTTPS, 16 requests in flight.
  store.create(rt.namespaces, { metadata: { name: 'http' } });
  t = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < httpCreates) {
        const i = next++;
        const res = await https(server, 'POST', '/api/v1/namespaces/http/pods', pod(1_000_000 + i, 'http'));
        if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }),
  );
  const httpRate = httpCreates / seconds(t);
  const httpCpuRate = httpCreates / cpuSeconds(cpu);

  // List every pod, 500 per page, as client-go's pager does; the first pass fills the JSON cache.
  const listAll = async (): Promise<{ seconds: number; cpu: number; pages: number; items: number }> => {
    const start = process.hrtime.bigint();
    const startCpu = process.cpuUsage();
    let token = '';
    let pages = 0;
    let items = 0;
    do {
      const res = await https(server, 'GET', `/api/v1/pods?limit=${pageSize}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      const page = JSON.parse(res.text) as { items: unknown[]; metadata: { continue?: string } };
      pages++;
      items += page.items.length;
      token = page.metadata.continue ?? '';
    } while (token);
    return { seconds: seconds(start), cpu: cpuSeconds(startCpu), pages, items };
  };
  const coldList = await listAll();
  const warmList = await listAll();
  if (warmList.items !== store.count(rt.pods)) throw new Error(`listed ${warmList.items} of ${store.count(rt.pods)} pods`);

  // Watch fan-out: 10 HTTPS watchers on all pods; time until every watcher has every event.
  const fromRv = store.resourceVersion;
  const received = new Array<number>(watchers).fill(0);
  const streams = await Promise.all(
    Array.from(
      { length: watchers },
      (_, w) =>
        new Promise<ClientRequest>((resolve, reject) => {
          const req = request(
            `${server.url}/api/v1/pods?watch=true&resourceVersion=${fromRv}`,
            { ca: server.tls.certPem, headers: { Authorization: `Bearer ${server.token}` } },
            (res) => {
              let partial = '';
              res.on('data', (chunk: Buffer) => {
                const text = partial + chunk.toString('utf8');
                const lines = text.split('\n');
                partial = lines.pop() ?? '';
                received[w]! += lines.length;
              });
              resolve(req);
            },
          );
          req.on('error', reject);
          req.end();
        }),
    ),
  );
  store.create(rt.namespaces, { metadata: { name: 'watched' } });
  t = process.hrtime.bigint();
  cpu = process.cpuUsage();
  for (let i = 0; i < watchedCreates; i++) store.create(rt.pods, pod(2_000_000 + i, 'watched'));
  while (received.some((n) => n < watchedCreates)) await new Promise((r) => setTimeout(r, 5));
  const fanoutSeconds = seconds(t);
  const fanoutCpu = cpuSeconds(cpu);
  for (const s of streams) s.destroy();
  keepAlive.destroy();
  await server.stop();

  const lines = [
    `## sim`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end (shared machine: absolute rates vary, compare ratios). Date: ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench:sim\` (bench/sim/run.ts).`,
    '',
    'Wall-clock figures suffer from the other jobs on the machine; "per CPU-second" divides by the CPU time this process used (client and server together).',
    '',
    `| measure | value |`,
    `| --- | --- |`,
    `| objects held | ${nodeCount.toLocaleString('en')} nodes, ${store.count(rt.pods).toLocaleString('en')} pods in one process |`,
    `| JS heap after loading | ${mib(heap.heapUsed)} (RSS ${mib(heap.rss)}) |`,
    `| create rate, in-process store | ${Math.round(nodeCount / nodeSeconds).toLocaleString('en')} nodes/s, ${Math.round(storeRate).toLocaleString('en')} pods/s (${Math.round(podCpuRate).toLocaleString('en')} pods per CPU-second) |`,
    `| create rate with ${nodeCount.toLocaleString('en')} in-process kubelet watchers (spec.nodeName=…) | ${Math.round(kubeletRate).toLocaleString('en')} pods/s (${(kubeletRate / storeRate).toFixed(2)}× the rate without watchers) |`,
    `| create rate, HTTPS POST (16 in flight, ${httpCreates.toLocaleString('en')} pods) | ${Math.round(httpRate).toLocaleString('en')} pods/s (${Math.round(httpCpuRate).toLocaleString('en')} per CPU-second; ${(podCpuRate / httpCpuRate).toFixed(0)}× the CPU of an in-process create) |`,
    `| list all ${warmList.items.toLocaleString('en')} pods over HTTPS, limit=${pageSize} (${warmList.pages} pages) | first ${coldList.seconds.toFixed(1)} s (${coldList.cpu.toFixed(1)} CPU-s), again ${warmList.seconds.toFixed(1)} s (${warmList.cpu.toFixed(1)} CPU-s; cached JSON makes it ${(coldList.cpu / warmList.cpu).toFixed(1)}× cheaper) |`,
    `| watch fan-out, ${watchers} HTTPS watchers × ${watchedCreates.toLocaleString('en')} pod creates | ${fanoutSeconds.toFixed(1)} s until all delivered, ${fanoutCpu.toFixed(1)} CPU-s (${Math.round((watchers * watchedCreates) / fanoutCpu).toLocaleString('en')} events per CPU-second) |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
