import { randomUUID } from 'node:crypto';
import { RealClock, rfc3339, type Clock, type TimerHandle } from '../clock.js';
import { applyDefaults, type DefaultingContext } from './defaults.js';
import { cloneJson, deepFreeze } from './freeze.js';
import { ResourceTypeRegistry, resourceTypes, typeKey } from './resource-types.js';
import { parseFieldSelector, parseLabelSelector, selectorsMatch, type Selector } from './selectors.js';
import {
  alreadyExists,
  apiVersionOf,
  conflict,
  notFound,
  StatusError,
  type KubeObject,
  type ResourceType,
  type StoredObject,
  type WatchEvent,
  type WatchEventType,
} from './types.js';
import { validateObject } from './validation.js';

export interface StoreOptions {
  clock?: Clock;
  /** Watch events kept per resource type; watching from an older resourceVersion gets 410 Gone. */
  historySize?: number;
  /**
   * Who finishes a graceful pod deletion. 'auto' (default): the store removes a terminating pod
   * after a simulated second, as if its containers exited on SIGTERM. 'kubelet': the kubelet
   * model does it with `delete(..., { gracePeriodSeconds: 0 })`, and can leave pods stuck.
   */
  podTermination?: 'auto' | 'kubelet';
  /** Create default, kube-system, kube-public and kube-node-lease (as the API server does). */
  seedNamespaces?: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; 0 or undefined = everything. */
  limit?: number;
  /** The `continue` token of the previous page. */
  continue?: string;
}

export interface ListResult {
  items: StoredObject[];
  /** The store's resourceVersion when the (first page of the) list was taken. */
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  namespace?: string;
  /** Unset or '0': synthetic ADDED events for current objects first; otherwise events after it. */
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface UpdateOptions {
  subresource?: 'status';
}

export type AdmissionOperation = 'CREATE' | 'UPDATE';

/**
 * An admission check run before a create or update is stored (e.g. ResourceQuota). It may
 * change `obj` (mutating admission) or throw a StatusError to refuse the write.
 */
export type AdmissionPlugin = (op: AdmissionOperation, type: ResourceType, obj: KubeObject, old?: StoredObject) => void;

/** A saved store, as written by --state. */
export interface StoreSnapshot {
  kind: 'NakhodaSimulatorState';
  resourceVersion: number;
  types: ResourceType[];
  objects: Record<string, KubeObject[]>;
}

interface Entry {
  obj: StoredObject;
  /** Serialised form, filled lazily by serialize(): lists of 150k pods are built from these. */
  json?: string;
}

interface HistoryEntry {
  rv: number;
  type: WatchEventType;
  obj: StoredObject;
  prev?: StoredObject;
}

interface Watcher {
  namespace?: string;
  labels: Selector;
  fields: Selector;
  callback: (event: WatchEvent) => void;
  indexKey?: string;
}

/** Field selectors that index watchers, so 5,000 kubelets watching their own pods stay cheap. */
const indexedFields = ['spec.nodeName', 'metadata.name'];

class TypeState {
  readonly objects = new Map<string, Entry>();
  private sorted?: string[];
  history: HistoryEntry[] = [];
  /** Events with rv > horizon are in `history`; watching from an older rv is 410 Gone. */
  horizon: number;
  readonly unindexed = new Set<Watcher>();
  readonly indexed = new Map<string, Set<Watcher>>();

  constructor(
    public type: ResourceType,
    horizon: number,
  ) {
    this.horizon = horizon;
  }

  sortedKeys(): string[] {
    this.sorted ??= [...this.objects.keys()].sort();
    return this.sorted;
  }

  invalidateOrder(): void {
    this.sorted = undefined;
  }
}

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

const nameSuffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The Kubernetes name suffix generator: 5 characters without vowels or confusable digits. */
function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += nameSuffixAlphabet[Math.floor(Math.random() * nameSuffixAlphabet.length)];
  return s;
}

/**
 * The simulator's object store: an etcd + API server registry in memory. Every write bumps a
 * single resourceVersion counter; every stored object is deeply frozen (clone it before
 * changing it, or use mutate()). Watch callbacks run synchronously, in resourceVersion order,
 * after the write that caused them.
 */
export class Store {
  readonly clock: Clock;
  readonly resourceTypes: ResourceTypeRegistry;
  readonly admission: AdmissionPlugin[] = [];
  private readonly historySize: number;
  private readonly podTermination: 'auto' | 'kubelet';
  private readonly states = new Map<string, TypeState>();
  /** owner uid → keys of dependents (`typeKey|objectKey`). */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly pending: Array<{ state: TypeState; entry: HistoryEntry }> = [];
  private draining = false;
  private readonly timers = new Set<TimerHandle>();
  /**
   * Starts at the clock in microseconds, so a restarted simulator's resourceVersions are always
   * above those a client kept from the previous run: such a client gets 410 Gone and relists.
   */
  private rv: number;
  private serviceIPs = 0;
  private nodePorts = 0;
  private readonly defaulting: DefaultingContext = {
    // 10.96.0.0/12 is kubeadm's default service range; .1 is the kubernetes service.
    allocateClusterIP: () => {
      const n = ++this.serviceIPs + 1;
      return `10.96.${(n >> 8) & 255}.${n & 255}`;
    },
    allocateNodePort: () => 30000 + (this.nodePorts++ % 2768),
  };

  constructor(options: StoreOptions = {}) {
    this.clock = options.clock ?? new RealClock();
    this.rv = Math.floor(this.clock.now()) * 1000;
    this.historySize = options.historySize ?? 10_000;
    this.podTermination = options.podTermination ?? 'auto';
    this.resourceTypes = new ResourceTypeRegistry();
    if (options.seedNamespaces ?? true) {
      for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
        this.create(resourceTypes.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      }
    }
  }

  /** The latest resourceVersion written. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Resolves a type by group/resource, failing with the API server's 404 for unknown ones. */
  typeFor(group: string, resource: string): ResourceType {
    const type = this.resourceTypes.get(group, resource);
    if (!type) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {
        group: group || undefined,
        kind: resource,
      });
    }
    return type;
  }

  create(type: ResourceType, input: KubeObject): StoredObject {
    const state = this.state(type);
    type = state.type;
    const obj = cloneJson(input);
    obj.metadata ??= {};
    const meta = obj.metadata;
    obj.apiVersion = obj.apiVersion ?? apiVersionOf(type);
    obj.kind = type.kind;
    if (type.namespaced) {
      meta.namespace ||= 'default';
      this.checkNamespaceAcceptsCreate(meta.namespace);
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) {
      do meta.name = `${meta.generateName}${randomSuffix()}`;
      while (state.objects.has(objectKey(meta.namespace, meta.name)));
    }
    meta.uid = randomUUID();
    applyDefaults(type, obj, this.defaulting);
    for (const admit of this.admission) admit('CREATE', type, obj);
    validateObject(type, obj);
    const key = objectKey(meta.namespace, meta.name!);
    if (state.objects.has(key)) throw alreadyExists(type, meta.name!);
    meta.creationTimestamp = rfc3339(this.clock.now());
    if (this.hasStatusSubresource(type) || type.group) meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.resourceVersion = String(++this.rv);
    const stored = deepFreeze(obj);
    state.objects.set(key, { obj: stored });
    state.invalidateOrder();
    this.indexOwners(type, stored);
    this.afterWrite(type, stored, undefined);
    this.emit(state, 'ADDED', stored);
    return stored;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.states.get(typeKey(type))?.objects.get(objectKey(type.namespaced ? namespace : undefined, name))?.obj;
  }

  /** Like get(), but throws the API server's 404. */
  require(type: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const obj = this.get(type, namespace, name);
    if (!obj) throw notFound(type, name);
    return obj;
  }

  list(type: ResourceType, options: ListOptions = {}): ListResult {
    const state = this.state(type);
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector);
    const namespace = type.namespaced ? options.namespace || undefined : undefined;
    const token = options.continue ? decodeContinue(options.continue) : undefined;
    const listRv = token?.rv ?? this.rv;
    const keys = state.sortedKeys();
    const prefix = namespace ? `${namespace}/` : '';
    let i = lowerBound(keys, token ? `${token.start}\0` : prefix);
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const items: StoredObject[] = [];
    for (; i < keys.length; i++) {
      const key = keys[i]!;
      if (prefix && !key.startsWith(prefix)) break;
      const entry = state.objects.get(key);
      if (!entry || !selectorsMatch(labels, fields, entry.obj)) continue;
      if (items.length === limit) break;
      items.push(entry.obj);
    }
    const result: ListResult = { items, resourceVersion: String(listRv) };
    if (items.length === limit && i < keys.length && (!prefix || keys[i]!.startsWith(prefix))) {
      const last = items[items.length - 1]!.metadata;
      result.continue = encodeContinue(listRv, objectKey(last.namespace, last.name!));
      // Like the API server, the remaining count is only given when no selector filters the list.
      if (labels.empty && fields.empty) {
        let remaining = 0;
        for (let j = i; j < keys.length && (!prefix || keys[j]!.startsWith(prefix)); j++) remaining++;
        result.remainingItemCount = remaining;
      }
    }
    return result;
  }

  /**
   * Replaces an object (PUT). A set, stale metadata.resourceVersion is a 409 Conflict. Without a
   * subresource the stored status is kept (for types with a status subresource); with
   * subresource 'status' only the status changes.
   */
  update(type: ResourceType, input: KubeObject, options: UpdateOptions = {}): StoredObject {
    const state = this.state(type);
    type = state.type;
    const name = input.metadata?.name ?? '';
    const namespace = type.namespaced ? input.metadata?.namespace || 'default' : undefined;
    const key = objectKey(namespace, name);
    const existing = state.objects.get(key)?.obj;
    if (!existing) throw notFound(type, name);
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw conflict(type, name);
    if (input.metadata.uid && input.metadata.uid !== existing.metadata.uid) throw conflict(type, name);
    let obj: KubeObject;
    if (options.subresource === 'status') {
      obj = cloneJson(existing) as KubeObject;
      if (input.status === undefined) delete obj.status;
      else obj.status = cloneJson(input.status);
    } else {
      obj = cloneJson(input);
      if (this.hasStatusSubresource(type)) {
        if (existing.status === undefined) delete obj.status;
        else obj.status = cloneJson(existing.status);
      }
    }
    return this.commitUpdate(state, existing, obj, true);
  }

  /**
   * Read-modify-write for in-process controllers: `fn` gets a mutable copy of the current
   * object and changes it in place (spec, status and metadata alike); never conflicts.
   */
  mutate(type: ResourceType, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void): StoredObject {
    const state = this.state(type);
    const existing = state.objects.get(objectKey(state.type.namespaced ? namespace || 'default' : undefined, name))?.obj;
    if (!existing) throw notFound(state.type, name);
    const obj = cloneJson(existing) as KubeObject;
    fn(obj);
    return this.commitUpdate(state, existing, obj, false);
  }

  /**
   * Deletes an object. With finalizers (or a foreground deletion, or a bound pod's graceful
   * termination) it only gets a deletionTimestamp; it goes once the finalizers are removed.
   * Dependents (ownerReferences) are garbage-collected per `propagationPolicy`.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): StoredObject {
    const state = this.state(type);
    type = state.type;
    const key = objectKey(type.namespaced ? namespace || 'default' : undefined, name);
    const existing = state.objects.get(key)?.obj;
    if (!existing) throw notFound(type, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw new StatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${typeKey(type)} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) throw conflict(type, name);
    const policy = options.propagationPolicy ?? 'Background';
    if (policy === 'Orphan') this.orphanDependents(existing);

    const finalizers = [...(existing.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && this.dependentsOf(existing).length > 0 && !finalizers.includes('foregroundDeletion')) {
      finalizers.push('foregroundDeletion');
    }
    const graceSeconds = this.podGracePeriod(type, existing, options.gracePeriodSeconds);
    const namespaceFinalizers = type.group === '' && type.resource === 'namespaces' ? (existing.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] : [];

    if (existing.metadata.deletionTimestamp) {
      // Already terminating: a zero grace period (the kubelet's final delete) finishes it.
      if (graceSeconds === 0 && finalizers.length === 0) return this.remove(state, existing);
      return existing;
    }
    if (finalizers.length === 0 && graceSeconds === 0 && namespaceFinalizers.length === 0) return this.remove(state, existing);

    const terminating = this.mutateInternal(state, existing, (obj) => {
      obj.metadata.deletionTimestamp = rfc3339(this.clock.now() + graceSeconds * 1000);
      obj.metadata.deletionGracePeriodSeconds = graceSeconds;
      obj.metadata.finalizers = finalizers.length ? finalizers : undefined;
      if (!obj.metadata.finalizers) delete obj.metadata.finalizers;
      if (namespaceFinalizers.length) obj.status = { ...(obj.status as object), phase: 'Terminating' };
    });
    if (finalizers.includes('foregroundDeletion')) {
      for (const dep of this.dependentsOf(existing)) this.deleteDependent(dep, 'Foreground');
      this.finishForegroundDeletion(terminating);
    }
    if (graceSeconds > 0 && this.podTermination === 'auto') {
      const uid = existing.metadata.uid;
      const timer = this.clock.setTimeout(() => {
        this.timers.delete(timer);
        const current = this.get(type, namespace, name);
        if (current?.metadata.uid === uid) this.delete(type, namespace, name, { gracePeriodSeconds: 0 });
      }, 1000);
      this.timers.add(timer);
    }
    return this.get(type, namespace, name) ?? terminating;
  }

  /**
   * Watches a type. Events for objects entering or leaving the selection arrive as ADDED or
   * DELETED, like the API server's filtered watches. Throws 410 Expired for a resourceVersion
   * older than the history window (or newer than this store, e.g. from before a restart).
   */
  watch(type: ResourceType, options: WatchOptions, callback: (event: WatchEvent) => void): () => void {
    const state = this.state(type);
    const watcher: Watcher = {
      namespace: state.type.namespaced ? options.namespace || undefined : undefined,
      labels: parseLabelSelector(options.labelSelector),
      fields: parseFieldSelector(options.fieldSelector),
      callback,
    };
    for (const field of indexedFields) {
      const value = watcher.fields.equalities.get(field);
      if (value !== undefined) {
        watcher.indexKey = `${field}=${value}`;
        break;
      }
    }
    const rv = options.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0') {
      for (const key of state.sortedKeys()) {
        const obj = state.objects.get(key)!.obj;
        if (this.watcherSees(watcher, obj)) callback({ type: 'ADDED', object: obj });
      }
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < state.horizon || from > this.rv) {
        throw new StatusError(410, 'Expired', `too old resource version: ${rv} (${state.horizon + 1})`);
      }
      for (let i = upperBoundRv(state.history, from); i < state.history.length; i++) {
        this.deliver(watcher, state.history[i]!);
      }
    }
    if (watcher.indexKey) {
      let set = state.indexed.get(watcher.indexKey);
      if (!set) state.indexed.set(watcher.indexKey, (set = new Set()));
      set.add(watcher);
    } else state.unindexed.add(watcher);
    return () => {
      if (watcher.indexKey) state.indexed.get(watcher.indexKey)?.delete(watcher);
      else state.unindexed.delete(watcher);
    };
  }

  /** The JSON text of a stored object, cached: list responses are built from these strings. */
  serialize(type: ResourceType, obj: StoredObject): string {
    const entry = this.states.get(typeKey(type))?.objects.get(objectKey(obj.metadata.namespace, obj.metadata.name!));
    if (entry && entry.obj === obj) return (entry.json ??= JSON.stringify(obj));
    return JSON.stringify(obj);
  }

  /** Number of objects of a type (all namespaces). */
  count(type: ResourceType): number {
    return this.states.get(typeKey(type))?.objects.size ?? 0;
  }

  snapshot(): StoreSnapshot {
    const objects: Record<string, KubeObject[]> = {};
    for (const [key, state] of this.states) {
      if (state.objects.size) objects[key] = state.sortedKeys().map((k) => state.objects.get(k)!.obj as KubeObject);
    }
    const builtins = new Set(Object.values(resourceTypes).map(typeKey));
    return {
      kind: 'NakhodaSimulatorState',
      resourceVersion: this.rv,
      types: this.resourceTypes.all().filter((t) => !builtins.has(typeKey(t))),
      objects,
    };
  }

  /**
   * Replaces the store's content with a snapshot. Watches from before the snapshot's
   * resourceVersion get 410 Gone, so informers relist.
   */
  restore(snapshot: StoreSnapshot): void {
    this.states.clear();
    this.dependents.clear();
    for (const t of snapshot.types) this.resourceTypes.add(t);
    this.rv = snapshot.resourceVersion;
    for (const [key, objs] of Object.entries(snapshot.objects)) {
      const type = this.allTypes().find((t) => typeKey(t) === key);
      if (!type) continue;
      const state = this.state(type);
      for (const obj of objs) {
        const stored = deepFreeze(cloneJson(obj));
        state.objects.set(objectKey(stored.metadata.namespace, stored.metadata.name!), { obj: stored });
        this.indexOwners(type, stored);
      }
      state.invalidateOrder();
    }
    for (const state of this.states.values()) state.horizon = this.rv;
  }

  /** Cancels pending timers (graceful pod terminations). */
  close(): void {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
  }

  // ---- internals ----

  private allTypes(): ResourceType[] {
    return this.resourceTypes.all();
  }

  private state(type: ResourceType): TypeState {
    const key = typeKey(type);
    let state = this.states.get(key);
    if (!state) {
      state = new TypeState(this.typeFor(type.group, type.resource), this.rv);
      this.states.set(key, state);
    }
    return state;
  }

  private hasStatusSubresource(type: ResourceType): boolean {
    return type.subresources?.includes('status') ?? false;
  }

  private checkNamespaceAcceptsCreate(namespace: string): void {
    const ns = this.get(resourceTypes.namespaces, undefined, namespace);
    if (!ns) throw notFound(resourceTypes.namespaces, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new StatusError(
        403,
        'Forbidden',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        { name: namespace, kind: 'namespaces' },
      );
    }
  }

  private podGracePeriod(type: ResourceType, pod: StoredObject, requested: number | undefined): number {
    if (type.group !== '' || type.resource !== 'pods') return 0;
    const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    // Like the API server: unscheduled and finished pods are deleted at once.
    if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    return Math.max(0, requested ?? spec.terminationGracePeriodSeconds ?? 30);
  }

  private commitUpdate(state: TypeState, existing: StoredObject, obj: KubeObject, admit: boolean): StoredObject {
    const type = state.type;
    const meta = obj.metadata;
    // Identity and system fields cannot be changed by an update.
    meta.name = existing.metadata.name;
    if (type.namespaced) meta.namespace = existing.metadata.namespace;
    else delete meta.namespace;
    meta.uid = existing.metadata.uid;
    meta.creationTimestamp = existing.metadata.creationTimestamp;
    if (existing.metadata.deletionTimestamp) {
      meta.deletionTimestamp = existing.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = existing.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    obj.apiVersion = existing.apiVersion;
    obj.kind = existing.kind;
    if (meta.finalizers && meta.finalizers.length === 0) delete meta.finalizers;
    applyDefaults(type, obj, this.defaulting);
    if (admit) for (const plugin of this.admission) plugin('UPDATE', type, obj, existing);
    validateObject(type, obj);
    if (existing.metadata.generation !== undefined) {
      meta.generation = existing.metadata.generation;
      if (JSON.stringify(obj.spec) !== JSON.stringify(existing.spec)) meta.generation++;
    }
    meta.resourceVersion = existing.metadata.resourceVersion;
    // A no-op write changes nothing, not even the resourceVersion (as with etcd).
    if (JSON.stringify(obj) === JSON.stringify(existing)) return existing;
    // As in the API server, an update that leaves a deleted object without finalizers (and
    // without a pending grace period) completes its deletion.
    if (meta.deletionTimestamp && !meta.finalizers?.length && !meta.deletionGracePeriodSeconds && !this.namespaceFinalizersPending(type, obj)) {
      return this.remove(state, existing);
    }
    return this.store(state, existing, obj);
  }

  private namespaceFinalizersPending(type: ResourceType, obj: KubeObject): boolean {
    if (type.group !== '' || type.resource !== 'namespaces') return false;
    return ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0;
  }

  private mutateInternal(state: TypeState, existing: StoredObject, fn: (obj: KubeObject) => void): StoredObject {
    const obj = cloneJson(existing) as KubeObject;
    fn(obj);
    return this.store(state, existing, obj);
  }

  private store(state: TypeState, existing: StoredObject, obj: KubeObject): StoredObject {
    obj.metadata.resourceVersion = String(++this.rv);
    const stored = deepFreeze(obj);
    state.objects.set(objectKey(stored.metadata.namespace, stored.metadata.name!), { obj: stored });
    this.unindexOwners(state.type, existing);
    this.indexOwners(state.type, stored);
    this.afterWrite(state.type, stored, existing);
    this.emit(state, 'MODIFIED', stored, existing);
    return stored;
  }

  private remove(state: TypeState, existing: StoredObject): StoredObject {
    const meta = existing.metadata;
    state.objects.delete(objectKey(meta.namespace, meta.name!));
    state.invalidateOrder();
    this.unindexOwners(state.type, existing);
    const rv = String(++this.rv);
    const removed = deepFreeze({ ...existing, metadata: { ...existing.metadata, resourceVersion: rv } });
    this.afterRemove(state.type, removed);
    this.emit(state, 'DELETED', removed, existing);
    this.collectDependents(removed);
    this.releaseForegroundOwners(removed);
    return removed;
  }

  /** CRDs become servable types when stored, and stop being served (with their objects) when removed. */
  private afterWrite(type: ResourceType, obj: StoredObject, old: StoredObject | undefined): void {
    if (type.group !== 'apiextensions.k8s.io' || type.resource !== 'customresourcedefinitions') return;
    const crdType = crdResourceType(obj);
    if (!crdType) return;
    this.resourceTypes.add(crdType);
    const state = this.states.get(typeKey(crdType));
    if (state) state.type = crdType;
    if (!old) this.markCrdEstablished(obj);
  }

  private markCrdEstablished(crd: StoredObject): void {
    const state = this.state(this.resourceTypes.get('apiextensions.k8s.io', 'customresourcedefinitions')!);
    const now = rfc3339(this.clock.now());
    const spec = crd.spec as { names?: object; versions?: Array<{ name: string; storage?: boolean }> };
    this.mutateInternal(state, crd, (obj) => {
      obj.status = {
        conditions: [
          { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ],
        acceptedNames: spec.names ?? {},
        storedVersions: (spec.versions ?? []).filter((v) => v.storage).map((v) => v.name),
      };
    });
  }

  private afterRemove(type: ResourceType, obj: StoredObject): void {
    if (type.group !== 'apiextensions.k8s.io' || type.resource !== 'customresourcedefinitions') return;
    const crdType = crdResourceType(obj);
    if (!crdType) return;
    this.resourceTypes.remove(crdType);
    this.states.delete(typeKey(crdType));
  }

  private emit(state: TypeState, type: WatchEventType, obj: StoredObject, prev?: StoredObject): void {
    const entry: HistoryEntry = { rv: Number(obj.metadata.resourceVersion), type, obj, prev };
    state.history.push(entry);
    if (state.history.length > this.historySize * 2) {
      const dropped = state.history.splice(0, state.history.length - this.historySize);
      state.horizon = dropped[dropped.length - 1]!.rv;
    }
    this.pending.push({ state, entry });
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) this.dispatch(next.state, next.entry);
    } finally {
      this.draining = false;
    }
  }

  private dispatch(state: TypeState, entry: HistoryEntry): void {
    const targets = new Set(state.unindexed);
    if (state.indexed.size) {
      for (const o of entry.prev ? [entry.obj, entry.prev] : [entry.obj]) {
        for (const field of indexedFields) {
          const value = field === 'metadata.name' ? o.metadata.name : (o.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
          for (const w of state.indexed.get(`${field}=${value}`) ?? []) targets.add(w);
        }
      }
    }
    for (const watcher of targets) {
      try {
        this.deliver(watcher, entry);
      } catch (err) {
        // One faulty watcher must not stop the others or fail the write that caused the event.
        process.emitWarning(`simulator watch callback failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private deliver(watcher: Watcher, entry: HistoryEntry): void {
    const now = this.watcherSees(watcher, entry.obj);
    const before = entry.prev !== undefined && this.watcherSees(watcher, entry.prev);
    if (entry.type === 'DELETED') {
      if (before || now) watcher.callback({ type: 'DELETED', object: entry.obj });
    } else if (now) watcher.callback({ type: entry.type === 'MODIFIED' && !before ? 'ADDED' : entry.type, object: entry.obj });
    else if (before) watcher.callback({ type: 'DELETED', object: entry.obj });
  }

  private watcherSees(watcher: Watcher, obj: StoredObject): boolean {
    if (watcher.namespace && obj.metadata.namespace !== watcher.namespace) return false;
    return selectorsMatch(watcher.labels, watcher.fields, obj);
  }

  // ---- garbage collection ----

  private indexOwners(type: ResourceType, obj: StoredObject): void {
    const refs = obj.metadata.ownerReferences;
    if (!refs?.length) return;
    const key = `${typeKey(type)}|${objectKey(obj.metadata.namespace, obj.metadata.name!)}`;
    for (const ref of refs) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(key);
    }
  }

  private unindexOwners(type: ResourceType, obj: StoredObject): void {
    const key = `${typeKey(type)}|${objectKey(obj.metadata.namespace, obj.metadata.name!)}`;
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(key);
      if (set?.size === 0) this.dependents.delete(ref.uid);
    }
  }

  private dependentsOf(owner: StoredObject): Array<{ state: TypeState; obj: StoredObject }> {
    const found: Array<{ state: TypeState; obj: StoredObject }> = [];
    for (const key of this.dependents.get(owner.metadata.uid!) ?? []) {
      const [tk, ok] = key.split('|') as [string, string];
      const state = this.states.get(tk);
      const entry = state?.objects.get(ok);
      if (state && entry) found.push({ state, obj: entry.obj });
    }
    return found;
  }

  private collectDependents(owner: StoredObject): void {
    for (const dep of this.dependentsOf(owner)) {
      const others = (dep.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid && this.ownerExists(r.uid));
      if (others.length > 0) {
        // Another owner keeps it alive: only the reference to the deleted owner goes.
        this.mutateInternal(dep.state, dep.obj, (obj) => {
          obj.metadata.ownerReferences = obj.metadata.ownerReferences!.filter((r) => r.uid !== owner.metadata.uid);
        });
      } else this.deleteDependent(dep, 'Background');
    }
  }

  private deleteDependent(dep: { state: TypeState; obj: StoredObject }, policy: 'Background' | 'Foreground'): void {
    const meta = dep.obj.metadata;
    if (this.get(dep.state.type, meta.namespace, meta.name!)?.metadata.uid !== meta.uid) return;
    this.delete(dep.state.type, meta.namespace, meta.name!, { propagationPolicy: policy });
  }

  private ownerExists(uid: string): boolean {
    // Owner lookups by uid are rare (only for multi-owner dependents), so a scan is acceptable.
    for (const state of this.states.values()) for (const e of state.objects.values()) if (e.obj.metadata.uid === uid) return true;
    return false;
  }

  private orphanDependents(owner: StoredObject): void {
    for (const dep of this.dependentsOf(owner)) {
      this.mutateInternal(dep.state, dep.obj, (obj) => {
        obj.metadata.ownerReferences = obj.metadata.ownerReferences!.filter((r) => r.uid !== owner.metadata.uid);
        if (obj.metadata.ownerReferences.length === 0) delete obj.metadata.ownerReferences;
      });
    }
  }

  /** When a dependent goes, an owner waiting in foreground deletion may be finished. */
  private releaseForegroundOwners(removed: StoredObject): void {
    for (const ref of removed.metadata.ownerReferences ?? []) {
      const type = this.resourceTypes.byKind(ref.apiVersion, ref.kind);
      if (!type) continue;
      const owner = this.get(type, removed.metadata.namespace, ref.name);
      if (owner && owner.metadata.uid === ref.uid) this.finishForegroundDeletion(owner);
    }
  }

  private finishForegroundDeletion(owner: StoredObject): void {
    if (!owner.metadata.finalizers?.includes('foregroundDeletion') || this.dependentsOf(owner).length > 0) return;
    const type = this.resourceTypes.byKind(owner.apiVersion!, owner.kind!);
    if (!type) return;
    const state = this.state(type);
    const current = state.objects.get(objectKey(owner.metadata.namespace, owner.metadata.name!))?.obj;
    if (!current) return;
    const obj = cloneJson(current) as KubeObject;
    obj.metadata.finalizers = obj.metadata.finalizers!.filter((f) => f !== 'foregroundDeletion');
    this.commitUpdate(state, current, obj, false);
  }
}

/** The resource type a CRD declares (its storage version, or the first served one). */
export function crdResourceType(crd: KubeObject): ResourceType | undefined {
  const spec = crd.spec as
    | {
        group?: string;
        scope?: string;
        names?: { plural?: string; kind?: string; shortNames?: string[]; categories?: string[]; singular?: string };
        versions?: Array<{ name: string; served?: boolean; storage?: boolean; subresources?: { status?: object; scale?: object } }>;
      }
    | undefined;
  if (!spec?.group || !spec.names?.plural || !spec.names.kind || !spec.versions?.length) return undefined;
  const version = spec.versions.find((v) => v.storage) ?? spec.versions.find((v) => v.served) ?? spec.versions[0]!;
  const subresources: string[] = [];
  if (version.subresources?.status) subresources.push('status');
  if (version.subresources?.scale) subresources.push('scale');
  return {
    group: spec.group,
    version: version.name,
    resource: spec.names.plural,
    kind: spec.names.kind,
    namespaced: spec.scope !== 'Cluster',
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    subresources,
  };
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBoundRv(history: HistoryEntry[], rv: number): number {
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (history[mid]!.rv <= rv) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Continue tokens have the API server's shape: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}. */
function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') throw new Error();
    return { rv: parsed.rv, start: parsed.start.replace(/\u0000$/, '') };
  } catch {
    throw new StatusError(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
