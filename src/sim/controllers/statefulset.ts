import type { Pod, StatefulSet } from '../../cluster/types.js';
import { resourceTypes } from '../store/resource-types.js';
import type { KubeObject, StoredObject } from '../store/types.js';
import { StatusError } from '../store/types.js';
import type { PodCache } from './podcache.js';
import { podFromTemplate } from './replicaset.js';
import { isPodReady, isPodTerminal } from './resources.js';
import { controllerRef, emitEvent, keyOf, splitKey, templateHash, WorkQueue, type SimContext } from './runtime.js';

const COMPONENT = 'statefulset-controller';
const REVISION_LABEL = 'controller-revision-hash';

/** StatefulSet controller with OrderedReady semantics: one pod at a time, in ordinal order. */
export class StatefulSetController {
  private readonly queue: WorkQueue;
  private readonly unwatch: () => void;

  constructor(private readonly ctx: SimContext, private readonly pods: PodCache) {
    this.queue = new WorkQueue(ctx.clock, COMPONENT, (key) => this.sync(key));
    this.unwatch = ctx.store.watch(resourceTypes.statefulsets, {}, (e) => {
      if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
    });
    pods.onChange((_e, pod, old) => {
      const owner = controllerRef(pod as unknown as StoredObject) ?? (old && controllerRef(old as unknown as StoredObject));
      if (owner?.kind === 'StatefulSet') this.queue.add(`${pod.metadata.namespace}/${owner.name}`);
    });
  }

  stop(): void {
    this.queue.stop();
    this.unwatch();
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const stored = this.ctx.store.get(resourceTypes.statefulsets, namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    const sts = stored as unknown as StatefulSet;
    const replicas = sts.spec?.replicas ?? 1;
    const revision = `${name}-${templateHash(sts.spec?.template)}`;
    const byOrdinal = new Map<number, Pod>();
    for (const pod of this.pods.ownedBy(stored.metadata.uid!)) {
      const ordinal = Number(pod.metadata.name.slice(name!.length + 1));
      if (Number.isInteger(ordinal)) byOrdinal.set(ordinal, pod);
    }
    const parallel = sts.spec?.podManagementPolicy === 'Parallel';
    let blocked = false;
    for (let i = 0; i < replicas && !blocked; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        this.createPod(stored, sts, i, revision);
        blocked = !parallel;
      } else if (pod.status?.phase === 'Failed' && !pod.metadata.deletionTimestamp) {
        this.ctx.store.delete(resourceTypes.pods, namespace, pod.metadata.name);
        emitEvent(this.ctx, stored, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${name} successful`, COMPONENT);
        blocked = !parallel;
      } else if (!parallel && (!isPodReady(pod) || pod.metadata.deletionTimestamp)) blocked = true;
    }
    // Scale down (highest ordinal first), then roll out a new revision in reverse ordinal order.
    const extra = [...byOrdinal.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    const allReady = [...byOrdinal.values()].every((p) => isPodReady(p) && !p.metadata.deletionTimestamp);
    if (extra.length && (parallel || allReady)) this.deletePod(stored, byOrdinal.get(extra[0])!);
    else if (!extra.length && allReady && byOrdinal.size === replicas && sts.spec?.updateStrategy?.type !== 'OnDelete') {
      const stale = [...byOrdinal.entries()].filter(([, p]) => p.metadata.labels?.[REVISION_LABEL] !== revision).sort((a, b) => b[0] - a[0]);
      if (stale.length) this.deletePod(stored, stale[0][1]);
    }
    const active = [...byOrdinal.values()].filter((p) => !isPodTerminal(p));
    this.ctx.store.mutate(resourceTypes.statefulsets, namespace, name!, (obj) => {
      const updated = active.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision).length;
      obj.status = {
        observedGeneration: obj.metadata.generation,
        replicas: active.length,
        readyReplicas: active.filter(isPodReady).length,
        availableReplicas: active.filter(isPodReady).length,
        currentReplicas: updated,
        updatedReplicas: updated,
        currentRevision: revision,
        updateRevision: revision,
        collisionCount: 0,
      };
    });
  }

  private createPod(stored: StoredObject, sts: StatefulSet, ordinal: number, revision: string): void {
    const name = `${stored.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(stored, 'statefulsets', sts.spec?.template ?? {}) as KubeObject & { spec: Record<string, unknown> };
    delete pod.metadata.generateName;
    pod.metadata.name = name;
    pod.metadata.labels = { ...pod.metadata.labels, [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) };
    pod.spec.hostname = name;
    if (sts.spec?.serviceName) pod.spec.subdomain = sts.spec.serviceName;
    const volumes = (pod.spec.volumes as Array<{ name: string }> | undefined) ?? [];
    try {
      for (const template of sts.spec?.volumeClaimTemplates ?? []) {
        const claim = `${template.metadata?.name}-${name}`;
        if (!this.ctx.store.get(resourceTypes.persistentvolumeclaims, stored.metadata.namespace, claim)) {
          this.ctx.store.create(resourceTypes.persistentvolumeclaims, {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: claim, namespace: stored.metadata.namespace, labels: { ...sts.spec?.selector?.matchLabels } },
            spec: structuredClone(template.spec ?? {}),
          });
          emitEvent(this.ctx, stored, 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${name} in StatefulSet ${stored.metadata.name} success`, COMPONENT);
        }
        if (!volumes.some((v) => v.name === template.metadata?.name)) volumes.push({ name: template.metadata!.name!, persistentVolumeClaim: { claimName: claim } } as { name: string });
      }
      pod.spec.volumes = volumes;
      this.ctx.store.create(resourceTypes.pods, pod);
      emitEvent(this.ctx, stored, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${stored.metadata.name} successful`, COMPONENT);
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      emitEvent(this.ctx, stored, 'Warning', 'FailedCreate', `create Pod ${name} in StatefulSet ${stored.metadata.name} failed error: ${err.message}`, COMPONENT);
      this.queue.addAfter(keyOf(stored), 10_000);
    }
  }

  private deletePod(stored: StoredObject, pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return;
    this.ctx.store.delete(resourceTypes.pods, pod.metadata.namespace, pod.metadata.name);
    emitEvent(this.ctx, stored, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${stored.metadata.name} successful`, COMPONENT);
  }
}
