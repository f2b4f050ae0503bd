/**
 * Builders shared by the scheduling, storage and accelerator tests: Pending pods with the
 * scheduler's own FailedScheduling event, claims, volumes, classes and GPU nodes.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../src/cluster/types.js';
import { SCENARIOS } from '../../src/doer/index.js';
import { ago, deployment, detect, event, node, obj, ownerRef, readyNodeConditions, runningStatus, type WorkloadOptions } from './fixtures.js';

type Json = Record<string, unknown>;

/** Status of a pod the scheduler could not place, with its condition message. */
export function unschedulableStatus(message: string): Json {
  return {
    phase: 'Pending',
    qosClass: 'Burstable',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: ago(900) }],
  };
}

/** A Deployment whose pods are all Pending with this FailedScheduling message from default-scheduler. */
export function pendingDeployment(name: string, message: string, options: WorkloadOptions = {}) {
  const app = deployment(name, { replicas: 1, ...options, podStatus: unschedulableStatus(message) });
  const events = app.pods.map((p) => event(p, 'Warning', 'FailedScheduling', message, { count: 14, component: 'default-scheduler' }));
  return { ...app, events, objects: [...app.all, ...events] };
}

export function container(name: string, image: string, resources: Json = { requests: { cpu: '500m', memory: '512Mi' } }, extra: Json = {}): Json {
  return { name, image, resources, terminationMessagePolicy: 'FallbackToLogsOnError', ...extra };
}

export function storageClass(name: string, provisioner: string, extra: Json = {}, isDefault = false): KubeObject {
  return obj('StorageClass', 'storage.k8s.io/v1', name, undefined, { provisioner, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', ...extra },
    isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {});
}

export function claim(name: string, namespace: string, spec: Json, status: Json = { phase: 'Pending' }, metadata: Json = {}): KubeObject {
  return obj('PersistentVolumeClaim', 'v1', name, namespace, {
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem', ...spec },
    status,
  }, { finalizers: ['kubernetes.io/pvc-protection'], ...metadata });
}

export function volume(name: string, spec: Json, status: Json = { phase: 'Bound' }, metadata: Json = {}): KubeObject {
  return obj('PersistentVolume', 'v1', name, undefined, {
    spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' }, persistentVolumeReclaimPolicy: 'Delete', volumeMode: 'Filesystem', ...spec },
    status,
  }, { finalizers: ['kubernetes.io/pv-protection'], ...metadata });
}

/** A pod spec mounting a claim. */
export function podWithClaim(claimName: string, image = 'postgres:16'): Json {
  return {
    containers: [container('db', image, { requests: { cpu: '250m', memory: '256Mi' } }, { volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] })],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    restartPolicy: 'Always',
    serviceAccountName: 'default',
  };
}

/** A pod that is scheduled but stuck in ContainerCreating. */
export function containerCreatingStatus(spec: Json): Json {
  const containers = (spec.containers as Array<{ name: string; image: string }>) ?? [];
  return {
    phase: 'Pending',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: ago(900) },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]`, lastTransitionTime: ago(900) },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(900) },
    ],
    containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} })),
  };
}

/** A running pod whose container keeps failing with this last termination message (a log tail). */
export function crashLoopStatus(spec: Json, message: string, exitCode = 1): Json {
  const base = runningStatus(spec) as { containerStatuses: Array<Json>; conditions: Array<Json> };
  return {
    ...base,
    conditions: base.conditions.map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: 'ContainersNotReady' } : c)),
    containerStatuses: base.containerStatuses.map((c) => ({
      ...c, ready: false, started: false, restartCount: 7,
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${c.name as string} pod=x` } },
      lastState: { terminated: { exitCode, reason: 'Error', message, startedAt: ago(400), finishedAt: ago(300) } },
    })),
  };
}

/** A GPU node: labelled and tainted like GPU-operator/GKE nodes, advertising `gpus` (0 = not advertised). */
export function gpuNode(name: string, gpus: number, options: { allocatable?: number; labels?: Record<string, string>; taint?: boolean } = {}): KubeObject {
  const capacity: Record<string, string> = { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '500Gi' };
  const allocatable = { ...capacity };
  if (gpus > 0) {
    capacity['nvidia.com/gpu'] = String(gpus);
    allocatable['nvidia.com/gpu'] = String(options.allocatable ?? gpus);
  }
  return node(name, {
    capacity, allocatable,
    labels: { 'nvidia.com/gpu.present': 'true', 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB', 'nvidia.com/gpu.count': String(gpus || 8), ...(options.labels ?? {}) },
    taints: options.taint === false ? undefined : [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
    conditions: readyNodeConditions(),
  });
}

/** A DaemonSet with one pod per node; `status(nodeName)` gives each pod's status. */
export function daemonSet(name: string, namespace: string, image: string, nodeNames: string[], status: (nodeName: string, spec: Json) => Json, extra: Json = {}) {
  const spec: Json = { containers: [container(name.replace(/-daemonset$/, '-ctr'), image, {})], tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], priorityClassName: 'system-node-critical', ...extra };
  const ds = obj('DaemonSet', 'apps/v1', name, namespace, {
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
    status: { desiredNumberScheduled: nodeNames.length, currentNumberScheduled: nodeNames.length, numberReady: 0, numberMisscheduled: 0 },
  }, { labels: { app: name } });
  const pods = nodeNames.map((n, i) => obj('Pod', 'v1', `${name}-${['x7k2p', 'q9w4r', 'm3n8t', 'b5v1c'][i % 4]}`, namespace, { spec: { ...spec, nodeName: n }, status: status(n, spec) }, {
    labels: { app: name, 'controller-revision-hash': '5d8f9c7b6' }, ownerReferences: [ownerRef(ds)], generateName: `${name}-`,
  }) as Pod);
  return { ds, pods, all: [ds, ...pods] };
}

/** One scenario's positive fixture (with the root cause and an evidence line it must quote) and its look-alike. */
export interface ScenarioCase {
  id: string;
  objects: () => KubeObject[];
  rootCause: { kind: string; name: string };
  evidence: string;
  /** A look-alike or healthy state that must not trigger the scenario. */
  negative: () => KubeObject[];
}

/**
 * The table-driven both-ways check shared by the category tests: every scenario of the category
 * has a case, each names its root cause with the quoted evidence, and stays quiet on its look-alike.
 */
export function describeScenarioCases(category: string, cases: ScenarioCase[], minimum: number, evidenceOf: string): void {
  describe(`${category} scenarios`, () => {
    it(`covers every ${category} scenario in the catalog with a case`, () => {
      const ids = SCENARIOS.filter((s) => s.category === category).map((s) => s.id).sort();
      expect(cases.map((c) => c.id).sort()).toEqual(ids);
      expect(ids.length).toBeGreaterThanOrEqual(minimum);
    });

    for (const c of cases) {
      describe(c.id, () => {
        it(`names the object to change, with ${evidenceOf}`, () => {
          const detections = detect(c.id, c.objects());
          expect(detections.length).toBeGreaterThan(0);
          expect(detections[0].rootCause).toMatchObject(c.rootCause);
          expect(detections.flatMap((d) => d.evidence).join('\n')).toContain(c.evidence);
        });
        it('stays quiet on a look-alike or healthy state', () => {
          expect(detect(c.id, c.negative())).toEqual([]);
        });
      });
    }
  });
}
