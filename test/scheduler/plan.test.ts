import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIER_LABELS,
  DEVICES_ANNOTATION,
  GPU_MILLI_ANNOTATION,
  GROUP_ANNOTATION,
  nodeAdmitsPod,
  planCycle,
  podRequestFromPod,
  type NodeObject,
  type PodObject,
} from '../../src/scheduler/index.js';

const ready = [{ type: 'Ready', status: 'True' }];
const node = (name: string, hypernode: string, extra: Partial<NodeObject['spec']> = {}): NodeObject => ({
  metadata: { name, labels: { 'volcano.sh/hypernode': hypernode, 'nvidia.com/gpu.product': 'H100' } },
  spec: extra,
  status: { allocatable: { cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '8', pods: '110' }, conditions: ready },
});
const pod = (name: string, gpus: number, extra: { annotations?: Record<string, string>; nodeName?: string } = {}): PodObject => ({
  metadata: { name, namespace: 'train', uid: `uid-${name}`, annotations: extra.annotations ?? {}, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    schedulerName: 'nakhoda',
    ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
    containers: [{ resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { 'nvidia.com/gpu': String(gpus) } } }],
  },
  status: { phase: extra.nodeName ? 'Running' : 'Pending' },
});
const options = { schedulerName: 'nakhoda', tierLabels: DEFAULT_TIER_LABELS, gpuResources: ['nvidia.com/gpu'], policy: 'nakhoda' as const, seed: 1 };

describe('Kubernetes objects to requests', () => {
  it('reads cpu, memory, GPU limits and a fractional share annotation', () => {
    expect(podRequestFromPod(pod('a', 4), ['nvidia.com/gpu'])).toEqual({ cpuMilli: 2000, memoryMiB: 8192, gpuCount: 4, gpuMilli: 1000, gpuModels: [] });
    const share = podRequestFromPod(pod('b', 0, { annotations: { [GPU_MILLI_ANNOTATION]: '250' } }), ['nvidia.com/gpu']);
    expect(share).toMatchObject({ gpuCount: 1, gpuMilli: 250 });
  });

  it('keeps pods off cordoned nodes and untolerated taints', () => {
    expect(nodeAdmitsPod(node('n', 'hn-0', { unschedulable: true }), pod('a', 1))).toBe(false);
    expect(nodeAdmitsPod(node('n', 'hn-0', { taints: [{ key: 'gpu', value: 'reserved', effect: 'NoSchedule' }] }), pod('a', 1))).toBe(false);
    expect(nodeAdmitsPod(node('n', 'hn-0'), pod('a', 1))).toBe(true);
  });
});

describe('planCycle', () => {
  const nodes = [node('n0', 'hn-0'), node('n1', 'hn-0'), node('n2', 'hn-1'), node('n3', 'hn-1')];

  it('does not hand out a GPU a bound pod has recorded', () => {
    const bound = pod('old', 4, { nodeName: 'n0', annotations: { [DEVICES_ANNOTATION]: '0,1,2,3' } });
    const plan = planCycle({ nodes: [nodes[0]!], pods: [bound, pod('new', 4)], podGroups: [], hyperNodes: [] }, options);
    expect(plan.binds).toEqual([expect.objectContaining({ name: 'new', node: 'n0', devices: [4, 5, 6, 7] })]);
  });

  it('waits for a gang until minMember pods exist, then binds them in one supernode', () => {
    const group = { metadata: { name: 'g', namespace: 'train' }, spec: { minMember: 3, networkTopology: { mode: 'hard' as const, highestTierAllowed: 1 } } };
    const member = (i: number) => pod(`g-${i}`, 8, { annotations: { [GROUP_ANNOTATION]: 'g' } });
    const early = planCycle({ nodes, pods: [member(0), member(1)], podGroups: [group], hyperNodes: [] }, options);
    expect(early.binds).toEqual([]);
    expect(early.failures[0]?.message).toMatch(/waits for its pods: 2 of minMember 3 exist/);
    // 3 × 8 GPUs do not fit in a 2-node supernode: nothing is bound, and the reason says so
    const full = planCycle({ nodes, pods: [member(0), member(1), member(2)], podGroups: [group], hyperNodes: [] }, options);
    expect(full.binds).toEqual([]);
    expect(full.failures[0]?.message).toMatch(/needs 3 pods × 8 GPUs inside one tier-1 domain .*largest free block is 2 such pods/);
    expect(full.groups).toEqual([expect.objectContaining({ name: 'g', phase: 'Pending' })]);
  });

  it('names a missing PodGroup instead of scheduling its pods alone', () => {
    const plan = planCycle({ nodes, pods: [pod('x', 1, { annotations: { [GROUP_ANNOTATION]: 'missing' } })], podGroups: [], hyperNodes: [] }, options);
    expect(plan.binds).toEqual([]);
    expect(plan.failures[0]?.message).toMatch(/PodGroup train\/missing does not exist/);
  });
});
