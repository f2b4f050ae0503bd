/**
 * Builders for the config, security, quota, admission and node tests: controllers whose pods the
 * API server refuses (as the replicaset/statefulset controllers record it), pods stuck in a waiting
 * state, and nodes in a given condition. Messages are passed in by the tests, copied from the
 * Kubernetes components that emit them.
 */
import type { KubeObject, Pod } from '../../src/cluster/types.js';
import { ago, deployment, event, node, obj, ownerRef, readyNodeConditions, runningStatus } from './fixtures.js';

type Json = Record<string, unknown>;

export interface Refused {
  workload: KubeObject;
  controller: KubeObject;
  all: KubeObject[];
}

/**
 * A Deployment whose ReplicaSet cannot create any pod: no pods, the replicaset-controller's FailedCreate
 * event (`Error creating: <message>`) and the Deployment's ReplicaFailure condition, as after a refusal.
 */
export function refusedDeployment(name: string, message: string, options: { namespace?: string; replicas?: number; podSpec?: Json; ready?: number } = {}): Refused {
  const replicas = options.replicas ?? 2;
  const ready = options.ready ?? 0;
  const app = deployment(name, { namespace: options.namespace, replicas: ready || 1, podSpec: options.podSpec });
  const dep = app.deployment as KubeObject & { spec: Json; status: Json };
  dep.spec.replicas = replicas;
  dep.status = {
    observedGeneration: 1, replicas: ready, updatedReplicas: ready, readyReplicas: ready, availableReplicas: ready, unavailableReplicas: replicas - ready,
    conditions: [
      { type: 'Available', status: ready ? 'True' : 'False', reason: ready ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastUpdateTime: ago(600), lastTransitionTime: ago(600) },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${app.replicaSet.metadata.name}" is progressing.`, lastUpdateTime: ago(600), lastTransitionTime: ago(600) },
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message, lastUpdateTime: ago(590), lastTransitionTime: ago(590) },
    ],
  };
  const rs = app.replicaSet as KubeObject & { spec: Json; status: Json };
  rs.spec.replicas = replicas;
  rs.status = { replicas: ready, fullyLabeledReplicas: ready, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 };
  const failed = event(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`, { component: 'replicaset-controller', count: 17 });
  const pods = ready ? app.pods : [];
  return { workload: dep, controller: rs, all: [dep, rs, ...pods, failed] };
}

/** A StatefulSet whose controller cannot create ordinal 0 (the pod or its claim), as statefulset-controller reports it. */
export function refusedStatefulSet(name: string, message: string, options: { namespace?: string; replicas?: number; podSpec?: Json; what?: 'Pod' | 'Claim' } = {}): Refused {
  const namespace = options.namespace ?? 'default';
  const labels = { app: name };
  const sts = obj('StatefulSet', 'apps/v1', name, namespace, {
    spec: {
      replicas: options.replicas ?? 1, serviceName: name, selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: options.podSpec ?? { containers: [{ name, image: 'docker.elastic.co/elasticsearch/elasticsearch:7.17.10' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } }],
    },
    status: { observedGeneration: 1, replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0 },
  }, { labels, generation: 1 });
  const text = options.what === 'Claim'
    ? `create Claim data-${name}-0 for Pod ${name}-0 in StatefulSet ${name} failed error: ${message}`
    : `create Pod ${name}-0 in StatefulSet ${name} failed error: ${message}`;
  const failed = event(sts, 'Warning', 'FailedCreate', text, { component: 'statefulset-controller', count: 33 });
  return { workload: sts, controller: sts, all: [sts, failed] };
}

/** A one-replica Deployment whose pod is in the given status (waiting, failed, ...). */
export function podIn(name: string, status: Json, options: { namespace?: string; podSpec?: Json; nodeName?: string } = {}): { pod: Pod; deployment: KubeObject; all: KubeObject[] } {
  const app = deployment(name, { namespace: options.namespace, replicas: 1, podSpec: options.podSpec, podStatus: status, nodeName: options.nodeName });
  return { pod: app.pods[0], deployment: app.deployment, all: app.all };
}

/** Pod status of a container the kubelet will not start (`state.waiting` with reason and message). */
export function waiting(container: string, image: string, reason: string, message: string, phase = 'Pending'): Json {
  return {
    phase,
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: ago(900) },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${container}]`, lastTransitionTime: ago(900) },
      { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${container}]`, lastTransitionTime: ago(900) },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(900) },
    ],
    startTime: ago(900),
    containerStatuses: [{ name: container, image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason, ...(message ? { message } : {}) } }, lastState: {} }],
  };
}

/** Pod status of a container crash-looping, with the last termination's message. */
export function crashLooping(container: string, image: string, terminationMessage: string, exitCode = 1): Json {
  const status = waiting(container, image, 'CrashLoopBackOff', `back-off 5m0s restarting failed container=${container}`, 'Running');
  const statuses = status.containerStatuses as Array<Json>;
  statuses[0].restartCount = 14;
  statuses[0].lastState = { terminated: { exitCode, reason: 'Error', message: terminationMessage, startedAt: ago(330), finishedAt: ago(320) } };
  return status;
}

/** A pod the kubelet evicted, as its status reads afterwards, next to the replacement its ReplicaSet created. */
export function evictedPod(name: string, nodeName: string, message: string, secondsAgo = 600, namespace = 'default'): { pod: Pod; all: KubeObject[] } {
  const app = deployment(name, { namespace, replicas: 1, nodeName: nodeName === 'node-1' ? 'node-2' : 'node-1' });
  const replacement = app.pods[0];
  const pod = JSON.parse(JSON.stringify(replacement)) as Pod;
  pod.metadata.name = `${name}-7d9f8b6c5d-ev1ct`;
  pod.metadata.uid = `${replacement.metadata.uid}-evicted`;
  pod.spec = { ...pod.spec, nodeName } as Pod['spec'];
  pod.status = {
    phase: 'Failed', reason: 'Evicted', message, startTime: ago(secondsAgo + 3600),
    conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastTransitionTime: ago(secondsAgo) }],
    containerStatuses: [{ name: 'app', image: 'nginx:1.27', imageID: '', ready: false, restartCount: 0, started: false, state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', finishedAt: ago(secondsAgo) } }, lastState: {} }],
  } as Pod['status'];
  return { pod, all: [...app.all, pod] };
}

/** Node conditions with one of them replaced (e.g. Ready=False with the kubelet's message). */
export function nodeWith(name: string, type: string, status: string, reason: string, message: string, options: { sinceSeconds?: number; heartbeatSecondsAgo?: number; spec?: Json; taints?: Json[] } = {}): KubeObject {
  const conditions = readyNodeConditions().filter((c) => c.type !== type);
  conditions.push({ type, status, reason, message, lastHeartbeatTime: ago(options.heartbeatSecondsAgo ?? 10), lastTransitionTime: ago(options.sinceSeconds ?? 1800) });
  const n = node(name, { conditions, taints: options.taints }) as KubeObject & { spec: Json };
  if (options.spec) n.spec = { ...n.spec, ...options.spec };
  return n;
}

/** A running pod of a DaemonSet on a node, e.g. the CNI agent (`ready` false makes it crash-loop). */
export function daemonPod(dsName: string, nodeName: string, ready: boolean, namespace = 'kube-system', terminationMessage = ''): KubeObject[] {
  const ds = obj('DaemonSet', 'apps/v1', dsName, namespace, {
    spec: { selector: { matchLabels: { app: dsName } }, template: { metadata: { labels: { app: dsName } }, spec: { containers: [{ name: dsName, image: `${dsName}:v1` }] } } },
    status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: ready ? 1 : 0, numberAvailable: ready ? 1 : 0 },
  });
  const spec = { containers: [{ name: dsName, image: `${dsName}:v1` }], nodeName, hostNetwork: true };
  const status = ready ? runningStatus(spec) : crashLooping(dsName, `${dsName}:v1`, terminationMessage);
  const pod = obj('Pod', 'v1', `${dsName}-x7k2p`, namespace, { spec, status }, { labels: { app: dsName }, ownerReferences: [ownerRef(ds)] });
  return [ds, pod];
}

/** The same controller after the cause was fixed: every replica created and ready (old events linger). */
export function recovered(refused: Refused): KubeObject[] {
  return refused.all.map((o) => {
    if (o !== refused.controller && o !== refused.workload) return o;
    const copy = JSON.parse(JSON.stringify(o)) as KubeObject & { spec: { replicas?: number }; status: Json };
    const replicas = copy.spec.replicas ?? 1;
    copy.status = { ...copy.status, replicas, readyReplicas: replicas, availableReplicas: replicas, currentReplicas: replicas, unavailableReplicas: 0, conditions: [] };
    return copy;
  });
}
