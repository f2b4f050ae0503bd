/**
 * Autoscaler benchmark (`npm run bench:autoscaler`): replays the Azure LLM code trace with
 * every policy and times it, then replays synthetic variants (rotated, token-scaled,
 * time-stretched, steady Poisson) to check that `nakhoda` is not tuned to one recording, and
 * finds for each the cheapest fixed replica count that reaches 99% (a hindsight reference no
 * online policy can know). Writes the `## autoscaler` section of bench/RESULTS.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  bindPolicy,
  DEFAULT_REPLICA_MODEL,
  loadTrace,
  poissonLike,
  POLICY_NAMES,
  renderReplayTable,
  replay,
  rotateTrace,
  scaleTime,
  scaleTokens,
  simulate,
  type ReplayReport,
  type Trace,
} from '../../src/autoscaler/index.js';
import { staticPolicy } from '../../src/autoscaler/policies/static.js';

const RESULTS = join(process.cwd(), 'bench', 'RESULTS.md');
const TRACE = join(process.cwd(), '..', 'shared', 'data', 'traces', 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv');
const SLO_SECONDS = 2;
const BOUNDS = { minReplicas: 1, maxReplicas: 64 };

function run(trace: Trace): { report: ReplayReport; seconds: number } {
  const start = performance.now();
  const { report } = replay(trace, { policies: POLICY_NAMES, model: DEFAULT_REPLICA_MODEL, sloTtftSeconds: SLO_SECONDS, bounds: BOUNDS });
  return { report, seconds: (performance.now() - start) / 1000 };
}

/** Cheapest fixed replica count reaching 99%, found by bisection (attainment grows with replicas). */
function cheapestStatic(trace: Trace): { replicas: number; gpuHours: number } | undefined {
  const outcome = (n: number) =>
    simulate(trace.requests, bindPolicy(staticPolicy('static', n, BOUNDS, 'bench')), {
      model: DEFAULT_REPLICA_MODEL,
      sloTtftSeconds: SLO_SECONDS,
      sampleSeconds: 60,
    }).outcome;
  if (outcome(BOUNDS.maxReplicas).sloAttainment < 0.99) return undefined;
  let low = 0;
  let high = BOUNDS.maxReplicas;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (outcome(mid).sloAttainment >= 0.99) high = mid;
    else low = mid;
  }
  return { replicas: high, gpuHours: outcome(high).gpuHours };
}

function verdict(report: ReplayReport): string {
  const nakhoda = report.policies.find((p) => p.policy === 'nakhoda')!;
  const baselines = report.policies.filter((p) => p.policy !== 'nakhoda');
  const costlierAt99 = baselines.filter((p) => p.sloAttainment >= 0.99).every((p) => nakhoda.gpuHours < p.gpuHours);
  const cheaperBeaten = baselines.filter((p) => p.gpuHours <= nakhoda.gpuHours).every((p) => nakhoda.sloAttainment > p.sloAttainment);
  return nakhoda.sloAttainment >= 0.99 && costlierAt99 && cheaperBeaten ? 'met' : 'NOT met';
}

const base = loadTrace(TRACE);
const main = run(base);
const traceSeconds = base.requests[base.requests.length - 1]!.arrival;
const variants = [rotateTrace(base, 1200), scaleTokens(base, 1.5), scaleTokens(base, 0.5), scaleTime(base, 2), poissonLike(base, 7)];
const variantRows = variants.map((trace) => {
  const { report } = run(trace);
  const nakhoda = report.policies.find((p) => p.policy === 'nakhoda')!;
  const best = report.policies
    .filter((p) => p.policy !== 'nakhoda')
    .sort((a, b) => b.sloAttainment - a.sloAttainment)[0]!;
  const hindsight = cheapestStatic(trace);
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  return `| ${trace.name} | ${pct(nakhoda.sloAttainment)} / ${nakhoda.gpuHours.toFixed(2)} | ${best.policy}: ${pct(best.sloAttainment)} / ${best.gpuHours.toFixed(2)} | ${hindsight ? `${hindsight.replicas} → ${hindsight.gpuHours.toFixed(2)}` : 'none ≤ 64'} | ${verdict(report)} |`;
});
const hindsight = cheapestStatic(base);

const section = [
  '## autoscaler',
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; command: \`npm run bench:autoscaler\`.`,
  `Model: default replica model (\`${DEFAULT_REPLICA_MODEL.name}\`, see docs/autoscaler.md); TTFT SLO ${SLO_SECONDS}s; replicas 1..64.`,
  '',
  `### Azure LLM code trace (2023-11-16, one hour), all policies`,
  '',
  '```',
  renderReplayTable(main.report).trimEnd(),
  '```',
  '',
  `Replay of all ${POLICY_NAMES.length} policies over the one-hour trace: ${main.seconds.toFixed(2)} s wall, ${Math.round(traceSeconds / main.seconds)}× faster than the trace's ${Math.round(traceSeconds)} s.`,
  `Done-when criterion (nakhoda ≥ 99%, cheaper than every baseline at ≥ 99%, better attainment than every cheaper one): **${verdict(main.report)}**.`,
  hindsight
    ? `Hindsight reference: the cheapest fixed size reaching 99% on this trace is ${hindsight.replicas} replicas (${hindsight.gpuHours.toFixed(2)} GPU-h); it needs the whole trace in advance, so no online policy can pick it.`
    : 'Hindsight reference: no fixed size up to 64 replicas reaches 99%.',
  '',
  '### Synthetic variants (nakhoda is not tuned to one recording)',
  '',
  '| trace | nakhoda attainment / GPU-h | best baseline attainment / GPU-h | hindsight static for 99% (replicas → GPU-h) | criterion |',
  '| --- | --- | --- | --- | --- |',
  ...variantRows,
  '',
].join('\n');

const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
const start = current.search(/^## autoscaler\s*$/m);
if (start < 0) writeFileSync(RESULTS, `${current.replace(/\n*$/, '\n\n')}${section}`);
else {
  const next = current.slice(start + 1).search(/^## /m);
  const end = next < 0 ? current.length : start + 1 + next;
  writeFileSync(RESULTS, `${current.slice(0, start)}${section}${end < current.length ? `\n${current.slice(end)}` : ''}`);
}
process.stdout.write(`${section}\nwrote ## autoscaler in ${RESULTS}\n`);
