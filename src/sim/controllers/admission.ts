import type { Pod, ResourceQuota, StorageClass } from '../../cluster/types.js';
import type { FaultRegistry } from '../faults/registry.js';
import { resourceTypes } from '../store/resource-types.js';
import type { AdmissionPlugin } from '../store/store.js';
import type { KubeObject } from '../store/types.js';
import { StatusError } from '../store/types.js';
import type { PodCache } from './podcache.js';
import { namespaceUsage, quotaRejection, quotaStatusUsed } from './quota.js';
import { splitKey, WorkQueue, type SimContext } from './runtime.js';

/** The name admission errors use: generateName when the name is not yet generated (apiserver's extractResourceName). */
function admissionName(obj: KubeObject): string {
  return (obj.metadata.generateName as string | undefined) ?? obj.metadata.name ?? 'Unknown';
}

function forbidden(obj: KubeObject, resource: string, message: string): StatusError {
  return new StatusError(403, 'Forbidden', `${resource} "${admissionName(obj)}" is forbidden: ${message}`, { name: admissionName(obj), kind: resource });
}

/** Webhook call failures as the apiserver reports them, by fault mode. */
function webhookError(webhook: string, service: string, mode: 'certificate' | 'timeout' | 'no-endpoints'): string {
  const [svc] = service.split('.');
  const url = `https://${service}:443/validate?timeout=10s`;
  switch (mode) {
    case 'certificate':
      return `Internal error occurred: failed calling webhook "${webhook}": failed to call webhook: Post "${url}": tls: failed to verify certificate: x509: certificate signed by unknown authority`;
    case 'timeout':
      return `Internal error occurred: failed calling webhook "${webhook}": failed to call webhook: Post "${url}": context deadline exceeded`;
    case 'no-endpoints':
      return `Internal error occurred: failed calling webhook "${webhook}": failed to call webhook: Post "${url}": no endpoints available for service "${svc}"`;
  }
}

/**
 * The admission plugins the simulator runs on pod and claim creation: Priority, ServiceAccount,
 * DefaultStorageClass, ResourceQuota, and validating webhooks broken by faults.
 */
export function admissionPlugins(ctx: SimContext, faults: FaultRegistry): AdmissionPlugin {
  return (op, type, obj) => {
    if (op !== 'CREATE' || type.group !== '') return;
    if (type.resource === 'persistentvolumeclaims') return defaultStorageClass(ctx, obj);
    if (type.resource !== 'pods') return;
    const namespace = obj.metadata.namespace!;
    const webhook = faults.find('webhook-failure', { metadata: { namespace, name: obj.metadata.name, labels: obj.metadata.labels } });
    if (webhook) throw new StatusError(500, 'InternalError', webhookError(webhook.webhook, webhook.service, webhook.mode));
    const pod = obj as unknown as Pod;
    const priorityClass = pod.spec?.priorityClassName;
    if (priorityClass) {
      // The Priority admission plugin resolves the class into spec.priority, or refuses the pod.
      const pc = ctx.store.get(resourceTypes.priorityclasses, undefined, priorityClass) as { value?: number } | undefined;
      const builtin: Record<string, number> = { 'system-cluster-critical': 2_000_000_000, 'system-node-critical': 2_000_001_000 };
      if (!pc && builtin[priorityClass] === undefined) throw forbidden(obj, 'pods', `no PriorityClass with name ${priorityClass} was found`);
      (obj.spec as { priority?: number }).priority = pc?.value ?? builtin[priorityClass];
    }
    const sa = pod.spec?.serviceAccountName ?? 'default';
    if (!ctx.store.get(resourceTypes.serviceaccounts, namespace, sa)) {
      throw forbidden(obj, 'pods', `error looking up service account ${namespace}/${sa}: serviceaccount "${sa}" not found`);
    }
    const quotas = ctx.store.list(resourceTypes.resourcequotas, { namespace }).items as unknown as ResourceQuota[];
    if (!quotas.length) return;
    const used = namespaceUsage(ctx.store.list(resourceTypes.pods, { namespace }).items as unknown as Pod[]);
    for (const quota of quotas) {
      const rejection = quotaRejection(quota, used, pod);
      if (rejection) throw forbidden(obj, 'pods', rejection);
    }
  };
}

function defaultStorageClass(ctx: SimContext, obj: KubeObject): void {
  const spec = (obj.spec ??= {}) as { storageClassName?: string | null };
  if (spec.storageClassName !== undefined) return;
  const classes = ctx.store.list(resourceTypes.storageclasses).items as unknown as StorageClass[];
  const def = classes.find((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
  if (def) spec.storageClassName = def.metadata.name;
}

/** Keeps ResourceQuota status (hard, used) current, as the resource quota controller does. */
export class QuotaController {
  private readonly queue: WorkQueue;
  private readonly unwatch: () => void;

  constructor(private readonly ctx: SimContext, pods: PodCache) {
    this.queue = new WorkQueue(ctx.clock, 'resourcequota-controller', (ns) => this.sync(ns));
    this.unwatch = ctx.store.watch(resourceTypes.resourcequotas, {}, (e) => {
      if (e.type !== 'DELETED') this.queue.add(e.object.metadata.namespace!);
    });
    pods.onChange((_e, pod) => {
      if (ctx.store.list(resourceTypes.resourcequotas, { namespace: pod.metadata.namespace, limit: 1 }).items.length) this.queue.add(pod.metadata.namespace!);
    });
  }

  stop(): void {
    this.queue.stop();
    this.unwatch();
  }

  private sync(key: string): void {
    const [, namespace] = splitKey(key);
    const quotas = this.ctx.store.list(resourceTypes.resourcequotas, { namespace }).items as unknown as ResourceQuota[];
    if (!quotas.length) return;
    const used = namespaceUsage(this.ctx.store.list(resourceTypes.pods, { namespace }).items as unknown as Pod[]);
    for (const quota of quotas) {
      this.ctx.store.mutate(resourceTypes.resourcequotas, namespace, quota.metadata.name, (obj) => {
        obj.status = { hard: { ...((obj.spec as { hard?: object } | undefined)?.hard ?? {}) }, used: quotaStatusUsed(quota, used) };
      });
    }
  }
}
