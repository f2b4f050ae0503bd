import type { Pod, ReplicaSet } from '../../cluster/types.js';
import { resourceTypes } from '../store/resource-types.js';
import type { KubeObject, StoredObject } from '../store/types.js';
import { StatusError } from '../store/types.js';
import type { PodCache } from './podcache.js';
import { isPodReady, isPodTerminal } from './resources.js';
import { controllerRef, emitEvent, getCondition, keyOf, ownerReference, setCondition, splitKey, WorkQueue, type Condition, type SimContext } from './runtime.js';

const COMPONENT = 'replicaset-controller';
/** Like the controller's slowStartBatch cap: at most this many creations per sync. */
const BURST = 500;

/** A pod counts as available once it has been Ready for minReadySeconds. */
export function availableSince(pod: Pod, minReadySeconds: number, now: number): { available: boolean; at?: number } {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready || pod.metadata.deletionTimestamp) return { available: false };
  const since = Date.parse(ready.lastTransitionTime ?? '') || now;
  const at = since + minReadySeconds * 1000;
  return { available: at <= now, at };
}

/** Deletion preference of the ReplicaSet controller: unscheduled, then pending, then not ready, then newest. */
function deletionRank(pod: Pod): number {
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Pending') return 1;
  if (!isPodReady(pod)) return 2;
  return 3;
}

export function activePods(pods: Pod[]): Pod[] {
  return pods.filter((p) => !isPodTerminal(p) && !p.metadata.deletionTimestamp);
}

/**
 * Pod creation as every workload controller does it: the error of a refused create (quota,
 * service account, webhook) becomes a FailedCreate event "Error creating: ...".
 */
export function createPodFor(
  ctx: SimContext,
  owner: StoredObject,
  pod: KubeObject,
  component: string,
  onError?: (message: string) => void,
): StoredObject | undefined {
  try {
    return ctx.store.create(resourceTypes.pods, pod);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    emitEvent(ctx, owner, 'Warning', 'FailedCreate', `Error creating: ${err.message}`, component);
    onError?.(err.message);
    return undefined;
  }
}

export function podFromTemplate(owner: StoredObject, ownerKind: keyof typeof resourceTypes, template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [ownerReference(owner, resourceTypes[ownerKind])],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly unwatch: () => void;

  constructor(private readonly ctx: SimContext, private readonly pods: PodCache) {
    this.queue = new WorkQueue(ctx.clock, COMPONENT, (key) => this.sync(key));
    this.unwatch = ctx.store.watch(resourceTypes.replicasets, {}, (e) => {
      if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
    });
    pods.onChange((_e, pod, old) => {
      const owner = controllerRef(pod as unknown as StoredObject) ?? (old && controllerRef(old as unknown as StoredObject));
      if (owner?.kind === 'ReplicaSet') this.queue.add(`${pod.metadata.namespace}/${owner.name}`);
    });
  }

  stop(): void {
    this.queue.stop();
    this.unwatch();
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const stored = this.ctx.store.get(resourceTypes.replicasets, namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    const rs = stored as unknown as ReplicaSet;
    const desired = rs.spec?.replicas ?? 1;
    const owned = this.pods.ownedBy(stored.metadata.uid!);
    const active = activePods(owned);
    let failure: string | undefined;

    if (active.length < desired) {
      const count = Math.min(desired - active.length, BURST);
      for (let i = 0; i < count; i++) {
        const created = createPodFor(this.ctx, stored, podFromTemplate(stored, 'replicasets', rs.spec?.template ?? {}), COMPONENT, (m) => (failure = m));
        if (!created) break;
        emitEvent(this.ctx, stored, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, COMPONENT);
      }
      if (failure || count < desired - active.length) this.queue.addAfter(key, failure ? 10_000 : 0);
    } else if (active.length > desired) {
      const victims = [...active]
        .sort((a, b) => deletionRank(a) - deletionRank(b) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))
        .slice(0, active.length - desired);
      for (const pod of victims) {
        this.ctx.store.delete(resourceTypes.pods, namespace, pod.metadata.name);
        emitEvent(this.ctx, stored, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, COMPONENT);
      }
    }
    this.updateStatus(stored, active, failure);
  }

  private updateStatus(stored: StoredObject, active: Pod[], failure: string | undefined): void {
    const rs = stored as unknown as ReplicaSet;
    const now = this.ctx.clock.now();
    const minReady = rs.spec?.minReadySeconds ?? 0;
    let available = 0;
    let nextAvailable: number | undefined;
    for (const pod of active) {
      const a = availableSince(pod, minReady, now);
      if (a.available) available++;
      else if (a.at !== undefined) nextAvailable = Math.min(nextAvailable ?? Infinity, a.at);
    }
    if (nextAvailable !== undefined) this.queue.addAfter(keyOf(stored), nextAvailable - now);
    const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
    this.ctx.store.mutate(resourceTypes.replicasets, stored.metadata.namespace, stored.metadata.name!, (obj) => {
      const status = (obj.status ?? {}) as Record<string, unknown> & { conditions?: Condition[] };
      status.replicas = active.length;
      status.fullyLabeledReplicas = active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
      status.readyReplicas = active.filter(isPodReady).length;
      status.availableReplicas = available;
      status.observedGeneration = obj.metadata.generation;
      if (failure) {
        status.conditions = setCondition(status.conditions, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure }, now);
      } else if (getCondition(status.conditions, 'ReplicaFailure')) {
        status.conditions = status.conditions!.filter((c) => c.type !== 'ReplicaFailure');
        if (!status.conditions.length) delete status.conditions;
      }
      obj.status = status;
    });
  }
}
