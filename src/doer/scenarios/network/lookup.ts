/**
 * Indexed look-ups shared by the network, rollout, job and autoscaling scenarios. Each index is
 * built once per ClusterState (cached in a WeakMap), so a scenario that asks "which pods does
 * this Service select" for every Service stays O(objects) instead of Services × pods.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { refOf } from '../../../cluster/state.js';
import { matchesMap } from '../../../cluster/selectors.js';
import type { Ingress, KubeObject, ObjectRef, Pod, PodSpec, Service } from '../../../cluster/types.js';
import { isActivePod } from '../util.js';

/** Appends to the list under a key (creating it), without copying the list. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function cached<T>(cache: WeakMap<ClusterState, T>, state: ClusterState, build: () => T): T {
  let value = cache.get(state);
  if (value === undefined) {
    value = build();
    cache.set(state, value);
  }
  return value;
}

const podsByLabelCache = new WeakMap<ClusterState, Map<string, Pod[]>>();

/** Pods indexed by `namespace \0 key=value` for each of their labels. */
function podsByLabel(state: ClusterState): Map<string, Pod[]> {
  return cached(podsByLabelCache, state, () => {
    const index = new Map<string, Pod[]>();
    for (const pod of state.pods) {
      const ns = pod.metadata.namespace ?? 'default';
      for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
        const key = `${ns}\u0000${k}=${v}`;
        const list = index.get(key);
        if (list) list.push(pod);
        else index.set(key, [pod]);
      }
    }
    return index;
  });
}

/** Pods a Service-style selector (plain map) selects in a namespace, using the label index. */
export function podsSelectedBy(state: ClusterState, namespace: string, selector: Record<string, string> | undefined): Pod[] {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return [];
  const index = podsByLabel(state);
  let smallest: Pod[] | undefined;
  for (const [k, v] of entries) {
    const bucket = index.get(`${namespace}\u0000${k}=${v}`);
    if (!bucket) return [];
    if (!smallest || bucket.length < smallest.length) smallest = bucket;
  }
  return (smallest ?? []).filter((p) => matchesMap(selector, p.metadata.labels));
}

/** A Service that selects pods (not ExternalName, has a selector), with the pods it selects. */
export interface SelectorService {
  service: Service;
  /** Every selected pod, finished ones included. */
  all: Pod[];
  /** Selected pods meant to be running now. */
  active: Pod[];
}

const selectorServiceCache = new WeakMap<ClusterState, SelectorService[]>();

/** Services with selectors and their selected pods, computed once per state for every scenario. */
export function selectorServices(state: ClusterState): SelectorService[] {
  return cached(selectorServiceCache, state, () =>
    state.services
      .filter((s) => s.spec?.type !== 'ExternalName' && Object.keys(s.spec?.selector ?? {}).length > 0)
      .map((service) => {
        const all = podsSelectedBy(state, service.metadata.namespace ?? 'default', service.spec?.selector);
        return { service, all, active: all.filter(isActivePod) };
      }),
  );
}

const ingressCache = new WeakMap<ClusterState, Map<string, Ingress[]>>();

/** Ingresses whose rules or default backend route to a Service. */
export function ingressesRoutingTo(state: ClusterState, namespace: string, serviceName: string): Ingress[] {
  const index = cached(ingressCache, state, () => {
    const map = new Map<string, Ingress[]>();
    for (const ingress of state.ingresses) {
      const ns = ingress.metadata.namespace ?? 'default';
      for (const name of new Set(state.ingressBackends(ingress).map((b) => b.serviceName))) {
        const key = `${ns}/${name}`;
        const list = map.get(key);
        if (list) list.push(ingress);
        else map.set(key, [ingress]);
      }
    }
    return map;
  });
  return index.get(`${namespace}/${serviceName}`) ?? [];
}

/** A workload whose pod template a person edits, with the labels and spec its pods get. */
export interface TemplateWorkload {
  obj: KubeObject;
  ref: ObjectRef;
  labels: Record<string, string>;
  podSpec?: PodSpec;
  /** Pods it keeps running; undefined for DaemonSets (one per eligible node), 0 for Jobs/CronJobs. */
  replicas?: number;
}

const TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicationController', 'Job', 'CronJob'] as const;

/** The pod template of a workload (a CronJob's sits one level deeper, in its job template). */
function templateOf(obj: KubeObject): { metadata?: { labels?: Record<string, string> }; spec?: PodSpec } | undefined {
  const spec = obj.spec as { template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec }; jobTemplate?: { spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec } } } } | undefined;
  return obj.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
}

/** Pods a workload keeps running: Jobs and CronJobs keep none between runs; DaemonSets one per node. */
function desiredPods(obj: KubeObject): number | undefined {
  if (obj.kind === 'DaemonSet') return undefined;
  if (obj.kind === 'Job' || obj.kind === 'CronJob') return 0;
  return (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}
const workloadCache = new WeakMap<ClusterState, Map<string, TemplateWorkload[]>>();

/** The pod-template workloads of a namespace (Deployments, StatefulSets, DaemonSets, RCs, Jobs, CronJobs). */
export function templateWorkloads(state: ClusterState, namespace: string): TemplateWorkload[] {
  const index = cached(workloadCache, state, () => {
    const map = new Map<string, TemplateWorkload[]>();
    for (const kind of TEMPLATE_KINDS) {
      for (const obj of state.list(kind)) {
        const template = templateOf(obj);
        const ns = obj.metadata.namespace ?? 'default';
        const entry: TemplateWorkload = { obj, ref: refOf(obj), labels: template?.metadata?.labels ?? {}, podSpec: template?.spec, replicas: desiredPods(obj) };
        const list = map.get(ns);
        if (list) list.push(entry);
        else map.set(ns, [entry]);
      }
    }
    return map;
  });
  return index.get(namespace) ?? [];
}

/** A `status.conditions[]` entry of any object, by type. */
export interface StatusCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

export function conditionOf(obj: KubeObject, type: string): StatusCondition | undefined {
  const status = obj.status as { conditions?: StatusCondition[] } | undefined;
  return status?.conditions?.find((c) => c.type === type);
}

/** `status.conditions[Progressing]=False ProgressDeadlineExceeded: ...` as quoted in evidence. */
export function conditionText(c: StatusCondition): string {
  return `status.conditions[${c.type}]=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`;
}
