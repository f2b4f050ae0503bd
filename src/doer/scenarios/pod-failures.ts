/**
 * What the kubelet says about pods that are not working: container waiting and termination
 * messages, the pod's own status reason, and its Warning events. Collected once per state so
 * that the many message-matching scenarios stay O(pods + events).
 */
import type { ClusterState } from '../../cluster/state.js';
import { refKey } from '../../cluster/state.js';
import type { ObjectRef, Pod } from '../../cluster/types.js';
import type { Category, Detection, Scenario, Severity } from '../types.js';
import { containersOf, eventLine, isPodReady, statusLine } from './util.js';

export interface PodFailure {
  pod: Pod;
  container?: string;
  source: 'waiting' | 'terminated' | 'status' | 'event';
  reason: string;
  message: string;
  line: string;
}

const cache = new WeakMap<ClusterState, PodFailure[]>();

/** Failure messages of pods that are not Running-and-Ready (finished-successfully and terminating pods excluded). */
export function podFailures(state: ClusterState): PodFailure[] {
  const cached = cache.get(state);
  if (cached) return cached;
  const failures: PodFailure[] = [];
  for (const pod of state.pods) {
    if (pod.status?.phase === 'Succeeded' || pod.metadata.deletionTimestamp) continue;
    if (pod.status?.phase === 'Running' && isPodReady(pod)) continue;
    if (pod.status?.reason || pod.status?.message) {
      failures.push({
        pod, source: 'status', reason: pod.status.reason ?? '', message: pod.status.message ?? '',
        line: statusLine(pod, `status.reason=${pod.status.reason ?? ''}: ${pod.status.message ?? ''}`),
      });
    }
    for (const c of containersOf(pod)) {
      const waiting = c.status?.state?.waiting;
      if (waiting?.message) {
        failures.push({
          pod, container: c.name, source: 'waiting', reason: waiting.reason ?? '', message: waiting.message,
          line: statusLine(pod, `container ${c.name} waiting: ${waiting.reason ?? ''}: ${waiting.message}`),
        });
      }
      const terminated = c.status?.ready ? undefined : (c.status?.state?.terminated ?? c.status?.lastState?.terminated);
      if (terminated?.message) {
        failures.push({
          pod, container: c.name, source: 'terminated', reason: terminated.reason ?? '', message: terminated.message,
          line: statusLine(pod, `container ${c.name} terminated (${terminated.reason ?? ''}, exit code ${terminated.exitCode ?? '?'}): ${terminated.message.trim()}`),
        });
      }
    }
    // Mount, sandbox and config events predate running containers; once every container runs they are history.
    const views = containersOf(pod);
    if (views.length && views.every((c) => c.status?.state?.running)) continue;
    for (const event of state.eventsFor({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name })) {
      if (event.type !== 'Warning' || !event.message) continue;
      failures.push({ pod, source: 'event', reason: event.reason ?? '', message: event.message, line: eventLine(pod, event) });
    }
  }
  cache.set(state, failures);
  return failures;
}

export type MatchedPodFailure = { failure: PodFailure; match: RegExpExecArray };

export interface PodFailureReport {
  title: string;
  explanation: string;
  remediation: string[];
  evidence?: string[];
  affected?: ObjectRef[];
  confidence?: number;
  severity?: Severity;
}

export interface PodFailureScenarioSpec {
  id: string;
  category: Category;
  severity: Severity;
  title: string;
  description: string;
  hops?: number;
  needs?: string[];
  pattern: RegExp;
  /** Restrict to some failure sources or reasons (e.g. only `status` with reason Evicted). */
  accept?: (failure: PodFailure) => boolean;
  rootCauseOf(state: ClusterState, failure: PodFailure, match: RegExpExecArray): ObjectRef | undefined;
  report(state: ClusterState, rootCause: ObjectRef, failures: MatchedPodFailure[]): PodFailureReport;
}

/** A scenario family member over pod failure messages: match, resolve to a root cause, one detection per cause. */
export function podFailureScenario(spec: PodFailureScenarioSpec): Scenario {
  return {
    id: spec.id,
    category: spec.category,
    severity: spec.severity,
    title: spec.title,
    description: spec.description,
    ...(spec.hops ? { hops: spec.hops } : {}),
    ...(spec.needs ? { needs: spec.needs } : {}),
    detect(state) {
      const groups = new Map<string, { rootCause: ObjectRef; failures: MatchedPodFailure[] }>();
      for (const failure of podFailures(state)) {
        if (spec.accept && !spec.accept(failure)) continue;
        const match = spec.pattern.exec(failure.message);
        if (!match) continue;
        const rootCause = spec.rootCauseOf(state, failure, match);
        if (!rootCause) continue;
        const key = refKey(rootCause);
        const group = groups.get(key) ?? { rootCause, failures: [] };
        group.failures.push({ failure, match });
        groups.set(key, group);
      }
      const detections: Detection[] = [];
      for (const { rootCause, failures } of groups.values()) {
        const report = spec.report(state, rootCause, failures);
        const affected = new Map<string, ObjectRef>();
        for (const { failure } of failures) {
          const podRef = { kind: 'Pod', namespace: failure.pod.metadata.namespace, name: failure.pod.metadata.name };
          affected.set(refKey(podRef), podRef);
          const workload = state.workloadOf(failure.pod);
          affected.set(refKey(workload), workload);
        }
        for (const ref of report.affected ?? []) affected.set(refKey(ref), ref);
        const pod = failures[0].failure.pod;
        detections.push({
          resource: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name },
          rootCause,
          affected: [...affected.values()],
          title: report.title,
          explanation: report.explanation,
          evidence: [...(report.evidence ?? []), ...new Set(failures.map(({ failure }) => failure.line))],
          remediation: report.remediation,
          confidence: report.confidence ?? 0.95,
          ...(report.severity ? { severity: report.severity } : {}),
        });
      }
      return detections;
    },
  };
}

/** Distinct pods among matched failures. */
export function podsOf(failures: MatchedPodFailure[]): Pod[] {
  return [...new Set(failures.map(({ failure }) => failure.pod))];
}
