/**
 * Builders for pods whose containers fail (image, crash, oom, probe tests): a Deployment (or
 * StatefulSet) whose pods carry the container status the kubelet writes, plus the kubelet's events.
 */
import { readFileSync } from 'node:fs';
import { ClusterState } from '../../src/cluster/state.js';
import type { Event, KubeObject, Pod } from '../../src/cluster/types.js';
import { diagnose } from '../../src/doer/engine.js';
import { SCENARIOS } from '../../src/doer/scenarios/index.js';
import { ago, deployment, event, healthyNodes, obj, ownerRef } from './fixtures.js';

type Json = Record<string, unknown>;

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: Json;
  lastTerminated?: Json;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
}

export function containerStatus(name: string, image: string, s: ContainerState): Json {
  return {
    name, image, imageID: s.running || s.lastTerminated ? `${image.split(':')[0]}@sha256:4f1c2a` : '',
    ready: s.ready ?? false, started: s.started ?? !!s.running, restartCount: s.restartCount ?? 0,
    state: s.waiting ? { waiting: s.waiting } : s.terminated ? { terminated: s.terminated } : { running: s.running ?? { startedAt: ago(600) } },
    lastState: s.lastTerminated ? { terminated: s.lastTerminated } : {},
  };
}

/** A terminated record as the kubelet stores it (lastState.terminated / state.terminated). */
export function terminated(reason: string, exitCode: number, options: { message?: string; ranSeconds?: number; finishedSecondsAgo?: number } = {}): Json {
  const finished = options.finishedSecondsAgo ?? 60;
  return {
    containerID: 'containerd://8c1d9a3f0b7e', exitCode, reason,
    startedAt: ago(finished + (options.ranSeconds ?? 300)), finishedAt: ago(finished),
    ...(options.message ? { message: options.message } : {}),
  };
}

export function podStatus(containerStatuses: Json[], options: { phase?: string; initContainerStatuses?: Json[] } = {}): Json {
  const ready = containerStatuses.every((c) => c.ready);
  const notReady = containerStatuses.filter((c) => !c.ready).map((c) => c.name);
  return {
    phase: options.phase ?? 'Running',
    conditions: [
      { type: 'Initialized', status: options.initContainerStatuses?.some((c) => !c.ready) ? 'False' : 'True', lastTransitionTime: ago(3000) },
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: ago(3000), ...(ready ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${notReady.join(' ')}]` }) },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: ago(3000) },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(3100) },
    ],
    hostIP: '10.0.0.11', podIP: '10.244.1.23', startTime: ago(3000), qosClass: 'Burstable',
    containerStatuses,
    ...(options.initContainerStatuses ? { initContainerStatuses: options.initContainerStatuses } : {}),
  };
}

export interface BrokenOptions {
  namespace?: string;
  replicas?: number;
  /** The container spec (name and image required). */
  container: Json;
  initContainers?: Json[];
  volumes?: Json[];
  imagePullSecrets?: Json[];
  /** Status of the named container in each pod. */
  state: ContainerState;
  initState?: ContainerState;
  phase?: string;
  /** kubelet events for each pod. */
  events?: (pod: Pod) => Event[];
}

/** A Deployment whose pods all have one container in the given state, with the kubelet's events. */
export function brokenDeployment(name: string, o: BrokenOptions) {
  const c = o.container as { name: string; image: string };
  const podSpec: Json = {
    containers: [o.container], restartPolicy: 'Always', serviceAccountName: 'default',
    ...(o.initContainers ? { initContainers: o.initContainers } : {}),
    ...(o.volumes ? { volumes: o.volumes } : {}),
    ...(o.imagePullSecrets ? { imagePullSecrets: o.imagePullSecrets } : {}),
  };
  const initStatuses = o.initContainers && o.initState ? [containerStatus((o.initContainers[0] as { name: string }).name, (o.initContainers[0] as { image: string }).image, o.initState)] : undefined;
  const app = deployment(name, {
    namespace: o.namespace ?? 'shop', replicas: o.replicas ?? 1, podSpec,
    // Pods pulling images or creating containers are Pending yet already bound to a node.
    ...(o.phase === 'Pending' ? { nodeName: 'node-1' } : {}),
    podStatus: podStatus([containerStatus(c.name, c.image, o.state)], { phase: o.phase, initContainerStatuses: initStatuses }),
  });
  const events = app.pods.flatMap((p) => o.events?.(p) ?? []);
  return { app, pods: app.pods, objects: [...healthyNodes(), ...app.all, ...events] as KubeObject[] };
}

/** A StatefulSet with its pods (name-0, name-1, ...), each given its own status. */
export function statefulSet(name: string, namespace: string, podSpec: Json, statuses: Json[]) {
  const labels = { app: name };
  const ready = statuses.filter((s) => JSON.stringify(s).includes('"Ready","status":"True"')).length;
  const sts = obj('StatefulSet', 'apps/v1', name, namespace, {
    spec: { replicas: statuses.length, serviceName: name, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
    status: { replicas: statuses.length, readyReplicas: ready, currentReplicas: statuses.length, updatedReplicas: statuses.length, availableReplicas: ready },
  }, { labels });
  const pods = statuses.map((status, i) => obj('Pod', 'v1', `${name}-${i}`, namespace, { spec: { ...podSpec, nodeName: `node-${(i % 3) + 1}` }, status }, {
    labels: { ...labels, 'statefulset.kubernetes.io/pod-name': `${name}-${i}` }, ownerReferences: [ownerRef(sts)],
  }) as Pod);
  return { sts, pods, all: [sts, ...pods] as KubeObject[] };
}

export { event };

/** A shared diagnosis example (snapshot.json + label.json) run through the full engine. */
export function diagnoseExample(name: string) {
  const dir = `/work/shared/data/diagnosis-examples/${name}`;
  const list = JSON.parse(readFileSync(`${dir}/snapshot.json`, 'utf8')) as { items: KubeObject[] };
  const label = JSON.parse(readFileSync(`${dir}/label.json`, 'utf8')) as {
    symptom: { kind: string; namespace?: string; name: string };
    category: string;
    rootCause: Array<{ kind: string; namespace?: string; name: string }>;
  };
  const report = diagnose(new ClusterState(list.items), SCENARIOS, { source: { type: 'file', name } });
  return { report, label };
}
