import type {
  ConfigMap, CronJob, DaemonSet, Deployment, Endpoints, Event, HorizontalPodAutoscaler, Ingress, Job,
  KubeObject, Namespace, NetworkPolicy, Node, ObjectRef, PersistentVolume, PersistentVolumeClaim, Pod,
  PodDisruptionBudget, ReplicaSet, Secret, Service, ServiceAccount, StatefulSet, StorageClass,
} from './types.js';
import { matchesMap, matchesSelector } from './selectors.js';

/** What a pod refers to by name: the objects whose absence or content can break it. */
export interface PodReference {
  kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';
  name: string;
  /** Key inside a ConfigMap/Secret, when one specific key is referenced. */
  key?: string;
  optional: boolean;
  via: 'env' | 'envFrom' | 'volume' | 'projected' | 'imagePullSecret' | 'serviceAccount';
  container?: string;
  volume?: string;
}

export interface IngressBackend {
  host?: string;
  path?: string;
  serviceName: string;
  port?: number | string;
}

export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

export function refKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** `shop/web` or `node-1` — how objects are named in titles and evidence. */
export function displayName(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

function timeOf(event: Event): number {
  const t = event.lastTimestamp ?? event.eventTime ?? event.series?.lastObservedTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/**
 * An immutable, indexed view of a cluster. Built once from the objects a source read;
 * every scenario asks it questions instead of scanning lists itself.
 */
export class ClusterState {
  /** The instant the state describes: wall clock for live clusters, the newest timestamp in a snapshot. */
  readonly now: number;
  private readonly byKind = new Map<string, KubeObject[]>();
  private readonly byKey = new Map<string, KubeObject>();
  private readonly byUid = new Map<string, KubeObject>();
  private readonly childrenByOwnerUid = new Map<string, KubeObject[]>();
  private readonly podsByNode = new Map<string, Pod[]>();
  private readonly podsByNamespace = new Map<string, Pod[]>();
  private readonly eventsByObject = new Map<string, Event[]>();
  private readonly presentKinds: Set<string>;

  /**
   * `now` fixes the instant; otherwise it is the newest timestamp in the objects, or `notBefore`
   * (the wall clock, for live clusters) when that is later — a simulated or skewed cluster may
   * run ahead of the local clock, and ages must be measured in the cluster's own time.
   */
  constructor(objects: readonly KubeObject[], options: { now?: number; notBefore?: number; kindsRead?: Iterable<string> } = {}) {
    for (const obj of objects) this.add(obj);
    for (const events of this.eventsByObject.values()) events.sort((a, b) => timeOf(b) - timeOf(a));
    this.presentKinds = new Set(options.kindsRead ?? this.byKind.keys());
    // A snapshot without any timestamp can only be read against the local clock.
    this.now = options.now ?? (Math.max(this.latestTimestamp(), options.notBefore ?? 0) || Date.now());
  }

  private add(obj: KubeObject): void {
    const list = this.byKind.get(obj.kind);
    if (list) list.push(obj);
    else this.byKind.set(obj.kind, [obj]);
    this.byKey.set(refKey(refOf(obj)), obj);
    const uid = obj.metadata.uid;
    if (uid) this.byUid.set(uid, obj);
    for (const owner of obj.metadata.ownerReferences ?? []) {
      const key = owner.uid || `${owner.kind}/${obj.metadata.namespace ?? ''}/${owner.name}`;
      const children = this.childrenByOwnerUid.get(key);
      if (children) children.push(obj);
      else this.childrenByOwnerUid.set(key, [obj]);
    }
    if (obj.kind === 'Pod') {
      const pod = obj as Pod;
      const nodeName = pod.spec?.nodeName;
      if (nodeName) push(this.podsByNode, nodeName, pod);
      push(this.podsByNamespace, pod.metadata.namespace ?? 'default', pod);
    } else if (obj.kind === 'Event') {
      const event = obj as Event;
      const inv = event.involvedObject;
      if (inv?.kind && inv.name) {
        push(this.eventsByObject, refKey({ kind: inv.kind, namespace: inv.namespace || undefined, name: inv.name }), event);
      }
    }
  }

  private latestTimestamp(): number {
    let latest = 0;
    for (const event of this.byKind.get('Event') ?? []) latest = Math.max(latest, timeOf(event as Event));
    if (latest === 0) {
      for (const obj of this.byKey.values()) {
        const t = obj.metadata.creationTimestamp;
        if (t) latest = Math.max(latest, Date.parse(t));
      }
    }
    return latest;
  }

  /** Whether the source read this kind at all (an empty list counts as read). */
  hasKind(kind: string): boolean {
    return this.presentKinds.has(kind);
  }

  get objectCount(): number {
    return this.byKey.size;
  }

  list<T extends KubeObject = KubeObject>(kind: string): readonly T[] {
    return (this.byKind.get(kind) ?? []) as T[];
  }

  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    return this.byKey.get(refKey({ kind, namespace, name })) as T | undefined;
  }

  find<T extends KubeObject = KubeObject>(ref: ObjectRef): T | undefined {
    return this.get<T>(ref.kind, ref.namespace, ref.name);
  }

  get pods(): readonly Pod[] { return this.list<Pod>('Pod'); }
  get nodes(): readonly Node[] { return this.list<Node>('Node'); }
  get namespaces(): readonly Namespace[] { return this.list<Namespace>('Namespace'); }
  get deployments(): readonly Deployment[] { return this.list<Deployment>('Deployment'); }
  get replicaSets(): readonly ReplicaSet[] { return this.list<ReplicaSet>('ReplicaSet'); }
  get statefulSets(): readonly StatefulSet[] { return this.list<StatefulSet>('StatefulSet'); }
  get daemonSets(): readonly DaemonSet[] { return this.list<DaemonSet>('DaemonSet'); }
  get jobs(): readonly Job[] { return this.list<Job>('Job'); }
  get cronJobs(): readonly CronJob[] { return this.list<CronJob>('CronJob'); }
  get services(): readonly Service[] { return this.list<Service>('Service'); }
  get ingresses(): readonly Ingress[] { return this.list<Ingress>('Ingress'); }
  get pvcs(): readonly PersistentVolumeClaim[] { return this.list<PersistentVolumeClaim>('PersistentVolumeClaim'); }
  get pvs(): readonly PersistentVolume[] { return this.list<PersistentVolume>('PersistentVolume'); }
  get storageClasses(): readonly StorageClass[] { return this.list<StorageClass>('StorageClass'); }
  get hpas(): readonly HorizontalPodAutoscaler[] { return this.list<HorizontalPodAutoscaler>('HorizontalPodAutoscaler'); }
  get pdbs(): readonly PodDisruptionBudget[] { return this.list<PodDisruptionBudget>('PodDisruptionBudget'); }
  get networkPolicies(): readonly NetworkPolicy[] { return this.list<NetworkPolicy>('NetworkPolicy'); }
  get events(): readonly Event[] { return this.list<Event>('Event'); }

  node(name: string | undefined): Node | undefined {
    return name ? this.get<Node>('Node', undefined, name) : undefined;
  }

  configMap(namespace: string | undefined, name: string): ConfigMap | undefined {
    return this.get<ConfigMap>('ConfigMap', namespace, name);
  }

  secret(namespace: string | undefined, name: string): Secret | undefined {
    return this.get<Secret>('Secret', namespace, name);
  }

  serviceAccount(namespace: string | undefined, name: string): ServiceAccount | undefined {
    return this.get<ServiceAccount>('ServiceAccount', namespace, name);
  }

  // ---- owners -------------------------------------------------------------------------------

  /** The controlling owner's reference (even when the owner object is not in the state). */
  controllerRef(obj: KubeObject): ObjectRef | undefined {
    const refs = obj.metadata.ownerReferences ?? [];
    const owner = refs.find((r) => r.controller) ?? refs[0];
    if (!owner) return undefined;
    const ownerObj = owner.uid ? this.byUid.get(owner.uid) : undefined;
    if (ownerObj) return refOf(ownerObj);
    const info = this.get(owner.kind, obj.metadata.namespace, owner.name) ?? this.get(owner.kind, undefined, owner.name);
    if (info) return refOf(info);
    return { kind: owner.kind, namespace: obj.metadata.namespace, name: owner.name };
  }

  owner(obj: KubeObject): KubeObject | undefined {
    const ref = this.controllerRef(obj);
    return ref ? this.find(ref) : undefined;
  }

  /** [obj, its controller, that one's controller, ...], e.g. Pod → ReplicaSet → Deployment. */
  ownerChain(obj: KubeObject): ObjectRef[] {
    const chain: ObjectRef[] = [refOf(obj)];
    let current: KubeObject | undefined = obj;
    while (current && chain.length < 8) {
      const ref = this.controllerRef(current);
      if (!ref) break;
      chain.push(ref);
      current = this.find(ref);
    }
    return chain;
  }

  /**
   * The object a person edits to change this one: the Deployment for a ReplicaSet's pod, the
   * CronJob for a Job's pod, the StatefulSet for its pod, the object itself when it has no owner.
   */
  workloadOf(obj: KubeObject): ObjectRef {
    const chain = this.ownerChain(obj);
    // Stop below owners that are not workloads (e.g. a custom operator's CR owns a StatefulSet:
    // the StatefulSet is still what a person inspects first).
    let top = chain[0];
    for (const ref of chain.slice(1)) {
      if (!WORKLOAD_KINDS.has(ref.kind)) break;
      top = ref;
    }
    return top;
  }

  children<T extends KubeObject = KubeObject>(owner: KubeObject): readonly T[] {
    const byUid = owner.metadata.uid ? this.childrenByOwnerUid.get(owner.metadata.uid) : undefined;
    if (byUid) return byUid as T[];
    return (this.childrenByOwnerUid.get(`${owner.kind}/${owner.metadata.namespace ?? ''}/${owner.metadata.name}`) ?? []) as T[];
  }

  /** Pods of a workload, through ReplicaSets for Deployments and Jobs for CronJobs. */
  podsOf(workload: KubeObject): Pod[] {
    const result: Pod[] = [];
    const visit = (obj: KubeObject, depth: number) => {
      for (const child of this.children(obj)) {
        if (child.kind === 'Pod') result.push(child as Pod);
        else if (depth < 3) visit(child, depth + 1);
      }
    };
    visit(workload, 0);
    return result;
  }

  // ---- placement and selection ----------------------------------------------------------------

  podsOnNode(nodeName: string): readonly Pod[] {
    return this.podsByNode.get(nodeName) ?? [];
  }

  podsInNamespace(namespace: string): readonly Pod[] {
    return this.podsByNamespace.get(namespace) ?? [];
  }

  /** Pods a Service routes to (a Service without a selector routes to none of them). */
  podsForService(service: Service): Pod[] {
    const ns = service.metadata.namespace ?? 'default';
    return this.podsInNamespace(ns).filter((p) => matchesMap(service.spec?.selector, p.metadata.labels));
  }

  podsForPdb(pdb: PodDisruptionBudget): Pod[] {
    const ns = pdb.metadata.namespace ?? 'default';
    return this.podsInNamespace(ns).filter((p) => matchesSelector(pdb.spec?.selector, p.metadata.labels));
  }

  podsForNetworkPolicy(policy: NetworkPolicy): Pod[] {
    const ns = policy.metadata.namespace ?? 'default';
    return this.podsInNamespace(ns).filter((p) => matchesSelector(policy.spec?.podSelector, p.metadata.labels));
  }

  servicesForPod(pod: Pod): Service[] {
    return this.services.filter(
      (s) => (s.metadata.namespace ?? 'default') === (pod.metadata.namespace ?? 'default') && matchesMap(s.spec?.selector, pod.metadata.labels),
    );
  }

  endpointsFor(service: Service): Endpoints | undefined {
    return this.get<Endpoints>('Endpoints', service.metadata.namespace, service.metadata.name);
  }

  // ---- references -------------------------------------------------------------------------------

  /** Every ConfigMap, Secret, PVC and ServiceAccount a pod names, and how it names it. */
  podReferences(pod: Pod): PodReference[] {
    const refs: PodReference[] = [];
    const spec = pod.spec;
    if (!spec) return refs;
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const env of c.env ?? []) {
        const cm = env.valueFrom?.configMapKeyRef;
        if (cm?.name) refs.push({ kind: 'ConfigMap', name: cm.name, key: cm.key, optional: !!cm.optional, via: 'env', container: c.name });
        const sec = env.valueFrom?.secretKeyRef;
        if (sec?.name) refs.push({ kind: 'Secret', name: sec.name, key: sec.key, optional: !!sec.optional, via: 'env', container: c.name });
      }
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef?.name) refs.push({ kind: 'ConfigMap', name: from.configMapRef.name, optional: !!from.configMapRef.optional, via: 'envFrom', container: c.name });
        if (from.secretRef?.name) refs.push({ kind: 'Secret', name: from.secretRef.name, optional: !!from.secretRef.optional, via: 'envFrom', container: c.name });
      }
    }
    for (const v of spec.volumes ?? []) {
      if (v.configMap?.name) {
        const keys = v.configMap.items?.map((i) => i.key) ?? [undefined];
        for (const key of keys) refs.push({ kind: 'ConfigMap', name: v.configMap.name, key, optional: !!v.configMap.optional, via: 'volume', volume: v.name });
      }
      if (v.secret?.secretName) {
        const keys = v.secret.items?.map((i) => i.key) ?? [undefined];
        for (const key of keys) refs.push({ kind: 'Secret', name: v.secret.secretName, key, optional: !!v.secret.optional, via: 'volume', volume: v.name });
      }
      if (v.persistentVolumeClaim?.claimName) refs.push({ kind: 'PersistentVolumeClaim', name: v.persistentVolumeClaim.claimName, optional: false, via: 'volume', volume: v.name });
      for (const src of v.projected?.sources ?? []) {
        if (src.configMap?.name) refs.push({ kind: 'ConfigMap', name: src.configMap.name, optional: !!src.configMap.optional, via: 'projected', volume: v.name });
        if (src.secret?.name) refs.push({ kind: 'Secret', name: src.secret.name, optional: !!src.secret.optional, via: 'projected', volume: v.name });
      }
    }
    for (const s of spec.imagePullSecrets ?? []) {
      if (s.name) refs.push({ kind: 'Secret', name: s.name, optional: true, via: 'imagePullSecret' });
    }
    refs.push({ kind: 'ServiceAccount', name: spec.serviceAccountName || spec.serviceAccount || 'default', optional: false, via: 'serviceAccount' });
    return refs;
  }

  volumeOf(claim: PersistentVolumeClaim): PersistentVolume | undefined {
    const name = claim.spec?.volumeName;
    return name ? this.get<PersistentVolume>('PersistentVolume', undefined, name) : undefined;
  }

  /** The class a claim asks for: its own, else the cluster default (annotation on a StorageClass). */
  storageClassNameOf(claim: PersistentVolumeClaim): string | undefined {
    const explicit = claim.spec?.storageClassName ?? claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
    if (explicit !== undefined) return explicit || undefined;
    return this.defaultStorageClass()?.metadata.name;
  }

  defaultStorageClass(): StorageClass | undefined {
    const isDefault = (sc: StorageClass) =>
      sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ||
      sc.metadata.annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    return this.storageClasses.find(isDefault);
  }

  hpaTarget(hpa: HorizontalPodAutoscaler): KubeObject | undefined {
    const ref = hpa.spec?.scaleTargetRef;
    return ref ? this.get(ref.kind, hpa.metadata.namespace, ref.name) : undefined;
  }

  ingressBackends(ingress: Ingress): IngressBackend[] {
    const result: IngressBackend[] = [];
    // Old extensions/v1beta1 ingresses (still found in snapshots) use serviceName/servicePort.
    type LegacyBackend = { serviceName?: string; servicePort?: number | string };
    const toBackend = (b: unknown, host?: string, path?: string) => {
      const modern = (b as { service?: { name?: string; port?: { number?: number; name?: string } } }).service;
      const legacy = b as LegacyBackend;
      const serviceName = modern?.name ?? legacy.serviceName;
      if (!serviceName) return;
      result.push({ host, path, serviceName, port: modern?.port?.number ?? modern?.port?.name ?? legacy.servicePort });
    };
    const spec = ingress.spec as (typeof ingress.spec & { backend?: unknown }) | undefined;
    if (spec?.defaultBackend) toBackend(spec.defaultBackend);
    if (spec?.backend) toBackend(spec.backend);
    for (const rule of spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) toBackend(p.backend, rule.host, p.path);
    }
    return result;
  }

  // ---- events -----------------------------------------------------------------------------------

  /** Events about an object, newest first. */
  eventsFor(ref: ObjectRef): readonly Event[] {
    return this.eventsByObject.get(refKey(ref)) ?? [];
  }
}

/** Kinds whose pod template a person edits. */
export const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
