import type * as k8s from '@kubernetes/client-node';

/**
 * Objects are kept exactly as the API server serialises them (plain JSON), so a snapshot file
 * and a live cluster give identical state. The client's model classes describe the fields;
 * `Plain` turns their `Date`s back into the RFC 3339 strings found on the wire.
 */
export type Plain<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Plain<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Plain<T[K]> }
      : T;

export type ObjectMeta = Plain<k8s.V1ObjectMeta> & { name: string };

/** Any Kubernetes object; `kind` and `metadata.name` are guaranteed by the sources. */
export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: ObjectMeta;
  // Kinds we do not model (CRDs such as PodGroup) keep their fields untyped but JSON-shaped.
  [field: string]: unknown;
}

type Typed<T extends { metadata?: unknown }> = Omit<Plain<T>, 'metadata' | 'kind'> & {
  kind: string;
  metadata: ObjectMeta;
};

export type Pod = Typed<k8s.V1Pod>;
export type PodSpec = Plain<k8s.V1PodSpec>;
export type Container = Plain<k8s.V1Container>;
export type ContainerStatus = Plain<k8s.V1ContainerStatus>;
export type Node = Typed<k8s.V1Node>;
export type Namespace = Typed<k8s.V1Namespace>;
export type Deployment = Typed<k8s.V1Deployment>;
export type ReplicaSet = Typed<k8s.V1ReplicaSet>;
export type StatefulSet = Typed<k8s.V1StatefulSet>;
export type DaemonSet = Typed<k8s.V1DaemonSet>;
export type Job = Typed<k8s.V1Job>;
export type CronJob = Typed<k8s.V1CronJob>;
export type Service = Typed<k8s.V1Service>;
export type Endpoints = Typed<k8s.V1Endpoints>;
export type EndpointSlice = Typed<k8s.V1EndpointSlice>;
export type PersistentVolumeClaim = Typed<k8s.V1PersistentVolumeClaim>;
export type PersistentVolume = Typed<k8s.V1PersistentVolume>;
export type StorageClass = Typed<k8s.V1StorageClass>;
export type Ingress = Typed<k8s.V1Ingress>;
export type IngressClass = Typed<k8s.V1IngressClass>;
export type ConfigMap = Typed<k8s.V1ConfigMap>;
/** Secrets are held by name and keys only: `data` maps each key to an empty string. */
export type Secret = Typed<k8s.V1Secret>;
export type ServiceAccount = Typed<k8s.V1ServiceAccount>;
export type HorizontalPodAutoscaler = Typed<k8s.V2HorizontalPodAutoscaler>;
export type PodDisruptionBudget = Typed<k8s.V1PodDisruptionBudget>;
export type NetworkPolicy = Typed<k8s.V1NetworkPolicy>;
export type ResourceQuota = Typed<k8s.V1ResourceQuota>;
export type LimitRange = Typed<k8s.V1LimitRange>;
export type PriorityClass = Typed<k8s.V1PriorityClass>;
export type RuntimeClass = Typed<k8s.V1RuntimeClass>;
export type MutatingWebhookConfiguration = Typed<k8s.V1MutatingWebhookConfiguration>;
export type ValidatingWebhookConfiguration = Typed<k8s.V1ValidatingWebhookConfiguration>;
export type Role = Typed<k8s.V1Role>;
export type ClusterRole = Typed<k8s.V1ClusterRole>;
export type RoleBinding = Typed<k8s.V1RoleBinding>;
export type ClusterRoleBinding = Typed<k8s.V1ClusterRoleBinding>;
export type CSIDriver = Typed<k8s.V1CSIDriver>;
export type VolumeAttachment = Typed<k8s.V1VolumeAttachment>;
export type Lease = Typed<k8s.V1Lease>;
/** Events are normalised to core/v1 shape (events.k8s.io/v1 objects are converted on load). */
export type Event = Typed<k8s.CoreV1Event>;

/** Volcano PodGroup (scheduling.volcano.sh/v1beta1); only the fields diagnosis reads. */
export interface PodGroup extends KubeObject {
  spec?: {
    minMember?: number;
    minResources?: Record<string, string>;
    queue?: string;
    networkTopology?: { mode?: 'hard' | 'soft'; highestTierAllowed?: number };
  };
  status?: {
    phase?: string;
    running?: number;
    succeeded?: number;
    failed?: number;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }>;
  };
}

/** Reference to an object: the identity used in findings (`resource`, `rootCause`, `affected`). */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}
