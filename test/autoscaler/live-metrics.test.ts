import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildObservation, parseAutoscalerSpec, parseExposition, podsSource } from '../../src/autoscaler/index.js';
import { startSimulator } from '../../src/sim/index.js';

/** Like runCli, but without blocking this process: the simulator must keep answering. */
function runCliAsync(args: string[]): Promise<{ code: number; stderr: string }> {
  const entry = fileURLToPath(new URL('../cli/run-cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stderr })));
}

// As vLLM serves it (prometheus_client text format), abridged.
const VLLM_PAGE = `# HELP vllm:num_requests_running Number of requests currently running on GPU.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0
# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.25
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} 20000.0
# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{model_name="meta-llama/Llama-3.1-8B-Instruct"} 500.0
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{le="1.0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 18.0
vllm:time_to_first_token_seconds_bucket{le="2.5",model_name="meta-llama/Llama-3.1-8B-Instruct"} 19.0
vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="meta-llama/Llama-3.1-8B-Instruct"} 20.0
vllm:time_to_first_token_seconds_count{model_name="meta-llama/Llama-3.1-8B-Instruct"} 20.0
vllm:time_to_first_token_seconds_sum{model_name="meta-llama/Llama-3.1-8B-Instruct"} 9.5
`;

const context = { specReplicas: 2, readyReplicas: 2, sloTtftSeconds: 2 };

describe('vLLM metrics to an observation', () => {
  it('parses the exposition format with labels', () => {
    const samples = parseExposition(VLLM_PAGE);
    expect(samples.find((s) => s.name === 'vllm:num_requests_waiting')).toEqual({
      name: 'vllm:num_requests_waiting',
      labels: { model_name: 'meta-llama/Llama-3.1-8B-Instruct' },
      value: 4,
    });
    expect(samples.filter((s) => s.name === 'vllm:time_to_first_token_seconds_bucket').map((s) => s.labels.le)).toEqual(['1.0', '2.5', '+Inf']);
  });

  it('turns counters into per-interval arrivals and TTFT outcomes between two scrapes', () => {
    const first = buildObservation(parseExposition(VLLM_PAGE), undefined, { ...context, time: 100 });
    // One scrape gives gauges but no rates yet.
    expect(first.observation.waitingRequests).toBe(4);
    expect(first.observation.concurrency).toBe(7);
    expect(first.observation.arrivals).toBeUndefined();
    const later = VLLM_PAGE.replace('20000.0', '30000.0')
      .replace('} 500.0', '} 700.0')
      .replace('le="1.0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 18.0', 'le="1.0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 24.0')
      .replace('_count{model_name="meta-llama/Llama-3.1-8B-Instruct"} 20.0', '_count{model_name="meta-llama/Llama-3.1-8B-Instruct"} 30.0')
      .replace('waiting{model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0', 'waiting{model_name="meta-llama/Llama-3.1-8B-Instruct"} 6.0');
    const second = buildObservation(parseExposition(later), first.memory, { ...context, time: 105 });
    // 10 requests got a first token, and the queue grew by 2: 12 arrivals over 5 s.
    expect(second.observation.arrivals).toEqual({ intervalSeconds: 5, requests: 12, promptTokens: 10000 + 2 * 1000, outputTokens: 200 });
    // 2 s SLO is checked against the 1.0 s bucket (the largest bound within it).
    expect(second.observation.ttft).toEqual({ count: 10, withinSlo: 6 });
  });

  it('counts a restarted pod from zero instead of a negative rate', () => {
    const first = buildObservation(parseExposition(VLLM_PAGE), undefined, { ...context, time: 0 });
    const restarted = VLLM_PAGE.replace('20000.0', '1000.0');
    const second = buildObservation(parseExposition(restarted), first.memory, { ...context, time: 5 });
    expect(second.observation.arrivals!.promptTokens).toBeGreaterThanOrEqual(1000);
  });

  it('leaves every vLLM field undefined when nothing was scraped', () => {
    const { observation } = buildObservation([], undefined, { ...context, time: 0 });
    expect(observation.waitingRequests).toBeUndefined();
    expect(observation.kvCacheUsage).toBeUndefined();
    expect(observation.concurrency).toBeUndefined();
    expect(observation.gpuUtilisation).toBeUndefined();
  });

  it("scrapes pods' /metrics and reports pods that do not answer", async () => {
    const server = createServer((_req, res) => res.end(VLLM_PAGE));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const ok = await podsSource(async () => [{ name: 'llm-0', ip: '127.0.0.1' }], port, '/metrics').fetchSamples();
      expect(ok.problem).toBeUndefined();
      expect(ok.samples.find((s) => s.name === 'vllm:num_requests_running')?.labels.pod).toBe('llm-0');
      const bad = await podsSource(async () => [{ name: 'llm-1', ip: '127.0.0.1' }], 1, '/metrics').fetchSamples();
      expect(bad.samples).toEqual([]);
      expect(bad.problem).toContain('llm-1');
    } finally {
      server.close();
    }
  });
});

describe('InferenceAutoscaler spec', () => {
  const valid = {
    scaleTargetRef: { kind: 'Deployment', name: 'llm' },
    maxReplicas: 4,
    metrics: { prometheus: { url: 'http://prometheus:9090' } },
  };

  it('fills the documented defaults', () => {
    const parsed = parseAutoscalerSpec(valid, 'InferenceAutoscaler llm/llm');
    expect('spec' in parsed && parsed.spec).toMatchObject({ minReplicas: 1, policy: 'nakhoda', sloTtftSeconds: 2 });
  });

  it('names the bad field in one line', () => {
    const parsed = parseAutoscalerSpec({ ...valid, minReplicas: 9 }, 'InferenceAutoscaler llm/llm');
    expect(parsed).toEqual({ error: 'InferenceAutoscaler llm/llm: field spec.minReplicas: minReplicas must not exceed maxReplicas' });
    const policy = parseAutoscalerSpec({ ...valid, policy: 'static-peak' }, 'InferenceAutoscaler llm/llm');
    expect('error' in policy && policy.error).toMatch(/^InferenceAutoscaler llm\/llm: field spec\.policy: /);
    const model = parseAutoscalerSpec({ ...valid, model: { prefillTokensPerSecond: 'fast' } }, 'InferenceAutoscaler llm/llm');
    expect('error' in model && model.error).toMatch(/field prefillTokensPerSecond/);
  });
});

describe('nakhoda autoscale run (errors)', () => {
  it('exits 3 with one line when the cluster lacks the CRD', async () => {
    const sim = await startSimulator({ port: 0, parts: [] });
    try {
      const kubeconfig = join(mkdtempSync(join(tmpdir(), 'nakhoda-run-')), 'kubeconfig');
      await sim.writeKubeconfig(kubeconfig);
      const result = await runCliAsync(['autoscale', 'run', '--kubeconfig', kubeconfig]);
      expect(result.code).toBe(3);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('inferenceautoscalers.autoscaling.nakhoda.io');
    } finally {
      await sim.stop();
    }
  });
});

describe('manifests/autoscaler', () => {
  it('grants the controller only what it uses: no wildcards, no Secrets, scale only on workloads', () => {
    const docs = parseAllDocuments(readFileSync('manifests/autoscaler/rbac.yaml', 'utf8')).map((d) => d.toJS());
    const rules = docs.find((d) => d.kind === 'ClusterRole').rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
    for (const rule of rules) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.resources).not.toContain('secrets');
      if (rule.verbs.some((v) => ['update', 'patch', 'create', 'delete'].includes(v))) {
        expect(rule.resources.every((r) => ['deployments/scale', 'statefulsets/scale', 'inferenceautoscalers/status', 'events'].includes(r))).toBe(true);
      }
    }
    const deployment = parseAllDocuments(readFileSync('manifests/autoscaler/deployment.yaml', 'utf8'))[0]!.toJS();
    expect(deployment.spec.template.spec.serviceAccountName).toBe('nakhoda-autoscaler');
    expect(deployment.spec.template.spec.containers[0].args).toEqual(['autoscale', 'run']);
  });
});
