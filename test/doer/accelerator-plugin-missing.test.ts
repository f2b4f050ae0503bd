/** Many accelerator nodes without any device plugin pod: one finding, not one per node. */
import { describe, expect, it } from 'vitest';
import { diagnoseObjects, event, node, obj, ownerRef } from './fixtures.js';

const NPU = 'huawei.com/ascend-910';

function npuCluster(pluginless: number) {
  const nodes = Array.from({ length: 3 }, (_, i) =>
    node(`sn-b-${i}`, {
      capacity: { cpu: '192', memory: '1536Gi', pods: '110', [NPU]: '8' },
      allocatable: { cpu: '192', memory: '1536Gi', pods: '110', [NPU]: i < pluginless ? '0' : '8' },
      taints: [{ key: NPU, value: 'present', effect: 'NoSchedule' }],
    }));
  const job = obj('Job', 'batch/v1', 'pretrain', 'training', { spec: { parallelism: 2 }, status: { active: 2 } });
  const pod = obj('Pod', 'v1', 'pretrain-x7k2p', 'training', {
    spec: { containers: [{ name: 'trainer', image: 'mindspore:2.3.0', resources: { requests: { [NPU]: '8' }, limits: { [NPU]: '8' } } }], tolerations: [{ key: NPU, operator: 'Exists', effect: 'NoSchedule' }] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: `0/3 nodes are available: 3 Insufficient ${NPU}. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.` }] },
  }, { ownerReferences: [ownerRef(job)], creationTimestamp: '2026-11-28T09:00:00Z' });
  const failed = event(pod, 'Warning', 'FailedScheduling', `0/3 nodes are available: 3 Insufficient ${NPU}. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.`, { count: 20, component: 'default-scheduler' });
  return [...nodes, job, pod, failed];
}

describe('accelerator nodes whose device plugin never runs', () => {
  it('give one finding naming the plugin DaemonSet, with every node affected', () => {
    const report = diagnoseObjects(npuCluster(3));
    const accelerator = report.findings.filter((f) => f.category === 'accelerator');
    expect(accelerator).toHaveLength(1);
    expect(accelerator[0].rootCause).toEqual({ kind: 'DaemonSet', namespace: 'kube-system', name: 'ascend-device-plugin-daemonset' });
    for (const i of [0, 1, 2]) expect(accelerator[0].affected).toContainEqual({ kind: 'Node', name: `sn-b-${i}` });
    expect(report.findings[0].category).toBe('accelerator');
  });

  it('say nothing about nodes whose devices are allocatable', () => {
    const report = diagnoseObjects(npuCluster(0).filter((o) => o.kind === 'Node'));
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});
