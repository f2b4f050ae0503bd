import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeeds } from '../../src/cli/schedule.js';
import { InputError } from '../../src/errors.js';
import {
  fillWorkload,
  readOpenbNodes,
  readOpenbPods,
  renderReplayPlot,
  replayOpenb,
  SeededRandom,
  totalGpuMilli,
} from '../../src/scheduler/index.js';
import { generateGangWorkload, replayTopology, supernodeCluster } from '../../src/scheduler/topologyReplay.js';

const dir = mkdtempSync(join(tmpdir(), 'nakhoda-replay-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const NODES = file(
  'nodes.csv',
  ['sn,cpu_milli,memory_mib,gpu,model', ...Array.from({ length: 20 }, (_, i) => `node-${i},32000,131072,${i % 2 ? 8 : 2},${i % 3 ? 'T4' : 'V100'}`)].join('\n'),
);
const PODS = file(
  'pods.csv',
  [
    'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
    ...Array.from({ length: 60 }, (_, i) => {
      const [gpus, milli, spec] = [
        [1, 500, ''],
        [1, 1000, ''],
        [2, 1000, 'V100'],
        [0, 0, ''],
        [4, 1000, ''],
      ][i % 5]!;
      return `pod-${String(i).padStart(3, '0')},${2000 + (i % 4) * 1000},${4096},${gpus},${milli},${spec},LS,Running,0,1,0`;
    }),
  ].join('\n'),
);

describe('openb CSV input', () => {
  it('reads nodes and pods, including GPU model constraints', () => {
    expect(readOpenbNodes(NODES)).toHaveLength(20);
    const pods = readOpenbPods(PODS);
    expect(pods[2]).toMatchObject({ gpuCount: 2, gpuMilli: 1000, gpuModels: ['V100'] });
  });

  it('names file, line and column for a bad value', () => {
    const bad = file('bad.csv', 'sn,cpu_milli,memory_mib,gpu,model\nn1,1000,1000,2,T4\nn2,1000,lots,2,T4\n');
    expect(() => readOpenbNodes(bad)).toThrow(InputError);
    expect(() => readOpenbNodes(bad)).toThrow(`${bad}, line 3, column 3 (memory_mib): expected a whole number, got "lots"`);
  });

  it('names the line of malformed CSV', () => {
    const bad = file('quote.csv', 'sn,cpu_milli,memory_mib,gpu,model\nn1,1000,1000,2,T4\nn2,"1000,1000,2,T4\n');
    expect(() => readOpenbNodes(bad)).toThrow(/quote\.csv, line \d+: /);
  });

  it('rejects a fractional share spread over several GPUs', () => {
    const bad = file('frac.csv', 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\np1,1000,1000,2,500\n');
    expect(() => readOpenbPods(bad)).toThrow(/line 2, column 5 \(gpu_milli\)/);
  });
});

describe('fill-until-full replay', () => {
  it('arrives pods until their GPU request reaches the tune ratio, never beyond', () => {
    const pods = readOpenbPods(PODS);
    const capacity = 20 * 5 * 1000;
    const workload = fillWorkload(pods, capacity, 1.3, new SeededRandom(42));
    const requested = workload.reduce((sum, p) => sum + totalGpuMilli(p), 0);
    expect(requested).toBeLessThanOrEqual(1.3 * capacity);
    expect(requested).toBeGreaterThan(1.3 * capacity - 4000); // stops only when the next copy would not fit
    expect(workload.slice(0, pods.length).map((p) => p.name).sort()).toEqual(pods.map((p) => p.name).sort());
  });

  it('is repeatable per seed and reports every policy with allocation within 0..100%', () => {
    const options = {
      trace: 'tiny',
      nodes: readOpenbNodes(NODES),
      pods: readOpenbPods(PODS),
      policies: ['random', 'bestfit', 'packing', 'dotprod', 'fgd', 'nakhoda'] as const,
      seeds: [1, 2],
      tune: 1.3,
    };
    const first = replayOpenb(options);
    const second = replayOpenb(options);
    expect(first.policies.map((p) => p.alloc130)).toEqual(second.policies.map((p) => p.alloc130));
    expect(first.gpus).toBe(100);
    for (const p of first.policies) {
      expect(p.alloc130.mean).toBeGreaterThan(0);
      expect(p.alloc130.mean).toBeLessThanOrEqual(100);
      expect(p.alloc100.mean).toBeLessThanOrEqual(p.alloc130.mean); // no pod ever leaves
    }
    expect(renderReplayPlot(first)).toMatch(/^<svg[\s\S]*nakhoda[\s\S]*<\/svg>\n$/);
  });

  it('parses seed lists and ranges', () => {
    expect(parseSeeds('42-45,50')).toEqual([42, 43, 44, 45, 50]);
    expect(() => parseSeeds('x')).toThrow(InputError);
  });
});

describe('topology replay', () => {
  it('generates the same gang workload for the same seed, within the documented sizes', () => {
    const options = { gangs: 50, load: 0.8, seed: 3, acceleratorsPerNode: 8, capacity: 1024 };
    const a = generateGangWorkload(options);
    expect(generateGangWorkload(options)).toEqual(a);
    expect(a.every((j) => j.accelerators >= 8 && j.accelerators <= 1024)).toBe(true);
    expect(a.every((j, i) => i === 0 || j.arrival >= a[i - 1]!.arrival)).toBe(true);
  });

  it('keeps more gangs in one supernode with nakhoda than topology-unaware best fit', () => {
    const cluster = supernodeCluster({ supernodes: 4, nodesPerSupernode: 8, acceleratorsPerNode: 8, supernodesPerSpine: 2, spinesPerZone: 2 });
    const report = replayTopology(cluster, { gangs: 120, load: 0.9, seed: 5 });
    const by = (label: string) => report.results.find((r) => r.contender === label)!;
    expect(by('nakhoda').inOneTier1Percent).toBeGreaterThan(by('bestfit').inOneTier1Percent);
    expect(report.results.every((r) => r.placedGangs > 0)).toBe(true);
  });
});
