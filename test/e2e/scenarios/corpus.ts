/**
 * The end-to-end scenario corpus: every `*.yaml` file in this folder holds cases, each a broken
 * namespace (plain manifests a user would apply) and/or simulator faults, with the diagnosis
 * scenario and root cause(s) it must produce. `buildRun` folds all cases into one simulated
 * cluster: each case gets its own namespace; node-level cases bring their own node pools,
 * tainted so that no other case's pods land on them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ObjectRef } from '../../../src/cluster/types.js';

const CLUSTER_SCOPED = new Set([
  'Node', 'Namespace', 'StorageClass', 'PersistentVolume', 'PriorityClass', 'IngressClass', 'RuntimeClass', 'CSIDriver',
  'ClusterRole', 'ClusterRoleBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
  'CustomResourceDefinition', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
]);

/** Taint key that keeps a case's dedicated nodes to that case's pods. */
export const DEDICATED_TAINT = 'e2e.nakhoda.io/case';

const ref = z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() }).strict();
const manifest = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: z.looseObject({ name: z.string().optional() }) });

const caseSchema = z.object({
  /** The diagnosis scenario id that must be reported. */
  scenario: z.string().regex(/^[a-z]+\.[a-z0-9-]+$/),
  /** Short unique label; the namespace is `e2e-<case>`. Defaults to the scenario's name part. */
  case: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).optional(),
  /** Any one of these must be the finding's root cause; namespace defaults to the case's. */
  rootCause: z.array(ref).min(1),
  /**
   * Deeper scenarios that legitimately absorb this one (one root cause → one finding): a finding of
   * one of them with the same root cause also passes. Such cases prove the chain, not the scenario.
   */
  absorbedBy: z.array(z.string()).default([]),
  manifests: z.array(manifest).default([]),
  /** Simulator faults (src/sim/faults/schema.ts); target.namespace defaults to the case's. */
  faults: z.array(z.looseObject({ type: z.string() })).default([]),
  /** Node pools only this case uses (names are prefixed with the case, nodes tainted for it). */
  nodePools: z.array(z.looseObject({ name: z.string(), count: z.number().int().positive() })).default([]),
  /** Keep the dedicated-node taint off (the case tests taints itself, or runs a DaemonSet). */
  untaintedPools: z.boolean().default(false),
}).strict();

const fileSchema = z.object({ cases: z.array(caseSchema).min(1) }).strict();

export interface ScenarioCase {
  file: string;
  scenario: string;
  namespace: string;
  /** Prefix of the case's node-pool names (pool `gpu` becomes `<prefix>gpu`). */
  poolPrefix: string;
  rootCause: ObjectRef[];
  absorbedBy: string[];
  manifests: Array<Record<string, unknown>>;
  faults: Array<Record<string, unknown>>;
  nodePools: Array<Record<string, unknown>>;
  untaintedPools: boolean;
}

export function loadCorpus(dir: string): ScenarioCase[] {
  const cases: ScenarioCase[] = [];
  const seen = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const parsed = fileSchema.safeParse(parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
    }
    for (const c of parsed.data.cases) {
      const label = c.case ?? c.scenario.split('.')[1];
      const namespace = `e2e-${label}`.slice(0, 63);
      if (seen.has(namespace)) throw new Error(`${file}: case ${label} appears twice (set a distinct 'case')`);
      seen.add(namespace);
      const inCase = (r: z.infer<typeof ref>): ObjectRef => (CLUSTER_SCOPED.has(r.kind) ? { kind: r.kind, name: r.name } : { ...r, namespace: r.namespace ?? namespace });
      cases.push({
        file,
        scenario: c.scenario,
        namespace,
        poolPrefix: `${label.slice(0, 30)}-`,
        rootCause: c.rootCause.map(inCase),
        absorbedBy: c.absorbedBy,
        manifests: c.manifests.map((m) => placeManifest(m, namespace)),
        faults: c.faults.map((f) => placeFault(f, namespace)),
        nodePools: c.nodePools,
        untaintedPools: c.untaintedPools,
      });
    }
  }
  return cases;
}

function placeManifest(m: z.infer<typeof manifest>, namespace: string): Record<string, unknown> {
  if (CLUSTER_SCOPED.has(m.kind) || m.metadata.namespace) return m;
  return { ...m, metadata: { ...m.metadata, namespace } };
}

function placeFault(f: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const target = (f.target ?? {}) as Record<string, unknown>;
  // Node faults select nodes by name or labels; everything else is scoped to the case.
  if (target.name && !target.kind && ['node-down', 'node-pressure', 'node-taint', 'cni-failure', 'device-plugin-failure'].includes(f.type as string)) return f;
  if (target.labels && !target.kind && ['node-down', 'node-pressure', 'node-taint', 'cni-failure', 'device-plugin-failure'].includes(f.type as string)) return f;
  if (f.type === 'volume-provisioning') return f;
  return { ...f, target: { ...target, namespace: target.namespace ?? namespace } };
}

/** The base cluster every case shares: a control plane, general workers, and GPU nodes. */
const SHARED_POOLS = [
  { name: 'control-plane', count: 1, cpu: '8', memory: '32Gi', controlPlane: true },
  { name: 'work', count: 4, cpu: '64', memory: '256Gi', labels: { 'topology.kubernetes.io/zone': 'zone-a' } },
  {
    name: 'gpu', count: 2, cpu: '64', memory: '512Gi', labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
    accelerators: { resource: 'nvidia.com/gpu', count: 8, product: 'NVIDIA-A100-SXM4-80GB' },
    taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
  },
];

/** One cluster definition and one fault file for all cases. */
export function buildRun(cases: ScenarioCase[]): { cluster: Record<string, unknown>; faults: Record<string, unknown> } {
  const nodePools: Array<Record<string, unknown>> = [...SHARED_POOLS];
  const workloads: Array<Record<string, unknown>> = [];
  const faults: Array<Record<string, unknown>> = [];
  for (const c of cases) {
    for (const pool of c.nodePools) {
      const taints = (pool.taints as unknown[] | undefined) ?? [];
      nodePools.push({
        ...pool,
        name: `${c.poolPrefix}${pool.name as string}`,
        taints: c.untaintedPools ? taints : [...taints, { key: DEDICATED_TAINT, value: c.namespace, effect: 'NoSchedule' }],
      });
    }
    workloads.push(...c.manifests);
    faults.push(...c.faults.map((f, i) => ({ name: `${c.namespace}-${i}`.slice(0, 63).replace(/-+$/, ''), ...f })));
  }
  return {
    cluster: { apiVersion: 'nakhoda.io/v1alpha1', kind: 'ClusterDefinition', name: 'e2e-scenarios', nodePools, namespaces: cases.map((c) => c.namespace), workloads },
    faults: { apiVersion: 'nakhoda.io/v1alpha1', kind: 'FaultSet', faults },
  };
}
