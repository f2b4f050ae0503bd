/**
 * Small helpers shared by scenario modules: reading pod/container status and quoting
 * evidence in one consistent format.
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName, refOf } from '../../cluster/state.js';
import type { Container, ContainerStatus, Event, KubeObject, ObjectRef, Pod } from '../../cluster/types.js';

export interface ContainerView {
  name: string;
  init: boolean;
  spec?: Container;
  status?: ContainerStatus;
}

/** Init and app containers of a pod, each with its spec and status side by side. */
export function containersOf(pod: Pod): ContainerView[] {
  const views: ContainerView[] = [];
  const add = (specs: Container[] | undefined, statuses: ContainerStatus[] | undefined, init: boolean) => {
    for (const spec of specs ?? []) {
      views.push({ name: spec.name, init, spec, status: statuses?.find((s) => s.name === spec.name) });
    }
    for (const status of statuses ?? []) {
      if (!specs?.some((s) => s.name === status.name)) views.push({ name: status.name, init, status });
    }
  };
  add(pod.spec?.initContainers, pod.status?.initContainerStatuses, true);
  add(pod.spec?.containers, pod.status?.containerStatuses, false);
  return views;
}

/** Pods that are meant to be running now: not finished, not being deleted. */
export function isActivePod(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function podCondition(pod: Pod, type: string) {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** `Pod shop/web-1` — the prefix of every evidence line. */
export function label(ref: ObjectRef | KubeObject): string {
  const r = 'metadata' in ref ? refOf(ref as KubeObject) : (ref as ObjectRef);
  return `${r.kind} ${displayName(r)}`;
}

/** `Pod shop/web-1: Warning BackOff (x12): Back-off restarting failed container ...` */
export function eventLine(subject: ObjectRef | KubeObject, event: Event): string {
  const count = event.count ?? event.series?.count ?? 1;
  const times = count > 1 ? ` (x${count})` : '';
  return `${label(subject)}: ${event.type ?? 'Normal'} ${event.reason ?? ''}${times}: ${(event.message ?? '').trim()}`;
}

/** `Pod shop/web-1: status.containerStatuses[web].state.waiting.reason=ImagePullBackOff` */
export function statusLine(subject: ObjectRef | KubeObject, text: string): string {
  return `${label(subject)}: ${text}`;
}

/** Events about an object matching a reason (and optionally a message pattern), newest first. */
export function eventsMatching(state: ClusterState, subject: ObjectRef | KubeObject, reasons: string | string[], pattern?: RegExp): Event[] {
  const ref = 'metadata' in subject ? refOf(subject as KubeObject) : (subject as ObjectRef);
  const wanted = Array.isArray(reasons) ? reasons : [reasons];
  return state.eventsFor(ref).filter((e) => wanted.includes(e.reason ?? '') && (!pattern || pattern.test(e.message ?? '')));
}

/** `kubectl -n shop ...` (or without -n for cluster-scoped objects). */
export function kubectl(namespace: string | undefined, args: string): string {
  return namespace ? `kubectl -n ${namespace} ${args}` : `kubectl ${args}`;
}

/** `deployment/web` as kubectl takes it. */
export function kubectlRef(ref: ObjectRef): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

/** Seconds between a timestamp and the state's `now` (Infinity when the timestamp is missing). */
export function ageSeconds(state: ClusterState, timestamp: string | undefined): number {
  if (!timestamp) return Infinity;
  return (state.now - Date.parse(timestamp)) / 1000;
}

/**
 * Group symptom pods by the workload a person would edit, so one detection names the
 * Deployment once with all its broken pods.
 */
export function groupByWorkload<T extends { pod: Pod }>(state: ClusterState, items: T[]): Array<{ workload: ObjectRef; items: T[] }> {
  const groups = new Map<string, { workload: ObjectRef; items: T[] }>();
  for (const item of items) {
    const workload = state.workloadOf(item.pod);
    const key = `${workload.kind}/${workload.namespace ?? ''}/${workload.name}`;
    const group = groups.get(key);
    if (group) group.items.push(item);
    else groups.set(key, { workload, items: [item] });
  }
  return [...groups.values()];
}
