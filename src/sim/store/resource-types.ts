import { apiVersionOf, type ResourceType } from './types.js';

const workloadSubresources = ['status', 'scale'];

/** The built-in resources the simulator serves, as the real API server names them. */
export const builtinResourceTypes: readonly ResourceType[] = [
  // core/v1
  core('namespaces', 'Namespace', false, ['ns'], ['status']),
  core('nodes', 'Node', false, ['no'], ['status']),
  core('pods', 'Pod', true, ['po'], ['status', 'binding', 'log', 'eviction'], ['all']),
  core('services', 'Service', true, ['svc'], ['status'], ['all']),
  core('endpoints', 'Endpoints', true, ['ep']),
  core('configmaps', 'ConfigMap', true, ['cm']),
  core('secrets', 'Secret', true),
  core('serviceaccounts', 'ServiceAccount', true, ['sa']),
  core('events', 'Event', true, ['ev']),
  core('persistentvolumes', 'PersistentVolume', false, ['pv'], ['status']),
  core('persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc'], ['status']),
  core('resourcequotas', 'ResourceQuota', true, ['quota'], ['status']),
  core('limitranges', 'LimitRange', true, ['limits']),
  core('replicationcontrollers', 'ReplicationController', true, ['rc'], workloadSubresources, ['all']),
  // apps/v1
  typed('apps', 'v1', 'deployments', 'Deployment', true, ['deploy'], workloadSubresources, ['all']),
  typed('apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs'], workloadSubresources, ['all']),
  typed('apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts'], workloadSubresources, ['all']),
  typed('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds'], ['status'], ['all']),
  typed('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  // batch/v1
  typed('batch', 'v1', 'jobs', 'Job', true, [], ['status'], ['all']),
  typed('batch', 'v1', 'cronjobs', 'CronJob', true, ['cj'], ['status'], ['all']),
  // autoscaling/v2
  typed('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa'], ['status'], ['all']),
  // policy/v1
  typed('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb'], ['status']),
  // networking.k8s.io/v1
  typed('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing'], ['status']),
  typed('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false),
  typed('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol']),
  // storage.k8s.io/v1
  typed('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, ['sc']),
  typed('storage.k8s.io', 'v1', 'volumeattachments', 'VolumeAttachment', false, [], ['status']),
  typed('storage.k8s.io', 'v1', 'csidrivers', 'CSIDriver', false),
  typed('storage.k8s.io', 'v1', 'csinodes', 'CSINode', false),
  // coordination.k8s.io/v1
  typed('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  // scheduling.k8s.io/v1
  typed('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false, ['pc']),
  // rbac.authorization.k8s.io/v1 (stored only: the simulator authorises every request)
  typed('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  typed('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  typed('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  typed('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  // admissionregistration.k8s.io/v1 (stored only: webhooks are never called)
  typed('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false),
  typed('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false),
  // apiextensions.k8s.io/v1
  typed('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds'], ['status']),
];

function core(
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[] = [],
  subresources: string[] = [],
  categories: string[] = [],
): ResourceType {
  return typed('', 'v1', resource, kind, namespaced, shortNames, subresources, categories);
}

function typed(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[] = [],
  subresources: string[] = [],
  categories: string[] = [],
): ResourceType {
  return { group, version, resource, kind, namespaced, shortNames, subresources, categories, singular: kind.toLowerCase() };
}

/** Stable key of a resource type: `pods`, `deployments.apps`. */
export function typeKey(type: Pick<ResourceType, 'group' | 'resource'>): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

/**
 * Lookup of resource types by group/resource, apiVersion/kind, or a kubectl-style name
 * (plural, singular, short name, kind). Each Store owns one, seeded with the built-ins;
 * CRDs add and remove entries at run time.
 */
export class ResourceTypeRegistry {
  private readonly byKey = new Map<string, ResourceType>();

  constructor(types: readonly ResourceType[] = builtinResourceTypes) {
    for (const t of types) this.add(t);
  }

  add(type: ResourceType): void {
    this.byKey.set(typeKey(type), type);
  }

  remove(type: Pick<ResourceType, 'group' | 'resource'>): void {
    this.byKey.delete(typeKey(type));
  }

  /** By API group and plural resource name, e.g. ('apps', 'deployments'). */
  get(group: string, resource: string): ResourceType | undefined {
    return this.byKey.get(group ? `${resource}.${group}` : resource);
  }

  /** By apiVersion ('v1', 'apps/v1') and kind ('Pod'). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const t of this.byKey.values()) if (t.kind === kind && apiVersionOf(t) === apiVersion) return t;
    return undefined;
  }

  /** Like kubectl: a plural, singular, short name or kind, optionally `.group`-qualified. */
  find(name: string): ResourceType | undefined {
    const lower = name.toLowerCase();
    for (const t of this.byKey.values()) {
      const names = [t.resource, t.singular ?? '', t.kind.toLowerCase(), ...(t.shortNames ?? [])];
      if (names.includes(lower) || (t.group && names.some((n) => `${n}.${t.group}` === lower))) return t;
    }
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.byKey.values()];
  }
}

/** The built-in types by plural name, for in-process code: `resourceTypes.pods`. */
export const resourceTypes = Object.freeze(
  Object.fromEntries(builtinResourceTypes.map((t) => [t.resource, t])) as Record<BuiltinResource, ResourceType>,
);

export type BuiltinResource =
  | 'namespaces'
  | 'nodes'
  | 'pods'
  | 'services'
  | 'endpoints'
  | 'configmaps'
  | 'secrets'
  | 'serviceaccounts'
  | 'events'
  | 'persistentvolumes'
  | 'persistentvolumeclaims'
  | 'resourcequotas'
  | 'limitranges'
  | 'replicationcontrollers'
  | 'deployments'
  | 'replicasets'
  | 'statefulsets'
  | 'daemonsets'
  | 'controllerrevisions'
  | 'jobs'
  | 'cronjobs'
  | 'horizontalpodautoscalers'
  | 'poddisruptionbudgets'
  | 'ingresses'
  | 'ingressclasses'
  | 'networkpolicies'
  | 'storageclasses'
  | 'volumeattachments'
  | 'csidrivers'
  | 'csinodes'
  | 'leases'
  | 'priorityclasses'
  | 'roles'
  | 'rolebindings'
  | 'clusterroles'
  | 'clusterrolebindings'
  | 'validatingwebhookconfigurations'
  | 'mutatingwebhookconfigurations'
  | 'customresourcedefinitions';
