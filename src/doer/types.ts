import type { ClusterState } from '../cluster/state.js';
import type { ObjectRef } from '../cluster/types.js';

export const CATEGORIES = [
  'image', 'crash', 'oom', 'config', 'probe', 'scheduling', 'storage', 'node', 'network', 'quota',
  'security', 'rollout', 'job', 'autoscaling', 'accelerator', 'admission',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One symptom a scenario found, already resolved to the object to fix. */
export interface Detection {
  /** Where the problem shows (the pod in CrashLoopBackOff, the Pending claim). */
  resource: ObjectRef;
  /** The object to change or create to fix it (may be absent from the cluster when absence is the fault). */
  rootCause: ObjectRef;
  /** Other objects broken by the same root cause (the resource is added automatically). */
  affected?: ObjectRef[];
  /**
   * For consequence scenarios: the objects whose own failure would explain this symptom
   * (a Service's pods, an Ingress's Service). When another finding covers one of them, this
   * detection is folded into it as a link of its chain.
   */
  dependsOn?: ObjectRef[];
  title: string;
  explanation: string;
  /** Quoted status fields and events, one per line, e.g. `Pod shop/web-1: Warning BackOff (x12): ...`. */
  evidence: string[];
  /** Concrete steps with the real names filled in. */
  remediation: string[];
  confidence: number;
  /** Overrides the scenario's default severity for this detection. */
  severity?: Severity;
}

export interface Scenario {
  /** Stable id: `<category>.<kebab-name>`. */
  id: string;
  category: Category;
  severity: Severity;
  title: string;
  /** What it means, what evidence is looked for, and the usual fix (used for docs/scenarios.md). */
  description: string;
  /**
   * A symptom that is usually the consequence of another problem (a Service with no ready
   * endpoints, a stuck rollout). It is reported on its own only when no other finding explains it.
   */
  consequence?: boolean;
  /**
   * How many objects away from the symptom the root cause is (1 = the symptom's own workload or a
   * directly referenced object; 2+ = a chain such as Pod → PVC → StorageClass). Defaults to 1.
   */
  hops?: number;
  /** Kinds without which the scenario cannot be evaluated (reported as notes when absent). */
  needs?: string[];
  detect(state: ClusterState): Detection[];
}

export interface Finding {
  scenario: string;
  category: Category;
  severity: Severity;
  resource: ObjectRef;
  rootCause: ObjectRef;
  affected: ObjectRef[];
  confidence: number;
  title: string;
  explanation: string;
  evidence: string[];
  remediation: string[];
}

export interface ReportSource {
  type: 'file' | 'live' | 'sim';
  name: string;
}

export interface DiagnosisReport {
  apiVersion: 'nakhoda.io/v1alpha1';
  kind: 'DiagnosisReport';
  source: ReportSource;
  generatedAt: string;
  summary: { critical: number; warning: number; info: number; objects: number };
  findings: Finding[];
  notes: string[];
}
