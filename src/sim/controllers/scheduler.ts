import type { Node, PersistentVolumeClaim, Pod, StorageClass } from '../../cluster/types.js';
import { resourceTypes } from '../store/resource-types.js';
import type { StoredObject } from '../store/types.js';
import type { PodCache } from './podcache.js';
import { addAmounts, isPodTerminal, podRequests, toAmounts } from './resources.js';
import { emitEvent, keyOf, setCondition, splitKey, WorkQueue, type Condition, type SimContext } from './runtime.js';
import { placePod, podHostPorts, type NodeSnapshot } from './scheduling.js';

const SCHEDULER = 'default-scheduler';
/** Unschedulable pods are retried at least this often, like kube-scheduler's flush of its unschedulable queue. */
const RETRY_MS = 60_000;

export function isDefaultScheduled(pod: Pod): boolean {
  return (pod.spec?.schedulerName ?? SCHEDULER) === SCHEDULER;
}

/**
 * The simulator's kube-scheduler: binds pending pods whose schedulerName is default-scheduler,
 * records Scheduled / FailedScheduling events, and retries when nodes or pods change.
 */
export class DefaultScheduler {
  private readonly nodes = new Map<string, NodeSnapshot>();
  private readonly order: string[] = [];
  private readonly queue: WorkQueue;
  private readonly unschedulable = new Set<string>();
  /** Pods placed on a node but waiting for their WaitForFirstConsumer claims to be provisioned. */
  private readonly assumed = new Map<string, { nodeName: string; claims: string[] }>();
  private readonly unwatchNodes: () => void;
  private nextStart = 0;

  constructor(private readonly ctx: SimContext, private readonly pods: PodCache) {
    this.queue = new WorkQueue(ctx.clock, 'scheduler', (key) => this.schedule(key));
    this.unwatchNodes = ctx.store.watch(resourceTypes.nodes, {}, (event) => {
      const node = event.object as unknown as Node;
      if (event.type === 'DELETED') this.removeNode(node.metadata.name);
      else this.upsertNode(node);
      this.retryUnschedulable();
    });
    for (const pod of pods.all()) this.onPod(pod, undefined, false);
    pods.onChange((event, pod, old) => this.onPod(pod, old, event.type === 'DELETED'));
  }

  stop(): void {
    this.queue.stop();
    this.unwatchNodes();
  }

  private onPod(pod: Pod, old: Pod | undefined, deleted: boolean): void {
    if (old?.spec?.nodeName && !isPodTerminal(old)) this.account(old, -1);
    if (!deleted && pod.spec?.nodeName && !isPodTerminal(pod)) this.account(pod, 1);
    const key = keyOf(pod as unknown as StoredObject);
    if (deleted || pod.spec?.nodeName) {
      this.unschedulable.delete(key);
      // Freed capacity may let waiting pods fit.
      if (old?.spec?.nodeName && (deleted || isPodTerminal(pod))) this.retryUnschedulable();
      return;
    }
    const ungated = (old?.spec?.schedulingGates?.length ?? 0) > 0 && !pod.spec?.schedulingGates?.length;
    if (isDefaultScheduled(pod) && !pod.metadata.deletionTimestamp && (!old || ungated)) this.queue.add(key);
  }

  private account(pod: Pod, sign: 1 | -1): void {
    const snap = this.nodes.get(pod.spec!.nodeName!);
    if (!snap) return;
    addAmounts(snap.requested, podRequests(pod), sign);
    snap.podCount += sign;
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid;
    if (owner) {
      snap.ownerCounts ??= new Map();
      snap.ownerCounts.set(owner, (snap.ownerCounts.get(owner) ?? 0) + sign);
    }
    for (const port of podHostPorts(pod)) {
      if (sign > 0) snap.usedHostPorts.add(port);
      else snap.usedHostPorts.delete(port);
    }
  }

  private upsertNode(node: Node): void {
    const name = node.metadata.name;
    const existing = this.nodes.get(name);
    const allocatable = toAmounts(node.status?.allocatable as Record<string, string> | undefined);
    if (existing) {
      existing.node = node;
      existing.allocatable = allocatable;
      return;
    }
    const snap: NodeSnapshot = { node, allocatable, requested: {}, podCount: 0, usedHostPorts: new Set() };
    this.nodes.set(name, snap);
    this.order.push(name);
    for (const pod of this.pods.onNode(name)) if (!isPodTerminal(pod)) this.account(pod, 1);
  }

  private removeNode(name: string): void {
    this.nodes.delete(name);
    const i = this.order.indexOf(name);
    if (i >= 0) this.order.splice(i, 1);
  }

  private retryUnschedulable(): void {
    for (const key of this.unschedulable) this.queue.addAfter(key, 1_000);
  }

  private schedule(key: string): void {
    const pod = this.pods.get(key);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || !isDefaultScheduled(pod)) {
      this.unschedulable.delete(key);
      return;
    }
    const [namespace, name] = splitKey(key);
    if (pod.spec?.schedulingGates?.length) {
      // Gated pods wait, unscheduled and without events, until every gate is removed.
      this.ctx.store.mutate(resourceTypes.pods, namespace, name, (p) => {
        const status = (p.status ??= {}) as { phase?: string; conditions?: Condition[] };
        status.phase ??= 'Pending';
        status.conditions = setCondition(
          status.conditions,
          { type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null },
          this.ctx.clock.now(),
        );
      });
      return;
    }
    const waiting = this.assumed.get(key);
    if (waiting) return this.bindAfterVolumes(key, waiting);
    const volumes = this.checkVolumes(pod);
    const snapshots = this.order.map((n) => this.nodes.get(n)!);
    const start = this.nextStart++ % Math.max(1, snapshots.length);
    const placement = placePod(pod, snapshots, start, volumes.preFilterMessage);
    if ('nodeName' in placement) {
      this.unschedulable.delete(key);
      if (volumes.waitingForConsumer.length) {
        // PreBind: ask for provisioning on the chosen node, bind once the claims are bound.
        for (const claim of volumes.waitingForConsumer) this.selectNode(namespace!, claim, placement.nodeName);
        this.assumed.set(key, { nodeName: placement.nodeName, claims: volumes.waitingForConsumer });
        this.queue.addAfter(key, 1_000);
        return;
      }
      this.bind(namespace!, name, placement.nodeName);
      return;
    }
    this.unschedulable.add(key);
    this.fail(key, namespace!, name, placement.message);
    this.queue.addAfter(key, RETRY_MS);
  }

  private fail(key: string, namespace: string, name: string, message: string): void {
    this.unschedulable.add(key);
    const updated = this.ctx.store.mutate(resourceTypes.pods, namespace, name, (p) => {
      const status = (p.status ??= {}) as { phase?: string; conditions?: Condition[] };
      status.phase ??= 'Pending';
      status.conditions = setCondition(
        status.conditions,
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null },
        this.ctx.clock.now(),
      );
    });
    emitEvent(this.ctx, updated, 'Warning', 'FailedScheduling', message, SCHEDULER);
  }

  private bind(namespace: string, name: string, nodeName: string): void {
    const bound = this.ctx.store.mutate(resourceTypes.pods, namespace, name, (p) => {
      (p.spec as { nodeName?: string }).nodeName = nodeName;
      const status = (p.status ??= {}) as { conditions?: Condition[] };
      status.conditions = setCondition(status.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, this.ctx.clock.now());
    });
    emitEvent(this.ctx, bound, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`, SCHEDULER);
  }

  private selectNode(namespace: string, claim: string, nodeName: string): void {
    this.ctx.store.mutate(resourceTypes.persistentvolumeclaims, namespace, claim, (pvc) => {
      pvc.metadata.annotations = { ...pvc.metadata.annotations, 'volume.kubernetes.io/selected-node': nodeName };
    });
  }

  /** The VolumeBinding PreBind wait: bind when every claim is bound; a provisioner that gave up drops the selected node. */
  private bindAfterVolumes(key: string, waiting: { nodeName: string; claims: string[] }): void {
    const [namespace, name] = splitKey(key);
    const claims = waiting.claims.map((c) => this.ctx.store.get(resourceTypes.persistentvolumeclaims, namespace, c) as unknown as PersistentVolumeClaim | undefined);
    if (claims.every((c) => c?.status?.phase === 'Bound')) {
      this.assumed.delete(key);
      this.bind(namespace!, name, waiting.nodeName);
      return;
    }
    const failed = claims.find((c) => c && c.status?.phase !== 'Bound' && !c.metadata.annotations?.['volume.kubernetes.io/selected-node']);
    if (failed) {
      this.assumed.delete(key);
      this.fail(key, namespace!, name, `running PreBind plugin "VolumeBinding": binding volumes: provisioning failed for PVC "${failed.metadata.name}"`);
      this.queue.addAfter(key, RETRY_MS / 2);
      return;
    }
    this.queue.addAfter(key, 1_000);
  }

  /**
   * The VolumeBinding plugin's PreFilter: a missing claim or an unbound claim with immediate
   * binding makes the pod unschedulable on every node; WaitForFirstConsumer claims are bound
   * after placement (the PV controller provisions on the selected node).
   */
  private checkVolumes(pod: Pod): { preFilterMessage?: string; waitingForConsumer: string[] } {
    const waitingForConsumer: string[] = [];
    let unboundImmediate = false;
    for (const volume of pod.spec?.volumes ?? []) {
      const claimName = volume.persistentVolumeClaim?.claimName;
      if (!claimName) continue;
      const pvc = this.ctx.store.get(resourceTypes.persistentvolumeclaims, pod.metadata.namespace, claimName) as unknown as PersistentVolumeClaim | undefined;
      if (!pvc) return { preFilterMessage: `persistentvolumeclaim "${claimName}" not found`, waitingForConsumer };
      if (pvc.status?.phase === 'Bound') continue;
      const className = pvc.spec?.storageClassName;
      const sc = className ? (this.ctx.store.get(resourceTypes.storageclasses, undefined, className) as unknown as StorageClass | undefined) : undefined;
      if (sc?.volumeBindingMode === 'WaitForFirstConsumer') waitingForConsumer.push(claimName);
      else unboundImmediate = true;
    }
    if (unboundImmediate) return { preFilterMessage: 'pod has unbound immediate PersistentVolumeClaims', waitingForConsumer };
    return { waitingForConsumer };
  }
}
