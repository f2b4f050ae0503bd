import { writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import {
  POLICY_NAMES,
  publishedAllocation,
  readOpenbNodes,
  readOpenbPods,
  renderReplayPlot,
  replayOpenb,
  type PolicyName,
  type ReplayReport,
  DEFAULT_SUPERNODE_LAYOUT,
  lingjunCluster,
  readLingjunTopology,
  renderTopologyPlot,
  replayTopology,
  supernodeCluster,
  type SupernodeLayout,
  type TopologyReplayReport,
  DEFAULT_TIER_LABELS,
  startLiveScheduler,
} from '../scheduler/index.js';
import { loadKubeConfig } from '../sources/index.js';

/** "42-51" or "1,5,9" (or a mix) → [42, 43, ..., 51]. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!range) throw new InputError(`--seeds: expected numbers or ranges like 42-51, got "${text}"`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from || to - from > 10_000) throw new InputError(`--seeds: bad range "${part.trim()}"`);
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  return seeds;
}

export function parsePolicies(text: string): PolicyName[] {
  return text.split(',').map((name) => {
    const policy = name.trim() as PolicyName;
    if (!POLICY_NAMES.includes(policy)) {
      throw new InputError(`--policy: unknown policy "${name.trim()}" (known: ${POLICY_NAMES.join(', ')})`);
    }
    return policy;
  });
}

function parseTune(text: string): number {
  const tune = Number(text);
  if (!Number.isFinite(tune) || tune <= 0 || tune > 10) throw new InputError(`--tune: expected a ratio like 1.3, got "${text}"`);
  return tune;
}

function renderTable(report: ReplayReport): string {
  const header = ['policy', 'alloc@100%', '(min–max)', 'alloc@130%', '(min–max)', 'unalloc GPUs', 'published @100/@130', 'seconds'];
  const rows = report.policies.map((p) => {
    const published = publishedAllocation(report.trace, p.policy);
    return [
      p.policy,
      p.alloc100.mean.toFixed(2),
      `${p.alloc100.min.toFixed(2)}–${p.alloc100.max.toFixed(2)}`,
      p.alloc130.mean.toFixed(2),
      `${p.alloc130.min.toFixed(2)}–${p.alloc130.max.toFixed(2)}`,
      String(p.unallocatedGpus130),
      published ? `${published[0].toFixed(2)} / ${published[1].toFixed(2)}` : '-',
      p.seconds.toFixed(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`trace ${report.trace}: ${report.gpus} GPUs`, line(header), ...rows.map(line)].join('\n') + '\n';
}

function registerReplay(schedule: Command): void {
  schedule
    .command('replay')
    .description('replay an openb trace ("fill until full", as openb/REFERENCE.md describes) and compare policies')
    .requiredOption('--nodes <file>', 'node list CSV (sn,cpu_milli,memory_mib,gpu,model)')
    .requiredOption('--pods <file>', 'pod list CSV (name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec])')
    .option('--policy <list>', `comma-separated policies (${POLICY_NAMES.join(',')})`, POLICY_NAMES.join(','))
    .option('--seeds <list>', 'seeds, e.g. 42-51 or 42,43', '42-51')
    .option('--tune <ratio>', 'arrive pods until their GPU request reaches this × capacity', '1.3')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--plot <file.svg>', 'write allocation vs arrived GPU request as an SVG chart')
    .action((opts: { nodes: string; pods: string; policy: string; seeds: string; tune: string; output: string; plot?: string }) => {
      const policies = parsePolicies(opts.policy);
      const seeds = parseSeeds(opts.seeds);
      const tune = parseTune(opts.tune);
      const nodes = readOpenbNodes(opts.nodes);
      const pods = readOpenbPods(opts.pods);
      if (nodes.length === 0) throw new InputError(`${opts.nodes}: no nodes`);
      if (pods.length === 0) throw new InputError(`${opts.pods}: no pods`);
      const trace = basename(opts.pods, extname(opts.pods));
      const report = replayOpenb({
        trace,
        nodes,
        pods,
        policies,
        seeds,
        tune,
        onRun: (policy, seed) => {
          if (process.stderr.isTTY) process.stderr.write(`\r${policy} seed ${seed}   `);
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      if (opts.plot) writeFileSync(opts.plot, renderReplayPlot(report));
      if (opts.output === 'json') {
        const json = {
          trace: report.trace,
          gpus: report.gpus,
          policies: report.policies.map(({ policy, alloc100, alloc130, unallocatedGpus130, seconds }) => ({
            policy,
            alloc100,
            alloc130,
            unallocatedGpus130,
            seconds,
          })),
        };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        process.stdout.write(renderTable(report));
      }
    });
}

/** "16x48x8" → supernodes × nodes per supernode × accelerators per node. */
function parseSupernodes(text: string): SupernodeLayout {
  const match = /^(\d+)x(\d+)x(\d+)$/.exec(text.trim());
  if (!match) throw new InputError(`--supernodes: expected SUPERNODESxNODESxACCELERATORS like 16x48x8, got "${text}"`);
  const [supernodes, nodesPerSupernode, acceleratorsPerNode] = match.slice(1).map(Number) as [number, number, number];
  if (supernodes < 1 || nodesPerSupernode < 1 || acceleratorsPerNode < 1) throw new InputError(`--supernodes: every number must be at least 1, got "${text}"`);
  return { ...DEFAULT_SUPERNODE_LAYOUT, supernodes, nodesPerSupernode, acceleratorsPerNode };
}

function positiveNumber(flag: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new InputError(`${flag}: expected a positive ${integer ? 'whole number' : 'number'}, got "${text}"`);
  }
  return value;
}

function renderTopologyTable(report: TopologyReplayReport): string {
  const header = ['scheduler', 'placed', 'queue mean min', 'queue p95 min', 'in one tier-1 %', '(of gangs that fit) %', 'mean LCA tier', 'allocation %', 'seconds'];
  const rows = report.results.map((r) => [
    r.contender,
    `${r.placedGangs}/${r.gangs}`,
    r.meanQueueMinutes.toFixed(1),
    r.p95QueueMinutes.toFixed(1),
    r.inOneTier1Percent.toFixed(1),
    r.inOneTier1OfFittingPercent.toFixed(1),
    r.meanLcaTier.toFixed(2),
    r.allocationPercent.toFixed(1),
    r.seconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const title = `${report.cluster}: ${report.accelerators} accelerators, tiers ${report.tiers.join(' → ')}; ${report.gangs} gangs, load ${report.load}, seed ${report.seed}`;
  return [title, line(header), ...rows.map(line)].join('\n') + '\n';
}

function registerTopologyReplay(schedule: Command): void {
  schedule
    .command('topo-replay')
    .description('replay a time-based gang workload on a tiered cluster and compare topology handling')
    .option('--topology <file>', 'lingjun topology CSV (ip,DSW,PSW,ASW); 8 accelerators per host')
    .option('--supernodes <layout>', 'synthetic supernode cluster SUPERNODESxNODESxACCELERATORS (4 supernodes per spine, 2 spines per zone)', '16x48x8')
    .option('--gangs <n>', 'gangs to generate', '2000')
    .option('--load <ratio>', 'offered load as a share of capacity', '0.9')
    .option('--seed <n>', 'workload and tie-break seed', '42')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--plot <file.svg>', 'write the share of gangs in one tier-1 domain and the allocation as an SVG chart')
    .action((opts: { topology?: string; supernodes: string; gangs: string; load: string; seed: string; output: string; plot?: string }) => {
      const gangs = positiveNumber('--gangs', opts.gangs, true);
      const load = positiveNumber('--load', opts.load, false);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new InputError(`--seed: expected a whole number, got "${opts.seed}"`);
      const cluster = opts.topology ? lingjunCluster(readLingjunTopology(opts.topology)) : supernodeCluster(parseSupernodes(opts.supernodes));
      if (cluster.nodes.length === 0) throw new InputError(`${opts.topology}: no hosts`);
      const report = replayTopology(cluster, { gangs, load, seed });
      if (opts.plot) writeFileSync(opts.plot, renderTopologyPlot(report));
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderTopologyTable(report));
    });
}

function registerRun(schedule: Command): void {
  schedule
    .command('run')
    .description('run the scheduler against a cluster: pods with schedulerName nakhoda, gangs from Volcano PodGroups')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('--scheduler-name <name>', 'schedule pods whose spec.schedulerName is this', 'nakhoda')
    .option('--tiers <labels>', 'topology tier labels, tightest first (when the cluster has no HyperNodes)', DEFAULT_TIER_LABELS.join(','))
    .option('--gpu-resource <names>', 'extended resources counted as accelerators', 'nvidia.com/gpu')
    .option('--policy <name>', `placement policy (${POLICY_NAMES.join(', ')})`, 'nakhoda')
    .option('--lease-namespace <ns>', 'namespace of the leader-election Lease', 'kube-system')
    .option('--lease-duration <s>', 'seconds a leader holds the Lease without renewing it', '15')
    .option('--interval <ms>', 'pause between scheduling cycles', '1000')
    .action(async (opts: { kubeconfig?: string; context?: string; schedulerName: string; tiers: string; gpuResource: string; policy: string; leaseNamespace: string; leaseDuration: string; interval: string }) => {
      const [policy] = parsePolicies(opts.policy);
      const intervalMs = positiveNumber('--interval', opts.interval, true);
      const kc = await loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
      const scheduler = await startLiveScheduler(kc, {
        schedulerName: opts.schedulerName,
        tierLabels: opts.tiers.split(',').map((t) => t.trim()).filter((t) => t !== ''),
        gpuResources: opts.gpuResource.split(',').map((r) => r.trim()).filter((r) => r !== ''),
        policy,
        leaseNamespace: opts.leaseNamespace,
        leaseDurationSeconds: positiveNumber('--lease-duration', opts.leaseDuration, true),
        intervalMs,
        log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
      });
      const stop = (): void => {
        void scheduler.stop();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await scheduler.done;
    });
}

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('topology-aware gang scheduler: trace replay and the live scheduler');
  registerReplay(schedule);
  registerTopologyReplay(schedule);
  registerRun(schedule);
}
