import type { Deployment, ReplicaSet } from '../../cluster/types.js';
import { rfc3339 } from '../clock.js';
import { resourceTypes } from '../store/resource-types.js';
import type { StoredObject } from '../store/types.js';
import { resolveFenceposts, rollingUpdateStep, type ReplicaSetCounts } from './rollout.js';
import { controllerRef, emitEvent, getCondition, keyOf, ownerReference, setCondition, splitKey, templateHash, WorkQueue, type Condition, type SimContext } from './runtime.js';

const COMPONENT = 'deployment-controller';
const REVISION = 'deployment.kubernetes.io/revision';

/** Deployment condition reasons and messages (pkg/controller/deployment/util/deployment_util.go). */
export const deploymentMessages = {
  newRSCreated: (rs: string) => `Created new replica set "${rs}"`,
  progressing: (rs: string) => `ReplicaSet "${rs}" is progressing.`,
  complete: (rs: string) => `ReplicaSet "${rs}" has successfully progressed.`,
  timedOut: (rs: string) => `ReplicaSet "${rs}" has timed out progressing.`,
  available: 'Deployment has minimum availability.',
  unavailable: 'Deployment does not have minimum availability.',
};

function counts(rs: StoredObject): ReplicaSetCounts {
  const r = rs as unknown as ReplicaSet;
  return { name: rs.metadata.name!, replicas: r.spec?.replicas ?? 0, available: r.status?.availableReplicas ?? 0, created: rs.metadata.creationTimestamp ?? '' };
}

export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly unwatch: Array<() => void>;

  constructor(private readonly ctx: SimContext) {
    this.queue = new WorkQueue(ctx.clock, COMPONENT, (key) => this.sync(key));
    this.unwatch = [
      ctx.store.watch(resourceTypes.deployments, {}, (e) => {
        if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
      }),
      ctx.store.watch(resourceTypes.replicasets, {}, (e) => {
        const owner = controllerRef(e.object);
        if (owner?.kind === 'Deployment') this.queue.add(`${e.object.metadata.namespace}/${owner.name}`);
      }),
    ];
  }

  stop(): void {
    this.queue.stop();
    for (const u of this.unwatch) u();
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const stored = this.ctx.store.get(resourceTypes.deployments, namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    const d = stored as unknown as Deployment;
    const desired = d.spec?.replicas ?? 1;
    const owned = this.ctx.store
      .list(resourceTypes.replicasets, { namespace })
      .items.filter((rs) => controllerRef(rs)?.uid === stored.metadata.uid);
    const hash = templateHash(d.spec?.template);
    let newRS = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const oldRSs = owned.filter((rs) => rs !== newRS);
    const previousStatus = (d.status ?? {}) as Record<string, number | undefined>;

    if (d.spec?.paused) return this.writeStatus(stored, newRS, owned, previousStatus);

    if (!newRS) newRS = this.createReplicaSet(stored, hash, oldRSs, desired);
    const strategy = d.spec?.strategy;
    if (strategy?.type === 'Recreate') {
      const oldActive = oldRSs.some((rs) => ((rs.status as { replicas?: number } | undefined)?.replicas ?? 0) > 0);
      for (const rs of oldRSs) this.scale(stored, rs, 0);
      if (!oldActive) this.scale(stored, newRS, desired);
    } else {
      const step = rollingUpdateStep(
        desired,
        strategy?.rollingUpdate?.maxSurge,
        strategy?.rollingUpdate?.maxUnavailable,
        counts(newRS),
        oldRSs.map(counts),
      );
      for (const rs of [newRS, ...oldRSs]) {
        const target = step.scale.get(rs.metadata.name!);
        if (target !== undefined) this.scale(stored, rs, target);
      }
    }
    const fresh = this.ctx.store.list(resourceTypes.replicasets, { namespace }).items.filter((rs) => controllerRef(rs)?.uid === stored.metadata.uid);
    this.writeStatus(stored, fresh.find((rs) => rs.metadata.name === newRS!.metadata.name), fresh, previousStatus);
  }

  private createReplicaSet(d: StoredObject, hash: string, oldRSs: StoredObject[], desired: number): StoredObject {
    const spec = (d as unknown as Deployment).spec!;
    const revision = Math.max(0, ...oldRSs.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0))) + 1;
    const template = structuredClone(spec.template) as { metadata?: { labels?: Record<string, string> } };
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } };
    const [surge] = resolveFenceposts(spec.strategy?.rollingUpdate?.maxSurge, spec.strategy?.rollingUpdate?.maxUnavailable, desired);
    const rs = this.ctx.store.create(resourceTypes.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        annotations: { [REVISION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + surge) },
        ownerReferences: [ownerReference(d, resourceTypes.deployments)],
      },
      spec: {
        replicas: 0,
        minReadySeconds: spec.minReadySeconds ?? 0,
        selector: { ...spec.selector, matchLabels: { ...spec.selector?.matchLabels, 'pod-template-hash': hash } },
        template,
      },
    });
    this.ctx.store.mutate(resourceTypes.deployments, d.metadata.namespace, d.metadata.name!, (obj) => {
      obj.metadata.annotations = { ...obj.metadata.annotations, [REVISION]: String(revision) };
      const status = (obj.status ??= {}) as { conditions?: Condition[] };
      status.conditions = setCondition(
        status.conditions,
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: deploymentMessages.newRSCreated(rs.metadata.name!) },
        this.ctx.clock.now(),
        ['lastUpdateTime'],
      );
    });
    return rs;
  }

  private scale(d: StoredObject, rs: StoredObject, replicas: number): void {
    const from = (rs as unknown as ReplicaSet).spec?.replicas ?? 0;
    if (from === replicas) return;
    this.ctx.store.mutate(resourceTypes.replicasets, rs.metadata.namespace, rs.metadata.name!, (obj) => {
      (obj.spec as { replicas?: number }).replicas = replicas;
      obj.metadata.annotations = { ...obj.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String((d as unknown as Deployment).spec?.replicas ?? 1) };
    });
    emitEvent(this.ctx, d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`, COMPONENT);
  }

  private writeStatus(stored: StoredObject, newRS: StoredObject | undefined, all: StoredObject[], previous: Record<string, number | undefined>): void {
    const d = stored as unknown as Deployment;
    const desired = d.spec?.replicas ?? 1;
    const sum = (field: 'replicas' | 'readyReplicas' | 'availableReplicas', list: StoredObject[]) =>
      list.reduce((n, rs) => n + (((rs.status as Record<string, number> | undefined)?.[field]) ?? 0), 0);
    const replicas = sum('replicas', all);
    const updated = newRS ? sum('replicas', [newRS]) : 0;
    const ready = sum('readyReplicas', all);
    const available = sum('availableReplicas', all);
    const now = this.ctx.clock.now();
    const [, maxUnavailable] = resolveFenceposts(d.spec?.strategy?.rollingUpdate?.maxSurge, d.spec?.strategy?.rollingUpdate?.maxUnavailable, desired);
    const minAvailable = d.spec?.strategy?.type === 'Recreate' ? desired : desired - maxUnavailable;
    const rsName = newRS?.metadata.name ?? '';
    const complete = updated === desired && replicas === desired && available === desired && sum('replicas', all.filter((rs) => rs !== newRS)) === 0;
    const progressed =
      updated > (previous.updatedReplicas ?? 0) ||
      ready > (previous.readyReplicas ?? 0) ||
      available > (previous.availableReplicas ?? 0) ||
      replicas - updated < (previous.replicas ?? 0) - (previous.updatedReplicas ?? 0);
    const deadlineSeconds = d.spec?.progressDeadlineSeconds ?? 600;

    this.ctx.store.mutate(resourceTypes.deployments, stored.metadata.namespace, stored.metadata.name!, (obj) => {
      const status = (obj.status ?? {}) as Record<string, unknown> & { conditions?: Condition[] };
      Object.assign(status, {
        observedGeneration: obj.metadata.generation,
        replicas,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: available,
        unavailableReplicas: Math.max(0, replicas - available),
      });
      for (const field of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
        if (status[field] === 0) delete status[field];
      }
      status.conditions = setCondition(
        status.conditions,
        available >= minAvailable
          ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: deploymentMessages.available }
          : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: deploymentMessages.unavailable },
        now,
        ['lastUpdateTime'],
      );
      const current = getCondition(status.conditions, 'Progressing');
      if (d.spec?.paused) {
        status.conditions = setCondition(status.conditions, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, now, ['lastUpdateTime']);
      } else if (complete) {
        status.conditions = setCondition(status.conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: deploymentMessages.complete(rsName) }, now, ['lastUpdateTime']);
      } else if (progressed || !current || current.reason === 'NewReplicaSetAvailable') {
        status.conditions = setCondition(status.conditions, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: deploymentMessages.progressing(rsName) }, now, ['lastUpdateTime']);
        const list = status.conditions;
        const c = getCondition(list, 'Progressing')!;
        c.lastUpdateTime = rfc3339(now);
      } else if (current.reason !== 'ProgressDeadlineExceeded') {
        const lastUpdate = Date.parse(current.lastUpdateTime ?? current.lastTransitionTime ?? '') || now;
        const deadline = lastUpdate + deadlineSeconds * 1000;
        if (deadline <= now) {
          status.conditions = setCondition(status.conditions, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: deploymentMessages.timedOut(rsName) }, now, ['lastUpdateTime']);
        } else this.queue.addAfter(keyOf(stored), deadline - now + 1);
      }
      obj.status = status;
    });
  }
}
