import {
  labelSelectorToString,
  parseLabelSelector,
  resourceTypes,
  StatusError,
  type KubeObject,
  type ResourceType,
  type Store,
  type StoredObject,
} from '../store/index.js';
import { rfc3339 } from '../clock.js';

type Json = Record<string, unknown>;

/** Where `.spec.replicas` and the selector live, for the scale subresource. */
function scalePaths(store: Store, type: ResourceType): { replicas: string[]; statusReplicas: string[]; selector?: string[] } {
  if (type.group === 'apps' || type.group === '') return { replicas: ['spec', 'replicas'], statusReplicas: ['status', 'replicas'], selector: ['spec', 'selector'] };
  const crd = store.get(resourceTypes.customresourcedefinitions, undefined, `${type.resource}.${type.group}`);
  const version = ((crd?.spec as Json | undefined)?.versions as Json[] | undefined)?.find((v) => v.name === type.version);
  const scale = (version?.subresources as Json | undefined)?.scale as Record<string, string> | undefined;
  const path = (p: string | undefined) => (p ? p.replace(/^\./, '').split('.') : undefined);
  return {
    replicas: path(scale?.specReplicasPath) ?? ['spec', 'replicas'],
    statusReplicas: path(scale?.statusReplicasPath) ?? ['status', 'replicas'],
    selector: path(scale?.labelSelectorPath),
  };
}

function read(obj: unknown, path: string[] | undefined): unknown {
  let current = obj;
  for (const part of path ?? []) current = current && typeof current === 'object' ? (current as Json)[part] : undefined;
  return current;
}

/** The autoscaling/v1 Scale view of a workload. */
export function toScale(store: Store, type: ResourceType, obj: StoredObject): KubeObject {
  const paths = scalePaths(store, type);
  const raw = read(obj, paths.selector);
  // ReplicationControllers select with a plain label map rather than a LabelSelector.
  const selector = raw && typeof raw === 'object' && !('matchLabels' in raw) && !('matchExpressions' in raw) ? { matchLabels: raw } : raw;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: Number(read(obj, paths.replicas) ?? 0) },
    status: {
      replicas: Number(read(obj, paths.statusReplicas) ?? 0),
      selector: typeof selector === 'string' ? selector : labelSelectorToString(selector as never),
    },
  };
}

/** Writes a Scale's spec.replicas back to its workload (409 when its resourceVersion is stale). */
export function applyScale(store: Store, type: ResourceType, namespace: string | undefined, scale: KubeObject): StoredObject {
  const name = scale.metadata?.name ?? '';
  const current = store.require(type, namespace, name);
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion) {
    throw new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${type.group ? `${type.resource}.${type.group}` : type.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  }
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new StatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
      name,
      group: 'autoscaling',
      kind: 'Scale',
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
    });
  }
  const path = scalePaths(store, type).replicas;
  return store.mutate(type, namespace, name, (obj) => {
    let target = obj as Json;
    for (const part of path.slice(0, -1)) target = (target[part] ??= {}) as Json;
    target[path[path.length - 1]!] = replicas;
  });
}

/** POST pods/binding: assigns the pod to a node, as the scheduler does. */
export function bindPod(store: Store, namespace: string, podName: string, binding: KubeObject): StoredObject {
  const pod = store.require(resourceTypes.pods, namespace, podName);
  const target = binding.target as { kind?: string; name?: string } | undefined;
  if (!target?.name) {
    throw new StatusError(422, 'Invalid', `Binding "${podName}" is invalid: target.name: Required value`, {
      name: podName,
      kind: 'Binding',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }],
    });
  }
  const assigned = (pod.spec as { nodeName?: string }).nodeName;
  if (assigned) {
    throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${podName}": pod ${podName} is already assigned to node "${assigned}"`, {
      name: podName,
      kind: 'pods/binding',
    });
  }
  if (pod.metadata.deletionTimestamp) {
    throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${podName}": pod ${podName} is being deleted, cannot be assigned to a host`);
  }
  const now = rfc3339(store.clock.now());
  return store.mutate(resourceTypes.pods, namespace, podName, (p) => {
    (p.spec as Json).nodeName = target.name;
    const status = (p.status ??= {}) as { conditions?: Json[] };
    const conditions = (status.conditions ??= []);
    const scheduled = conditions.find((c) => c.type === 'PodScheduled');
    if (scheduled) Object.assign(scheduled, { status: 'True', lastTransitionTime: now, reason: undefined, message: undefined });
    else conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
  });
}

interface Budget {
  pdb: StoredObject;
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

function isHealthy(pod: StoredObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const conditions = ((pod.status as { conditions?: Json[] } | undefined)?.conditions ?? []) as Json[];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** A PDB's disruption arithmetic over the pods it selects now (the disruption controller's rules). */
export function evaluateBudget(store: Store, pdb: StoredObject): Budget {
  const spec = (pdb.spec ?? {}) as { selector?: Json; minAvailable?: number | string; maxUnavailable?: number | string };
  const selector = parseLabelSelector(labelSelectorToString(spec.selector as never));
  const pods = store.list(resourceTypes.pods, { namespace: pdb.metadata.namespace }).items.filter((p) => selector.matches(p));
  const expectedPods = pods.length;
  const currentHealthy = pods.filter(isHealthy).length;
  const resolve = (v: number | string, roundUp: boolean) => {
    if (typeof v === 'number') return v;
    const pct = Number(v.replace('%', '')) / 100;
    return roundUp ? Math.ceil(pct * expectedPods) : Math.floor(pct * expectedPods);
  };
  let desiredHealthy = 0;
  if (spec.minAvailable !== undefined) desiredHealthy = resolve(spec.minAvailable, true);
  else if (spec.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - resolve(spec.maxUnavailable, true));
  return { pdb, expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}

/**
 * POST pods/eviction: deletes the pod unless a PodDisruptionBudget forbids it, with the API
 * server's 429 "Cannot evict pod as it would violate the pod's disruption budget."
 */
export function evictPod(store: Store, namespace: string, podName: string, eviction: KubeObject): StoredObject {
  const pod = store.require(resourceTypes.pods, namespace, podName);
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  const deleteOptions = (eviction.deleteOptions ?? {}) as { gracePeriodSeconds?: number };
  const ignoresBudgets = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp;
  if (!ignoresBudgets) {
    const pdbs = store.list(resourceTypes.poddisruptionbudgets, { namespace }).items.filter((pdb) => {
      const selector = parseLabelSelector(labelSelectorToString((pdb.spec as { selector?: never } | undefined)?.selector));
      return selector.matches(pod);
    });
    if (pdbs.length > 1) {
      throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    if (pdbs.length === 1) {
      const budget = evaluateBudget(store, pdbs[0]!);
      const healthy = isHealthy(pod);
      // An unhealthy pod may go when the budget is met (unhealthyPodEvictionPolicy IfHealthyBudget).
      const blocked = healthy ? budget.disruptionsAllowed === 0 : budget.currentHealthy < budget.desiredHealthy;
      writeBudgetStatus(store, budget, healthy && !blocked ? podName : undefined);
      if (blocked) {
        throw new StatusError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${budget.pdb.metadata.name} needs ${budget.desiredHealthy} healthy pods and has ${budget.currentHealthy} currently`,
            },
          ],
        });
      }
    }
  }
  return store.delete(resourceTypes.pods, namespace, podName, { gracePeriodSeconds: deleteOptions.gracePeriodSeconds });
}

function writeBudgetStatus(store: Store, budget: Budget, disruptedPod: string | undefined): void {
  const allowed = budget.disruptionsAllowed - (disruptedPod ? 1 : 0);
  const now = rfc3339(store.clock.now());
  store.mutate(resourceTypes.poddisruptionbudgets, budget.pdb.metadata.namespace, budget.pdb.metadata.name!, (pdb) => {
    const status = (pdb.status ?? {}) as Json;
    pdb.status = {
      ...status,
      observedGeneration: pdb.metadata.generation,
      expectedPods: budget.expectedPods,
      currentHealthy: budget.currentHealthy,
      desiredHealthy: budget.desiredHealthy,
      disruptionsAllowed: allowed,
      ...(disruptedPod ? { disruptedPods: { ...((status.disruptedPods as Json | undefined) ?? {}), [disruptedPod]: now } } : {}),
      conditions: [
        allowed > 0
          ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', lastTransitionTime: now, observedGeneration: pdb.metadata.generation }
          : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', lastTransitionTime: now, observedGeneration: pdb.metadata.generation },
      ],
    };
  });
}

/** Supplies container logs; the kubelet model sets it. */
export type LogSource = (namespace: string, pod: string, container: string, previous: boolean) => string | undefined;

/** GET pods/log, with the API server's errors for ambiguous or unknown containers. */
export function podLog(store: Store, namespace: string, podName: string, query: Record<string, string | undefined>, source: LogSource | undefined): string {
  const pod = store.require(resourceTypes.pods, namespace, podName);
  const containers = ((pod.spec as { containers?: Array<{ name: string }> }).containers ?? []).map((c) => c.name);
  const initContainers = ((pod.spec as { initContainers?: Array<{ name: string }> }).initContainers ?? []).map((c) => c.name);
  let container = query.container;
  if (!container) {
    if (containers.length !== 1) {
      throw new StatusError(400, 'BadRequest', `a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]${initContainers.length ? ` or one of the init containers: [${initContainers.join(' ')}]` : ''}`);
    }
    container = containers[0]!;
  }
  if (!containers.includes(container) && !initContainers.includes(container)) {
    throw new StatusError(400, 'BadRequest', `container ${container} is not valid for pod ${podName}`);
  }
  const statuses = [
    ...(((pod.status as { containerStatuses?: Json[] } | undefined)?.containerStatuses ?? []) as Json[]),
    ...(((pod.status as { initContainerStatuses?: Json[] } | undefined)?.initContainerStatuses ?? []) as Json[]),
  ];
  const state = statuses.find((s) => s.name === container)?.state as { waiting?: { reason?: string } } | undefined;
  const previous = query.previous === 'true';
  let text = source?.(namespace, podName, container, previous);
  if (text === undefined) {
    if (previous) throw new StatusError(400, 'BadRequest', `previous terminated container "${container}" in pod "${podName}" not found`);
    if (!state || state.waiting) {
      throw new StatusError(400, 'BadRequest', `container "${container}" in pod "${podName}" is waiting to start: ${state?.waiting?.reason ?? 'ContainerCreating'}`);
    }
    text = '';
  }
  const tail = query.tailLines === undefined ? undefined : Number(query.tailLines);
  if (tail !== undefined && Number.isInteger(tail) && tail >= 0) {
    const lines = text.split('\n');
    const trailingNewline = text.endsWith('\n');
    const body = trailingNewline ? lines.slice(0, -1) : lines;
    text = body.slice(Math.max(0, body.length - tail)).join('\n') + (trailingNewline && tail > 0 ? '\n' : '');
  }
  return text;
}
