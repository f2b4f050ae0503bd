import { matchesMap } from '../../cluster/selectors.js';
import type { Pod, Service } from '../../cluster/types.js';
import { resourceTypes } from '../store/resource-types.js';
import { StatusError } from '../store/types.js';
import type { PodCache } from './podcache.js';
import { isPodReady, isPodTerminal } from './resources.js';
import { keyOf, splitKey, WorkQueue, type SimContext } from './runtime.js';

type ServicePort = NonNullable<NonNullable<Service['spec']>['ports']>[number];

/** A Service targetPort resolved against a pod (named ports look up the container port). */
function resolvePort(port: ServicePort, pod: Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return undefined;
}

/** Keeps core/v1 Endpoints in step with each selector Service's pods, as the endpoints controller does. */
export class EndpointsController {
  private readonly queue: WorkQueue;
  private readonly unwatch: () => void;

  constructor(private readonly ctx: SimContext, pods: PodCache) {
    this.queue = new WorkQueue(ctx.clock, 'endpoint-controller', (key) => this.sync(key));
    this.unwatch = ctx.store.watch(resourceTypes.services, {}, (e) => this.queue.add(keyOf(e.object)));
    pods.onChange((_e, pod) => {
      for (const svc of ctx.store.list(resourceTypes.services, { namespace: pod.metadata.namespace }).items) this.queue.add(keyOf(svc));
    });
  }

  stop(): void {
    this.queue.stop();
    this.unwatch();
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const stored = this.ctx.store.get(resourceTypes.services, namespace, name);
    const existing = this.ctx.store.get(resourceTypes.endpoints, namespace, name);
    if (!stored) {
      if (existing && existing.metadata.labels?.['endpoints.kubernetes.io/managed-by'] === 'endpoint-controller') this.ctx.store.delete(resourceTypes.endpoints, namespace, name);
      return;
    }
    const svc = stored as unknown as Service;
    const selector = svc.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || svc.spec?.type === 'ExternalName') return;
    const ports = svc.spec?.ports ?? [];
    const subsets = new Map<string, { addresses: object[]; notReadyAddresses: object[]; ports: object[] }>();
    for (const pod of this.podsIn(namespace!)) {
      if (!matchesMap(selector, pod.metadata.labels) || isPodTerminal(pod) || !pod.status?.podIP || pod.metadata.deletionTimestamp) continue;
      const resolved = ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: resolvePort(p, pod), protocol: p.protocol ?? 'TCP' }));
      if (resolved.some((p) => p.port === undefined)) continue;
      const portKey = JSON.stringify(resolved);
      let subset = subsets.get(portKey);
      if (!subset) subsets.set(portKey, (subset = { addresses: [], notReadyAddresses: [], ports: resolved }));
      const address = { ip: pod.status.podIP, nodeName: pod.spec?.nodeName, targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid } };
      (isPodReady(pod) ? subset.addresses : subset.notReadyAddresses).push(address);
    }
    const list = [...subsets.values()].map((s) => ({
      ...(s.addresses.length ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ports: s.ports,
    }));
    const body = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: name!, namespace, labels: { ...svc.metadata.labels, 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' } },
      ...(list.length ? { subsets: list } : {}),
    };
    if (!existing) {
      try {
        this.ctx.store.create(resourceTypes.endpoints, body);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
      }
      return;
    }
    this.ctx.store.mutate(resourceTypes.endpoints, namespace, name!, (obj) => {
      obj.metadata.labels = body.metadata.labels;
      if (list.length) obj.subsets = list;
      else delete obj.subsets;
    });
  }

  private podsIn(namespace: string): Pod[] {
    return this.ctx.store.list(resourceTypes.pods, { namespace }).items as unknown as Pod[];
  }
}
