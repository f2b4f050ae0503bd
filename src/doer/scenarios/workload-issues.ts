/**
 * Shared machinery for the container-level categories (image, crash, oom, probe): each category
 * classifies every failing container once per state into exactly one kind, and each scenario of
 * the category reports the containers of its kind, grouped by the object to fix.
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName, refKey } from '../../cluster/state.js';
import type { ContainerStatus, Event, ObjectRef, Pod, StatefulSet } from '../../cluster/types.js';
import type { Category, Detection, Scenario, Severity } from '../types.js';
import type { ContainerView } from './util.js';
import { ageSeconds, containersOf, eventLine, isActivePod, statusLine } from './util.js';

/** One failing container, already classified. */
export interface ContainerIssue<K extends string = string> {
  kind: K;
  pod: Pod;
  container: string;
  /** Quoted status fields and events, in the order a reader needs them. */
  evidence: string[];
  /** The object to fix when it is not the pod's workload (a Secret, a Node, a LimitRange). */
  rootCause?: ObjectRef;
  severity?: Severity;
  confidence: number;
  /** Facts the scenario text uses (exit code, probe port, the runtime's heap flag, ...). */
  facts?: Record<string, string>;
  /** For consequence scenarios: objects whose own finding would explain this one (e.g. the Node). */
  dependsOn?: ObjectRef[];
}

/** What a scenario says about one group of issues sharing a root cause. */
export interface IssueReport {
  title: string;
  explanation: string;
  remediation: string[];
  /** Lines prepended to the quoted evidence, e.g. the chain from symptom to cause. */
  chain?: string[];
}

export interface IssueGroup<K extends string = string> {
  rootCause: ObjectRef;
  /** The workloads whose pods are affected (first one is the main one). */
  workloads: ObjectRef[];
  issues: ContainerIssue<K>[];
}

export type ContainerStateTerminated = NonNullable<NonNullable<ContainerStatus['state']>['terminated']>;

const memoByState = new WeakMap<ClusterState, Map<string, unknown>>();

/** Compute once per state: every scenario of a category shares one classification pass. */
export function memo<T>(state: ClusterState, key: string, compute: () => T): T {
  let cache = memoByState.get(state);
  if (!cache) {
    cache = new Map();
    memoByState.set(state, cache);
  }
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}

/**
 * A scenario reporting the issues of one kind from a category's classifier, one detection per
 * root cause (the pod's workload unless the issue names another object).
 */
export function issueScenario<K extends string>(spec: {
  id: string;
  category: Category;
  severity: Severity;
  title: string;
  description: string;
  hops?: number;
  /** A symptom another finding may explain (folded into it when that finding covers the pods). */
  consequence?: boolean;
  kind: K;
  classify: (state: ClusterState) => ContainerIssue<K>[];
  report: (group: IssueGroup<K>, state: ClusterState) => IssueReport;
}): Scenario {
  return {
    id: spec.id,
    category: spec.category,
    severity: spec.severity,
    title: spec.title,
    description: spec.description,
    ...(spec.hops ? { hops: spec.hops } : {}),
    ...(spec.consequence ? { consequence: true } : {}),
    detect(state) {
      const issues = spec.classify(state).filter((i) => i.kind === spec.kind);
      return groupIssues(state, issues).map((group) => toDetection(group, spec.report(group, state)));
    },
  };
}

export function groupIssues<K extends string>(state: ClusterState, issues: ContainerIssue<K>[]): IssueGroup<K>[] {
  const groups = new Map<string, IssueGroup<K>>();
  for (const issue of issues) {
    const workload = state.workloadOf(issue.pod);
    const rootCause = issue.rootCause ?? workload;
    const key = refKey(rootCause);
    let group = groups.get(key);
    if (!group) {
      group = { rootCause, workloads: [], issues: [] };
      groups.set(key, group);
    }
    if (!group.workloads.some((w) => refKey(w) === refKey(workload))) group.workloads.push(workload);
    group.issues.push(issue);
  }
  return [...groups.values()];
}

function toDetection(group: IssueGroup, report: IssueReport): Detection {
  const pods = uniquePods(group.issues);
  const podRefs = pods.map((p) => ({ kind: 'Pod', namespace: p.metadata.namespace ?? 'default', name: p.metadata.name }));
  const workloads = group.workloads.filter((w) => w.kind !== 'Pod');
  const severities = group.issues.map((i) => i.severity).filter((s): s is Severity => !!s);
  const evidence = [...new Set([...(report.chain ?? []), ...group.issues.flatMap((i) => i.evidence)])];
  return {
    resource: podRefs[0],
    rootCause: group.rootCause,
    affected: [...workloads.filter((w) => refKey(w) !== refKey(group.rootCause)), ...podRefs.slice(1)],
    title: report.title,
    explanation: report.explanation,
    evidence,
    remediation: report.remediation,
    confidence: Math.max(...group.issues.map((i) => i.confidence)),
    ...(group.issues.some((i) => i.dependsOn) ? { dependsOn: group.issues.flatMap((i) => i.dependsOn ?? []) } : {}),
    ...(severities.length === group.issues.length && severities.length > 0 ? { severity: mostSevere(severities) } : {}),
  };
}

function mostSevere(severities: Severity[]): Severity {
  if (severities.includes('critical')) return 'critical';
  if (severities.includes('warning')) return 'warning';
  return 'info';
}

function uniquePods(issues: ContainerIssue[]): Pod[] {
  return [...new Set(issues.map((i) => i.pod))];
}

// ---- container facts --------------------------------------------------------------------------

/** The most recent termination: the current one if the container is dead now, else the last one. */
export function lastTermination(c: ContainerView): ContainerStateTerminated | undefined {
  return c.status?.state?.terminated ?? c.status?.lastState?.terminated;
}

/** A pod worth a closer look, with the containers that are not plainly healthy. */
export interface TroubledPod {
  pod: Pod;
  containers: ContainerView[];
  /** Meant to be running now (not finished, not being deleted). */
  active: boolean;
}

/**
 * One pass over all pods per state, shared by the container categories: active pods with a
 * container that is not plainly healthy (or, for old Pending snapshots without statuses, their
 * specs), and pods that ended Failed (evictions, Job attempts, bare pods).
 */
export function troubledPods(state: ClusterState): TroubledPod[] {
  return memo(state, 'troubled-pods', () => {
    const result: TroubledPod[] = [];
    for (const pod of state.pods) {
      if (isActivePod(pod)) {
        // Its workload's spec already changed: the rollout scenarios report the pod blocking the update.
        if (supersededRevision(state, pod)) continue;
        const containers = pod.status?.containerStatuses?.length || pod.status?.initContainerStatuses?.length
          ? troubledContainers(pod)
          : pod.status?.phase === 'Pending' ? specOnlyViews(pod) : [];
        if (containers.length) result.push({ pod, containers, active: true });
      } else if (pod.status?.phase === 'Failed' && !pod.metadata.deletionTimestamp) {
        result.push({ pod, containers: troubledContainers(pod), active: false });
      }
    }
    return result;
  });
}

/**
 * A StatefulSet pod left on a revision that is not the update revision and whose images the
 * template no longer runs: the controller waits for it to become Ready and never replaces it
 * (kubernetes#67250), so what broke it is no longer in the spec.
 */
export function supersededRevision(state: ClusterState, pod: Pod): boolean {
  const owner = state.owner(pod);
  if (owner?.kind !== 'StatefulSet') return false;
  const set = owner as StatefulSet;
  const revision = pod.metadata.labels?.['controller-revision-hash'];
  const update = set.status?.updateRevision;
  if (!revision || !update || revision === update) return false;
  const template = set.spec?.template?.spec?.containers ?? [];
  return (pod.spec?.containers ?? []).some((c) => {
    const now = template.find((t) => t.name === c.name);
    return !!now && now.image !== c.image;
  });
}

function specOnlyViews(pod: Pod): ContainerView[] {
  return [
    ...(pod.spec?.initContainers ?? []).map((spec) => ({ name: spec.name, init: true, spec })),
    ...(pod.spec?.containers ?? []).map((spec) => ({ name: spec.name, init: false, spec })),
  ];
}

/**
 * Exit code 0 without an OOM kill. An init container OOM-killed while its main process survived
 * is reported with exit code 0 and reason OOMKilled; the kubelet treats it as failed (kubernetes#104650).
 */
function cleanExit(term: ContainerStateTerminated | undefined): boolean {
  return term?.exitCode === 0 && term.reason !== 'OOMKilled';
}

/** Containers of a pod that are not plainly healthy (cheap filter before any event lookup). */
export function troubledContainers(pod: Pod): ContainerView[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  if (statuses.length > 0 && statuses.every((s) => (s.ready || cleanExit(s.state?.terminated)) && (s.restartCount ?? 0) === 0)) return [];
  return containersOf(pod).filter((c) => {
    const s = c.status;
    if (!s) return false;
    if (c.init && cleanExit(s.state?.terminated)) return false;
    return !s.ready || (s.restartCount ?? 0) > 0 || !!s.state?.waiting || !!s.state?.terminated;
  });
}

/**
 * A pod that ran to failure on its own (no controller to retry it, restartPolicy Never/OnFailure
 * exhausted) within the last day: its containers' exits are still the finding.
 */
export function isRecentlyFailedBarePod(state: ClusterState, pod: Pod): boolean {
  if (pod.status?.phase !== 'Failed' || pod.metadata.ownerReferences?.length || pod.status.reason === 'Evicted') return false;
  const finished = [...(pod.status.containerStatuses ?? [])].map((s) => s.state?.terminated?.finishedAt).filter((t): t is string => !!t);
  return finished.some((t) => ageSeconds(state, t) <= 86400);
}

/** Whether a termination happened within the window (seconds) before the state's `now`. */
export function isRecent(state: ClusterState, term: ContainerStateTerminated | undefined, windowSeconds: number): boolean {
  return !!term && ageSeconds(state, term.finishedAt ?? term.startedAt) <= windowSeconds;
}

/** Restarts that mark a container as chronically failing, whenever the last one happened that day. */
const CHRONIC_RESTARTS = 5;

/**
 * Whether a container is failing now rather than carrying an old scar: stuck waiting after a
 * failure, dead now, or restarting repeatedly within the last hour.
 */
export function restartState(state: ClusterState, c: ContainerView, minRecentRestarts = 2): 'down' | 'flapping' | undefined {
  const s = c.status;
  if (!s) return undefined;
  const waiting = s.state?.waiting?.reason;
  if (waiting === 'CrashLoopBackOff' || waiting === 'RunContainerError' || waiting === 'StartError') return 'down';
  // The runtime refused to create it for lack of a command: nothing will ever run.
  if (waiting === 'CreateContainerError' && /no command specified/.test(s.state?.waiting?.message ?? '')) return 'down';
  const current = s.state?.terminated;
  if (current && (current.exitCode !== 0 || (c.init && current.reason === 'OOMKilled'))) return 'down';
  if (current && c.init === false && current.exitCode === 0 && (s.restartCount ?? 0) > 0) return 'down';
  const last = s.lastState?.terminated;
  const restarts = s.restartCount ?? 0;
  if (last && restarts >= minRecentRestarts && isRecent(state, last, 3600)) return s.ready ? 'flapping' : 'down';
  if (last && !s.ready && isRecent(state, last, 3600)) return 'down';
  // Many restarts are a chronic problem even when the last one is hours old (or undated).
  if (last && restarts >= CHRONIC_RESTARTS && (isRecent(state, last, 86400) || !last.finishedAt)) return s.ready ? 'flapping' : 'down';
  return undefined;
}

/** `container app: state.waiting.reason=CrashLoopBackOff (back-off 5m0s ...)` and the last termination. */
export function containerStatusLines(pod: Pod, c: ContainerView): string[] {
  const lines: string[] = [];
  const where = `${c.init ? 'initContainer' : 'container'} ${c.name}`;
  const s = c.status;
  const waiting = s?.state?.waiting;
  if (waiting?.reason) lines.push(statusLine(pod, `${where} waiting: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`));
  const term = s?.state?.terminated;
  if (term) lines.push(statusLine(pod, `${where} terminated: ${terminationText(term)}`));
  const last = s?.lastState?.terminated;
  if (last) lines.push(statusLine(pod, `${where} lastState.terminated: ${terminationText(last)}${s?.restartCount ? `; restartCount=${s.restartCount}` : ''}`));
  return lines;
}

function terminationText(t: ContainerStateTerminated): string {
  const parts = [`reason=${t.reason ?? ''}`, `exitCode=${t.exitCode}`];
  if (t.signal) parts.push(`signal=${t.signal}`);
  if (t.startedAt && t.finishedAt) parts.push(`ran ${Math.max(0, Math.round((Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000))}s`);
  if (t.message) parts.push(`message: ${quoteMessage(t.message)}`);
  return parts.join(' ');
}

/** A termination message verbatim, on one line; long logs keep their last lines, where the error usually is. */
function quoteMessage(message: string): string {
  const lines = message.trim().split(/\s*\n\s*/);
  const kept = lines.length > 6 ? ['…', ...lines.slice(-6)] : lines;
  return kept.join(' ⏎ ');
}

/**
 * Events about a pod that concern one container: those whose fieldPath names it; without a
 * fieldPath (old snapshots, pod-level events), those whose message does not name another container.
 */
export function containerEvents(state: ClusterState, pod: Pod, container: string, reasons: readonly string[]): Event[] {
  const events = state.eventsFor({ kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name });
  const others = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name).filter((n) => n !== container);
  return events.filter((e) => {
    if (!reasons.includes(e.reason ?? '')) return false;
    const fieldPath = e.involvedObject?.fieldPath;
    if (fieldPath?.includes('{')) return fieldPath.endsWith(`{${container}}`);
    const message = e.message ?? '';
    return !others.some((other) => namesContainer(message, other)) || namesContainer(message, container);
  });
}

/** `container app`, `container "app"`, `container=app` — how kubelet messages name a container. */
function namesContainer(message: string, name: string): boolean {
  return message.includes(`container ${name}`) || message.includes(`container "${name}"`) || message.includes(`container=${name}`) || message.includes(`Container ${name} `);
}

/**
 * Whether the kubelet's liveness or startup probe is what keeps killing the container: its
 * Killing event says so, or the probe fails and the exits look like a kill (0/137/143) rather
 * than the process crashing on its own (a probe that errors because the process died is no proof).
 */
export function killedByProbe(events: readonly Event[], term: ContainerStateTerminated | undefined, type: 'liveness' | 'startup' | 'any' = 'any'): boolean {
  // The kernel's OOM kill is definitive, whatever the probes said while memory ran out.
  if (term?.reason === 'OOMKilled') return false;
  const which = type === 'any' ? '(liveness|startup)' : type;
  if (events.some((e) => e.reason === 'Killing' && new RegExp(`failed ${which} probe`, 'i').test(e.message ?? ''))) return true;
  const failing = events.some((e) => e.reason === 'Unhealthy' && new RegExp(`^${which} probe failed`, 'i').test(e.message ?? ''));
  return failing && (!term || [0, 137, 143].includes(term.exitCode));
}

export function eventLines(pod: Pod, events: readonly Event[], max = 3): string[] {
  return events.slice(0, max).map((e) => eventLine(pod, e));
}

/** The text a classifier searches: termination and waiting messages plus event messages. */
export function failureText(c: ContainerView, events: readonly Event[]): string {
  return [c.status?.state?.waiting?.message, lastTermination(c)?.message, ...events.map((e) => e.message)].filter(Boolean).join('\n');
}

/** What a Unix exit code usually means for a container's main process. */
export function exitCodeMeaning(code: number): string {
  switch (code) {
    case 0: return 'exited successfully (0)';
    case 1: return 'general application error (1)';
    case 2: return 'misuse of a shell builtin or invalid command-line arguments (2)';
    case 126: return 'command found but not executable (126)';
    case 127: return 'command not found (127)';
    case 128: return 'the runtime could not start the process (128)';
    case 134: return 'aborted, SIGABRT (134 = 128+6)';
    case 137: return 'killed by SIGKILL (137 = 128+9)';
    case 139: return 'segmentation fault, SIGSEGV (139 = 128+11)';
    case 143: return 'terminated by SIGTERM (143 = 128+15)';
    default: return code > 128 && code < 160 ? `killed by signal ${code - 128} (${code})` : `exit code ${code}`;
  }
}

/** `Deployment shop/web` */
export function workloadLabel(ref: ObjectRef): string {
  return `${ref.kind} ${displayName(ref)}`;
}

/** The pod template of a workload (or the pod's own spec for bare pods). */
export function templateSpecOf(state: ClusterState, workload: ObjectRef): Pod['spec'] | undefined {
  const obj = state.find(workload) as { spec?: { template?: { spec?: Pod['spec'] }; jobTemplate?: { spec?: { template?: { spec?: Pod['spec'] } } } } } | undefined;
  if (!obj) return undefined;
  if (workload.kind === 'Pod') return (obj as Pod).spec;
  return obj.spec?.template?.spec ?? obj.spec?.jobTemplate?.spec?.template?.spec;
}

/** `kubectl -n shop edit deployment/web` or `... set ...` — the edit command for a workload. */
export function editCommand(ref: ObjectRef): string {
  return ref.namespace ? `kubectl -n ${ref.namespace} edit ${ref.kind.toLowerCase()}/${ref.name}` : `kubectl edit ${ref.kind.toLowerCase()}/${ref.name}`;
}

/** Pod names for explanations: `web-1, web-2 and 3 more`. */
export function podNames(issues: ContainerIssue[], max = 3): string {
  const names = [...new Set(issues.map((i) => i.pod.metadata.name))];
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function containerNames(issues: ContainerIssue[]): string {
  return [...new Set(issues.map((i) => i.container))].join(', ');
}
