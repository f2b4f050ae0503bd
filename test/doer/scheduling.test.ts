import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/state.js';
import type { KubeObject } from '../../src/cluster/types.js';
import { diagnose } from '../../src/doer/engine.js';
import { SCENARIOS } from '../../src/doer/scenarios/index.js';
import { parseFitError, primaryReason } from '../../src/doer/scenarios/scheduling/fit-error.js';
import { ago, deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, node, obj, ownerRef, runningStatus } from './fixtures.js';
import { claim, container, pendingDeployment, storageClass, unschedulableStatus, volume, describeScenarioCases, type ScenarioCase } from './placement-fixtures.js';

// Reasons as kube-scheduler's plugins print them (pkg/scheduler/framework/plugins/*) and FitError's
// "0/N nodes are available: ... preemption: ..." format.
const NO_VICTIMS = 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
const NOT_HELPFUL = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';

describe('FailedScheduling message parsing', () => {
  it('reads counts, reasons, taints and the preemption tail of current and old formats', () => {
    const current = parseFitError('0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {dedicated: ml}. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.')!;
    expect(current.total).toBe(5);
    expect(current.reasons.map((r) => [r.count, r.kind])).toEqual([[2, 'insufficient'], [3, 'taint']]);
    expect(current.reasons[1]).toMatchObject({ taintKey: 'dedicated', taintValue: 'ml' });
    expect(current.preemption).toContain('Preemption is not helpful');
    expect(primaryReason(current)).toMatchObject({ kind: 'insufficient', resource: 'cpu' });

    const old = parseFitError('0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn\'t tolerate, 2 node(s) didn\'t match node selector.')!;
    expect(old.reasons.map((r) => r.kind)).toEqual(['taint', 'node-selector']);
    expect(old.reasons[0].taintKey).toBe('node-role.kubernetes.io/master');

    const legacy = parseFitError('No nodes are available that match all of the following predicates:: Insufficient memory (2), MatchNodeSelector (1).')!;
    expect(legacy.reasons.map((r) => r.kind)).toEqual(['insufficient', 'node-selector']);

    expect(primaryReason(parseFitError('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.')!)?.kind).toBe('unbound-pvc');
    expect(parseFitError('persistentvolumeclaim "data-db-0" not found')?.reasons[0]).toMatchObject({ kind: 'pvc-missing', claim: 'data-db-0' });
    expect(parseFitError('Successfully assigned default/x to node-1')).toBeUndefined();
    // Volcano's pod conditions and events.
    expect(primaryReason(parseFitError('pod group is not ready, 4 Pending, 4 minAvailable; Pending: 4 Unschedulable. Origin reason is llama-worker-0: 0/4 nodes are unavailable: 4 Insufficient nvidia.com/gpu.')!)).toMatchObject({ kind: 'insufficient', resource: 'nvidia.com/gpu', count: 4 });
    expect(primaryReason(parseFitError('all nodes are unavailable: 3 node(s) pod number exceeded.')!)?.kind).toBe('too-many-pods');
  });
});

/** A realistic case for each scenario: the objects, and what the finding must name. */
const cpuHeavy = (cpu: string) => ({ containers: [container('api', 'ghcr.io/acme/api:2.3.1', { requests: { cpu, memory: '1Gi' } })], restartPolicy: 'Always' });
const healthyApp = () => deployment('api', { namespace: 'shop' }).all;

const cases: ScenarioCase[] = [
  {
    id: 'scheduling.insufficient-resources',
    objects: () => [...healthyNodes(), ...pendingDeployment('api', `0/3 nodes are available: 3 Insufficient cpu. ${NO_VICTIMS}`, { namespace: 'shop', podSpec: cpuHeavy('6') }).objects],
    rootCause: { kind: 'Deployment', name: 'api' },
    evidence: '3 Insufficient cpu',
    // Same message, but the pod is younger than a minute: the scheduler may still place it.
    negative: () => {
      const app = pendingDeployment('api', `0/3 nodes are available: 3 Insufficient cpu. ${NO_VICTIMS}`, { namespace: 'shop', podSpec: cpuHeavy('6') });
      app.pods[0].metadata.creationTimestamp = ago(20);
      return [...healthyNodes(), ...app.objects];
    },
  },
  {
    id: 'scheduling.request-exceeds-node-capacity',
    objects: () => [...healthyNodes(), ...pendingDeployment('api', `0/3 nodes are available: 3 Insufficient cpu. ${NOT_HELPFUL}`, { namespace: 'shop', podSpec: cpuHeavy('64') }).objects],
    rootCause: { kind: 'Deployment', name: 'api' },
    evidence: 'largest status.allocatable.cpu = 8',
    negative: () => [...healthyNodes(), ...pendingDeployment('api', `0/3 nodes are available: 3 Insufficient cpu. ${NO_VICTIMS}`, { namespace: 'shop', podSpec: cpuHeavy('6') }).objects],
  },
  {
    id: 'scheduling.untolerated-taint',
    objects: () => [
      node('node-1'), node('node-2'),
      node('ml-1', { labels: { dedicated: 'ml' }, taints: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }] }),
      ...pendingDeployment('trainer', "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: ml}, 2 node(s) didn't match Pod's node affinity/selector. " + NOT_HELPFUL, {
        namespace: 'ml', podSpec: { ...cpuHeavy('2'), nodeSelector: { dedicated: 'ml' } },
      }).objects,
    ],
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'untolerated taint {dedicated: ml}',
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.node-selector-mismatch',
    objects: () => [...healthyNodes(), ...pendingDeployment('web', "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. " + NOT_HELPFUL, {
      namespace: 'shop', podSpec: { ...cpuHeavy('100m'), nodeSelector: { disktype: 'ssd' } },
    }).objects],
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'spec.nodeSelector={"disktype":"ssd"}',
    // A GPU-model selector is the accelerator scenarios' business, not this one's.
    negative: () => [...healthyNodes(), ...pendingDeployment('llm', "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. " + NOT_HELPFUL, {
      namespace: 'ml', podSpec: { containers: [container('vllm', 'vllm/vllm-openai:v0.6.3', { limits: { 'nvidia.com/gpu': '1' } })], nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
    }).objects],
  },
  {
    id: 'scheduling.pod-affinity-unsatisfied',
    objects: () => {
      const cache = deployment('cache', { namespace: 'shop', replicas: 0, labels: { app: 'cache' } });
      const web = pendingDeployment('web', "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. " + NOT_HELPFUL, {
        namespace: 'shop',
        podSpec: { ...cpuHeavy('100m'), affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' }] } } },
      });
      return [...healthyNodes(), ...cache.all, ...web.objects];
    },
    rootCause: { kind: 'Deployment', name: 'cache' },
    evidence: "didn't match pod affinity rules",
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.pod-anti-affinity-unsatisfied',
    objects: () => {
      const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'zk' } }, topologyKey: 'kubernetes.io/hostname' }] } };
      const zk = deployment('zk', { namespace: 'data', replicas: 4, labels: { app: 'zk' }, podSpec: { ...cpuHeavy('500m'), affinity: anti }, podStatus: (i) => (i < 3 ? runningStatus() : unschedulableStatus("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. " + NO_VICTIMS)) });
      zk.pods[3].spec!.nodeName = undefined;
      return [...healthyNodes(), ...zk.all, event(zk.pods[3], 'Warning', 'FailedScheduling', "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. " + NO_VICTIMS, { component: 'default-scheduler', count: 9 })];
    },
    rootCause: { kind: 'Deployment', name: 'zk' },
    evidence: '3 distinct kubernetes.io/hostname value(s)',
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.existing-pods-anti-affinity',
    objects: () => {
      const repel = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { tier: 'batch' } }, topologyKey: 'kubernetes.io/hostname' }] } };
      const db = deployment('db', { namespace: 'shop', replicas: 3, labels: { app: 'db' }, podSpec: { ...cpuHeavy('1'), affinity: repel } });
      const batch = pendingDeployment('report', "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules. " + NO_VICTIMS, { namespace: 'shop', labels: { app: 'report', tier: 'batch' }, podSpec: cpuHeavy('1') });
      return [...healthyNodes(), ...db.all, ...batch.objects];
    },
    rootCause: { kind: 'Deployment', name: 'db' },
    evidence: "didn't satisfy existing pods anti-affinity rules",
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.topology-spread-unsatisfiable',
    objects: () => [...healthyNodes(), ...pendingDeployment('web', "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label). " + NOT_HELPFUL, {
      namespace: 'shop', podSpec: { ...cpuHeavy('100m'), topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] },
    }).objects],
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'topologyKey=topology.kubernetes.io/zone',
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.host-port-conflict',
    objects: () => [...healthyNodes(), ...pendingDeployment('ingress', "0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports. " + NO_VICTIMS, {
      namespace: 'ingress', podSpec: { containers: [container('nginx', 'nginx:1.27', { requests: { cpu: '100m' } }, { ports: [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }] })] },
    }).objects],
    rootCause: { kind: 'Deployment', name: 'ingress' },
    evidence: 'hostPort = 80/TCP',
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.nodes-cordoned',
    objects: () => [node('node-1', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), ...pendingDeployment('api', '0/1 nodes are available: 1 node(s) were unschedulable. ' + NOT_HELPFUL, { namespace: 'shop', podSpec: cpuHeavy('100m') }).objects],
    rootCause: { kind: 'Node', name: 'node-1' },
    evidence: 'spec.unschedulable=true',
    // Cordoned node, but pending for another reason (cpu on the remaining nodes) → not this scenario.
    negative: () => [node('node-1', { unschedulable: true }), node('node-2'), ...pendingDeployment('api', `0/2 nodes are available: 1 node(s) were unschedulable, 1 Insufficient cpu. ${NO_VICTIMS}`, { namespace: 'shop', podSpec: cpuHeavy('6') }).objects],
  },
  {
    id: 'scheduling.node-pod-limit-reached',
    objects: () => {
      const full = node('edge-1', { capacity: { cpu: '4', memory: '8Gi', pods: '2' } });
      const running = deployment('agent', { namespace: 'edge', replicas: 2, nodeName: 'edge-1' });
      return [full, ...running.all, ...pendingDeployment('api', '0/1 nodes are available: 1 Too many pods. ' + NO_VICTIMS, { namespace: 'edge', podSpec: cpuHeavy('100m') }).objects];
    },
    rootCause: { kind: 'Node', name: 'edge-1' },
    evidence: 'allocatable.pods=2',
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.volume-node-affinity-conflict',
    objects: () => {
      const zoned = (n: string, zone: string) => node(n, { labels: { 'topology.kubernetes.io/zone': zone } });
      const pv = volume('pvc-5f1c', { storageClassName: 'gp2', claimRef: { namespace: 'data', name: 'data-pg-0' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] }] } } });
      const pvc = claim('data-pg-0', 'data', { storageClassName: 'gp2', volumeName: 'pvc-5f1c' }, { phase: 'Bound', capacity: { storage: '10Gi' } });
      const pg = pendingDeployment('pg', "0/2 nodes are available: 2 node(s) had volume node affinity conflict. " + NOT_HELPFUL, { namespace: 'data', podSpec: { containers: [container('pg', 'postgres:16')], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-pg-0' } }] } });
      return [zoned('node-b1', 'us-east-1b'), zoned('node-c1', 'us-east-1c'), pv, pvc, ...pg.objects];
    },
    rootCause: { kind: 'PersistentVolume', name: 'pvc-5f1c' },
    evidence: 'PersistentVolume pvc-5f1c requires topology.kubernetes.io/zone In (us-east-1a)',
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.node-volume-limit-reached',
    objects: () => [...healthyNodes(), ...pendingDeployment('pg', '0/3 nodes are available: 3 node(s) exceed max volume count. ' + NOT_HELPFUL, { namespace: 'data', podSpec: cpuHeavy('100m') }).objects],
    rootCause: { kind: 'Deployment', name: 'pg' },
    evidence: 'exceed max volume count',
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.pod-waiting-for-volume-claim',
    objects: () => [...healthyNodes(), ...pendingDeployment('pg', '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. ' + NOT_HELPFUL, { namespace: 'data', podSpec: { containers: [container('pg', 'postgres:16')], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'pg-data' } }] } }).objects],
    rootCause: { kind: 'Deployment', name: 'pg' },
    evidence: 'pod has unbound immediate PersistentVolumeClaims',
    negative: () => [...healthyNodes(), ...healthyApp()],
  },
  {
    id: 'scheduling.priorityclass-missing',
    objects: () => {
      const app = deployment('api', { namespace: 'shop', replicas: 2, podSpec: { ...cpuHeavy('100m'), priorityClassName: 'high-priority' } });
      const pods = app.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
      const rest = app.all.filter((o) => o.kind !== 'Pod' || !pods.includes(`${o.metadata.namespace}/${o.metadata.name}`));
      return [...healthyNodes(), ...rest, obj('PriorityClass', 'scheduling.k8s.io/v1', 'system-cluster-critical', undefined, { value: 2000000000 }),
        event(app.replicaSet, 'Warning', 'FailedCreate', 'Error creating: pods "api-7d9f8b6c5d-" is forbidden: no PriorityClass with name high-priority was found', { component: 'replicaset-controller', count: 17 })];
    },
    rootCause: { kind: 'PriorityClass', name: 'high-priority' },
    evidence: 'no PriorityClass with name high-priority was found',
    negative: () => {
      const app = deployment('api', { namespace: 'shop', podSpec: { ...cpuHeavy('100m'), priorityClassName: 'high-priority' } });
      return [...healthyNodes(), ...app.all, obj('PriorityClass', 'scheduling.k8s.io/v1', 'high-priority', undefined, { value: 100000 })];
    },
  },
  {
    id: 'scheduling.scheduler-not-running',
    objects: () => {
      const job = deployment('trainer', { namespace: 'ml', replicas: 2, podSpec: { ...cpuHeavy('1'), schedulerName: 'volcano' }, podStatus: { phase: 'Pending', qosClass: 'Burstable' } });
      for (const p of job.pods) p.metadata.creationTimestamp = ago(1800);
      return [...healthyNodes(), ...job.all];
    },
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'spec.schedulerName=volcano',
    // Volcano runs: another pod with that schedulerName is placed.
    negative: () => {
      const placed = deployment('placed', { namespace: 'ml', replicas: 1, podSpec: { ...cpuHeavy('1'), schedulerName: 'volcano' } });
      const waiting = deployment('trainer', { namespace: 'ml', replicas: 1, podSpec: { ...cpuHeavy('1'), schedulerName: 'volcano' }, podStatus: { phase: 'Pending' } });
      return [...healthyNodes(), ...placed.all, ...waiting.all];
    },
  },
  {
    id: 'scheduling.node-name-not-found',
    objects: () => [...healthyNodes(), ...deployment('pinned', { namespace: 'ops', replicas: 1, nodeName: 'node-9', podStatus: { phase: 'Pending' } }).all],
    rootCause: { kind: 'Deployment', name: 'pinned' },
    evidence: 'spec.nodeName=node-9',
    negative: () => [...healthyNodes(), ...deployment('pinned', { namespace: 'ops', replicas: 1, nodeName: 'node-2' }).all],
  },
  {
    id: 'scheduling.scheduling-gates-not-removed',
    objects: () => {
      const app = deployment('batch', { namespace: 'research', replicas: 1, podSpec: { ...cpuHeavy('1'), schedulingGates: [{ name: 'kueue.x-k8s.io/admission' }] }, podStatus: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }] } });
      return [...healthyNodes(), ...app.all];
    },
    rootCause: { kind: 'Deployment', name: 'batch' },
    evidence: 'kueue.x-k8s.io/admission',
    // Gated for a few seconds only: the gate's controller is still working.
    negative: () => {
      const app = deployment('batch', { namespace: 'research', replicas: 1, podSpec: { ...cpuHeavy('1'), schedulingGates: [{ name: 'kueue.x-k8s.io/admission' }] }, podStatus: { phase: 'Pending' } });
      for (const p of app.pods) p.metadata.creationTimestamp = ago(30);
      return [...healthyNodes(), ...app.all];
    },
  },
  {
    id: 'scheduling.pods-preempted',
    objects: () => {
      const app = deployment('batch-etl', { namespace: 'data', replicas: 2 });
      return [...healthyNodes(), ...app.all, ...app.pods.map((p, i) => event(p, 'Normal', 'Preempted', `Preempted by pod 6b1f0c2e-9d4a-4b7e-8c3f-2a1d5e6f7a8${i} on node node-${i + 1}`, { component: 'default-scheduler', count: 2 }))];
    },
    rootCause: { kind: 'Deployment', name: 'batch-etl' },
    evidence: 'Preempted by pod 6b1f0c2e',
    // A single preemption is priorities working as designed.
    negative: () => {
      const app = deployment('batch-etl', { namespace: 'data', replicas: 1 });
      return [...healthyNodes(), ...app.all, event(app.pods[0], 'Normal', 'Preempted', 'Preempted by pod 6b1f0c2e-9d4a-4b7e-8c3f-2a1d5e6f7a80 on node node-1', { component: 'default-scheduler' })];
    },
  },
];

describeScenarioCases('scheduling', cases, 14, "the scheduler's evidence");

describe('scheduling scenarios, beyond the table', () => {
  it('attributes each pending pod to exactly one scheduling scenario', () => {
    for (const c of cases) {
      const objects = c.objects();
      const pending = objects.find((o) => o.kind === 'Pod' && (o as { status?: { conditions?: Array<{ reason?: string }> } }).status?.conditions?.some((x) => x.reason === 'Unschedulable'));
      if (!pending) continue;
      const state = new ClusterState(objects, { now: Date.parse('2026-11-28T10:00:00Z') });
      const claimedBy = SCENARIOS.filter((s) => s.category === 'scheduling' && s.detect(state).some((d) => d.resource.name === pending.metadata.name)).map((s) => s.id);
      expect(claimedBy, c.id).toEqual([c.id]);
    }
  });
});

describe('pending pods that are being handled', () => {
  it('leaves a pod alone while the cluster autoscaler is adding a node for it', () => {
    const app = pendingDeployment('api', `0/3 nodes are available: 3 Insufficient cpu. ${NO_VICTIMS}`, { namespace: 'shop', podSpec: cpuHeavy('6') });
    const scaleUp = event(app.pods[0], 'Normal', 'TriggeredScaleUp', 'pod triggered scale-up: [{eks-workers-7cc5 3->4 (max: 10)}]', { component: 'cluster-autoscaler', secondsAgo: 90 });
    expect(detect('scheduling.insufficient-resources', [...healthyNodes(), ...app.objects, scaleUp])).toEqual([]);
  });
});

describe('scheduling in a full diagnosis', () => {
  it('folds "pod has unbound immediate PersistentVolumeClaims" into the missing-StorageClass finding', () => {
    const pg = pendingDeployment('pg', '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. ' + NOT_HELPFUL, { namespace: 'data', podSpec: { containers: [container('pg', 'postgres:16')], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'pg-data' } }] } });
    const pvc = claim('pg-data', 'data', { storageClassName: 'fast-ssd' });
    const report = diagnoseObjects([...healthyNodes(), storageClass('standard', 'pd.csi.storage.gke.io', {}, true), pvc, ...pg.objects,
      event(pvc, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found', { component: 'persistentvolume-controller', count: 12 })]);
    const first = firstFindingFor(report, 'Pod', pg.pods[0].metadata.name)!;
    expect(first.category).toBe('storage');
    expect(first.rootCause).toEqual({ kind: 'StorageClass', name: 'fast-ssd' });
    expect(report.findings.some((f) => f.scenario === 'scheduling.pod-waiting-for-volume-claim')).toBe(false);
  });

  it('diagnoses example 021 (affinity + anti-affinity, third replica) with a labelled root cause', () => {
    const dir = '../shared/data/diagnosis-examples/021-scheduling-pod-affinity-antiaffinity-third-replica';
    const list = JSON.parse(readFileSync(new URL(`../../${dir}/snapshot.json`, import.meta.url), 'utf8')) as { items: KubeObject[] };
    const label = JSON.parse(readFileSync(new URL(`../../${dir}/label.json`, import.meta.url), 'utf8')) as { symptom: { kind: string; name: string }; category: string; rootCause: Array<{ kind: string; name: string }> };
    const report = diagnose(new ClusterState(list.items), SCENARIOS, { source: { type: 'file', name: '021' } });
    const first = firstFindingFor(report, label.symptom.kind, label.symptom.name)!;
    expect(first.category).toBe(label.category);
    expect(label.rootCause.some((r) => r.kind === first.rootCause.kind && r.name === first.rootCause.name)).toBe(true);
    expect(first.evidence.join('\n')).toContain("2 node(s) didn't match pod anti-affinity rules");
  });

  it('names the control-plane Node when a single-node cluster keeps its control-plane taint', () => {
    const cp = node('kind-control-plane', { labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
    const app = pendingDeployment('web', '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ' + NOT_HELPFUL, { namespace: 'default', podSpec: cpuHeavy('100m') });
    const report = diagnoseObjects([cp, ...app.objects]);
    const first = firstFindingFor(report, 'Pod', app.pods[0].metadata.name)!;
    expect(first.scenario).toBe('scheduling.untolerated-taint');
    expect(first.rootCause).toEqual({ kind: 'Node', name: 'kind-control-plane' });
    expect(first.remediation.join('\n')).toContain('kubectl taint nodes kind-control-plane node-role.kubernetes.io/control-plane-');
  });

  it('produces no scheduling finding for a healthy cluster with a DaemonSet skipping tainted nodes', () => {
    const tainted = node('gpu-1', { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] });
    const ds = obj('DaemonSet', 'apps/v1', 'fluentd', 'logging', { spec: { selector: { matchLabels: { app: 'fluentd' } } }, status: { desiredNumberScheduled: 3, numberReady: 3, currentNumberScheduled: 3 } });
    const pods = ['node-1', 'node-2', 'node-3'].map((n) => obj('Pod', 'v1', `fluentd-${n}`, 'logging', { spec: { nodeName: n, containers: [container('fluentd', 'fluent/fluentd:v1.17')] }, status: runningStatus({ containers: [{ name: 'fluentd', image: 'fluent/fluentd:v1.17' }] }) }, { ownerReferences: [ownerRef(ds)] }));
    const report = diagnoseObjects([...healthyNodes(), tainted, ds, ...pods, ...healthyApp()]);
    expect(report.findings.filter((f) => f.category === 'scheduling')).toEqual([]);
  });
});
