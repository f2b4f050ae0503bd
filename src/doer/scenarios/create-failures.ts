/**
 * Requests the API server refused: a controller's `FailedCreate` events (and the `ReplicaFailure`
 * condition it copies onto the Deployment/ReplicaSet), where admission plugins and webhooks
 * explain why a pod or claim was never created. Quota, LimitRange, ServiceAccount, Pod Security
 * and webhook scenarios all read them, so they are collected once per state.
 */
import type { ClusterState } from '../../cluster/state.js';
import { refKey, refOf } from '../../cluster/state.js';
import type { KubeObject, ObjectRef } from '../../cluster/types.js';
import type { Category, Detection, Scenario, Severity } from '../types.js';
import { ageSeconds, eventLine, statusLine } from './util.js';

export interface CreateFailure {
  /** The object that failed to create something (ReplicaSet, StatefulSet, DaemonSet, Job, ...). */
  subject: ObjectRef;
  /** The object a person edits: the Deployment for a ReplicaSet, the CronJob for a Job. */
  workload: ObjectRef;
  /** The refusal as the API server worded it. */
  message: string;
  /** Evidence line quoting the event or condition. */
  line: string;
}

/** How long an event about an object that is not in the input still counts as current. */
const RECENT_SECONDS = 3600;

const cache = new WeakMap<ClusterState, CreateFailure[]>();

/** Every refusal that still blocks its controller, newest events first. */
export function createFailures(state: ClusterState): CreateFailure[] {
  const cached = cache.get(state);
  if (cached) return cached;
  const failures: CreateFailure[] = [];
  const seen = new Set<string>();
  for (const event of state.events) {
    if (event.reason !== 'FailedCreate' || !event.message) continue;
    const inv = event.involvedObject;
    if (!inv?.kind || !inv.name) continue;
    const subject: ObjectRef = { kind: inv.kind, name: inv.name, ...(inv.namespace ? { namespace: inv.namespace } : {}) };
    const obj = state.find(subject);
    if (obj ? !stillShort(obj) : ageSeconds(state, event.lastTimestamp ?? event.eventTime ?? undefined) > RECENT_SECONDS) continue;
    if (namedPodExists(state, subject.namespace, event.message)) continue;
    failures.push({ subject, workload: obj ? state.workloadOf(obj) : subject, message: event.message, line: eventLine(subject, event) });
    seen.add(`${refKey(subject)}|${event.message}`);
  }
  // Snapshots without events still carry the last refusal on the controllers' conditions.
  for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']) {
    for (const obj of state.list(kind)) {
      const status = obj.status as { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> } | undefined;
      const failed = status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True' && c.message);
      if (!failed?.message || !stillShort(obj)) continue;
      const subject = refOf(obj);
      if (seen.has(`${refKey(subject)}|${failed.message}`)) continue;
      failures.push({
        subject,
        workload: state.workloadOf(obj),
        message: failed.message,
        line: statusLine(obj, `condition ReplicaFailure=True (${failed.reason ?? ''}): ${failed.message}`),
      });
    }
  }
  cache.set(state, failures);
  return failures;
}

/** The refusal names one pod (a StatefulSet ordinal) that exists by now: it was created after all. */
function namedPodExists(state: ClusterState, namespace: string | undefined, message: string): boolean {
  const name = /create Pod (\S+) in StatefulSet/.exec(message)?.[1] ?? /pods "([^"]+[^-"])" is (?:forbidden|invalid)/i.exec(message)?.[1];
  return !!name && !!state.get('Pod', namespace, name);
}

/** Whether the controller still has fewer objects than it wants (a scaled-down or finished one does not). */
function stillShort(obj: KubeObject): boolean {
  const spec = (obj.spec ?? {}) as { replicas?: number; parallelism?: number; completions?: number };
  const status = (obj.status ?? {}) as {
    replicas?: number; readyReplicas?: number; desiredNumberScheduled?: number; currentNumberScheduled?: number;
    active?: number; succeeded?: number; conditions?: Array<{ type?: string; status?: string }>;
  };
  switch (obj.kind) {
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'StatefulSet':
      // StatefulSets are compared on ready replicas: snapshots show status.replicas counting the ordinal it failed to create.
      return (spec.replicas ?? 1) > (obj.kind === 'StatefulSet' ? status.readyReplicas ?? 0 : status.replicas ?? 0);
    case 'Deployment':
      return (spec.replicas ?? 1) > (status.readyReplicas ?? 0);
    case 'DaemonSet':
      return (status.desiredNumberScheduled ?? 0) > (status.currentNumberScheduled ?? 0);
    case 'Job': {
      const finished = status.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
      return !finished && (status.active ?? 0) < (spec.parallelism ?? 1);
    }
    default:
      return true;
  }
}

/** Failures whose message matches, grouped under a key (usually the root cause's refKey). */
function groupFailures<K>(
  failures: CreateFailure[],
  keyOf: (failure: CreateFailure, match: RegExpExecArray) => K | undefined,
  pattern: RegExp,
): Map<string, { key: K; failures: Array<{ failure: CreateFailure; match: RegExpExecArray }> }> {
  const groups = new Map<string, { key: K; failures: Array<{ failure: CreateFailure; match: RegExpExecArray }> }>();
  for (const failure of failures) {
    const match = pattern.exec(failure.message);
    if (!match) continue;
    const key = keyOf(failure, match);
    if (key === undefined) continue;
    const id = JSON.stringify(key);
    const group = groups.get(id) ?? { key, failures: [] };
    group.failures.push({ failure, match });
    groups.set(id, group);
  }
  return groups;
}

/** Workloads and controllers named by some failures, without duplicates. */
function failureObjects(failures: Array<{ failure: CreateFailure }>): ObjectRef[] {
  const refs = new Map<string, ObjectRef>();
  for (const { failure } of failures) {
    refs.set(refKey(failure.workload), failure.workload);
    refs.set(refKey(failure.subject), failure.subject);
  }
  return [...refs.values()];
}

export type MatchedFailure = { failure: CreateFailure; match: RegExpExecArray };

export interface RefusalReport {
  title: string;
  explanation: string;
  remediation: string[];
  /** Lines shown before the quoted refusals (the chain, the quota's status, ...). */
  evidence?: string[];
  affected?: ObjectRef[];
  confidence?: number;
  severity?: Severity;
}

export interface RefusalScenarioSpec {
  id: string;
  category: Category;
  severity: Severity;
  title: string;
  description: string;
  hops?: number;
  needs?: string[];
  /** Matches the refusal message; its groups feed `rootCauseOf` and `report`. */
  pattern: RegExp;
  /** The object to fix for one refusal; undefined skips the refusal (another scenario owns it). */
  rootCauseOf(state: ClusterState, failure: CreateFailure, match: RegExpExecArray): ObjectRef | undefined;
  report(state: ClusterState, rootCause: ObjectRef, failures: MatchedFailure[]): RefusalReport;
}

/**
 * A scenario family member that reads refused creations: match, resolve each to its root cause,
 * and report one detection per root cause listing every blocked controller and workload.
 */
export function refusalScenario(spec: RefusalScenarioSpec): Scenario {
  return {
    id: spec.id,
    category: spec.category,
    severity: spec.severity,
    title: spec.title,
    description: spec.description,
    ...(spec.hops ? { hops: spec.hops } : {}),
    ...(spec.needs ? { needs: spec.needs } : {}),
    detect(state) {
      const groups = groupFailures(createFailures(state), (f, m) => spec.rootCauseOf(state, f, m), spec.pattern);
      const detections: Detection[] = [];
      for (const { key: rootCause, failures } of groups.values()) {
        const report = spec.report(state, rootCause, failures);
        const blocked = failureObjects(failures);
        const workloadDown = failures.some(({ failure }) => hasNothingRunning(state, failure.workload));
        detections.push({
          resource: failures[0].failure.workload,
          rootCause,
          affected: [...blocked, ...(report.affected ?? [])],
          title: report.title,
          explanation: report.explanation,
          evidence: [...(report.evidence ?? []), ...failures.map(({ failure }) => failure.line)],
          remediation: report.remediation,
          confidence: report.confidence ?? 0.95,
          severity: report.severity ?? (workloadDown ? spec.severity : 'warning'),
        });
      }
      return detections;
    },
  };
}

/** True when a workload has no ready or active replica at all (the refusal takes it down, not just degrades it). */
function hasNothingRunning(state: ClusterState, ref: ObjectRef): boolean {
  const obj = state.find(ref);
  if (!obj) return true;
  const status = (obj.status ?? {}) as { readyReplicas?: number; numberReady?: number; active?: number; succeeded?: number };
  return (status.readyReplicas ?? status.numberReady ?? status.active ?? 0) === 0;
}
