/**
 * Shared by every source: turn raw API objects into the shapes ClusterState holds.
 * Secrets lose their values here, before anything else can see them.
 */
import type { KubeObject } from '../cluster/types.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Keep a Secret's name, type and key names; drop every value (including the copy in last-applied). */
export function redactSecret(secret: KubeObject): KubeObject {
  const keysOf = (field: unknown) => Object.fromEntries(Object.keys((field as Record<string, unknown>) ?? {}).map((k) => [k, '']));
  const annotations = { ...(secret.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  const redacted: KubeObject = {
    apiVersion: secret.apiVersion,
    kind: 'Secret',
    metadata: { ...secret.metadata, annotations, managedFields: undefined },
    type: secret.type,
  };
  if (secret.data !== undefined || secret.stringData !== undefined) {
    redacted.data = { ...keysOf(secret.data), ...keysOf(secret.stringData) };
  }
  return redacted;
}

interface EventsV1 {
  regarding?: Record<string, unknown>;
  note?: string;
  deprecatedCount?: number;
  deprecatedFirstTimestamp?: string;
  deprecatedLastTimestamp?: string;
  deprecatedSource?: Record<string, unknown>;
  reportingController?: string;
  reportingInstance?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
}

/** events.k8s.io/v1 Events carry the same facts under other names; hold them in core/v1 shape. */
export function toCoreEvent(event: KubeObject): KubeObject {
  if (!event.apiVersion?.startsWith('events.k8s.io/')) return event;
  const e = event as KubeObject & EventsV1;
  return {
    ...event,
    apiVersion: 'v1',
    involvedObject: e.regarding ?? {},
    message: e.note,
    count: e.series?.count ?? e.deprecatedCount ?? 1,
    firstTimestamp: e.deprecatedFirstTimestamp ?? e.eventTime,
    lastTimestamp: e.series?.lastObservedTime ?? e.deprecatedLastTimestamp ?? e.eventTime,
    source: e.deprecatedSource ?? { component: e.reportingController, host: e.reportingInstance },
  };
}

export function normalizeObject(obj: KubeObject): KubeObject {
  if (obj.kind === 'Secret') return redactSecret(obj);
  if (obj.kind === 'Event') return toCoreEvent(obj);
  return obj;
}
