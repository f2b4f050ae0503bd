/**
 * Builders for realistic cluster fixtures: objects carry the uids, ownerReferences, labels and
 * timestamps a real API server would give them, so scenarios see what they see live.
 * Messages in tests must still be copied from the Kubernetes components that emit them.
 */
import { ClusterState } from '../../src/cluster/state.js';
import type { Event, KubeObject, Pod } from '../../src/cluster/types.js';
import { diagnose } from '../../src/doer/engine.js';
import { SCENARIOS } from '../../src/doer/scenarios/index.js';
import type { DiagnosisReport } from '../../src/doer/types.js';

export const NOW = '2026-11-28T10:00:00Z';
let counter = 0;
export const uid = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
export const ago = (seconds: number): string => new Date(Date.parse(NOW) - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

type Json = Record<string, unknown>;

function meta(name: string, namespace: string | undefined, extra: Json = {}): KubeObject['metadata'] {
  return { name, ...(namespace ? { namespace } : {}), uid: uid(), creationTimestamp: ago(3600), ...extra } as KubeObject['metadata'];
}

export function obj(kind: string, apiVersion: string, name: string, namespace: string | undefined, body: Json = {}, metadata: Json = {}): KubeObject {
  return { apiVersion, kind, metadata: meta(name, namespace, metadata), ...body };
}

export function ownerRef(owner: KubeObject): Json {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export interface WorkloadOptions {
  namespace?: string;
  replicas?: number;
  labels?: Record<string, string>;
  /** Pod spec (containers etc.); defaults to one nginx container. */
  podSpec?: Json;
  /** Status for each pod; defaults to Running and Ready. A function gets the pod index. */
  podStatus?: Json | ((index: number) => Json);
  nodeName?: string;
}

const defaultPodSpec = (): Json => ({
  containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } }],
  restartPolicy: 'Always',
  serviceAccountName: 'default',
});

export function runningStatus(spec: Json = defaultPodSpec()): Json {
  const containers = (spec.containers as Array<{ name: string; image: string }>) ?? [];
  return {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: ago(3000) },
      { type: 'Ready', status: 'True', lastTransitionTime: ago(2900) },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: ago(2900) },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(3000) },
    ],
    startTime: ago(3000),
    containerStatuses: containers.map((c) => ({
      name: c.name, image: c.image, imageID: `docker.io/library/${c.image}@sha256:0123`, ready: true, started: true, restartCount: 0,
      state: { running: { startedAt: ago(2950) } }, lastState: {},
    })),
  };
}

/** A Deployment with its ReplicaSet and pods, linked by ownerReferences as the controllers do. */
export function deployment(name: string, options: WorkloadOptions = {}): { deployment: KubeObject; replicaSet: KubeObject; pods: Pod[]; all: KubeObject[] } {
  const namespace = options.namespace ?? 'default';
  const replicas = options.replicas ?? 2;
  const labels = options.labels ?? { app: name };
  const podSpec = options.podSpec ?? defaultPodSpec();
  const hash = '7d9f8b6c5d';
  const ready = (i: number) => {
    const s = typeof options.podStatus === 'function' ? options.podStatus(i) : options.podStatus;
    return s === undefined || (s.phase === 'Running' && JSON.stringify(s).includes('"Ready","status":"True"'));
  };
  const readyCount = Array.from({ length: replicas }, (_, i) => ready(i)).filter(Boolean).length;
  const dep = obj('Deployment', 'apps/v1', name, namespace, {
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, progressDeadlineSeconds: 600 },
    status: {
      observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: readyCount, availableReplicas: readyCount,
      ...(readyCount < replicas ? { unavailableReplicas: replicas - readyCount } : {}),
      conditions: [
        { type: 'Available', status: readyCount >= replicas ? 'True' : 'False', reason: readyCount >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: readyCount >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastUpdateTime: ago(2900), lastTransitionTime: ago(2900) },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}-${hash}" has successfully progressed.`, lastUpdateTime: ago(2900), lastTransitionTime: ago(3600) },
      ],
    },
  }, { labels, generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1' } });
  const rs = obj('ReplicaSet', 'apps/v1', `${name}-${hash}`, namespace, {
    spec: { replicas, selector: { matchLabels: { ...labels, 'pod-template-hash': hash } }, template: { metadata: { labels: { ...labels, 'pod-template-hash': hash } }, spec: podSpec } },
    status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: readyCount, availableReplicas: readyCount, observedGeneration: 1 },
  }, { labels: { ...labels, 'pod-template-hash': hash }, ownerReferences: [ownerRef(dep)] });
  const suffixes = ['abcde', 'fghij', 'klmno', 'pqrst', 'uvwxy', 'z1234', 'z5678', 'z9abc'];
  const pods = Array.from({ length: replicas }, (_, i) => {
    const status = (typeof options.podStatus === 'function' ? options.podStatus(i) : options.podStatus) ?? runningStatus(podSpec);
    const spec = { ...podSpec, ...(status.phase === 'Pending' && !options.nodeName ? {} : { nodeName: options.nodeName ?? `node-${(i % 3) + 1}` }) };
    return obj('Pod', 'v1', `${name}-${hash}-${suffixes[i % suffixes.length]}${i >= suffixes.length ? i : ''}`, namespace, { spec, status }, {
      labels: { ...labels, 'pod-template-hash': hash }, ownerReferences: [ownerRef(rs)], generateName: `${name}-${hash}-`,
    }) as Pod;
  });
  return { deployment: dep, replicaSet: rs, pods, all: [dep, rs, ...pods] };
}

export function node(name: string, options: { labels?: Record<string, string>; capacity?: Record<string, string>; allocatable?: Record<string, string>; conditions?: Json[]; taints?: Json[]; unschedulable?: boolean } = {}): KubeObject {
  const capacity = options.capacity ?? { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return obj('Node', 'v1', name, undefined, {
    spec: { podCIDR: '10.244.1.0/24', ...(options.taints ? { taints: options.taints } : {}), ...(options.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity, allocatable: options.allocatable ?? capacity,
      conditions: options.conditions ?? readyNodeConditions(),
      nodeInfo: { kubeletVersion: 'v1.31.2', containerRuntimeVersion: 'containerd://1.7.22', osImage: 'Ubuntu 22.04.4 LTS', architecture: 'amd64', operatingSystem: 'linux', kernelVersion: '5.15.0-122-generic' },
      addresses: [{ type: 'InternalIP', address: '10.0.0.10' }, { type: 'Hostname', address: name }],
    },
  }, { labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...(options.labels ?? {}) } });
}

export function readyNodeConditions(): Json[] {
  const c = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: ago(10), lastTransitionTime: ago(86400) });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** A core/v1 Event about an object, as the named component records it. */
export function event(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, options: { count?: number; component?: string; host?: string; secondsAgo?: number } = {}): Event {
  const count = options.count ?? 1;
  const last = ago(options.secondsAgo ?? 30);
  return obj('Event', 'v1', `${involved.metadata.name}.${(++counter).toString(16)}`, involved.metadata.namespace ?? 'default', {
    involvedObject: { kind: involved.kind, namespace: involved.metadata.namespace, name: involved.metadata.name, uid: involved.metadata.uid, apiVersion: involved.apiVersion },
    reason, message, type, count,
    source: { component: options.component ?? 'kubelet', ...(options.host ? { host: options.host } : {}) },
    firstTimestamp: ago((options.secondsAgo ?? 30) + (count > 1 ? 600 : 0)), lastTimestamp: last,
    reportingComponent: options.component ?? 'kubelet', reportingInstance: options.host ?? '',
  }) as Event;
}

/** Three healthy worker nodes, to make fixtures look like a cluster. */
export function healthyNodes(): KubeObject[] {
  return ['node-1', 'node-2', 'node-3'].map((n) => node(n));
}

export function stateOf(objects: KubeObject[]): ClusterState {
  return new ClusterState(objects, { now: Date.parse(NOW) });
}

/** Detections of one scenario on these objects. */
export function detect(scenarioId: string, objects: KubeObject[]) {
  const scenario = SCENARIOS.find((s) => s.id === scenarioId);
  if (!scenario) throw new Error(`no scenario ${scenarioId}`);
  return scenario.detect(stateOf(objects));
}

/** The full engine on these objects, as `nakhoda diagnose` runs it. */
export function diagnoseObjects(objects: KubeObject[]): DiagnosisReport {
  return diagnose(stateOf(objects), SCENARIOS, { source: { type: 'file', name: 'fixture' }, generatedAt: new Date(NOW) });
}

/** The first finding that touches an object, as the acceptance checks read the report. */
export function firstFindingFor(report: DiagnosisReport, kind: string, name: string) {
  return report.findings.find((f) => [f.resource, f.rootCause, ...f.affected].some((r) => r.kind === kind && r.name === name));
}
