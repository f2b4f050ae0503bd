import { resourceTypes } from '../store/resource-types.js';
import type { SimContext } from './runtime.js';
import { WorkQueue } from './runtime.js';

/**
 * The namespace and service-account controllers: every live namespace has a `default`
 * ServiceAccount. Namespace deletion: once a namespace is terminating, delete everything in it, then drop the
 * `kubernetes` finalizer so the store removes the namespace itself.
 */
export class NamespaceController {
  private readonly queue: WorkQueue;
  private readonly unwatch: () => void;

  constructor(private readonly ctx: SimContext) {
    this.queue = new WorkQueue(ctx.clock, 'namespace-controller', (name) => this.sync(name));
    this.unwatch = ctx.store.watch(resourceTypes.namespaces, {}, (e) => {
      if (e.type !== 'DELETED') this.queue.add(e.object.metadata.name!);
    });
  }

  stop(): void {
    this.queue.stop();
    this.unwatch();
  }

  private sync(name: string): void {
    const ns = this.ctx.store.get(resourceTypes.namespaces, undefined, name);
    if (!ns) return;
    if (!ns.metadata.deletionTimestamp) return this.ensureDefaultServiceAccount(name);
    let remaining = 0;
    for (const type of this.ctx.store.resourceTypes.all()) {
      if (!type.namespaced || (type.verbs && !type.verbs.includes('delete'))) continue;
      for (const obj of this.ctx.store.list(type, { namespace: name }).items) {
        remaining++;
        if (!obj.metadata.deletionTimestamp) this.ctx.store.delete(type, name, obj.metadata.name!, { propagationPolicy: 'Background' });
      }
    }
    if (remaining > 0) {
      this.queue.addAfter(name, 2_000);
      return;
    }
    this.ctx.store.mutate(resourceTypes.namespaces, undefined, name, (obj) => {
      const spec = (obj.spec ?? {}) as { finalizers?: string[] };
      spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== 'kubernetes');
      obj.spec = spec;
    });
  }

  private ensureDefaultServiceAccount(namespace: string): void {
    if (this.ctx.store.get(resourceTypes.serviceaccounts, namespace, 'default')) return;
    this.ctx.store.create(resourceTypes.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
  }
}
