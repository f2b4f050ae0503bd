import { describe, expect, it } from 'vitest';
import {
  ClusterState,
  FragmentationModel,
  createPolicy,
  podShapeDistribution,
  selectPlacement,
  SeededRandom,
  type NodeSpec,
  type PodRequest,
} from '../../src/scheduler/index.js';

const node = (name: string, gpuCount: number, gpuModel = 'V100', cpuMilli = 64_000): NodeSpec => ({
  name,
  cpuMilli,
  memoryMiB: 262_144,
  gpuCount,
  gpuModel,
  labels: {},
});
const pod = (gpuCount: number, gpuMilli: number, extra: Partial<PodRequest> = {}): PodRequest => ({
  cpuMilli: 4000,
  memoryMiB: 8192,
  gpuCount,
  gpuMilli: gpuCount === 0 ? 0 : gpuMilli,
  gpuModels: [],
  ...extra,
});

describe('ClusterState', () => {
  it('tracks which device a fractional share sits on and never over-commits a device', () => {
    const state = new ClusterState([node('a', 2)]);
    state.assign({ node: 0, devices: [1] }, pod(1, 600));
    expect(state.deviceFree(0)).toEqual([1000, 400]);
    expect(state.fits(0, pod(1, 500))).toBe(true); // device 0 still whole
    state.assign({ node: 0, devices: [0] }, pod(1, 600));
    expect(state.fits(0, pod(1, 500))).toBe(false); // 400 + 400 free, but no device has 500
    expect(() => state.assign({ node: 0, devices: [1] }, pod(1, 500))).toThrow(/cannot hold/);
  });

  it('respects GPU model constraints, cpu and memory', () => {
    const state = new ClusterState([node('t4', 4, 'T4'), node('v100', 4, 'V100')]);
    const pinned = pod(1, 1000, { gpuModels: ['V100'] });
    expect(state.fits(0, pinned)).toBe(false);
    expect(state.fits(1, pinned)).toBe(true);
    expect(state.fits(1, pod(0, 0, { cpuMilli: 65_000 }))).toBe(false);
    expect(state.fits(1, pod(0, 0, { memoryMiB: 300_000 }))).toBe(false);
  });

  it('release undoes assign exactly', () => {
    const state = new ClusterState([node('a', 8)]);
    const before = state.deviceFree(0);
    const p = pod(4, 1000);
    const placement = { node: 0, devices: [0, 1, 2, 3] };
    state.assign(placement, p);
    state.release(placement, p);
    expect(state.deviceFree(0)).toEqual(before);
    expect(state.cpuFree[0]).toBe(64_000);
  });
});

describe('fragmentation (FGD definition)', () => {
  it('counts all free GPU as fragment for shapes that cannot run there, and only too-small devices otherwise', () => {
    // workload: half 1-GPU pods, half 2-GPU pods
    const shapes = podShapeDistribution([pod(1, 1000), pod(2, 1000)], 1);
    const state = new ClusterState([node('a', 2)]);
    const model = new FragmentationModel(shapes, state.models, state.maxGpus);
    expect(model.nodeFragmentation(state, 0)).toBe(0); // both shapes fit, no partial device
    state.assign({ node: 0, devices: [0] }, pod(1, 300));
    // 1-GPU shape: device 0 (700 free) is too small → 700 fragment; 2-GPU shape cannot run → 1700
    expect(model.nodeFragmentation(state, 0)).toBeCloseTo(0.5 * 700 + 0.5 * 1700);
  });

  it('makes FGD put a share on the already-shared GPU rather than break a whole one', () => {
    const state = new ClusterState([node('a', 2), node('b', 2)]);
    state.assign({ node: 0, devices: [0] }, pod(1, 500));
    const fgd = createPolicy('fgd', [pod(1, 1000), pod(1, 500), pod(2, 1000)], state);
    const placement = selectPlacement(state, pod(1, 500), fgd, new SeededRandom(1));
    expect(placement).toEqual({ node: 0, devices: [0] });
  });
});

describe('baseline policies', () => {
  it('best fit chooses the node left with the least free resources', () => {
    const state = new ClusterState([node('a', 8), node('b', 8)]);
    state.assign({ node: 1, devices: [0, 1, 2, 3] }, pod(4, 1000));
    const placement = selectPlacement(state, pod(2, 1000), createPolicy('bestfit', [], state), new SeededRandom(1));
    expect(placement?.node).toBe(1);
  });

  it('returns null when the pod fits nowhere, for every policy', () => {
    const state = new ClusterState([node('a', 2)]);
    for (const name of ['random', 'bestfit', 'packing', 'dotprod', 'fgd', 'nakhoda'] as const) {
      expect(selectPlacement(state, pod(8, 1000), createPolicy(name, [pod(8, 1000)], state), new SeededRandom(1))).toBeNull();
    }
  });

  it('random is repeatable for a seed and spreads over nodes', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => node(`n${i}`, 8));
    const pick = (seed: number): number[] => {
      const state = new ClusterState(nodes);
      const rng = new SeededRandom(seed);
      return Array.from({ length: 10 }, () => selectPlacement(state, pod(1, 1000), createPolicy('random', [], state), rng)!.node);
    };
    expect(pick(7)).toEqual(pick(7));
    expect(new Set(pick(7)).size).toBeGreaterThan(1);
  });
});
