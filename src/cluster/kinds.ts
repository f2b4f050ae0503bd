/** The kinds Nakhoda reads, with how to list them from an API server. */
export interface KindInfo {
  kind: string;
  group: string; // '' for the core group
  version: string;
  plural: string;
  namespaced: boolean;
}

const k = (kind: string, group: string, version: string, plural: string, namespaced = true): KindInfo => ({
  kind, group, version, plural, namespaced,
});

export const KNOWN_KINDS: readonly KindInfo[] = [
  k('Namespace', '', 'v1', 'namespaces', false),
  k('Node', '', 'v1', 'nodes', false),
  k('Pod', '', 'v1', 'pods'),
  k('Service', '', 'v1', 'services'),
  k('Endpoints', '', 'v1', 'endpoints'),
  k('ConfigMap', '', 'v1', 'configmaps'),
  k('Secret', '', 'v1', 'secrets'),
  k('ServiceAccount', '', 'v1', 'serviceaccounts'),
  k('PersistentVolumeClaim', '', 'v1', 'persistentvolumeclaims'),
  k('PersistentVolume', '', 'v1', 'persistentvolumes', false),
  k('ResourceQuota', '', 'v1', 'resourcequotas'),
  k('LimitRange', '', 'v1', 'limitranges'),
  k('Event', '', 'v1', 'events'),
  k('Deployment', 'apps', 'v1', 'deployments'),
  k('ReplicaSet', 'apps', 'v1', 'replicasets'),
  k('StatefulSet', 'apps', 'v1', 'statefulsets'),
  k('DaemonSet', 'apps', 'v1', 'daemonsets'),
  k('Job', 'batch', 'v1', 'jobs'),
  k('CronJob', 'batch', 'v1', 'cronjobs'),
  k('HorizontalPodAutoscaler', 'autoscaling', 'v2', 'horizontalpodautoscalers'),
  k('PodDisruptionBudget', 'policy', 'v1', 'poddisruptionbudgets'),
  k('Ingress', 'networking.k8s.io', 'v1', 'ingresses'),
  k('IngressClass', 'networking.k8s.io', 'v1', 'ingressclasses', false),
  k('NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies'),
  k('EndpointSlice', 'discovery.k8s.io', 'v1', 'endpointslices'),
  k('StorageClass', 'storage.k8s.io', 'v1', 'storageclasses', false),
  k('CSIDriver', 'storage.k8s.io', 'v1', 'csidrivers', false),
  k('VolumeAttachment', 'storage.k8s.io', 'v1', 'volumeattachments', false),
  k('PriorityClass', 'scheduling.k8s.io', 'v1', 'priorityclasses', false),
  k('RuntimeClass', 'node.k8s.io', 'v1', 'runtimeclasses', false),
  k('Lease', 'coordination.k8s.io', 'v1', 'leases'),
  k('MutatingWebhookConfiguration', 'admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', false),
  k('ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', false),
  k('Role', 'rbac.authorization.k8s.io', 'v1', 'roles'),
  k('RoleBinding', 'rbac.authorization.k8s.io', 'v1', 'rolebindings'),
  k('ClusterRole', 'rbac.authorization.k8s.io', 'v1', 'clusterroles', false),
  k('ClusterRoleBinding', 'rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', false),
  k('PodGroup', 'scheduling.volcano.sh', 'v1beta1', 'podgroups'),
  k('HyperNode', 'topology.volcano.sh', 'v1alpha1', 'hypernodes', false),
];

const byKind = new Map(KNOWN_KINDS.map((info) => [info.kind, info]));

export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

/** Kinds that are optional add-ons: their absence from a cluster is normal and not worth a note. */
export const OPTIONAL_KINDS = new Set(['PodGroup', 'HyperNode', 'EndpointSlice', 'CSIDriver', 'VolumeAttachment', 'Lease', 'RuntimeClass']);
