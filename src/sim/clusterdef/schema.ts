import { z } from 'zod';
import { parseQuantity } from '../../cluster/quantity.js';

const quantity = z.union([z.string(), z.number()]).refine((q) => parseQuantity(q) !== undefined, {
  message: 'not a Kubernetes quantity (e.g. "500m", "16Gi", 8)',
});

const labelMap = z.record(z.string(), z.string());

const taint = z.object({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
}).strict();

/** A topology tier generated from a node's index in its pool: value = prefix + floor((offset+index)/groupSize). */
const topologyTier = z.object({
  key: z.string().min(1),
  groupSize: z.number().int().positive(),
  prefix: z.string().default(''),
  offset: z.number().int().nonnegative().default(0),
}).strict();

const accelerators = z.object({
  resource: z.string().regex(/^[a-z0-9.-]+\/[a-z0-9.-]+$/, 'extended resource name such as nvidia.com/gpu'),
  count: z.number().int().positive(),
  product: z.string().optional(),
}).strict();

export const nodePoolSchema = z.object({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'lower-case DNS label'),
  count: z.number().int().nonnegative(),
  cpu: quantity.default('4'),
  memory: quantity.default('16Gi'),
  pods: z.number().int().positive().default(110),
  ephemeralStorage: quantity.default('100Gi'),
  labels: labelMap.default({}),
  taints: z.array(taint).default([]),
  controlPlane: z.boolean().default(false),
  accelerators: accelerators.optional(),
  topology: z.array(topologyTier).default([]),
}).strict();

const manifest = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().optional(), generateName: z.string().optional(), namespace: z.string().optional() }),
});

export const clusterDefinitionSchema = z.object({
  apiVersion: z.literal('nakhoda.io/v1alpha1').optional(),
  kind: z.literal('ClusterDefinition').optional(),
  name: z.string().default('sim'),
  nodePools: z.array(nodePoolSchema).min(1),
  namespaces: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'lower-case DNS label')).default([]),
  /** Plain Kubernetes manifests, created in order after nodes and namespaces. */
  workloads: z.array(manifest).default([]),
}).strict();

export type NodePool = z.infer<typeof nodePoolSchema>;
export type ClusterDefinition = z.infer<typeof clusterDefinitionSchema>;
