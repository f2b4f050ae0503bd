import type { Node, Pod } from '../../cluster/types.js';
import { rfc3339 } from '../clock.js';
import { resourceTypes } from '../store/resource-types.js';
import type { PodCache } from './podcache.js';
import { emitEvent, getCondition, keyOf, setCondition, WorkQueue, type Condition, type SimContext } from './runtime.js';
import { tolerates } from './scheduling.js';
import type { StoredObject } from '../store/types.js';

const NODE_CONTROLLER = 'node-controller';
const TAINT_EVICTION = 'taint-eviction-controller';
/** kube-controller-manager defaults: --node-monitor-period 5s, --node-monitor-grace-period 40s. */
const MONITOR_MS = 5_000;
const GRACE_MS = 40_000;

interface Taint { key: string; value?: string; effect: string; timeAdded?: string }

/** Where the node's kubelet last reported in (undefined: unknown node). */
export type HeartbeatSource = (node: string) => number | undefined;

/** Taints the node lifecycle controller owns, derived from conditions (TaintNodesByCondition and NoExecute eviction). */
function managedTaints(node: Node): Taint[] {
  const conditions = (node.status?.conditions ?? []) as Condition[];
  const ready = getCondition(conditions, 'Ready');
  const taints: Taint[] = [];
  if (ready?.status === 'Unknown') taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' });
  else if (ready?.status === 'False') taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' });
  const pressure: Record<string, string> = { MemoryPressure: 'memory-pressure', DiskPressure: 'disk-pressure', PIDPressure: 'pid-pressure' };
  for (const [type, key] of Object.entries(pressure)) {
    if (getCondition(conditions, type)?.status === 'True') taints.push({ key: `node.kubernetes.io/${key}`, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  return taints;
}

const MANAGED = /^node\.kubernetes\.io\/(unreachable|not-ready|memory-pressure|disk-pressure|pid-pressure|unschedulable)$/;

/**
 * The node lifecycle and taint-eviction controllers: a node whose kubelet stops reporting goes
 * Unknown, gets the unreachable taints and its pods are marked NotReady, then evicted once their
 * toleration of the NoExecute taint runs out.
 */
export class NodeLifecycleController {
  private readonly queue: WorkQueue;
  private readonly unwatch: () => void;

  constructor(private readonly ctx: SimContext, private readonly pods: PodCache, private readonly heartbeat: HeartbeatSource) {
    this.queue = new WorkQueue(ctx.clock, NODE_CONTROLLER, (name) => this.sync(name));
    this.unwatch = ctx.store.watch(resourceTypes.nodes, {}, (e) => {
      if (e.type !== 'DELETED') this.queue.add(e.object.metadata.name!);
    });
  }

  stop(): void {
    this.queue.stop();
    this.unwatch();
  }

  private sync(name: string): void {
    const stored = this.ctx.store.get(resourceTypes.nodes, undefined, name);
    if (!stored) return;
    this.queue.addAfter(name, MONITOR_MS);
    const now = this.ctx.clock.now();
    const last = this.heartbeat(name);
    let node = stored as unknown as Node;
    const ready = getCondition(node.status?.conditions as Condition[] | undefined, 'Ready');
    if (last !== undefined && now - last > GRACE_MS && ready && ready.status !== 'Unknown') {
      const updated = this.ctx.store.mutate(resourceTypes.nodes, undefined, name, (obj) => {
        const status = (obj.status ??= {}) as { conditions?: Condition[] };
        status.conditions = (status.conditions ?? []).map((c) => ({ ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: rfc3339(now) }));
      });
      emitEvent(this.ctx, updated, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, NODE_CONTROLLER);
      this.markPodsNotReady(name);
      node = updated as unknown as Node;
    }
    this.reconcileTaints(node);
    this.evict(this.ctx.store.get(resourceTypes.nodes, undefined, name) as unknown as Node);
  }

  private markPodsNotReady(nodeName: string): void {
    for (const pod of this.pods.onNode(nodeName)) {
      if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
      const updated = this.ctx.store.mutate(resourceTypes.pods, pod.metadata.namespace, pod.metadata.name, (obj) => {
        const status = (obj.status ??= {}) as { conditions?: Condition[] };
        status.conditions = setCondition(status.conditions, { type: 'Ready', status: 'False', lastProbeTime: null }, this.ctx.clock.now());
      });
      emitEvent(this.ctx, updated, 'Warning', 'NodeNotReady', 'Node is not ready', NODE_CONTROLLER);
    }
  }

  private reconcileTaints(node: Node): void {
    const current = (node.spec?.taints ?? []) as Taint[];
    const wanted = managedTaints(node);
    const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
    const keep = current.filter((t) => !MANAGED.test(t.key) || wanted.some((w) => same(w, t)));
    const add = wanted.filter((w) => !current.some((t) => same(w, t))).map((t) => (t.effect === 'NoExecute' ? { ...t, timeAdded: rfc3339(this.ctx.clock.now()) } : t));
    if (!add.length && keep.length === current.length) return;
    this.ctx.store.mutate(resourceTypes.nodes, undefined, node.metadata.name, (obj) => {
      const spec = (obj.spec ??= {}) as { taints?: Taint[] };
      spec.taints = [...keep, ...add];
      if (!spec.taints.length) delete spec.taints;
    });
  }

  /** Taint-based eviction: pods that do not tolerate a NoExecute taint (or whose tolerationSeconds ran out). */
  private evict(node: Node | undefined): void {
    if (!node) return;
    const noExecute = ((node.spec?.taints ?? []) as Taint[]).filter((t) => t.effect === 'NoExecute');
    if (!noExecute.length) return;
    const now = this.ctx.clock.now();
    for (const pod of this.pods.onNode(node.metadata.name)) {
      if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      let evictAt = -Infinity;
      let forever = true;
      for (const taint of noExecute) {
        const toleration = (pod.spec?.tolerations ?? []).find((t) => tolerates([t], taint));
        if (!toleration) {
          forever = false;
          evictAt = Math.max(evictAt, now);
          continue;
        }
        if (toleration.tolerationSeconds === undefined || toleration.tolerationSeconds === null) continue;
        forever = false;
        const added = Date.parse(taint.timeAdded ?? '') || now;
        evictAt = Math.max(evictAt, added + toleration.tolerationSeconds * 1000);
      }
      if (forever) continue;
      if (evictAt > now) {
        this.queue.addAfter(node.metadata.name, evictAt - now);
        continue;
      }
      this.deletePod(pod);
    }
  }

  private deletePod(pod: Pod): void {
    const updated = this.ctx.store.mutate(resourceTypes.pods, pod.metadata.namespace, pod.metadata.name, (obj) => {
      const status = (obj.status ??= {}) as { conditions?: Condition[] };
      status.conditions = setCondition(status.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }, this.ctx.clock.now());
    });
    emitEvent(this.ctx, updated, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${keyOf(updated as StoredObject)}`, TAINT_EVICTION);
    this.ctx.store.delete(resourceTypes.pods, pod.metadata.namespace, pod.metadata.name);
  }
}
