import { z } from 'zod';
import { DEFAULT_REPLICA_MODEL, parseReplicaModel, type ReplicaModel } from '../model.js';
import { LIVE_POLICY_NAMES } from '../policies/index.js';
import { stringify } from 'yaml';

export const AUTOSCALER_GROUP = 'autoscaling.nakhoda.io';
export const AUTOSCALER_VERSION = 'v1alpha1';
export const AUTOSCALER_PLURAL = 'inferenceautoscalers';
export const AUTOSCALER_KIND = 'InferenceAutoscaler';

/** spec of an InferenceAutoscaler (manifests/autoscaler/crd.yaml carries the same schema). */
export const inferenceAutoscalerSpec = z
  .object({
    scaleTargetRef: z.object({
      apiVersion: z.literal('apps/v1').default('apps/v1'),
      kind: z.enum(['Deployment', 'StatefulSet']),
      name: z.string().min(1),
    }),
    minReplicas: z.number().int().min(1).default(1),
    maxReplicas: z.number().int().min(1),
    policy: z.enum(LIVE_POLICY_NAMES).default('nakhoda'),
    sloTtftSeconds: z.number().positive().default(2),
    /** Replica performance model overrides, same fields as `replay --model`. */
    model: z.record(z.string(), z.unknown()).optional(),
    /** Overrides of nakhoda's timing (defaults derive from the model's cold start). */
    nakhoda: z
      .object({ syncPeriodSeconds: z.number().positive(), lookbackSeconds: z.number().positive(), holdSeconds: z.number().positive() })
      .partial()
      .optional(),
    metrics: z.union([
      z.object({ prometheus: z.object({ url: z.string().url(), selector: z.string().default('') }) }),
      z.object({ pods: z.object({ port: z.number().int().min(1).max(65535).default(8000), path: z.string().default('/metrics') }) }),
    ]),
  })
  .refine((spec) => spec.minReplicas <= spec.maxReplicas, { message: 'minReplicas must not exceed maxReplicas', path: ['minReplicas'] });

export type InferenceAutoscalerSpec = z.infer<typeof inferenceAutoscalerSpec>;

/** Validates a spec; the error is one line naming the field. */
export function parseAutoscalerSpec(raw: unknown, where: string): { spec: InferenceAutoscalerSpec; model: ReplicaModel } | { error: string } {
  const parsed = inferenceAutoscalerSpec.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `${where}: field spec.${issue.path.map(String).join('.')}: ${issue.message}` };
  }
  try {
    const model = parsed.data.model ? parseReplicaModel(stringify(parsed.data.model), `${where} spec.model`) : DEFAULT_REPLICA_MODEL;
    return { spec: parsed.data, model };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
