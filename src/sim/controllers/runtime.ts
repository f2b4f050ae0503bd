import type { Clock, TimerHandle } from '../clock.js';
import { rfc3339 } from '../clock.js';
import { recordEvent, type EventSource, type EventType, type ObjectReference } from '../store/events.js';
import type { Store } from '../store/store.js';
import type { KubeObject, OwnerReference, ResourceType, StoredObject } from '../store/types.js';
import { StatusError } from '../store/types.js';

/** What every simulated control-plane component and kubelet gets. */
export interface SimContext {
  store: Store;
  clock: Clock;
}

export type { EventType };

/** Records a core/v1 Event the way the named component does (aggregated by the shared recorder). */
export function emitEvent(
  ctx: SimContext,
  obj: StoredObject | KubeObject | ObjectReference,
  type: EventType,
  reason: string,
  message: string,
  component: string | EventSource,
): void {
  try {
    recordEvent(ctx.store, obj, type, reason, message, component);
  } catch (err) {
    // Like client-go's recorder, an event that cannot be written (its namespace is going away) is dropped.
    if (!(err instanceof StatusError && (err.code === 403 || err.code === 404))) throw err;
  }
}

/**
 * A de-duplicating work queue driven by the simulation clock, like client-go's workqueue:
 * watch callbacks only enqueue keys; the sync runs later, outside the store's write path.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private flushTimer?: TimerHandle;
  private readonly delayed = new Map<string, { due: number; timer: TimerHandle }>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly name: string,
    private readonly sync: (key: string) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.flushTimer ??= this.clock.setTimeout(() => this.flush(), 0);
  }

  /** Re-sync `key` after `ms` simulated milliseconds (the earliest request wins). */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const due = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.due <= due) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { due, timer });
  }

  stop(): void {
    this.stopped = true;
    if (this.flushTimer) this.clock.clearTimeout(this.flushTimer);
    for (const { timer } of this.delayed.values()) this.clock.clearTimeout(timer);
    this.delayed.clear();
    this.pending.clear();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.sync(key);
      } catch (err) {
        // Objects vanish between enqueue and sync; anything else is retried like a real controller would.
        if (err instanceof StatusError && err.code === 404) continue;
        process.emitWarning(`simulated ${this.name} failed to sync ${key}: ${err instanceof Error ? err.message : String(err)}`);
        this.addAfter(key, 5_000);
      }
    }
  }
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf('/');
  return i < 0 ? [undefined, key] : [key.slice(0, i), key.slice(i + 1)];
}

export function keyOf(obj: StoredObject | KubeObject): string {
  return objectKey(obj.metadata.namespace, obj.metadata.name!);
}

export function controllerRef(obj: StoredObject | KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

export function ownerReference(owner: StoredObject, type: ResourceType): OwnerReference {
  return {
    apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
    kind: type.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
}

/**
 * Sets a condition, keeping lastTransitionTime when the status does not change (as every
 * controller's SetCondition helper does). Returns the new list.
 */
export function setCondition(
  conditions: Condition[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
  now: number,
  extraTimes: Array<'lastUpdateTime' | 'lastProbeTime' | 'lastHeartbeatTime'> = [],
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const time = rfc3339(now);
  const previous = i >= 0 ? list[i] : undefined;
  const condition: Condition = { ...next, lastTransitionTime: previous && previous.status === next.status ? previous.lastTransitionTime : time };
  for (const field of extraTimes) {
    if (field === 'lastProbeTime') condition.lastProbeTime = null;
    else if (previous && previous.status === next.status && previous.reason === next.reason && previous.message === next.message && field === 'lastUpdateTime') condition[field] = previous[field];
    else condition[field] = time;
  }
  if (i >= 0) list[i] = condition;
  else list.push(condition);
  return list;
}

export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** The alphabet of generated names (as k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable digits). */
const ALPHANUM = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a of `text` from `seed`, 32-bit. */
function fnv(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A stable hash of a pod template, spelled like the controllers' pod-template-hash ("7d9f8c6b5"). */
export function templateHash(value: unknown): string {
  const text = JSON.stringify(value);
  let out = '';
  for (const seed of [0x811c9dc5, 0x050c5d1f]) {
    let n = fnv(text, seed);
    for (let i = 0; i < 5; i++) {
      out += ALPHANUM[n % ALPHANUM.length];
      n = Math.floor(n / ALPHANUM.length);
    }
  }
  return out;
}

export function mutable<T>(obj: StoredObject): T {
  return structuredClone(obj) as unknown as T;
}
