import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLICA_MODEL,
  bindPolicy,
  coldStartSeconds,
  loadTrace,
  poissonLike,
  replay,
  rotateTrace,
  requestWorkSeconds,
  scaleTime,
  simulate,
  staticSizes,
  withWarmup,
  type Trace,
} from '../../src/autoscaler/index.js';
import { staticPolicy } from '../../src/autoscaler/policies/static.js';
import { runCli } from '../cli/cli.js';

const AZURE_CODE = join(process.cwd(), '..', 'shared', 'data', 'traces', 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv');
const bounds = { minReplicas: 1, maxReplicas: 64 };
const options = { model: DEFAULT_REPLICA_MODEL, sloTtftSeconds: 2, sampleSeconds: 10 };

function steadyTrace(requests: number, gapSeconds: number, promptTokens: number, outputTokens: number): Trace {
  return { name: 'steady', requests: Array.from({ length: requests }, (_, i) => ({ arrival: i * gapSeconds, promptTokens, outputTokens })) };
}

const fixed = (n: number) => bindPolicy(staticPolicy('static', n, bounds, 'test'));

describe('replay simulation', () => {
  it('serves a lone request in prefill time plus one decode step per further token', () => {
    const trace = steadyTrace(1, 1, 2000, 11);
    const { outcome } = simulate(trace.requests, fixed(1), options);
    const prefill = DEFAULT_REPLICA_MODEL.prefillOverheadSeconds + 2000 / DEFAULT_REPLICA_MODEL.prefillTokensPerSecond;
    expect(outcome.ttftP50).toBeCloseTo(prefill, 9);
    expect(outcome.tpotP99).toBeCloseTo(DEFAULT_REPLICA_MODEL.decodeBaseSeconds, 9);
    expect(outcome.sloAttainment).toBe(1);
  });

  it('charges GPU-hours for every replica held, including cold starts', () => {
    const trace = steadyTrace(3601, 1, 100, 2);
    expect(simulate(trace.requests, fixed(3), options).outcome.gpuHours).toBeCloseTo(3, 2);
  });

  it('queues a burst beyond capacity, and more replicas serve it better', () => {
    const burst = steadyTrace(200, 0.01, 4000, 20);
    const few = simulate(burst.requests, fixed(2), options).outcome;
    const many = simulate(burst.requests, fixed(16), options).outcome;
    expect(few.sloAttainment).toBeLessThan(many.sloAttainment);
    expect(few.ttftP99).toBeGreaterThan(many.ttftP99);
  });

  it('new replicas serve only after the cold start', () => {
    // Load far above one replica from t=0: nakhoda asks for more, but nothing improves before the cold start.
    const heavy = steadyTrace(400, 0.5, 8000, 10);
    const run = replay(heavy, { policies: ['nakhoda'], model: DEFAULT_REPLICA_MODEL, sloTtftSeconds: 2, bounds, warmupSeconds: 0 });
    const series = run.runs[0]!.series;
    const coldStart = coldStartSeconds(DEFAULT_REPLICA_MODEL);
    const scaledAt = run.runs[0]!.decisions[0]!.time;
    for (const sample of series.filter((s) => s.time < scaledAt + coldStart)) expect(sample.readyReplicas).toBe(1);
    expect(Math.max(...series.map((s) => s.readyReplicas))).toBeGreaterThan(1);
  });
});

describe('replay set-up', () => {
  it('sizes static-peak for the busiest SLO-long window, not a minute that averages the burst away', () => {
    // 100 requests of 2000 prompt tokens within one second, then a quiet hour of small ones.
    const burst = Array.from({ length: 100 }, (_, i) => ({ arrival: i * 0.01, promptTokens: 2000, outputTokens: 1 }));
    const quiet = Array.from({ length: 360 }, (_, i) => ({ arrival: 10 + i * 10, promptTokens: 100, outputTokens: 1 }));
    const requests = [...burst, ...quiet];
    const burstWork = 100 * requestWorkSeconds(DEFAULT_REPLICA_MODEL, 2000, 1, 16);
    expect(staticSizes(requests, DEFAULT_REPLICA_MODEL, 2).peak).toBe(Math.ceil(burstWork / 2));
    // Sized like that, the burst is served within the SLO.
    const { report } = replay({ name: 'burst', requests }, { policies: ['static-peak'], model: DEFAULT_REPLICA_MODEL, sloTtftSeconds: 2, bounds });
    expect(report.policies[0]!.sloAttainment).toBe(1);
  });

  it('warms policies up on the trace tail but scores only the trace, with GPU-hours from its start', () => {
    const trace = steadyTrace(3601, 1, 100, 2);
    const warm = withWarmup(trace.requests, 600);
    expect(warm.scoreFromSeconds).toBe(600);
    expect(warm.requests.filter((r) => r.arrival >= 600)).toHaveLength(3601);
    const { outcome } = simulate(warm.requests, fixed(3), { ...options, scoreFromSeconds: warm.scoreFromSeconds });
    expect(outcome.gpuHours).toBeCloseTo(3, 2);
    const { report } = replay(trace, { policies: ['nakhoda'], model: DEFAULT_REPLICA_MODEL, sloTtftSeconds: 2, bounds });
    expect(report.requests).toBe(3601);
  });
});

describe.skipIf(!existsSync(AZURE_CODE))('the Azure LLM code trace', () => {
  const base = loadTrace(AZURE_CODE);

  it('nakhoda holds 99% with fewer GPU-hours than every baseline at 99% and beats every cheaper one', () => {
    const { report } = replay(base, {
      policies: ['static-peak', 'static-mean', 'hpa', 'kpa', 'keda-queue', 'kv-cache', 'nakhoda'],
      model: DEFAULT_REPLICA_MODEL,
      sloTtftSeconds: 2,
      bounds,
    });
    expect(report.requests).toBe(8819);
    const nakhoda = report.policies.find((p) => p.policy === 'nakhoda')!;
    expect(nakhoda.sloAttainment).toBeGreaterThanOrEqual(0.99);
    for (const baseline of report.policies.filter((p) => p.policy !== 'nakhoda')) {
      if (baseline.sloAttainment >= 0.99) expect(nakhoda.gpuHours).toBeLessThan(baseline.gpuHours);
      if (baseline.gpuHours <= nakhoda.gpuHours) expect(nakhoda.sloAttainment).toBeGreaterThan(baseline.sloAttainment);
    }
  });

  it('on variants of the trace nakhoda still holds 99%', () => {
    for (const trace of [rotateTrace(base, 1200), scaleTime(base, 2), poissonLike(base, 3)]) {
      const { report } = replay(trace, { policies: ['nakhoda'], model: DEFAULT_REPLICA_MODEL, sloTtftSeconds: 2, bounds });
      expect(report.policies[0]!.sloAttainment, trace.name).toBeGreaterThanOrEqual(0.99);
    }
  });
});

describe('nakhoda autoscale replay (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nakhoda-replay-'));
  const tracePath = join(dir, 'trace.csv');
  const rows = Array.from({ length: 120 }, (_, i) => `2023-11-16 18:${String(17 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.5000000,1500,20`);
  writeFileSync(tracePath, `TIMESTAMP,ContextTokens,GeneratedTokens\n${rows.join('\n')}\n`);

  it('prints the JSON report with exactly the documented fields, and writes the plot', () => {
    const plot = join(dir, 'plot.svg');
    const result = runCli(['autoscale', 'replay', '--trace', tracePath, '--policy', 'hpa,nakhoda', '--slo-ttft', '2s', '-o', 'json', '--plot', plot]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['trace', 'requests', 'sloTtftSeconds', 'policies']);
    expect(report).toMatchObject({ trace: 'trace.csv', requests: 120, sloTtftSeconds: 2 });
    expect(report.policies.map((p: { policy: string }) => p.policy)).toEqual(['hpa', 'nakhoda']);
    expect(Object.keys(report.policies[0])).toEqual(['policy', 'sloAttainment', 'ttftP50', 'ttftP99', 'tpotP99', 'gpuHours', 'maxReplicas', 'scaleEvents']);
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('nakhoda');
  });

  it('scores a blind start with --warmup 0 and rejects a negative warm-up in one line', () => {
    const blind = runCli(['autoscale', 'replay', '--trace', tracePath, '--policy', 'nakhoda', '--warmup', '0', '-o', 'json']);
    expect(blind.code).toBe(0);
    expect(JSON.parse(blind.stdout).requests).toBe(120);
    const bad = runCli(['autoscale', 'replay', '--trace', tracePath, '--warmup', '-5s']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--warmup');
  });

  it('rejects a bad model file in one line naming file, line and field', () => {
    const model = join(dir, 'model.yaml');
    writeFileSync(model, 'gpusPerReplica: 1\ndecodeBaseSeconds: fast\n');
    const result = runCli(['autoscale', 'replay', '--trace', tracePath, '--model', model]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(new RegExp(`^error: ${model.replace(/[.]/g, '\\.')}:2: field decodeBaseSeconds: `));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
