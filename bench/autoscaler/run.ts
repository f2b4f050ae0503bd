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
  withWarmup,
  DEFAULT_WARMUP_SECONDS,
  type PolicyOutcome,
  type ReplayReport,
  type Trace,
} from '../../src/autoscaler/index.js';
import { hpaPolicy, kedaQueuePolicy } from '../../src/autoscaler/policies/hpa.js';
import { kpaPolicy } from '../../src/autoscaler/policies/kpa.js';
import { kvCachePolicy } from '../../src/autoscaler/policies/kv-cache.js';
import { staticPolicy } from '../../src/autoscaler/policies/static.js';
import { coldStartSeconds, type PolicyRunner, type ReplicaModel } from '../../src/autoscaler/index.js';

const RESULTS = join(process.cwd(), 'bench', 'RESULTS.md');
const TRACE = join(process.cwd(), '..', 'shared', 'data', 'traces', 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv');
const SLO_SECONDS = 2;
const BOUNDS = { minReplicas: 1, maxReplicas: 64 };

function run(trace: Trace, model: ReplicaModel = DEFAULT_REPLICA_MODEL): { report: ReplayReport; seconds: number } {
  const start = performance.now();
  const { report } = replay(trace, { policies: POLICY_NAMES, model, sloTtftSeconds: SLO_SECONDS, bounds: BOUNDS });
  return { report, seconds: (performance.now() - start) / 1000 };
}

/** Cheapest fixed replica count reaching 99%, found by bisection (attainment grows with replicas). */
function cheapestStatic(trace: Trace, model: ReplicaModel = DEFAULT_REPLICA_MODEL): { replicas: number; gpuHours: number } | undefined {
  const warm = withWarmup(trace.requests, DEFAULT_WARMUP_SECONDS);
  const outcome = (n: number) =>
    simulate(warm.requests, bindPolicy(staticPolicy('static', n, BOUNDS, 'bench')), {
      model,
      sloTtftSeconds: SLO_SECONDS,
      sampleSeconds: 60,
      scoreFromSeconds: warm.scoreFromSeconds,
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

/** 'met', or 'NOT met' naming the baselines that beat nakhoda on the criterion. */
function verdict(report: ReplayReport): string {
  const nakhoda = report.policies.find((p) => p.policy === 'nakhoda')!;
  const baselines = report.policies.filter((p) => p.policy !== 'nakhoda');
  const cheaperAt99 = baselines.filter((p) => p.sloAttainment >= 0.99 && p.gpuHours <= nakhoda.gpuHours);
  const cheaperNotBeaten = baselines.filter((p) => p.gpuHours <= nakhoda.gpuHours && p.sloAttainment >= nakhoda.sloAttainment);
  const winners = [...new Set([...cheaperAt99, ...cheaperNotBeaten].map((p) => p.policy))];
  if (nakhoda.sloAttainment >= 0.99 && winners.length === 0) return 'met';
  const why = nakhoda.sloAttainment < 0.99 ? ['nakhoda < 99%'] : [];
  if (winners.length > 0) why.push(`beaten by ${winners.join(', ')}`);
  return `NOT met (${why.join('; ')})`;
}

const cell = (p: PolicyOutcome) => `${(p.sloAttainment * 100).toFixed(2)}% / ${p.gpuHours.toFixed(2)}`;

const base = loadTrace(TRACE);
const main = run(base);
const traceSeconds = base.requests[base.requests.length - 1]!.arrival;
// The warm-image row keeps the trace and changes the cold start (150 s → 60 s), which moves
// nakhoda's lookback-, forecast- and hold-derived constants.
const warmImage: ReplicaModel = { ...DEFAULT_REPLICA_MODEL, coldStart: { ...DEFAULT_REPLICA_MODEL.coldStart, warmImage: true } };
const variants: Array<{ trace: Trace; model: ReplicaModel; label: string }> = [
  ...[rotateTrace(base, 1200), scaleTokens(base, 1.5), scaleTokens(base, 0.5), scaleTime(base, 2), poissonLike(base, 7)].map((trace) => ({
    trace,
    model: DEFAULT_REPLICA_MODEL,
    label: trace.name,
  })),
  { trace: base, model: warmImage, label: `${base.name}, warm image (${coldStartSeconds(warmImage)} s cold start)` },
];
const variantRows = variants.map(({ trace, model, label }) => {
  const { report } = run(trace, model);
  const hindsight = cheapestStatic(trace, model);
  const cells = POLICY_NAMES.map((name) => cell(report.policies.find((p) => p.policy === name)!));
  return `| ${label} | ${cells.join(' | ')} | ${hindsight ? `${hindsight.replicas} → ${hindsight.gpuHours.toFixed(2)}` : 'none ≤ 64'} | ${verdict(report)} |`;
});
const hindsight = cheapestStatic(base);

/**
 * Each baseline at other targets than its default, on the Azure trace: shows the defaults are
 * not picked to lose, and where a baseline would reach 99% and at what cost.
 */
function sensitivityRows(trace: Trace): string[] {
  const warm = withWarmup(trace.requests, DEFAULT_WARMUP_SECONDS);
  const outcome = (policy: PolicyRunner) =>
    simulate(warm.requests, policy, {
      model: DEFAULT_REPLICA_MODEL,
      sloTtftSeconds: SLO_SECONDS,
      sampleSeconds: 60,
      scoreFromSeconds: warm.scoreFromSeconds,
    }).outcome;
  const coldStart = coldStartSeconds(DEFAULT_REPLICA_MODEL);
  const rows: Array<[string, PolicyRunner]> = [
    ...[0.3, 0.5, 0.7].map((t): [string, PolicyRunner] => [`hpa GPU utilisation ${t * 100}%`, bindPolicy(hpaPolicy({ ...BOUNDS, targetUtilisation: t }))]),
    ...[2, 4, 8, 16].flatMap((t) =>
      [0, coldStart].map((d): [string, PolicyRunner] => [
        `kpa concurrency ${t}, scale-down delay ${d}s`,
        bindPolicy(kpaPolicy({ ...BOUNDS, targetConcurrency: t, scaleDownDelaySeconds: d })),
      ]),
    ),
    [`kpa concurrency 179 (70% of max-num-seqs), delay ${coldStart}s`, bindPolicy(kpaPolicy({ ...BOUNDS, targetConcurrency: 179, scaleDownDelaySeconds: coldStart }))],
    ...[1, 2, 5, 10].map((t): [string, PolicyRunner] => [`keda-queue ${t} waiting per pod`, bindPolicy(kedaQueuePolicy({ ...BOUNDS, waitingPerReplica: t }))]),
    ...[0.05, 0.1, 0.5].map((t): [string, PolicyRunner] => [`kv-cache ${t * 100}%`, bindPolicy(kvCachePolicy({ ...BOUNDS, targetUsage: t }))]),
  ];
  return rows.map(([label, policy]) => {
    const o = outcome(policy);
    return `| ${label} | ${cell(o)} | ${o.maxReplicas} | ${o.scaleEvents} |`;
  });
}
const sensitivity = sensitivityRows(base);

const section = [
  '## autoscaler',
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; command: \`npm run bench:autoscaler\`.`,
  `Model: default replica model (\`${DEFAULT_REPLICA_MODEL.name}\`, see docs/autoscaler.md); TTFT SLO ${SLO_SECONDS}s; replicas 1..64; every policy warmed up on the trace's last ${DEFAULT_WARMUP_SECONDS} s before scoring starts.`,
  'Baseline parameters and the reason for each: docs/autoscaler.md §3 (static-peak = work of the busiest SLO-long window ÷ SLO; hpa 50% GPU utilisation; kpa target concurrency 8 × 70%, scale-down delay = one cold start; keda-queue 5 waiting per pod; kv-cache 50%).',
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
  'Changes since the first table (static-peak 77%, kpa 22.7% at 64 replicas): static-peak was sized on a 60 s window that averages',
  "the one-second bursts away (now the busiest SLO-long window); KPA had Knative's default scale-down delay of 0 and halved every",
  '2 s after each burst (now one cold start); HPA targeted 70% (now 50%, the Kubernetes walkthrough value); every policy now',
  'starts warmed up. KPA and KEDA still reach 64 replicas: a burst queued on the few serving replicas stays there (requests are',
  'not re-routed), so the queue/concurrency signal stays high until capacity a cold start late arrives. See docs/autoscaler.md §3.',
  'Where a row below says NOT met, the named baseline honestly beats nakhoda on that trace.',
  '',
  '### Baselines at other targets (Azure code trace)',
  '',
  'Defaults in the main table: hpa 50%, kpa 8 with a 150 s delay, keda-queue 5, kv-cache 50%.',
  '',
  '| baseline configuration | attainment / GPU-h | maxReplicas | scaleEvents |',
  '| --- | --- | --- | --- |',
  ...sensitivity,
  '',
  '### Synthetic variants (nakhoda is not tuned to one recording)',
  '',
  'Each cell: SLO attainment / GPU-hours.',
  '',
  `| trace | ${POLICY_NAMES.join(' | ')} | hindsight static for 99% (replicas → GPU-h) | criterion |`,
  `| --- | ${POLICY_NAMES.map(() => '---').join(' | ')} | --- | --- |`,
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
