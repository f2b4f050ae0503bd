import { z } from 'zod';

/**
 * Declarative faults. A file holds many; each targets objects by selector and belongs to one
 * diagnosis category (DESIGN §4), so each scenario family can be reproduced on purpose.
 */
const labelMap = z.record(z.string(), z.string());

/**
 * What a fault applies to. Workload kinds (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job)
 * are resolved to their pods through the workload's selector; `labels` narrows further.
 */
export const targetSchema = z.object({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  labels: labelMap.optional(),
}).strict();

const base = {
  /** Identifies the fault for `sim fault clear NAME`; defaults to "<type>-<index>". */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'lower-case DNS label').optional(),
  target: targetSchema.default({}),
  container: z.string().optional(),
};

const seconds = z.number().nonnegative();

export const faultSchema = z.discriminatedUnion('type', [
  // image: the registry refuses the pull.
  z.object({ ...base, type: z.literal('image-pull'), error: z.enum(['not-found', 'unauthorized', 'registry-unavailable', 'timeout']).default('not-found') }).strict(),
  // crash: the process exits with a non-zero code shortly after starting.
  z.object({ ...base, type: z.literal('crash-loop'), exitCode: z.number().int().min(1).max(255).default(1), afterSeconds: seconds.default(3), log: z.string().optional() }).strict(),
  // oom: the container exceeds its memory limit and is OOM-killed (exit 137).
  z.object({ ...base, type: z.literal('oom-kill'), afterSeconds: seconds.default(5) }).strict(),
  // config: a referenced ConfigMap or Secret (or one key of it) disappears; pods are recreated.
  z.object({
    ...base,
    type: z.literal('missing-config'),
    configMap: z.string().optional(),
    secret: z.string().optional(),
    key: z.string().optional(),
  }).strict().refine((f) => Boolean(f.configMap) !== Boolean(f.secret), { message: 'set exactly one of configMap or secret', path: ['configMap'] }),
  // probe: a probe keeps failing with the given output.
  z.object({
    ...base,
    type: z.literal('probe-failure'),
    probe: z.enum(['readiness', 'liveness', 'startup']).default('readiness'),
    output: z.string().default('HTTP probe failed with statuscode: 503'),
  }).strict(),
  // scheduling: the workload asks for more than any node has, or for a label no node carries.
  z.object({
    ...base,
    type: z.literal('unschedulable'),
    mode: z.enum(['insufficient-resources', 'node-selector']).default('insufficient-resources'),
    requests: z.record(z.string(), z.union([z.string(), z.number()])).default({ cpu: '64' }),
    nodeSelector: labelMap.default({ 'nakhoda.io/pool': 'does-not-exist' }),
  }).strict(),
  // scheduling: nodes get a taint the workloads do not tolerate.
  z.object({
    ...base,
    type: z.literal('node-taint'),
    taint: z.object({ key: z.string().min(1), value: z.string().optional(), effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']) }).strict()
      .default({ key: 'nakhoda.io/maintenance', value: 'true', effect: 'NoSchedule' }),
  }).strict(),
  // storage: the StorageClass is missing or its provisioner fails.
  z.object({
    ...base,
    type: z.literal('volume-provisioning'),
    storageClass: z.string().min(1),
    mode: z.enum(['class-missing', 'provisioner-error']).default('class-missing'),
    message: z.string().default('rpc error: code = ResourceExhausted desc = insufficient capacity in storage pool'),
  }).strict(),
  // node: the kubelet stops posting status (NotReady, unreachable taint, evictions).
  z.object({ ...base, type: z.literal('node-down') }).strict(),
  // node: the kubelet reports pressure and evicts pods.
  z.object({ ...base, type: z.literal('node-pressure'), condition: z.enum(['MemoryPressure', 'DiskPressure', 'PIDPressure']).default('MemoryPressure'), evict: z.boolean().default(true) }).strict(),
  // network: the Service selector no longer matches its pods (no endpoints).
  z.object({ ...base, type: z.literal('service-no-endpoints') }).strict(),
  // network: the CNI plugin fails on the target nodes; new pods cannot get a sandbox.
  z.object({ ...base, type: z.literal('cni-failure'), plugin: z.string().default('calico'), message: z.string().default('error getting ClusterInformation: connection is unauthorized: Unauthorized') }).strict(),
  // quota: a ResourceQuota at current usage blocks the workload's new pods.
  z.object({
    ...base,
    type: z.literal('quota-exceeded'),
    quotaName: z.string().default('compute-quota'),
    hard: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }).strict(),
  // security: the workload's ServiceAccount is missing; its pods cannot be created.
  z.object({ ...base, type: z.literal('serviceaccount-missing'), serviceAccount: z.string().optional() }).strict(),
  // rollout: a new revision never becomes ready and the rollout exceeds its progress deadline.
  z.object({ ...base, type: z.literal('rollout-stuck'), progressDeadlineSeconds: z.number().int().positive().default(60) }).strict(),
  // job: the Job's pods fail until its backoffLimit, or it runs past activeDeadlineSeconds.
  z.object({
    ...base,
    type: z.literal('job-failure'),
    mode: z.enum(['backoff-limit', 'deadline']).default('backoff-limit'),
    exitCode: z.number().int().min(1).max(255).default(1),
    activeDeadlineSeconds: z.number().int().positive().default(30),
  }).strict(),
  // autoscaling: the HPA cannot get metrics, or is pinned at maxReplicas.
  z.object({ ...base, type: z.literal('hpa-failure'), mode: z.enum(['metrics-unavailable', 'max-replicas']).default('metrics-unavailable') }).strict(),
  // accelerator: the device plugin is down (or some devices unhealthy) on the target nodes.
  z.object({
    ...base,
    type: z.literal('device-plugin-failure'),
    resource: z.string().default('nvidia.com/gpu'),
    unhealthyDevices: z.number().int().positive().optional(),
    restartPods: z.boolean().default(true),
  }).strict(),
  // admission: a validating webhook fails every pod creation in the target namespace.
  z.object({
    ...base,
    type: z.literal('webhook-failure'),
    webhook: z.string().default('validate.policy.example.com'),
    service: z.string().default('policy-webhook.policy-system.svc'),
    mode: z.enum(['certificate', 'timeout', 'no-endpoints']).default('certificate'),
  }).strict(),
]);

export const faultFileSchema = z.object({
  apiVersion: z.literal('nakhoda.io/v1alpha1').optional(),
  kind: z.literal('FaultSet').optional(),
  faults: z.array(faultSchema).min(1),
}).strict();

export type Fault = z.infer<typeof faultSchema>;
export type FaultType = Fault['type'];
export type FaultOf<T extends FaultType> = Extract<Fault, { type: T }>;
export type FaultTarget = z.infer<typeof targetSchema>;

/** The diagnosis category each fault type reproduces. */
export const faultCategory: Record<FaultType, string> = {
  'image-pull': 'image',
  'crash-loop': 'crash',
  'oom-kill': 'oom',
  'missing-config': 'config',
  'probe-failure': 'probe',
  unschedulable: 'scheduling',
  'node-taint': 'scheduling',
  'volume-provisioning': 'storage',
  'node-down': 'node',
  'node-pressure': 'node',
  'service-no-endpoints': 'network',
  'cni-failure': 'network',
  'quota-exceeded': 'quota',
  'serviceaccount-missing': 'security',
  'rollout-stuck': 'rollout',
  'job-failure': 'job',
  'hpa-failure': 'autoscaling',
  'device-plugin-failure': 'accelerator',
  'webhook-failure': 'admission',
};
