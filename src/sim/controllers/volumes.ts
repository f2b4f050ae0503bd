import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../cluster/types.js';
import type { FaultRegistry } from '../faults/registry.js';
import { resourceTypes } from '../store/resource-types.js';
import type { StoredObject } from '../store/types.js';
import { toAmount } from './resources.js';
import { emitEvent, keyOf, splitKey, WorkQueue, type SimContext } from './runtime.js';

const COMPONENT = 'persistentvolume-controller';
/** Simulated time an external provisioner takes to create a volume. */
const PROVISION_MS = 2_000;
const RETRY_MS = 15_000;

/** PV controller messages (pkg/controller/volume/persistentvolume/pv_controller.go). */
export const volumeMessages = {
  classNotFound: (name: string) => `storageclass.storage.k8s.io "${name}" not found`,
  waitForConsumer: 'waiting for first consumer to be created before binding',
  noClass: 'no persistent volumes available for this claim and no storage class is set',
  externalProvisioning: (provisioner: string) =>
    `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
  provisioning: (claim: string) => `External provisioner is provisioning volume for claim "${claim}"`,
  provisioningFailed: (cls: string, error: string) => `failed to provision volume with StorageClass "${cls}": ${error}`,
  provisioned: (pv: string) => `Successfully provisioned volume ${pv}`,
};

/** Binds claims to volumes, provisioning them through their StorageClass (the PV controller plus a generic CSI provisioner). */
export class VolumeController {
  private readonly queue: WorkQueue;
  private readonly unwatch: Array<() => void>;
  private readonly provisioningSince = new Map<string, number>();

  constructor(private readonly ctx: SimContext, private readonly faults: FaultRegistry) {
    this.queue = new WorkQueue(ctx.clock, COMPONENT, (key) => this.sync(key));
    const requeueAll = () => {
      for (const pvc of ctx.store.list(resourceTypes.persistentvolumeclaims).items) {
        if ((pvc.status as { phase?: string } | undefined)?.phase !== 'Bound') this.queue.add(keyOf(pvc));
      }
    };
    this.unwatch = [
      ctx.store.watch(resourceTypes.persistentvolumeclaims, {}, (e) => {
        if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
      }),
      ctx.store.watch(resourceTypes.storageclasses, {}, requeueAll),
      faults.onChange(requeueAll),
    ];
  }

  stop(): void {
    this.queue.stop();
    for (const u of this.unwatch) u();
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const stored = this.ctx.store.get(resourceTypes.persistentvolumeclaims, namespace, name);
    if (!stored || stored.metadata.deletionTimestamp) return;
    const pvc = stored as unknown as PersistentVolumeClaim;
    if (pvc.status?.phase === 'Bound') return;
    if (!pvc.status?.phase) this.setPhase(stored, 'Pending');
    const className = pvc.spec?.storageClassName;
    if (!className) {
      if (!this.bindStatic(stored)) emitEvent(this.ctx, stored, 'Normal', 'FailedBinding', volumeMessages.noClass, COMPONENT);
      return;
    }
    const sc = this.ctx.store.get(resourceTypes.storageclasses, undefined, className) as unknown as StorageClass | undefined;
    if (!sc) {
      emitEvent(this.ctx, stored, 'Warning', 'ProvisioningFailed', volumeMessages.classNotFound(className), COMPONENT);
      this.queue.addAfter(key, RETRY_MS);
      return;
    }
    const selectedNode = stored.metadata.annotations?.['volume.kubernetes.io/selected-node'];
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNode) {
      emitEvent(this.ctx, stored, 'Normal', 'WaitForFirstConsumer', volumeMessages.waitForConsumer, COMPONENT);
      return;
    }
    if (sc.provisioner === 'kubernetes.io/no-provisioner') {
      this.bindStatic(stored);
      return;
    }
    const provisioner = sc.provisioner;
    const source = `${provisioner}_csi-provisioner-0`;
    emitEvent(this.ctx, stored, 'Normal', 'ExternalProvisioning', volumeMessages.externalProvisioning(provisioner), COMPONENT);
    this.ctx.store.mutate(resourceTypes.persistentvolumeclaims, namespace, name!, (obj) => {
      obj.metadata.annotations = { ...obj.metadata.annotations, 'volume.beta.kubernetes.io/storage-provisioner': provisioner, 'volume.kubernetes.io/storage-provisioner': provisioner };
    });
    const failure = this.faults.where('volume-provisioning', (f) => f.storageClass === className && f.mode === 'provisioner-error');
    emitEvent(this.ctx, stored, 'Normal', 'Provisioning', volumeMessages.provisioning(`${namespace}/${name}`), source);
    if (failure) {
      emitEvent(this.ctx, stored, 'Warning', 'ProvisioningFailed', volumeMessages.provisioningFailed(className, failure.message), source);
      // Like the external provisioner, give the node choice back to the scheduler.
      if (selectedNode) {
        this.ctx.store.mutate(resourceTypes.persistentvolumeclaims, namespace, name!, (obj) => {
          delete obj.metadata.annotations?.['volume.kubernetes.io/selected-node'];
        });
      } else this.queue.addAfter(key, RETRY_MS);
      return;
    }
    const since = this.provisioningSince.get(key) ?? this.ctx.clock.now();
    this.provisioningSince.set(key, since);
    if (this.ctx.clock.now() < since + PROVISION_MS) {
      this.queue.addAfter(key, since + PROVISION_MS - this.ctx.clock.now());
      return;
    }
    this.provisioningSince.delete(key);
    const pvName = `pvc-${stored.metadata.uid}`;
    this.ctx.store.create(resourceTypes.persistentvolumes, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner }, finalizers: ['kubernetes.io/pv-protection'] },
      spec: {
        capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
        accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: className,
        volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
        csi: { driver: provisioner, volumeHandle: pvName },
        claimRef: { kind: 'PersistentVolumeClaim', namespace, name, uid: stored.metadata.uid, apiVersion: 'v1', resourceVersion: stored.metadata.resourceVersion },
        ...(selectedNode ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [selectedNode] }] }] } } } : {}),
      },
    });
    this.bind(stored, pvName);
    emitEvent(this.ctx, stored, 'Normal', 'ProvisioningSucceeded', volumeMessages.provisioned(pvName), source);
  }

  /** Static binding: the smallest Available volume of the claim's class that is big enough. */
  private bindStatic(claim: StoredObject): boolean {
    const pvc = claim as unknown as PersistentVolumeClaim;
    const wanted = toAmount('storage', pvc.spec?.resources?.requests?.storage ?? '0');
    const candidates = (this.ctx.store.list(resourceTypes.persistentvolumes).items as unknown as PersistentVolume[])
      .filter((pv) => pv.status?.phase !== 'Bound' && !pv.spec?.claimRef && (pv.spec?.storageClassName ?? '') === (pvc.spec?.storageClassName ?? ''))
      .filter((pv) => toAmount('storage', pv.spec?.capacity?.storage ?? '0') >= wanted)
      .sort((a, b) => toAmount('storage', a.spec?.capacity?.storage ?? '0') - toAmount('storage', b.spec?.capacity?.storage ?? '0'));
    const pv = candidates[0];
    if (!pv) return false;
    this.ctx.store.mutate(resourceTypes.persistentvolumes, undefined, pv.metadata.name, (obj) => {
      (obj.spec as Record<string, unknown>).claimRef = { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, apiVersion: 'v1' };
    });
    this.bind(claim, pv.metadata.name);
    return true;
  }

  private bind(claim: StoredObject, pvName: string): void {
    this.ctx.store.mutate(resourceTypes.persistentvolumes, undefined, pvName, (obj) => {
      obj.status = { phase: 'Bound' };
    });
    const pv = this.ctx.store.get(resourceTypes.persistentvolumes, undefined, pvName) as unknown as PersistentVolume;
    this.ctx.store.mutate(resourceTypes.persistentvolumeclaims, claim.metadata.namespace, claim.metadata.name!, (obj) => {
      obj.metadata.annotations = { ...obj.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' };
      (obj.spec as Record<string, unknown>).volumeName = pvName;
      obj.status = { phase: 'Bound', accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity };
    });
  }

  private setPhase(claim: StoredObject, phase: string): void {
    this.ctx.store.mutate(resourceTypes.persistentvolumeclaims, claim.metadata.namespace, claim.metadata.name!, (obj) => {
      obj.status = { ...(obj.status as object), phase };
    });
  }
}
