import { rfc3339 } from '../clock.js';
import { resourceTypes } from './resource-types.js';
import type { Store } from './store.js';
import type { KubeObject, StoredObject } from './types.js';

/** core/v1 ObjectReference, as events carry it in `involvedObject`. */
export interface ObjectReference {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  /** e.g. `spec.containers{web}` for container events from the kubelet. */
  fieldPath?: string;
}

export interface EventSource {
  component: string;
  /** The node name, for kubelet events. */
  host?: string;
}

export type EventType = 'Normal' | 'Warning';

/** Recently recorded events per store, by aggregation key → event name, as the client-go recorder caches them. */
const recentEvents = new WeakMap<Store, Map<string, { namespace: string; name: string }>>();
/** Distinct messages seen per similar-event key (same source, object, type, reason) and when the window started. */
const similarEvents = new WeakMap<Store, Map<string, { messages: Set<string>; since: number }>>();
const recentEventsLimit = 4096;
/** client-go's EventAggregator: from the 10th different message within 10 minutes on, events are combined. */
const similarEventsLimit = 10;
const similarEventsWindowMs = 600_000;
let sequence = 0;

/**
 * Records a core/v1 Event the way client-go's event recorder does: `involvedObject` is a
 * reference to the object (or the object itself), the name is `<object>.<hex nanoseconds>`,
 * and a repeat of the same source, object, type, reason and message bumps `count` and
 * `lastTimestamp` of the existing event instead of creating a new one. From the 10th different
 * message for the same object and reason within 10 minutes on, they are recorded on one
 * event as "(combined from similar events): <message>".
 */
export function recordEvent(
  store: Store,
  involvedObject: ObjectReference | KubeObject | StoredObject,
  type: EventType,
  reason: string,
  message: string,
  component: string | EventSource,
): StoredObject {
  const ref = toReference(involvedObject);
  const source: EventSource = typeof component === 'string' ? { component } : component;
  const namespace = ref.namespace || 'default';
  const now = rfc3339(store.clock.now());
  const similarKey = [source.component, source.host, ref.kind, ref.namespace, ref.name, ref.fieldPath, ref.uid, ref.apiVersion, type, reason].join('\u0000');
  let similar = similarEvents.get(store);
  if (!similar) similarEvents.set(store, (similar = new Map()));
  let seen = similar.get(similarKey);
  if (!seen || store.clock.now() - seen.since > similarEventsWindowMs) similar.set(similarKey, (seen = { messages: new Set(), since: store.clock.now() }));
  seen.messages.add(message);
  if (similar.size > recentEventsLimit) similar.delete(similar.keys().next().value!);
  const combined = seen.messages.size >= similarEventsLimit;
  if (combined) message = `(combined from similar events): ${message}`;
  // Combined events share one event object, whose message follows the latest one.
  const key = combined ? `${similarKey}\u0000combined` : `${similarKey}\u0000${message}`;

  let cache = recentEvents.get(store);
  if (!cache) recentEvents.set(store, (cache = new Map()));
  const previous = cache.get(key);
  if (previous && store.get(resourceTypes.events, previous.namespace, previous.name)) {
    return store.mutate(resourceTypes.events, previous.namespace, previous.name, (event) => {
      event.count = ((event.count as number | undefined) ?? 1) + 1;
      event.lastTimestamp = now;
      event.message = message;
    });
  }
  const nanos = BigInt(Math.floor(store.clock.now())) * 1_000_000n + BigInt(sequence++ % 1_000_000);
  const event = store.create(resourceTypes.events, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${ref.name}.${nanos.toString(16)}`, namespace },
    involvedObject: ref,
    reason,
    message,
    source: source.host ? { component: source.component, host: source.host } : { component: source.component },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: source.component,
    reportingInstance: source.host ?? '',
  });
  if (cache.size >= recentEventsLimit) cache.delete(cache.keys().next().value!);
  cache.set(key, { namespace, name: event.metadata.name! });
  return event;
}

function toReference(o: ObjectReference | KubeObject | StoredObject): ObjectReference {
  if (!('metadata' in o) || typeof o.metadata !== 'object' || o.metadata === null) return { ...(o as ObjectReference) };
  const obj = o as KubeObject;
  const ref: ObjectReference = { kind: obj.kind ?? '', name: obj.metadata.name ?? '' };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.uid) ref.uid = obj.metadata.uid;
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (obj.metadata.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}
