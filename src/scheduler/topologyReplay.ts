import { renderBarChart } from './plot.js';
import { placeGang, type GangRequest, type GangStrategy, type NetworkTopologySpec } from './gang.js';
import { createPolicy, type PolicyName } from './policies.js';
import { SeededRandom } from './random.js';
import { ClusterState, MILLI_PER_GPU, type NodeSpec, type Placement, type PodRequest } from './resources.js';
import { topologyFromLabels, type Topology } from './topology.js';
import type { TopologyHost } from './traces.js';

/** A cluster for topology replay: nodes with tier labels and the topology read from them. */
export interface TopologyCluster {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly topology: Topology;
}

/** Host shape used for both cluster kinds (8 accelerators, 128 cores, 1 TiB — a typical training host). */
const HOST = { cpuMilli: 128_000, memoryMiB: 1_048_576 } as const;

/** lingjun's 847 hosts; tiers ToR (ASW) → aggregation (PSW) → core (DSW). */
export function lingjunCluster(hosts: readonly TopologyHost[], acceleratorsPerHost = 8): TopologyCluster {
  const tiers = ['nakhoda.io/tor', 'nakhoda.io/aggregation', 'nakhoda.io/core'];
  const nodes = hosts.map(
    (h, i): NodeSpec => ({
      name: `host-${String(i).padStart(4, '0')}`,
      ...HOST,
      gpuCount: acceleratorsPerHost,
      gpuModel: 'GPU',
      labels: { [tiers[0]!]: h.tor, [tiers[1]!]: h.aggregation, [tiers[2]!]: h.core },
    }),
  );
  return { name: `lingjun (${nodes.length} hosts)`, nodes, topology: topologyFromLabels(nodes, tiers) };
}

export interface SupernodeLayout {
  readonly supernodes: number;
  readonly nodesPerSupernode: number;
  readonly acceleratorsPerNode: number;
  /** Supernodes under one spine switch. */
  readonly supernodesPerSpine: number;
  /** Spines in one zone. */
  readonly spinesPerZone: number;
}

export const DEFAULT_SUPERNODE_LAYOUT: SupernodeLayout = {
  supernodes: 16,
  nodesPerSupernode: 48,
  acceleratorsPerNode: 8,
  supernodesPerSpine: 4,
  spinesPerZone: 2,
};

/** A synthetic supernode cluster: tiers supernode (hypernode) → spine → zone. */
export function supernodeCluster(layout: SupernodeLayout = DEFAULT_SUPERNODE_LAYOUT): TopologyCluster {
  const tiers = ['volcano.sh/hypernode', 'nakhoda.io/spine', 'topology.kubernetes.io/zone'];
  const nodes: NodeSpec[] = [];
  for (let s = 0; s < layout.supernodes; s++) {
    const spine = Math.floor(s / layout.supernodesPerSpine);
    const zone = Math.floor(spine / layout.spinesPerZone);
    for (let n = 0; n < layout.nodesPerSupernode; n++) {
      nodes.push({
        name: `sn${String(s).padStart(2, '0')}-node${String(n).padStart(2, '0')}`,
        ...HOST,
        gpuCount: layout.acceleratorsPerNode,
        gpuModel: 'NPU',
        labels: { [tiers[0]!]: `hn-${s}`, [tiers[1]!]: `spine-${spine}`, [tiers[2]!]: `zone-${zone}` },
      });
    }
  }
  const name = `supernodes ${layout.supernodes}×${layout.nodesPerSupernode}×${layout.acceleratorsPerNode}`;
  return { name, nodes, topology: topologyFromLabels(nodes, tiers) };
}

/** One training job of the generated workload. */
export interface GangJob {
  readonly id: number;
  readonly arrival: number;
  readonly duration: number;
  readonly accelerators: number;
  readonly members: readonly PodRequest[];
}

export interface GangWorkloadOptions {
  readonly gangs: number;
  /** Offered load: mean accelerator demand ÷ capacity. */
  readonly load: number;
  readonly seed: number;
  readonly acceleratorsPerNode: number;
  readonly capacity: number;
}

/**
 * Gang sizes (accelerators) and how often each occurs: many small jobs, few very large ones,
 * as in published training-cluster traces (most jobs small, most GPU-time in large jobs).
 */
export const GANG_SIZE_MIX: ReadonlyArray<readonly [number, number]> = [
  [8, 0.3],
  [16, 0.2],
  [32, 0.15],
  [64, 0.12],
  [128, 0.1],
  [256, 0.07],
  [512, 0.04],
  [1024, 0.02],
];
const MEAN_DURATION_S = 2 * 3600;
const MIN_DURATION_S = 600;
const MAX_DURATION_S = 24 * 3600;

/**
 * The seedable gang workload: sizes drawn from GANG_SIZE_MIX (sizes above the cluster's
 * capacity left out, the rest renormalised); a gang of ≤ 32 accelerators
 * uses 4-accelerator pods half of the time, otherwise one pod per whole node; run times
 * exponential (mean 2 h, clipped to 10 min..24 h); Poisson arrivals whose rate makes the
 * offered load `load` × capacity.
 */
export function generateGangWorkload(options: GangWorkloadOptions): GangJob[] {
  const rng = new SeededRandom(options.seed);
  const perNode = options.acceleratorsPerNode;
  // sizes the cluster cannot hold at all would only wait forever: leave them out
  const fitting = GANG_SIZE_MIX.filter(([size]) => size <= options.capacity);
  const mix = (fitting.length > 0 ? fitting : GANG_SIZE_MIX.slice(0, 1)).map(([size, p]) => [size, p] as const);
  const weight = mix.reduce((sum, [, p]) => sum + p, 0);
  const meanSize = mix.reduce((sum, [size, p]) => sum + (size * p) / weight, 0);
  const arrivalRate = (options.load * options.capacity) / (meanSize * MEAN_DURATION_S);
  const jobs: GangJob[] = [];
  let clock = 0;
  for (let id = 0; id < options.gangs; id++) {
    clock += rng.exponential(1 / arrivalRate);
    let pick = rng.next() * weight;
    const size = mix.find(([, p]) => (pick -= p) < 0)?.[0] ?? mix.at(-1)![0];
    const accelerators = Math.max(size, perNode);
    const perPod = accelerators <= 32 && perNode >= 8 && rng.next() < 0.5 ? perNode / 2 : perNode;
    const pod: PodRequest = {
      cpuMilli: (HOST.cpuMilli / perNode) * perPod - 2000,
      memoryMiB: (HOST.memoryMiB / perNode) * perPod - 4096,
      gpuCount: perPod,
      gpuMilli: MILLI_PER_GPU,
      gpuModels: [],
    };
    const duration = Math.min(MAX_DURATION_S, Math.max(MIN_DURATION_S, rng.exponential(MEAN_DURATION_S)));
    jobs.push({ id, arrival: clock, duration, accelerators, members: Array.from({ length: accelerators / perPod }, () => pod) });
  }
  return jobs;
}

/** A scheduler configuration compared in the topology replay. */
export interface TopologyContender {
  readonly label: string;
  readonly strategy: GangStrategy;
  readonly policy: PolicyName;
  /** How the contender's gangs declare networkTopology (Volcano-style), if at all. */
  readonly constraint: 'none' | 'hard-tightest' | 'soft-tier1';
}

export const TOPOLOGY_CONTENDERS: readonly TopologyContender[] = [
  { label: 'bestfit', strategy: 'unaware', policy: 'bestfit', constraint: 'none' },
  { label: 'fgd', strategy: 'unaware', policy: 'fgd', constraint: 'none' },
  { label: 'volcano-hard', strategy: 'volcano', policy: 'bestfit', constraint: 'hard-tightest' },
  { label: 'volcano-soft', strategy: 'volcano', policy: 'bestfit', constraint: 'soft-tier1' },
  { label: 'nakhoda', strategy: 'nakhoda', policy: 'nakhoda', constraint: 'soft-tier1' },
];

export interface TopologyMetrics {
  readonly contender: string;
  readonly gangs: number;
  readonly placedGangs: number;
  readonly meanQueueMinutes: number;
  readonly p95QueueMinutes: number;
  /** % of placed gangs whose pods all sit in one tier-1 domain (or one node). */
  readonly inOneTier1Percent: number;
  /** Same, counting only gangs small enough to fit in one tier-1 domain. */
  readonly inOneTier1OfFittingPercent: number;
  readonly meanLcaTier: number;
  /** Time-averaged allocated accelerators ÷ capacity over the arrival window, %. */
  readonly allocationPercent: number;
  readonly seconds: number;
}

/** Tightest tier whose largest domain could hold `accelerators` when empty (tiers + 1 if none). */
function tightestTierFor(cluster: TopologyCluster, accelerators: number): number {
  const { topology, nodes } = cluster;
  for (let t = 1; t <= topology.tiers; t++) {
    const largest = Math.max(0, ...topology.domains[t - 1]!.map((d) => d.nodes.reduce((s, n) => s + nodes[n]!.gpuCount, 0)));
    if (largest >= accelerators) return t;
  }
  return topology.tiers + 1;
}

function constraintFor(contender: TopologyContender, tightest: number, tiers: number): NetworkTopologySpec | undefined {
  switch (contender.constraint) {
    case 'none':
      return undefined;
    case 'hard-tightest':
      return { mode: 'hard', highestTierAllowed: Math.min(tightest, tiers + 1) };
    case 'soft-tier1':
      return { mode: 'soft', highestTierAllowed: 1 };
  }
}

/**
 * Event-driven replay: gangs arrive, wait in a FIFO queue (with backfill: a blocked gang does
 * not stop later ones), run for their duration and leave. Every queued gang is retried
 * whenever accelerators are freed or a gang arrives.
 */
export function runTopologyReplay(cluster: TopologyCluster, jobs: readonly GangJob[], contender: TopologyContender, seed: number): TopologyMetrics {
  const started = performance.now();
  const rng = new SeededRandom(seed);
  const state = new ClusterState(cluster.nodes);
  const policy = createPolicy(contender.policy, jobs.flatMap((j) => j.members), state);
  const capacity = state.totalGpus();
  const tier1Capacity = Math.max(0, ...(cluster.topology.domains[0] ?? []).map((d) => d.nodes.reduce((s, n) => s + cluster.nodes[n]!.gpuCount, 0)));
  const running: Array<{ end: number; job: GangJob; placements: readonly Placement[] }> = [];
  const queue: GangJob[] = [];
  const waits: number[] = [];
  const tiers: number[] = [];
  let inTier1 = 0;
  let fittingGangs = 0;
  let fittingInTier1 = 0;
  let allocated = 0;
  let busyArea = 0;
  let lastTime = jobs[0]?.arrival ?? 0;
  const windowEnd = jobs.at(-1)?.arrival ?? 0;
  const advance = (to: number): void => {
    const from = Math.min(lastTime, windowEnd);
    const until = Math.min(to, windowEnd);
    if (until > from) busyArea += allocated * (until - from);
    lastTime = to;
  };
  // a gang that failed cannot fit before something is released: retry only after a release
  let releases = 0;
  const failedAt = new Map<number, number>();
  const trySchedule = (now: number): void => {
    for (let i = 0; i < queue.length; i++) {
      const job = queue[i]!;
      if (failedAt.get(job.id) === releases || capacity - allocated < job.accelerators) continue;
      const gang: GangRequest = {
        name: `job-${job.id}`,
        members: job.members,
        networkTopology: constraintFor(contender, tightestTierFor(cluster, job.accelerators), cluster.topology.tiers),
      };
      const outcome = placeGang(state, cluster.topology, gang, policy, rng, contender.strategy);
      if (!outcome.placed) {
        failedAt.set(job.id, releases);
        continue;
      }
      queue.splice(i--, 1);
      running.push({ end: now + job.duration, job, placements: outcome.placements });
      allocated += job.accelerators;
      waits.push(now - job.arrival);
      tiers.push(outcome.tier);
      if (outcome.tier <= 1) inTier1++;
      if (job.accelerators <= tier1Capacity) {
        fittingGangs++;
        if (outcome.tier <= 1) fittingInTier1++;
      }
    }
  };
  let next = 0;
  while (next < jobs.length || (running.length > 0 && queue.length > 0)) {
    const nextArrival = jobs[next]?.arrival ?? Infinity;
    let soonest = -1;
    running.forEach((r, i) => {
      if (soonest < 0 || r.end < running[soonest]!.end) soonest = i;
    });
    const nextEnd = soonest >= 0 ? running[soonest]!.end : Infinity;
    if (nextEnd === Infinity && nextArrival === Infinity) break;
    if (nextEnd <= nextArrival) {
      advance(nextEnd);
      const [done] = running.splice(soonest, 1);
      done!.job.members.forEach((pod, i) => state.release(done!.placements[i]!, pod));
      allocated -= done!.job.accelerators;
      releases++;
      trySchedule(nextEnd);
    } else {
      advance(nextArrival);
      queue.push(jobs[next++]!);
      trySchedule(nextArrival);
    }
  }
  const sortedWaits = [...waits].sort((a, b) => a - b);
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
  const span = windowEnd - (jobs[0]?.arrival ?? 0);
  return {
    contender: contender.label,
    gangs: jobs.length,
    placedGangs: waits.length,
    meanQueueMinutes: round(mean(waits) / 60, 1),
    p95QueueMinutes: round((sortedWaits[Math.floor(0.95 * (sortedWaits.length - 1))] ?? 0) / 60, 1),
    inOneTier1Percent: round((100 * inTier1) / Math.max(1, waits.length), 1),
    inOneTier1OfFittingPercent: round((100 * fittingInTier1) / Math.max(1, fittingGangs), 1),
    meanLcaTier: round(mean(tiers)),
    allocationPercent: round(span > 0 ? (100 * busyArea) / (capacity * span) : 0, 1),
    seconds: round((performance.now() - started) / 1000, 1),
  };
}

export interface TopologyReplayReport {
  readonly cluster: string;
  readonly accelerators: number;
  readonly tiers: readonly string[];
  readonly gangs: number;
  readonly load: number;
  readonly seed: number;
  readonly results: readonly TopologyMetrics[];
}

export function replayTopology(
  cluster: TopologyCluster,
  options: { gangs: number; load: number; seed: number; contenders?: readonly TopologyContender[] },
): TopologyReplayReport {
  const accelerators = cluster.nodes.reduce((s, n) => s + n.gpuCount, 0);
  const jobs = generateGangWorkload({
    gangs: options.gangs,
    load: options.load,
    seed: options.seed,
    acceleratorsPerNode: cluster.nodes[0]?.gpuCount ?? 8,
    capacity: accelerators,
  });
  const results = (options.contenders ?? TOPOLOGY_CONTENDERS).map((c) => runTopologyReplay(cluster, jobs, c, options.seed));
  return {
    cluster: cluster.name,
    accelerators,
    tiers: cluster.topology.tierNames,
    gangs: options.gangs,
    load: options.load,
    seed: options.seed,
    results,
  };
}


/** Share of gangs in one tier-1 domain and allocation, per scheduler. */
export function renderTopologyPlot(report: TopologyReplayReport): string {
  return renderBarChart({
    title: `${report.cluster}: ${report.gangs} gangs, load ${report.load}`,
    yLabel: '%',
    groups: ['gangs in one tier-1 domain', 'of gangs that fit one', 'accelerator allocation'],
    series: report.results.map((r) => ({
      label: r.contender,
      values: [r.inOneTier1Percent, r.inOneTier1OfFittingPercent, r.allocationPercent],
    })),
  });
}
