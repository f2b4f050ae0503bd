import { describe, expect, it } from 'vitest';
import {
  ClusterState,
  createPolicy,
  lowestCommonTier,
  placeGang,
  SeededRandom,
  topologyFromHyperNodes,
  topologyFromLabels,
  type HyperNodeObject,
  type NodeSpec,
  type PodRequest,
} from '../../src/scheduler/index.js';

const TIERS = ['volcano.sh/hypernode', 'nakhoda.io/spine'];

/** `supernodes` supernodes of `perSupernode` 8-GPU nodes, two supernodes per spine. */
function cluster(supernodes: number, perSupernode: number): NodeSpec[] {
  const nodes: NodeSpec[] = [];
  for (let s = 0; s < supernodes; s++) {
    for (let n = 0; n < perSupernode; n++) {
      nodes.push({
        name: `hn${s}-n${n}`,
        cpuMilli: 128_000,
        memoryMiB: 1_048_576,
        gpuCount: 8,
        gpuModel: 'H100',
        labels: { 'volcano.sh/hypernode': `hn-${s}`, 'nakhoda.io/spine': `spine-${Math.floor(s / 2)}` },
      });
    }
  }
  return nodes;
}
const worker: PodRequest = { cpuMilli: 100_000, memoryMiB: 500_000, gpuCount: 8, gpuMilli: 1000, gpuModels: [] };
const gangOf = (name: string, size: number, networkTopology?: { mode: 'hard' | 'soft'; highestTierAllowed?: number }) => ({
  name,
  members: Array.from({ length: size }, () => worker),
  ...(networkTopology ? { networkTopology } : {}),
});

describe('topology', () => {
  it('reads tiers from labels, tightest first, and finds the lowest common tier', () => {
    const topology = topologyFromLabels(cluster(4, 2), TIERS);
    expect(topology.domains.map((tier) => tier.length)).toEqual([4, 2]);
    expect(lowestCommonTier(topology, [0, 0])).toBe(0);
    expect(lowestCommonTier(topology, [0, 1])).toBe(1);
    expect(lowestCommonTier(topology, [0, 2])).toBe(2);
    expect(lowestCommonTier(topology, [0, 4])).toBe(3);
  });

  it('builds the same domains from Volcano HyperNodes', () => {
    const nodes = cluster(2, 2);
    const hyperNodes: HyperNodeObject[] = [
      { metadata: { name: 's0' }, spec: { tier: 1, members: [{ type: 'Node', selector: { regexMatch: { pattern: '^hn0-' } } }] } },
      {
        metadata: { name: 's1' },
        spec: { tier: 1, members: [{ type: 'Node', selector: { labelMatch: { matchLabels: { 'volcano.sh/hypernode': 'hn-1' } } } }] },
      },
      {
        metadata: { name: 'spine' },
        spec: {
          tier: 2,
          members: [
            { type: 'HyperNode', selector: { exactMatch: { name: 's0' } } },
            { type: 'HyperNode', selector: { exactMatch: { name: 's1' } } },
          ],
        },
      },
    ];
    const topology = topologyFromHyperNodes(nodes, hyperNodes);
    expect(topology.domains[0]!.map((d) => [d.name, d.nodes])).toEqual([
      ['s0', [0, 1]],
      ['s1', [2, 3]],
    ]);
    expect(topology.domains[1]![0]!.nodes).toEqual([0, 1, 2, 3]);
  });
});

describe('gang placement', () => {
  it('places a gang inside one tier-1 domain when one can hold it', () => {
    const nodes = cluster(4, 4);
    const state = new ClusterState(nodes);
    const topology = topologyFromLabels(nodes, TIERS);
    const policy = createPolicy('nakhoda', [], state);
    // occupy part of two supernodes so no single node-count heuristic works by accident
    placeGang(state, topology, gangOf('filler', 3), policy, new SeededRandom(1));
    const outcome = placeGang(state, topology, gangOf('train', 4), policy, new SeededRandom(1));
    expect(outcome.placed).toBe(true);
    if (outcome.placed) expect(outcome.tier).toBeLessThanOrEqual(1);
  });

  it('is all-or-nothing: a gang that cannot fit leaves the cluster unchanged', () => {
    const nodes = cluster(2, 2);
    const state = new ClusterState(nodes);
    const topology = topologyFromLabels(nodes, TIERS);
    const before = Array.from(state.gpuFree);
    const outcome = placeGang(state, topology, gangOf('too-big', 5), createPolicy('bestfit', [], state), new SeededRandom(1));
    expect(outcome.placed).toBe(false);
    expect(Array.from(state.gpuFree)).toEqual(before);
  });

  it('honours hard highestTierAllowed and explains the largest free block', () => {
    const nodes = cluster(2, 3);
    const state = new ClusterState(nodes);
    const topology = topologyFromLabels(nodes, TIERS);
    const policy = createPolicy('bestfit', [], state);
    placeGang(state, topology, gangOf('a', 1, { mode: 'hard', highestTierAllowed: 1 }), policy, new SeededRandom(1));
    placeGang(state, topology, gangOf('b', 1, { mode: 'hard', highestTierAllowed: 1 }), policy, new SeededRandom(1));
    // 4 free nodes remain but at most 2 in either supernode (or 3 and 1)
    const hard = placeGang(state, topology, gangOf('ns/train', 4, { mode: 'hard', highestTierAllowed: 1 }), policy, new SeededRandom(1));
    expect(hard.placed).toBe(false);
    if (!hard.placed) {
      expect(hard.reason).toMatch(/gang ns\/train needs 4 pods × 8 GPUs inside one tier-1 domain/);
      expect(hard.reason).toMatch(/largest free block is [23] such pods in hn-[01]/);
    }
    const soft = placeGang(state, topology, gangOf('ns/train', 4, { mode: 'soft', highestTierAllowed: 1 }), policy, new SeededRandom(1));
    expect(soft.placed).toBe(true);
  });

  it('never puts two pods on the same GPU', () => {
    const nodes = cluster(2, 4);
    const state = new ClusterState(nodes);
    const topology = topologyFromLabels(nodes, TIERS);
    const half: PodRequest = { ...worker, cpuMilli: 10_000, memoryMiB: 10_000, gpuCount: 4 };
    const used = new Set<string>();
    for (let g = 0; g < 4; g++) {
      const outcome = placeGang(state, topology, { name: `g${g}`, members: [half, half, half, half] }, createPolicy('nakhoda', [], state), new SeededRandom(g));
      expect(outcome.placed).toBe(true);
      if (!outcome.placed) continue;
      for (const p of outcome.placements) {
        for (const d of p.devices) {
          const key = `${p.node}/${d}`;
          expect(used.has(key)).toBe(false);
          used.add(key);
        }
      }
    }
    expect(state.gpuFree.every((free) => free === 0)).toBe(true);
  });
});
