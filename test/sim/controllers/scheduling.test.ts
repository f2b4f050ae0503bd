import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../src/cluster/types.js';
import { placePod, type NodeSnapshot } from '../../../src/sim/controllers/scheduling.js';
import { toAmounts } from '../../../src/sim/controllers/resources.js';

function node(name: string, cpu: string, taints: Array<{ key: string; value?: string; effect: string }> = []): NodeSnapshot {
  const n = { kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { taints }, status: { allocatable: { cpu, memory: '16Gi', pods: '110' } } } as unknown as Node;
  return { node: n, allocatable: toAmounts(n.status!.allocatable as Record<string, string>), requested: {}, podCount: 0, usedHostPorts: new Set() };
}

function pod(cpu: string, extra: Record<string, unknown> = {}): Pod {
  return { kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu } } }], ...extra } } as unknown as Pod;
}

const controlPlaneTaint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

describe('default scheduler placement', () => {
  it('explains an unschedulable pod in kube-scheduler FitError format, preemption included', () => {
    const nodes = [node('worker-0', '2'), node('cp-0', '8', [controlPlaneTaint]), node('cp-1', '8', [controlPlaneTaint])];
    expect(placePod(pod('4'), nodes)).toEqual({
      message:
        '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ' +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    });
  });

  it('places a pod that fits on the least allocated node and honours tolerations', () => {
    const busy = node('worker-0', '4');
    busy.requested = { cpu: 3000 };
    const idle = node('worker-1', '4');
    expect(placePod(pod('500m'), [busy, idle])).toEqual({ nodeName: 'worker-1' });
    const tolerant = pod('500m', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(placePod(tolerant, [node('cp-0', '8', [controlPlaneTaint])])).toEqual({ nodeName: 'cp-0' });
  });

  it('reports node selectors and unbound claims the way the real plugins do', () => {
    const selective = pod('100m', { nodeSelector: { 'nakhoda.io/pool': 'gpu' } });
    expect(placePod(selective, [node('worker-0', '4')])).toEqual({
      message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    });
    expect(placePod(pod('100m'), [node('a', '4'), node('b', '4')], 0, 'pod has unbound immediate PersistentVolumeClaims')).toEqual({
      message: '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    });
  });
});
