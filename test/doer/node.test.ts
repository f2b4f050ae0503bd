import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { ago, deployment, detect, diagnoseObjects, event, firstFindingFor, node, obj } from './fixtures.js';
import { daemonPod, evictedPod, nodeWith, podIn, waiting } from './infra-fixtures.js';

// Condition reasons/messages as pkg/kubelet/nodestatus and the node lifecycle controller set them.
const NOT_READY: Array<{ id: string; status: string; reason: string; message: string; extra?: (n: string) => KubeObject[]; rootCause?: { kind: string; namespace?: string; name: string } }> = [
  { id: 'node.kubelet-stopped-posting', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' },
  { id: 'node.pleg-not-healthy', status: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy: pleg was last seen active 3m18.08s ago; threshold is 3m0s' },
  { id: 'node.container-runtime-down', status: 'False', reason: 'KubeletNotReady', message: '[container runtime is down, PLEG is not healthy: pleg was last seen active 6m12.3s ago; threshold is 3m0s]' },
  {
    id: 'node.cni-not-initialized', status: 'False', reason: 'KubeletNotReady',
    message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    extra: (n) => daemonPod('calico-node', n, false, 'kube-system', 'calico/node is not ready: BIRD is not ready: BGP not established with 10.0.0.11'),
    rootCause: { kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node' },
  },
  { id: 'node.not-ready', status: 'False', reason: 'KubeletNotReady', message: 'Missing node capacity for resources: pods' },
];

function clusterWithNode(broken: KubeObject) {
  const app = deployment('web', { namespace: 'shop', replicas: 2, nodeName: broken.metadata.name });
  return [broken, node('node-2'), node('node-3'), ...app.all];
}

describe.each(NOT_READY)('$id', (c) => {
  const broken = () => nodeWith('node-1', 'Ready', c.status, c.reason, c.message, { heartbeatSecondsAgo: c.status === 'Unknown' ? 900 : 10, taints: [{ key: c.status === 'Unknown' ? 'node.kubernetes.io/unreachable' : 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: ago(800) }] });

  it('blames the node (or the agent breaking it), lists its pods and quotes the condition', () => {
    const [d, ...rest] = detect(c.id, [...clusterWithNode(broken()), ...(c.extra?.('node-1') ?? [])]);
    expect(rest).toEqual([]);
    expect(d.rootCause).toEqual(c.rootCause ?? { kind: 'Node', name: 'node-1' });
    expect(d.affected).toContainEqual({ kind: 'Pod', namespace: 'shop', name: 'web-7d9f8b6c5d-abcde' });
    expect(d.evidence.join('\n')).toContain(`condition Ready=${c.status} (${c.reason})`);
    expect(d.evidence.join('\n')).toContain(c.message);
  });

  it('is the only NotReady scenario claiming the node', () => {
    const claims = NOT_READY.filter((o) => detect(o.id, [...clusterWithNode(broken()), ...(c.extra?.('node-1') ?? [])]).length > 0).map((o) => o.id);
    expect(claims).toEqual([c.id]);
  });

  it('stays quiet for a Ready node and for a node that just turned NotReady', () => {
    expect(detect(c.id, clusterWithNode(node('node-1')))).toEqual([]);
    const justNow = nodeWith('node-1', 'Ready', c.status, c.reason, c.message, { sinceSeconds: 20 });
    expect(detect(c.id, clusterWithNode(justNow))).toEqual([]);
  });
});

// ---- pod networking ------------------------------------------------------------------------------

const FLANNEL_SANDBOX = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "d240b58794a2": plugin type="flannel" failed (add): loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory';
const CALICO_SANDBOX = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "3f2a9c1b7e44": plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/';

function stuckInContainerCreating(nodeName: string, sandboxMessage: string) {
  const dns = podIn('coredns', waiting('coredns', 'registry.k8s.io/coredns/coredns:v1.11.1', 'ContainerCreating', ''), { namespace: 'kube-system', nodeName });
  return [...dns.all, event(dns.pod, 'Warning', 'FailedCreatePodSandBox', sandboxMessage, { count: 1268, host: nodeName })];
}

describe('node.pod-cidr-not-assigned', () => {
  const cluster = (podCIDR: boolean) => {
    const n = node('node-1') as KubeObject & { spec: Record<string, unknown> };
    if (!podCIDR) n.spec = {};
    const flannel = daemonPod('kube-flannel-ds', 'node-1', false, 'kube-system', 'E0415 09:54:21.713567       1 main.go:330] Error registering network: failed to acquire lease: node "node-1" pod cidr not assigned\n');
    return [n, ...flannel, ...stuckInContainerCreating('node-1', FLANNEL_SANDBOX)];
  };

  it('follows ContainerCreating pods through the CNI agent to the node without a pod CIDR', () => {
    const [d] = detect('node.pod-cidr-not-assigned', cluster(false));
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-1' });
    expect(d.resource).toEqual({ kind: 'Pod', namespace: 'kube-system', name: 'coredns-7d9f8b6c5d-abcde' });
    expect(d.evidence[0]).toBe('Pod kube-system/coredns-7d9f8b6c5d-abcde: sandbox network failure ← CNI agent: pod cidr not assigned ← Node node-1: spec.podCIDR empty');
    expect(d.evidence.join('\n')).toContain('pod cidr not assigned');
  });

  it('is the first finding for the stuck pod in a full diagnosis, ahead of the crash-looping agent', () => {
    const finding = firstFindingFor(diagnoseObjects(cluster(false)), 'Pod', 'coredns-7d9f8b6c5d-abcde');
    expect(finding).toMatchObject({ category: 'node', rootCause: { kind: 'Node', name: 'node-1' } });
  });

  it('stays quiet when the node has a pod CIDR', () => {
    expect(detect('node.pod-cidr-not-assigned', cluster(true))).toEqual([]);
  });
});

describe('node.cni-sandbox-failure', () => {
  it('blames the CNI DaemonSet whose pod on that node is not ready', () => {
    const objects = [node('node-1'), node('node-2'), ...daemonPod('calico-node', 'node-1', false), ...stuckInContainerCreating('node-1', CALICO_SANDBOX)];
    const [d] = detect('node.cni-sandbox-failure', objects);
    expect(d.rootCause).toEqual({ kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node' });
    expect(d.affected).toContainEqual({ kind: 'Node', name: 'node-1' });
    expect(d.evidence.join('\n')).toContain('plugin type="calico" failed (add)');
  });

  it('blames the node when its agent runs fine', () => {
    const objects = [node('node-1'), ...daemonPod('calico-node', 'node-1', true), ...stuckInContainerCreating('node-1', CALICO_SANDBOX)];
    expect(detect('node.cni-sandbox-failure', objects)[0].rootCause).toEqual({ kind: 'Node', name: 'node-1' });
  });

  it('waits a couple of minutes before blaming a new pod\'s sandbox failure', () => {
    const objects = [node('node-1'), ...daemonPod('calico-node', 'node-1', false), ...stuckInContainerCreating('node-1', CALICO_SANDBOX)];
    for (const o of objects) if (o.kind === 'Pod' && o.metadata.name.startsWith('coredns')) o.metadata.creationTimestamp = ago(40);
    expect(detect('node.cni-sandbox-failure', objects)).toEqual([]);
  });

  it('ignores old sandbox events of pods that are running now', () => {
    const app = deployment('web', { namespace: 'shop', replicas: 1, nodeName: 'node-1' });
    expect(detect('node.cni-sandbox-failure', [node('node-1'), ...app.all, event(app.pods[0], 'Warning', 'FailedCreatePodSandBox', CALICO_SANDBOX, { secondsAgo: 3000 })])).toEqual([]);
  });
});

// ---- pressure --------------------------------------------------------------------------------------

const PRESSURE = [
  { id: 'node.memory-pressure', type: 'MemoryPressure', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available', ok: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'] },
  { id: 'node.disk-pressure', type: 'DiskPressure', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', ok: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'] },
  { id: 'node.pid-pressure', type: 'PIDPressure', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available', ok: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'] },
  { id: 'node.network-unavailable', type: 'NetworkUnavailable', reason: 'NoRouteCreated', message: 'RouteController failed to create a route', ok: ['RouteCreated', 'RouteController created a route'] },
];

const LOW_MEMORY = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 87412Ki. Container app was using 1843200Ki, request is 256Mi, has larger consumption of memory. ';

describe.each(PRESSURE)('$id', (c) => {
  it('blames the node and lists what was evicted from it', () => {
    const evicted = evictedPod('batch', 'node-1', LOW_MEMORY);
    const [d] = detect(c.id, [nodeWith('node-1', c.type, 'True', c.reason, c.message), node('node-2'), ...evicted.all]);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-1' });
    expect(d.affected).toContainEqual({ kind: 'Pod', namespace: 'default', name: evicted.pod.metadata.name });
    expect(d.evidence[0]).toContain(`condition ${c.type}=True (${c.reason})`);
  });

  it('stays quiet when the condition is False', () => {
    expect(detect(c.id, [nodeWith('node-1', c.type, 'False', c.ok[0], c.ok[1]), node('node-2')])).toEqual([]);
  });
});

describe('pods kept Pending by a node condition', () => {
  const pending = (message: string) => {
    const app = podIn('api', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: ago(600) }] }, { namespace: 'shop' });
    return [...app.all, event(app.pod, 'Warning', 'FailedScheduling', message, { component: 'default-scheduler', count: 20 })];
  };

  it('are listed (with their workload) when the condition taint is the only reason', () => {
    const objects = [nodeWith('node-1', 'DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure', { taints: [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }] }),
      ...pending('0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.')];
    const [d] = detect('node.disk-pressure', objects);
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
  });

  it('are left to scheduling when other nodes refuse them for other reasons', () => {
    const objects = [nodeWith('node-1', 'Ready', 'False', 'KubeletNotReady', 'Missing node capacity for resources: pods'), node('node-2'),
      ...pending('0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.')];
    const [d] = detect('node.not-ready', objects);
    expect(d.affected).not.toContainEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
  });
});

describe('node.evictions', () => {
  it('reports recent evictions on a node that no longer shows pressure as a warning', () => {
    const pods = [...evictedPod('batch', 'node-2', LOW_MEMORY).all, ...evictedPod('web', 'node-2', LOW_MEMORY).all];
    const [d] = detect('node.evictions', [node('node-1'), node('node-2'), ...pods]);
    expect(d).toMatchObject({ rootCause: { kind: 'Node', name: 'node-2' }, severity: 'warning' });
    expect(d.title).toContain('evicted 2 pod(s) for lack of memory');
  });

  it('treats evictions from days ago as history (info) and leaves current pressure to the pressure scenario', () => {
    const [old] = detect('node.evictions', [node('node-2'), ...evictedPod('batch', 'node-2', LOW_MEMORY, 3 * 86400).all]);
    expect(old.severity).toBe('info');
    const underPressure = nodeWith('node-2', 'MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available');
    expect(detect('node.evictions', [underPressure, ...evictedPod('batch', 'node-2', LOW_MEMORY).all])).toEqual([]);
  });
});

describe('node.ephemeral-storage-eviction', () => {
  const message = 'Pod ephemeral local storage usage exceeds the total limit of containers 1Gi. ';
  it('blames the workload whose pods outgrow their ephemeral-storage limit', () => {
    const [d] = detect('node.ephemeral-storage-eviction', [node('node-1'), ...evictedPod('cache', 'node-1', message).all]);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'default', name: 'cache' });
    expect(d.evidence[0]).toContain(message.trim());
  });

  it('ignores old evictions and memory evictions', () => {
    expect(detect('node.ephemeral-storage-eviction', [node('node-1'), ...evictedPod('cache', 'node-1', message, 5 * 86400).all, ...evictedPod('web', 'node-1', LOW_MEMORY).all])).toEqual([]);
  });
});

describe('node.cordoned', () => {
  const cordonedNode = (sinceSeconds: number) => node('node-3', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: ago(sinceSeconds) }] });
  const terminating = (secondsAgo: number) => {
    const app = deployment('ledger', { namespace: 'shop', replicas: 1, nodeName: 'node-3' });
    Object.assign(app.pods[0].metadata, { deletionTimestamp: ago(secondsAgo), deletionGracePeriodSeconds: 30, finalizers: ['ledger.acme.io/flush'] });
    return app.all;
  };

  it('names the cordoned node whose drain is stuck on pods that never finish terminating', () => {
    const [d] = detect('node.cordoned', [node('node-1'), cordonedNode(7200), ...terminating(3600)]);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-3' });
    expect(d.severity).toBeUndefined();
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'shop', name: 'ledger' });
    expect(d.evidence.join('\n')).toContain('finalizers=ledger.acme.io/flush');
  });

  it('a cordon forgotten for days is info; a fresh cordon, or a pod that just started terminating, is nothing', () => {
    const [old] = detect('node.cordoned', [node('node-1'), cordonedNode(10 * 86400)]);
    expect(old.severity).toBe('info');
    expect(detect('node.cordoned', [node('node-1'), cordonedNode(3600), ...terminating(60)])).toEqual([]);
  });
});

describe('node.problem-detector-condition', () => {
  it('reports node-problem-detector problem conditions', () => {
    const n = nodeWith('node-1', 'KernelDeadlock', 'True', 'DockerHung', 'kernel: INFO: task docker:20744 blocked for more than 120 seconds.');
    const [d] = detect('node.problem-detector-condition', [n]);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-1' });
    expect(d.evidence[0]).toContain('KernelDeadlock=True (DockerHung)');
  });

  it('ignores the same conditions when False', () => {
    expect(detect('node.problem-detector-condition', [nodeWith('node-1', 'KernelDeadlock', 'False', 'KernelHasNoDeadlock', 'kernel has no deadlock')])).toEqual([]);
  });
});

describe('node.clock-skew', () => {
  it('reports the NTP problem node-problem-detector records on the node', () => {
    const n = nodeWith('node-1', 'NTPProblem', 'True', 'NTPIsDown', 'NTP service is not running');
    const down = event(n, 'Warning', 'NTPIsDown', 'NTP service is not running', { component: 'ntp-custom-plugin-monitor', host: 'node-1' });
    const [d] = detect('node.clock-skew', [n, down]);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-1' });
    expect(d.evidence.join('\n')).toContain('Warning NTPIsDown: NTP service is not running');
  });

  it('ignores a synchronised node and x509 time errors about other objects (a registry certificate is not a node clock)', () => {
    const n = nodeWith('node-1', 'NTPProblem', 'False', 'NTPIsUp', 'ntp service is up');
    const app = deployment('web', { replicas: 1, nodeName: 'node-1' });
    const pull = event(app.pods[0], 'Warning', 'Failed', 'Failed to pull image "registry.acme.io/web:1": x509: certificate has expired or is not yet valid: current time 2026-11-28T10:00:00Z is before 2026-12-01T00:00:00Z');
    expect(detect('node.clock-skew', [n, ...app.all, pull])).toEqual([]);
  });
});

describe('node findings in a full diagnosis', () => {
  it('pods on an unreachable node point at the node', () => {
    const broken = nodeWith('node-1', 'Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.', { heartbeatSecondsAgo: 900 });
    const finding = firstFindingFor(diagnoseObjects(clusterWithNode(broken)), 'Pod', 'web-7d9f8b6c5d-abcde');
    expect(finding).toMatchObject({ category: 'node', severity: 'critical', rootCause: { kind: 'Node', name: 'node-1' } });
  });

  it('a healthy three-node cluster has no node finding', () => {
    const report = diagnoseObjects(clusterWithNode(node('node-1')));
    expect(report.findings.filter((f) => f.category === 'node')).toEqual([]);
  });

  it('a PersistentVolume-free cluster object list without nodes is not evaluated', () => {
    expect(detect('node.kubelet-stopped-posting', [obj('Namespace', 'v1', 'shop', undefined)])).toEqual([]);
  });
});
