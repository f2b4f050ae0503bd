import type { Pod } from '../../cluster/types.js';
import type { Store } from '../store/store.js';
import { resourceTypes } from '../store/resource-types.js';
import type { StoredObject, WatchEvent } from '../store/types.js';
import { controllerRef, keyOf } from './runtime.js';

/**
 * One shared pod informer for all simulated controllers: the current pods, indexed by
 * controlling owner and by node, so a sync never scans every pod in the cluster.
 */
export class PodCache {
  private readonly byKey = new Map<string, Pod>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly byNode = new Map<string, Set<string>>();
  private readonly listeners: Array<(event: WatchEvent, pod: Pod, old?: Pod) => void> = [];
  private readonly unwatch: () => void;

  constructor(store: Store) {
    this.unwatch = store.watch(resourceTypes.pods, {}, (event) => this.onEvent(event));
  }

  /** Called after the cache is updated, with the previous version of the pod if any. */
  onChange(listener: (event: WatchEvent, pod: Pod, old?: Pod) => void): void {
    this.listeners.push(listener);
  }

  get(key: string): Pod | undefined {
    return this.byKey.get(key);
  }

  ownedBy(uid: string): Pod[] {
    return [...(this.byOwner.get(uid) ?? [])].map((k) => this.byKey.get(k)!).filter(Boolean);
  }

  onNode(node: string): Pod[] {
    return [...(this.byNode.get(node) ?? [])].map((k) => this.byKey.get(k)!).filter(Boolean);
  }

  all(): IterableIterator<Pod> {
    return this.byKey.values();
  }

  stop(): void {
    this.unwatch();
  }

  private onEvent(event: WatchEvent): void {
    const pod = event.object as unknown as Pod;
    const key = keyOf(event.object);
    const old = this.byKey.get(key);
    if (old) this.unindex(key, old);
    if (event.type === 'DELETED') this.byKey.delete(key);
    else {
      this.byKey.set(key, pod);
      this.index(key, pod);
    }
    for (const listener of this.listeners) listener(event, pod, old);
  }

  private index(key: string, pod: Pod): void {
    const owner = controllerRef(pod as unknown as StoredObject);
    if (owner) add(this.byOwner, owner.uid, key);
    if (pod.spec?.nodeName) add(this.byNode, pod.spec.nodeName, key);
  }

  private unindex(key: string, pod: Pod): void {
    const owner = controllerRef(pod as unknown as StoredObject);
    if (owner) this.byOwner.get(owner.uid)?.delete(key);
    if (pod.spec?.nodeName) this.byNode.get(pod.spec.nodeName)?.delete(key);
  }
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}
