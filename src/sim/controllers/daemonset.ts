import type { DaemonSet, Node, Pod } from '../../cluster/types.js';
import { resourceTypes } from '../store/resource-types.js';
import type { StoredObject } from '../store/types.js';
import type { PodCache } from './podcache.js';
import { activePods, createPodFor, podFromTemplate } from './replicaset.js';
import { isPodReady } from './resources.js';
import { controllerRef, emitEvent, keyOf, splitKey, WorkQueue, type SimContext } from './runtime.js';
import { placePod } from './scheduling.js';

const COMPONENT = 'daemonset-controller';

/**
 * One pod per eligible node. Eligibility reuses the scheduler's predicates on an empty node
 * (node selector, affinity, taints), as the DaemonSet controller does; pods are pinned with a
 * matchFields node affinity and bound by the default scheduler.
 */
export class DaemonSetController {
  private readonly queue: WorkQueue;
  private readonly unwatch: Array<() => void>;

  constructor(private readonly ctx: SimContext, private readonly pods: PodCache) {
    this.queue = new WorkQueue(ctx.clock, COMPONENT, (key) => this.sync(key));
    this.unwatch = [
      ctx.store.watch(resourceTypes.daemonsets, {}, (e) => {
        if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
      }),
      ctx.store.watch(resourceTypes.nodes, {}, (e) => {
        if (e.type === 'MODIFIED') return;
        for (const ds of ctx.store.list(resourceTypes.daemonsets).items) this.queue.add(keyOf(ds));
      }),
    ];
    pods.onChange((_e, pod) => {
      const owner = controllerRef(pod as unknown as StoredObject);
      if (owner?.kind === 'DaemonSet') this.queue.add(`${pod.metadata.namespace}/${owner.name}`);
    });
  }

  stop(): void {
    this.queue.stop();
    for (const u of this.unwatch) u();
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const stored = this.ctx.store.get(resourceTypes.daemonsets, namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    const ds = stored as unknown as DaemonSet;
    const nodes = this.ctx.store.list(resourceTypes.nodes).items as unknown as Node[];
    const active = activePods(this.pods.ownedBy(stored.metadata.uid!));
    const byNode = new Map<string, Pod[]>();
    for (const pod of active) {
      const node = pinnedNode(pod);
      if (node) byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const template = ds.spec?.template ?? {};
    const probe = { metadata: { name: 'probe', namespace }, spec: { ...template.spec, nodeName: undefined } } as unknown as Pod;
    let desired = 0;
    let misscheduled = 0;
    for (const node of nodes) {
      const snapshot = { node, allocatable: { cpu: Infinity, memory: Infinity, pods: Infinity }, requested: {}, podCount: 0, usedHostPorts: new Set<string>() };
      const eligible = 'nodeName' in placePod(probe, [snapshot]);
      const existing = byNode.get(node.metadata.name) ?? [];
      if (eligible) {
        desired++;
        if (existing.length === 0) {
          const pod = podFromTemplate(stored, 'daemonsets', template);
          const spec = pod.spec as Record<string, unknown>;
          spec.tolerations = withDaemonTolerations(spec.tolerations as Toleration[] | undefined);
          spec.affinity = {
            ...(spec.affinity as object | undefined),
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.metadata.name] }] }] } },
          };
          const created = createPodFor(this.ctx, stored, pod, COMPONENT);
          if (created) emitEvent(this.ctx, stored, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, COMPONENT);
        }
      } else if (existing.length) {
        misscheduled += existing.length;
        for (const pod of existing) {
          this.ctx.store.delete(resourceTypes.pods, namespace, pod.metadata.name);
          emitEvent(this.ctx, stored, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, COMPONENT);
        }
      }
    }
    const ready = active.filter(isPodReady).length;
    this.ctx.store.mutate(resourceTypes.daemonsets, namespace, name!, (obj) => {
      obj.status = {
        currentNumberScheduled: active.filter((p) => p.spec?.nodeName).length,
        desiredNumberScheduled: desired,
        numberMisscheduled: misscheduled,
        numberReady: ready,
        numberAvailable: ready,
        numberUnavailable: Math.max(0, desired - ready),
        updatedNumberScheduled: active.length,
        observedGeneration: obj.metadata.generation,
      };
      const status = obj.status as Record<string, number>;
      for (const k of ['numberAvailable', 'numberUnavailable']) if (status[k] === 0) delete status[k];
    });
  }
}

interface Toleration { key?: string; operator?: string; effect?: string; tolerationSeconds?: number }

/** The tolerations the DaemonSet controller adds, so daemons survive node problems instead of being evicted. */
const DAEMON_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function withDaemonTolerations(existing: Toleration[] | undefined): Toleration[] {
  const list = [...(existing ?? [])];
  for (const t of DAEMON_TOLERATIONS) if (!list.some((e) => e.key === t.key && e.effect === t.effect)) list.push(t);
  return list;
}

function pinnedNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms[0]?.matchFields?.find((f) => f.key === 'metadata.name')?.values?.[0];
}
