import { rfc3339 } from '../clock.js';
import { parseLabelSelector, resourceTypes, type Store, type StoredObject } from '../store/index.js';

/** CPU in cores, memory in bytes. */
export interface ResourceUsage {
  cpu: number;
  memory: number;
}

/**
 * Supplies resource usage for metrics.k8s.io (`kubectl top`). The kubelet model sets one; without
 * it every node and container reports zero usage.
 */
export interface UsageSource {
  node(node: StoredObject): ResourceUsage;
  container(pod: StoredObject, container: string): ResourceUsage;
}

export const zeroUsage: UsageSource = {
  node: () => ({ cpu: 0, memory: 0 }),
  container: () => ({ cpu: 0, memory: 0 }),
};

/** metrics-server's formats: CPU in nanocores (`123456789n`), memory in KiB (`524288Ki`). */
function quantities(usage: ResourceUsage): { cpu: string; memory: string } {
  return { cpu: `${Math.round(usage.cpu * 1e9)}n`, memory: `${Math.round(usage.memory / 1024)}Ki` };
}

const window = '20.036s';

function nodeMetrics(store: Store, node: StoredObject, source: UsageSource): object {
  const now = rfc3339(store.clock.now());
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: node.metadata.name, creationTimestamp: now, labels: node.metadata.labels ?? {} },
    timestamp: now,
    window,
    usage: quantities(source.node(node)),
  };
}

function podMetrics(store: Store, pod: StoredObject, source: UsageSource): object {
  const now = rfc3339(store.clock.now());
  const containers = ((pod.spec as { containers?: Array<{ name: string }> }).containers ?? []).map((c) => ({
    name: c.name,
    usage: quantities(source.container(pod, c.name)),
  }));
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: now, labels: pod.metadata.labels ?? {} },
    timestamp: now,
    window,
    containers,
  };
}

/** Only running pods have metrics, as with metrics-server. */
const isRunning = (pod: StoredObject) => (pod.status as { phase?: string } | undefined)?.phase === 'Running';

export function getNodeMetrics(store: Store, name: string, source: UsageSource): object | undefined {
  const node = store.get(resourceTypes.nodes, undefined, name);
  return node && nodeMetrics(store, node, source);
}

export function listNodeMetrics(store: Store, labelSelector: string | undefined, source: UsageSource): object {
  const nodes = store.list(resourceTypes.nodes, { labelSelector }).items;
  return { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: nodes.map((n) => nodeMetrics(store, n, source)) };
}

export function getPodMetrics(store: Store, namespace: string, name: string, source: UsageSource): object | undefined {
  const pod = store.get(resourceTypes.pods, namespace, name);
  return pod && isRunning(pod) ? podMetrics(store, pod, source) : undefined;
}

export function listPodMetrics(store: Store, namespace: string | undefined, labelSelector: string | undefined, source: UsageSource): object {
  const selector = parseLabelSelector(labelSelector);
  const pods = store.list(resourceTypes.pods, { namespace }).items.filter((p) => isRunning(p) && selector.matches(p));
  return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: pods.map((p) => podMetrics(store, p, source)) };
}
