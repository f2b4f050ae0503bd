/**
 * Scheduler benchmark (`npm run bench:scheduler`):
 *  1. single-pod throughput at 5,000 nodes × 8 GPUs, per policy;
 *  2. time to place one 1,024-pod gang on the same cluster (1-GPU and 8-GPU members);
 *  3. the openb replay tables (6 policies × seeds 42..51 on every trace in ../shared) and
 *     the topology replay on lingjun and a synthetic supernode cluster.
 * Writes the figures into the `## scheduler` section of bench/RESULTS.md and the charts into
 * bench/scheduler/plots/.
 * Set BENCH_QUICK=1 to skip the replays (throughput figures only).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  ClusterState,
  createPolicy,
  lingjunCluster,
  placeGang,
  POLICY_NAMES,
  publishedAllocation,
  readLingjunTopology,
  readOpenbNodes,
  readOpenbPods,
  renderReplayPlot,
  renderTopologyPlot,
  replayOpenb,
  replayTopology,
  selectPlacement,
  SeededRandom,
  supernodeCluster,
  topologyFromLabels,
  type NodeSpec,
  type PodRequest,
  type PolicyName,
  type ReplayReport,
  type TopologyReplayReport,
} from '../../src/scheduler/index.js';

const TRACES = join(process.cwd(), '..', 'shared', 'data', 'traces');
const RESULTS = join(process.cwd(), 'bench', 'RESULTS.md');
const PLOTS = join(process.cwd(), 'bench', 'scheduler', 'plots');
const quick = process.env['BENCH_QUICK'] === '1';

/** 5,000 nodes × 8 GPUs, supernodes of 48 nodes, 4 supernodes per spine, 8 spines per zone. */
function benchCluster(): NodeSpec[] {
  return Array.from({ length: 5000 }, (_, i) => {
    const supernode = Math.floor(i / 48);
    const spine = Math.floor(supernode / 4);
    return {
      name: `node-${String(i).padStart(4, '0')}`,
      cpuMilli: 128_000,
      memoryMiB: 1_048_576,
      gpuCount: 8,
      gpuModel: i % 5 === 0 ? 'A100' : 'H100',
      labels: { 'volcano.sh/hypernode': `hn-${supernode}`, 'nakhoda.io/spine': `spine-${spine}`, 'topology.kubernetes.io/zone': `zone-${Math.floor(spine / 8)}` },
    };
  });
}

/** openb-like pod mix: fractional shares, 1/2/4/8-GPU pods, cpu-only pods, a few pinned to a model. */
function podMix(count: number, rng: SeededRandom): PodRequest[] {
  const shapes: PodRequest[] = [
    { cpuMilli: 4000, memoryMiB: 16_384, gpuCount: 1, gpuMilli: 500, gpuModels: [] },
    { cpuMilli: 8000, memoryMiB: 32_768, gpuCount: 1, gpuMilli: 250, gpuModels: [] },
    { cpuMilli: 12_000, memoryMiB: 65_536, gpuCount: 1, gpuMilli: 1000, gpuModels: [] },
    { cpuMilli: 24_000, memoryMiB: 131_072, gpuCount: 2, gpuMilli: 1000, gpuModels: [] },
    { cpuMilli: 48_000, memoryMiB: 262_144, gpuCount: 4, gpuMilli: 1000, gpuModels: ['H100'] },
    { cpuMilli: 96_000, memoryMiB: 524_288, gpuCount: 8, gpuMilli: 1000, gpuModels: [] },
    { cpuMilli: 16_000, memoryMiB: 32_768, gpuCount: 0, gpuMilli: 0, gpuModels: [] },
  ];
  return Array.from({ length: count }, () => shapes[rng.int(shapes.length)]!);
}

interface Throughput {
  policy: PolicyName;
  /** Pods per second of wall-clock time (includes waiting for a CPU on a shared machine). */
  podsPerSecond: number;
  /** Pods per second of this process's CPU time (what a dedicated core would do). */
  podsPerCpuSecond: number;
}

/** Wall-clock and CPU milliseconds spent in `work`. */
function timed(work: () => void): { wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

function singlePodThroughput(nodes: readonly NodeSpec[], policies: readonly PolicyName[], pods: number): Throughput[] {
  return policies.map((policy) => {
    const rng = new SeededRandom(1);
    const workload = podMix(pods, rng);
    const state = new ClusterState(nodes);
    const placer = createPolicy(policy, workload, state);
    // warm-up so the JIT has compiled the hot loop before timing
    const warm = new ClusterState(nodes);
    const warmPolicy = createPolicy(policy, workload, warm);
    for (const pod of workload.slice(0, 200)) {
      const p = selectPlacement(warm, pod, warmPolicy, rng);
      if (p) warm.assign(p, pod);
    }
    const { wallMs, cpuMs } = timed(() => {
      for (const pod of workload) {
        const placement = selectPlacement(state, pod, placer, rng);
        if (placement) state.assign(placement, pod);
      }
    });
    return { policy, podsPerSecond: Math.round((pods * 1000) / wallMs), podsPerCpuSecond: Math.round((pods * 1000) / cpuMs) };
  });
}

interface GangTiming {
  members: string;
  milliseconds: number;
  cpuMilliseconds: number;
  tier: number;
}

function gangTimings(nodes: readonly NodeSpec[]): GangTiming[] {
  const topology = topologyFromLabels(nodes, ['volcano.sh/hypernode', 'nakhoda.io/spine', 'topology.kubernetes.io/zone']);
  const cases: Array<[string, PodRequest]> = [
    ['1,024 pods × 1 GPU', { cpuMilli: 8000, memoryMiB: 65_536, gpuCount: 1, gpuMilli: 1000, gpuModels: [] }],
    ['1,024 pods × 8 GPUs', { cpuMilli: 96_000, memoryMiB: 524_288, gpuCount: 8, gpuMilli: 1000, gpuModels: [] }],
  ];
  return cases.map(([label, member]) => {
    const members = Array.from({ length: 1024 }, () => member);
    const runs: Array<{ wallMs: number; cpuMs: number }> = [];
    let tier = -1;
    for (let run = 0; run < 4; run++) {
      const state = new ClusterState(nodes);
      const rng = new SeededRandom(run);
      // a partly used cluster, so the gang has to search
      const background = podMix(3000, rng);
      const policy = createPolicy('nakhoda', [...background, ...members], state);
      for (const pod of background) {
        const p = selectPlacement(state, pod, policy, rng);
        if (p) state.assign(p, pod);
      }
      let outcome: ReturnType<typeof placeGang> | undefined;
      runs.push(timed(() => {
        outcome = placeGang(state, topology, { name: 'bench', members }, policy, rng, 'nakhoda');
      }));
      if (!outcome?.placed) throw new Error(`benchmark gang did not fit: ${outcome?.placed === false ? outcome.reason : ''}`);
      tier = outcome.tier;
    }
    // first run includes JIT warm-up; report the median of the rest
    const median = (values: number[]): number => Math.round(values.sort((a, b) => a - b)[Math.floor(values.length / 2)]! * 10) / 10;
    const measured = runs.slice(1);
    return { members: label, milliseconds: median(measured.map((r) => r.wallMs)), cpuMilliseconds: median(measured.map((r) => r.cpuMs)), tier };
  });
}

function replayTables(): ReplayReport[] {
  const dir = join(TRACES, 'openb');
  const nodesFile = join(dir, 'openb_node_list_gpu_node.csv');
  if (!existsSync(nodesFile)) return [];
  const nodes = readOpenbNodes(nodesFile);
  const seeds = Array.from({ length: 10 }, (_, i) => 42 + i);
  return ['default', 'cpu050', 'multigpu20', 'gpushare40', 'gpuspec10']
    .map((variant) => join(dir, `openb_pod_list_${variant}.csv`))
    .filter((file) => existsSync(file))
    .map((file) => {
      const trace = file.replace(/^.*\//, '').replace(/\.csv$/, '');
      process.stderr.write(`replay ${trace}...\n`);
      return replayOpenb({ trace, nodes, pods: readOpenbPods(file), policies: POLICY_NAMES, seeds, tune: 1.3 });
    });
}

function topologyTables(): TopologyReplayReport[] {
  const reports: TopologyReplayReport[] = [];
  const lingjun = join(TRACES, 'lingjun', 'topo.csv');
  if (existsSync(lingjun)) {
    process.stderr.write('topology replay lingjun...\n');
    reports.push(replayTopology(lingjunCluster(readLingjunTopology(lingjun)), { gangs: 2000, load: 0.9, seed: 42 }));
  }
  process.stderr.write('topology replay supernodes...\n');
  reports.push(replayTopology(supernodeCluster(), { gangs: 2000, load: 0.9, seed: 42 }));
  return reports;
}

function markdown(throughput: Throughput[], gangs: GangTiming[], replays: ReplayReport[], topologies: TopologyReplayReport[]): string {
  const bestfit = throughput.find((t) => t.policy === 'bestfit')?.podsPerCpuSecond ?? 1;
  const lines = [
    '## scheduler',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; command: \`npm run bench:scheduler\`.`,
    'The machine is shared with other engineers, so absolute figures are noisy; ratios are from one run.',
    '',
    '### Single-pod placement, 5,000 nodes × 8 GPUs (target ≥ 2,000 pods/s; kube-scheduler anchor 680–810 pods/s)',
    '',
    'Pods per second of wall-clock time and of CPU time (the machine is shared: wall time includes waiting for a core).',
    '',
    '| policy | pods/s (wall) | pods/s (CPU) | ÷ best-fit (CPU) |',
    '| --- | ---: | ---: | ---: |',
    ...throughput.map((t) => `| ${t.policy} | ${t.podsPerSecond} | ${t.podsPerCpuSecond} | ${(t.podsPerCpuSecond / bestfit).toFixed(2)} |`),
    '',
    '### One 1,024-pod gang, 5,000 nodes (partly used), nakhoda (target ≤ 100 ms)',
    '',
    '| gang | ms wall (median of 3) | ms CPU | tier of placement |',
    '| --- | ---: | ---: | ---: |',
    ...gangs.map((g) => `| ${g.members} | ${g.milliseconds} | ${g.cpuMilliseconds} | ${g.tier} |`),
  ];
  for (const report of replays) {
    lines.push(
      '',
      `### openb replay: ${report.trace} (${report.gpus} GPUs, seeds 42–51, tune 1.3)`,
      '',
      '| policy | alloc @100% (min–max) | alloc @130% (min–max) | unallocated GPUs | published @100 / @130 | s |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...report.policies.map((p) => {
        const published = publishedAllocation(report.trace, p.policy);
        return `| ${p.policy} | ${p.alloc100.mean.toFixed(2)} (${p.alloc100.min.toFixed(2)}–${p.alloc100.max.toFixed(2)}) | ${p.alloc130.mean.toFixed(2)} (${p.alloc130.min.toFixed(2)}–${p.alloc130.max.toFixed(2)}) | ${p.unallocatedGpus130} | ${published ? `${published[0].toFixed(2)} / ${published[1].toFixed(2)}` : '–'} | ${p.seconds} |`;
      }),
    );
  }
  for (const report of topologies) {
    lines.push(
      '',
      `### Topology replay: ${report.cluster} (${report.accelerators} accelerators, tiers ${report.tiers.join(' → ')}; ${report.gangs} gangs, load ${report.load}, seed ${report.seed})`,
      '',
      '| scheduler | placed | queue mean / p95 (min) | in one tier-1 domain % | of gangs that fit one % | mean LCA tier | allocation % |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...report.results.map(
        (r) =>
          `| ${r.contender} | ${r.placedGangs}/${r.gangs} | ${r.meanQueueMinutes} / ${r.p95QueueMinutes} | ${r.inOneTier1Percent} | ${r.inOneTier1OfFittingPercent} | ${r.meanLcaTier} | ${r.allocationPercent} |`,
      ),
    );
  }
  if (replays.length > 0 || topologies.length > 0) lines.push('', ...summary(replays, topologies));
  return `${lines.join('\n')}\n`;
}

/** The claims the tables support, computed from them: fidelity, nakhoda vs FGD, topology. */
function summary(replays: ReplayReport[], topologies: TopologyReplayReport[]): string[] {
  const lines = ['### Summary', ''];
  let worst = { gap: 0, where: '' };
  for (const report of replays) {
    for (const p of report.policies) {
      const published = publishedAllocation(report.trace, p.policy);
      if (!published || !['bestfit', 'packing', 'fgd'].includes(p.policy)) continue;
      for (const [ours, theirs, at] of [[p.alloc100.mean, published[0], '100%'], [p.alloc130.mean, published[1], '130%']] as const) {
        if (Math.abs(ours - theirs) > Math.abs(worst.gap)) worst = { gap: ours - theirs, where: `${p.policy} on ${report.trace} @${at}` };
      }
    }
  }
  if (replays.length > 0) {
    lines.push(`- Replay fidelity: the largest gap to a published best-fit/packing/FGD mean is ${worst.gap.toFixed(2)} points (${worst.where}).`);
    for (const report of replays) {
      const fgd = report.policies.find((p) => p.policy === 'fgd');
      const ours = report.policies.find((p) => p.policy === 'nakhoda');
      if (!fgd || !ours) continue;
      const d100 = ours.alloc100.mean - fgd.alloc100.mean;
      const d130 = ours.alloc130.mean - fgd.alloc130.mean;
      lines.push(`- ${report.trace}: nakhoda − FGD = ${d100 >= 0 ? '+' : ''}${d100.toFixed(2)} points @100%, ${d130 >= 0 ? '+' : ''}${d130.toFixed(2)} @130% (${fgd.unallocatedGpus130 - ours.unallocatedGpus130} fewer unallocated GPUs).`);
    }
  }
  for (const report of topologies) {
    const ours = report.results.find((r) => r.contender === 'nakhoda');
    const unaware = report.results.filter((r) => r.contender === 'bestfit' || r.contender === 'fgd');
    if (!ours || unaware.length === 0) continue;
    const best = unaware.reduce((a, b) => (b.inOneTier1Percent > a.inOneTier1Percent ? b : a));
    lines.push(
      `- ${report.cluster}: nakhoda keeps ${ours.inOneTier1Percent}% of gangs in one tier-1 domain vs ${best.inOneTier1Percent}% (${best.contender}), allocation ${ours.allocationPercent}% vs ${best.allocationPercent}%.`,
    );
  }
  lines.push('', 'Charts: `bench/scheduler/plots/`. How the experiments run: `bench/scheduler/README.md`.');
  return lines;
}

/** In quick mode: the new throughput figures plus the replay tables already in RESULTS.md. */
function keepReplays(section: string): string {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const start = current.search(/^## scheduler\s*$/m);
  if (start < 0) return section;
  const own = current.slice(start).replace(/\n## [\s\S]*$/, '\n');
  const replays = own.search(/^### openb replay/m);
  return replays < 0 ? section : `${section}\n${own.slice(replays)}`;
}

/** Replace (or append) our own section; other sections are left byte-for-byte alone. */
function writeSection(section: string): void {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  const start = current.search(/^## scheduler\s*$/m);
  if (start < 0) {
    writeFileSync(RESULTS, `${current.replace(/\n*$/, '\n\n')}${section}`);
    return;
  }
  const rest = current.slice(start + 1);
  const nextHeading = rest.search(/^## /m);
  const end = nextHeading < 0 ? current.length : start + 1 + nextHeading;
  writeFileSync(RESULTS, `${current.slice(0, start)}${section}${end < current.length ? `\n${current.slice(end)}` : ''}`);
}

const nodes = benchCluster();
const throughput = singlePodThroughput(nodes, ['bestfit', 'fgd', 'nakhoda'], 5000);
console.table(throughput);
const gangs = gangTimings(nodes);
console.table(gangs);
const replays = quick ? [] : replayTables();
const topologies = quick ? [] : topologyTables();
writeSection(quick ? keepReplays(markdown(throughput, gangs, [], [])) : markdown(throughput, gangs, replays, topologies));
if (!quick) {
  mkdirSync(PLOTS, { recursive: true });
  for (const report of replays) writeFileSync(join(PLOTS, `${report.trace.replace(/^openb_pod_list_/, 'openb-')}.svg`), renderReplayPlot(report));
  topologies.forEach((report, i) => writeFileSync(join(PLOTS, `topology-${i === 0 && topologies.length > 1 ? 'lingjun' : 'supernodes'}.svg`), renderTopologyPlot(report)));
}
console.log(`wrote ## scheduler in ${RESULTS}`);
