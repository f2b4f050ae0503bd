/**
 * The live controller against the simulator's Kubernetes API, driven by a real Prometheus
 * server (Debian package `prometheus`) that scrapes a simulated vLLM /metrics endpoint whose
 * load and latency follow the Deployment's ready replicas.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from '../../src/autoscaler/index.js';
import { resourceTypes, startSimulator, type Simulator } from '../../src/sim/index.js';

const PROMETHEUS = spawnSync('sh', ['-c', 'command -v prometheus']).stdout?.toString().trim() ?? '';
// vLLM's time_to_first_token_seconds buckets.
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];
const PROMPT_TOKENS = 1000;
const OUTPUT_TOKENS = 50;
/** Requests per second one simulated replica serves (about what the default model gives these sizes). */
const REPLICA_RATE = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fluid model of a vLLM deployment: arrivals queue when the ready replicas cannot keep up. */
class SimulatedVllm {
  readonly registry = new Registry();
  offeredRate = 0;
  private backlog = 0;
  private readonly waiting = new Gauge({ name: 'vllm:num_requests_waiting', help: 'waiting', registers: [this.registry] });
  private readonly running = new Gauge({ name: 'vllm:num_requests_running', help: 'running', registers: [this.registry] });
  private readonly kvCache = new Gauge({ name: 'vllm:gpu_cache_usage_perc', help: 'kv', registers: [this.registry] });
  private readonly promptTokens = new Counter({ name: 'vllm:prompt_tokens_total', help: 'prompt', registers: [this.registry] });
  private readonly generationTokens = new Counter({ name: 'vllm:generation_tokens_total', help: 'gen', registers: [this.registry] });
  private readonly ttft = new Histogram({ name: 'vllm:time_to_first_token_seconds', help: 'ttft', buckets: TTFT_BUCKETS, registers: [this.registry] });
  private timer: NodeJS.Timeout | undefined;
  private carry = 0;

  constructor(private readonly readyReplicas: () => number) {}

  start(stepMs: number): void {
    this.timer = setInterval(() => this.step(stepMs / 1000), stepMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private step(seconds: number): void {
    const ready = this.readyReplicas();
    const capacity = ready * REPLICA_RATE * seconds;
    this.carry += this.offeredRate * seconds;
    const arrived = Math.floor(this.carry);
    this.carry -= arrived;
    this.backlog += arrived;
    const served = Math.min(this.backlog, Math.floor(capacity));
    this.backlog -= served;
    // A request's wait is the backlog ahead of it drained at the ready capacity.
    const wait = ready > 0 ? this.backlog / (ready * REPLICA_RATE) : 60;
    for (let i = 0; i < served; i++) this.ttft.observe(0.2 + wait);
    this.promptTokens.inc(served * PROMPT_TOKENS);
    this.generationTokens.inc(served * OUTPUT_TOKENS);
    this.waiting.set(this.backlog);
    this.running.set(Math.min(served, ready * 256));
    this.kvCache.set(ready > 0 ? Math.min(1, (served * (PROMPT_TOKENS + OUTPUT_TOKENS)) / (ready * 400_000)) : 0);
  }
}

let sim: Simulator;
let kubeConfig: KubeConfig;
let vllm: SimulatedVllm;
let metricsServer: Server;
let prometheus: ChildProcess;
let prometheusUrl: string;
let controller: RunningController;
const controllerLog: string[] = [];

const deploymentReplicas = (name: string) => (sim.store.get(resourceTypes.deployments, 'default', name) as unknown as { spec: { replicas: number } }).spec.replicas;

function createDeployment(name: string, replicas: number): void {
  sim.store.create(resourceTypes.deployments, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.3', ports: [{ containerPort: 8000 }] }] } },
    },
  } as never);
}

describe.skipIf(PROMETHEUS === '')('nakhoda autoscale run (live, simulator + real Prometheus)', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nakhoda-autoscale-live-'));
    sim = await startSimulator({ port: 0 });
    const kubeconfigPath = join(dir, 'kubeconfig');
    await sim.writeKubeconfig(kubeconfigPath);
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);

    // The shipped manifests apply as they are.
    const client = KubernetesObjectApi.makeApiClient(kubeConfig);
    for (const file of ['crd.yaml', 'rbac.yaml', 'deployment.yaml']) {
      for (const doc of parseAllDocuments(readFileSync(join('manifests', 'autoscaler', file), 'utf8'))) {
        await client.create(doc.toJS() as KubernetesObject);
      }
    }

    createDeployment('llm', 1);
    vllm = new SimulatedVllm(() => {
      const deployment = sim.store.get(resourceTypes.deployments, 'default', 'llm') as { status?: { readyReplicas?: number } };
      return deployment.status?.readyReplicas ?? 0;
    });
    vllm.start(250);
    metricsServer = createServer((_req, res) => {
      void vllm.registry.metrics().then((text) => {
        res.writeHead(200, { 'Content-Type': vllm.registry.contentType });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', resolve));
    const metricsPort = (metricsServer.address() as AddressInfo).port;

    const prometheusPort = await freePort();
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: vllm',
        `    static_configs: [{ targets: ['127.0.0.1:${metricsPort}'], labels: { namespace: default, deployment: llm } }]`,
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      const ready = await fetch(`${prometheusUrl}/-/ready`).then((r) => r.ok, () => false);
      if (ready) break;
      await sleep(200);
    }

    controller = await startController({ kubeConfig, log: (line) => controllerLog.push(line), tickSeconds: 0.5 });
  });

  afterAll(async () => {
    await controller?.stop();
    vllm?.stop();
    prometheus?.kill('SIGTERM');
    await new Promise((resolve) => metricsServer?.close(resolve));
    await sim?.stop();
  });

  it('scales the deployment up under load and back down after it, explaining each step, without flapping', async () => {
    // Start once Prometheus has scraped the endpoint, so metrics are present from the first sync.
    const query = `${prometheusUrl}/api/v1/query?query=${encodeURIComponent('vllm:num_requests_waiting')}`;
    for (let i = 0; i < 40; i++) {
      const body = (await fetch(query).then((r) => r.json())) as { data?: { result?: unknown[] } };
      if ((body.data?.result?.length ?? 0) > 0) break;
      await sleep(250);
    }
    const client = KubernetesObjectApi.makeApiClient(kubeConfig);
    await client.create({
      apiVersion: 'autoscaling.nakhoda.io/v1alpha1',
      kind: 'InferenceAutoscaler',
      metadata: { name: 'llm', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm' },
        minReplicas: 1,
        maxReplicas: 6,
        policy: 'nakhoda',
        sloTtftSeconds: 2,
        // The simulator starts pods in about two seconds, so the hold can be short.
        model: { coldStart: { imagePullSeconds: 0, weightLoadSeconds: 3 } },
        nakhoda: { syncPeriodSeconds: 2, lookbackSeconds: 12, holdSeconds: 12 },
        metrics: { prometheus: { url: prometheusUrl, selector: 'job="vllm",deployment="llm"' } },
      },
    } as KubernetesObject);

    const history: number[] = [];
    const record = () => {
      const replicas = deploymentReplicas('llm');
      if (history[history.length - 1] !== replicas) history.push(replicas);
    };
    const phase = async (rate: number, seconds: number, until?: () => boolean) => {
      vllm.offeredRate = rate;
      for (let t = 0; t < seconds * 4; t++) {
        record();
        if (until?.()) return;
        await sleep(250);
      }
    };
    await phase(0.5, 6);
    expect(deploymentReplicas('llm')).toBe(1);
    await phase(20, 20);
    const peak = Math.max(...history);
    expect(peak, controllerLog.join('\n')).toBeGreaterThanOrEqual(3);
    await phase(0.5, 60, () => deploymentReplicas('llm') === 1);
    expect(deploymentReplicas('llm')).toBe(1);

    // min/max respected, and one rise followed by one fall: no flapping.
    expect(history.every((r) => r >= 1 && r <= 6)).toBe(true);
    const turns = history.slice(1).map((r, i) => Math.sign(r - history[i]!));
    const reversals = turns.slice(1).filter((d, i) => d !== turns[i]).length;
    expect(reversals, `replica history ${history.join(' → ')}\n${controllerLog.join('\n')}`).toBe(1);

    // The event follows the scale call: let the pass that scaled finish.
    await controller.nextPass();
    const events = sim.store
      .list(resourceTypes.events, { namespace: 'default' })
      .items.filter((e) => (e as unknown as { involvedObject: { kind: string } }).involvedObject.kind === 'InferenceAutoscaler') as unknown as Array<{
      reason: string;
      message: string;
      source: { component: string };
    }>;
    // Prometheus had the metrics throughout: no hold was announced.
    expect(events.filter((e) => e.reason === 'MetricsUnavailable').map((e) => e.message)).toEqual([]);
    const rescales = events.filter((e) => e.reason === 'SuccessfulRescale');
    // Every size the deployment went through was explained by an event.
    for (const size of history.slice(1)) expect(rescales.some((e) => e.message.startsWith(`New size: ${size};`)), `New size: ${size}`).toBe(true);
    for (const event of rescales) {
      expect(event.message).toMatch(/^New size: \d+; reason: nakhoda: /);
      expect(event.message).toContain('to meet TTFT 2s');
      expect(event.source.component).toBe('nakhoda-autoscaler');
    }
  }, 150_000);

  it('holds, and says so in an event, when its metrics are missing', async () => {
    createDeployment('quiet', 2);
    const client = KubernetesObjectApi.makeApiClient(kubeConfig);
    await client.create({
      apiVersion: 'autoscaling.nakhoda.io/v1alpha1',
      kind: 'InferenceAutoscaler',
      metadata: { name: 'quiet', namespace: 'default' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'quiet' },
        minReplicas: 1,
        maxReplicas: 4,
        policy: 'nakhoda',
        metrics: { prometheus: { url: prometheusUrl, selector: 'job="no-such-job"' } },
      },
    } as KubernetesObject);
    let warnings: Array<{ reason: string; message: string; type: string }> = [];
    for (let i = 0; i < 40 && warnings.length === 0; i++) {
      await sleep(250);
      warnings = sim.store
        .list(resourceTypes.events, { namespace: 'default' })
        .items.filter((e) => {
          const event = e as unknown as { involvedObject: { name: string; kind: string }; reason: string };
          return event.involvedObject.kind === 'InferenceAutoscaler' && event.involvedObject.name === 'quiet' && event.reason === 'MetricsUnavailable';
        }) as never;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.type).toBe('Warning');
    expect(warnings[0]!.message).toContain('holding at 2 replicas');
    await sleep(3000);
    expect(deploymentReplicas('quiet')).toBe(2);
    // A lasting hold is announced once, not at every sync.
    const count = sim.store
      .list(resourceTypes.events, { namespace: 'default' })
      .items.filter((e) => {
        const event = e as unknown as { involvedObject: { name: string; kind: string } };
        return event.involvedObject.kind === 'InferenceAutoscaler' && event.involvedObject.name === 'quiet';
      }).length;
    expect(count).toBe(1);
  });
});
