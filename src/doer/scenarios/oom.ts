/**
 * oom: memory kills. One pass classifies every recently OOM-killed container (status reason
 * OOMKilled, exit 137; runc's "container init was OOM-killed (memory limit too low?)") and every
 * pod evicted for memory ("The node was low on resource: memory. ... has larger consumption of
 * memory.") by where the limit came from and what to change: the workload's limit, the runtime's
 * heap flag, a LimitRange default, a VPA, or the node itself (no limit: kernel OOM killer).
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName } from '../../cluster/state.js';
import { formatBytes, parseQuantity } from '../../cluster/quantity.js';
import type { Container, KubeObject, LimitRange, ObjectRef, Pod } from '../../cluster/types.js';
import type { Scenario, Severity } from '../types.js';
import type { ContainerView } from './util.js';
import { ageSeconds, containersOf, eventLine, isActivePod, kubectl, podCondition, statusLine } from './util.js';
import type { ContainerIssue, IssueGroup, IssueReport } from './workload-issues.js';
import {
  containerEvents, containerNames, containerStatusLines, editCommand, eventLines, failureText, issueScenario, isRecent,
  isRecentlyFailedBarePod, lastTermination, memo, podNames, restartState, troubledPods, workloadLabel,
} from './workload-issues.js';

type OomKind =
  | 'container-limit' | 'killed-at-startup' | 'limit-too-small' | 'init-container' | 'node-oom' | 'evicted-memory' | 'jvm-heap'
  | 'jvm-ram-percentage' | 'nodejs-heap' | 'go-memlimit' | 'configmap-heap' | 'memory-emptydir' | 'limitrange-default' | 'vpa-limit' | 'job-oomkilled';

type HeapKind = 'jvm-heap' | 'jvm-ram-percentage' | 'nodejs-heap' | 'go-memlimit';

/** Below this a memory limit cannot even start a runtime: almost always a missing unit ("512" = 512 bytes). */
const TINY_LIMIT = 16 * 2 ** 20;
/** A container killed this soon after starting needs far more memory than its limit. */
const STARTUP_SECONDS = 60;
/** Heap settings at this share of the limit leave too little for the runtime's non-heap memory. */
const HEAP_SHARE_WITH_OOM = 0.75;
const OOM_INIT = /container init was OOM-killed/;
const EVICTED_MEMORY = /low on resource: memory/;

interface HeapSetting {
  kind: HeapKind;
  bytes: number;
  /** The flag as written, e.g. `-Xmx2g` in env JAVA_OPTS. */
  source: string;
  /** The ConfigMap the flag is read from, when it is not written in the pod spec itself. */
  configMap?: string;
}

interface HeapSource {
  text: string;
  where: string;
  configMap?: string;
}

function memoryLimit(spec: Container | undefined): number | undefined {
  return parseQuantity(spec?.resources?.limits?.memory);
}

const SIZE: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
const GO_SIZE: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

const HEAP_FLAG = /-Xmx|MaxRAMPercentage|max-old-space-size|GOMEMLIMIT/;
const HEAP_ENV_NAME = /JAVA|JVM|HEAP|OPTS|OPTIONS|GOMEMLIMIT|MEM/i;

/** Command, args and env values of a container, with env resolved through ConfigMaps where the state has them. */
function heapSources(state: ClusterState, namespace: string, spec: Container): HeapSource[] {
  const sources: HeapSource[] = [...(spec.command ?? []), ...(spec.args ?? [])].map((text) => ({ text, where: 'command/args' }));
  for (const e of spec.env ?? []) {
    if (e.value) sources.push({ text: e.value, where: `env ${e.name}` });
    // Only variables that plausibly carry runtime flags are worth a ConfigMap lookup.
    const ref = HEAP_ENV_NAME.test(e.name) ? e.valueFrom?.configMapKeyRef : undefined;
    const value = ref?.name ? state.configMap(namespace, ref.name)?.data?.[ref.key] : undefined;
    if (ref?.name && value) sources.push({ text: value, where: `env ${e.name} from ConfigMap ${namespace}/${ref.name} key ${ref.key}`, configMap: ref.name });
  }
  for (const from of spec.envFrom ?? []) {
    const name = from.configMapRef?.name;
    const data = name ? state.configMap(namespace, name)?.data : undefined;
    for (const [key, value] of Object.entries(data ?? {})) {
      if (name) sources.push({ text: `${key}=${value}`, where: `envFrom ConfigMap ${namespace}/${name} key ${key}`, configMap: name });
    }
  }
  return sources;
}

/** The heap ceilings a container's runtime is told to use. */
function heapSettings(sources: HeapSource[], limit: number): HeapSetting[] {
  const settings: HeapSetting[] = [];
  for (const { text, where, configMap } of sources) {
    if (!HEAP_FLAG.test(text) && !where.startsWith('env GOMEMLIMIT')) continue;
    const add = (kind: HeapKind, bytes: number, flag: string) => settings.push({ kind, bytes, source: `${flag} in ${where}`, ...(configMap ? { configMap } : {}) });
    for (const m of text.matchAll(/-Xmx(\d+)([kKmMgGtT]?)\b/g)) add('jvm-heap', Number(m[1]) * SIZE[m[2].toLowerCase()], m[0]);
    for (const m of text.matchAll(/-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/g)) add('jvm-ram-percentage', (Number(m[1]) / 100) * limit, m[0]);
    for (const m of text.matchAll(/--max-old-space-size=(\d+)/g)) add('nodejs-heap', Number(m[1]) * 2 ** 20, m[0]);
    const go = /^GOMEMLIMIT=(\d+)(B|KiB|MiB|GiB|TiB)?$/.exec(where.startsWith('env GOMEMLIMIT') ? `GOMEMLIMIT=${text.trim()}` : text.trim());
    if (go) add('go-memlimit', Number(go[1]) * GO_SIZE[go[2] ?? 'B'], `GOMEMLIMIT=${go[1]}${go[2] ?? ''}`);
  }
  return settings;
}

/** The heap setting that leaves the runtime no room under the limit, if any (>= limit, or >= 75% once OOM-killed). */
function oversizedHeap(state: ClusterState, namespace: string, spec: Container | undefined, oomKilled: boolean): HeapSetting | undefined {
  const limit = memoryLimit(spec);
  if (!spec || !limit) return undefined;
  const threshold = oomKilled ? HEAP_SHARE_WITH_OOM * limit : limit;
  return heapSettings(heapSources(state, namespace, spec), limit).find((h) => h.bytes >= threshold);
}

function classifyOom(state: ClusterState): ContainerIssue<OomKind>[] {
  return memo(state, 'oom.issues', () => {
    const issues: ContainerIssue<OomKind>[] = [];
    for (const { pod, containers, active } of troubledPods(state)) {
      if (active || isRecentlyFailedBarePod(state, pod)) {
        for (const c of containers) {
          const issue = classifyContainer(state, pod, c);
          if (issue) issues.push(issue);
        }
      } else {
        const issue = pod.status?.reason === 'Evicted' ? evictedIssue(state, pod) : failedJobPodIssue(state, pod);
        if (issue) issues.push(issue);
      }
    }
    issues.push(...heapIssues(state));
    return issues;
  });
}

function classifyContainer(state: ClusterState, pod: Pod, c: ContainerView): ContainerIssue<OomKind> | undefined {
  const term = lastTermination(c);
  const events = containerEvents(state, pod, c.name, ['Failed', 'BackOff']);
  const initOom = OOM_INIT.test(failureText(c, events.filter((e) => e.reason === 'Failed')));
  if (term?.reason !== 'OOMKilled' && !initOom) return undefined;
  // One OOM kill long ago on a container that is fine now is history, not a finding.
  const restart = restartState(state, c, 1);
  if (!restart && !isRecent(state, term, 3600)) return undefined;
  const severity: Severity = restart === 'flapping' || (c.status?.ready && restart !== 'down') ? 'warning' : 'critical';
  const evidence = [...containerStatusLines(pod, c), ...eventLines(pod, events, 2)];
  const limit = memoryLimit(c.spec);
  const facts: Record<string, string> = { limit: limit ? formatBytes(limit) : 'none', raw: String(c.spec?.resources?.limits?.memory ?? '') };
  const issue = (kind: OomKind, extra: Partial<ContainerIssue<OomKind>> = {}): ContainerIssue<OomKind> => ({
    kind, pod, container: c.name, evidence, severity, confidence: 0.9, facts, ...extra,
  });

  if (initOom || (limit !== undefined && limit < TINY_LIMIT)) {
    evidence.push(statusLine(pod, `container ${c.name} resources.limits.memory=${facts.raw}`));
    return issue('limit-too-small', { severity: 'critical', confidence: 0.95 });
  }
  if (c.init) return issue('init-container');
  if (!limit) {
    const node = pod.spec?.nodeName;
    if (!node) return undefined;
    const systemOom = state.eventsFor({ kind: 'Node', name: node }).filter((e) => e.reason === 'SystemOOM' || (e.reason === 'OOMKilling' && !/Memory cgroup/.test(e.message ?? '')));
    evidence.push(statusLine(pod, `container ${c.name} has no resources.limits.memory: it was killed by the node's kernel OOM killer`));
    for (const e of systemOom.slice(0, 2)) evidence.push(eventLine({ kind: 'Node', name: node }, e));
    // The node's own OOM events prove it ran out; without them the unbounded workload is the lead.
    return issue('node-oom', systemOom.length ? { rootCause: { kind: 'Node', name: node }, confidence: 0.9 } : { confidence: 0.75 });
  }
  if (oversizedHeap(state, pod.metadata.namespace ?? 'default', c.spec, true)) return undefined; // reported by the heap scenarios, which name the flag
  const vpa = vpaLimitOwner(pod);
  if (vpa) {
    evidence.unshift(`Pod ${displayName(podRef(pod))}: annotation vpaUpdates="${pod.metadata.annotations?.vpaUpdates}" ← ${workloadLabel(vpa)} set this memory limit`);
    return issue('vpa-limit', { rootCause: vpa });
  }
  const limitRange = defaultingLimitRange(state, pod, c.name);
  if (limitRange) {
    evidence.unshift(`${workloadLabel(state.workloadOf(pod))}: container ${c.name} declares no memory limit ← LimitRange ${displayName(limitRange.ref)} defaults it to ${limitRange.value}`);
    return issue('limitrange-default', { rootCause: limitRange.ref });
  }
  const memoryVolumes = (pod.spec?.volumes ?? []).filter((v) => v.emptyDir?.medium === 'Memory').map((v) => v.name);
  const mounted = c.spec?.volumeMounts?.filter((m) => memoryVolumes.includes(m.name)) ?? [];
  if (mounted.length > 0) {
    evidence.push(statusLine(pod, `volume ${mounted.map((m) => `${m.name} (emptyDir medium Memory at ${m.mountPath})`).join(', ')} counts against the ${facts.limit} limit`));
    return issue('memory-emptydir', { confidence: 0.8 });
  }
  const ran = term?.startedAt && term.finishedAt ? (Date.parse(term.finishedAt) - Date.parse(term.startedAt)) / 1000 : undefined;
  if (ran !== undefined && ran < STARTUP_SECONDS) return issue('killed-at-startup');
  return issue('container-limit');
}

function podRef(pod: Pod): ObjectRef {
  return { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name };
}

/** The VPA that rewrote this pod's memory limit (admission annotation `vpaUpdates`). */
function vpaLimitOwner(pod: Pod): ObjectRef | undefined {
  const note = pod.metadata.annotations?.vpaUpdates;
  const m = note ? /^Pod resources updated by ([^:]+):/.exec(note) : null;
  if (!m || !/memory limit/.test(note ?? '')) return undefined;
  return { kind: 'VerticalPodAutoscaler', namespace: pod.metadata.namespace ?? 'default', name: m[1] };
}

/** A LimitRange default that supplied the container's limit because its workload sets none. */
function defaultingLimitRange(state: ClusterState, pod: Pod, container: string): { ref: ObjectRef; value: string } | undefined {
  const workload = state.workloadOf(pod);
  if (workload.kind === 'Pod') return undefined;
  const obj = state.find(workload) as (KubeObject & { spec?: { template?: { spec?: Pod['spec'] }; jobTemplate?: { spec?: { template?: { spec?: Pod['spec'] } } } } }) | undefined;
  const template = obj?.spec?.template?.spec ?? obj?.spec?.jobTemplate?.spec?.template?.spec;
  const spec = [...(template?.containers ?? []), ...(template?.initContainers ?? [])].find((c) => c.name === container);
  if (!spec || spec.resources?.limits?.memory) return undefined;
  for (const lr of state.list<LimitRange>('LimitRange')) {
    if ((lr.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) continue;
    // On the wire the field is `default` (the client model renames it `_default`).
    const items = (lr.spec?.limits ?? []) as Array<{ type?: string; default?: Record<string, string> }>;
    const value = items.find((l) => l.type === 'Container' && l.default?.memory)?.default?.memory;
    if (value) return { ref: { kind: 'LimitRange', namespace: lr.metadata.namespace, name: lr.metadata.name }, value: String(value) };
  }
  return undefined;
}

/** Pods the kubelet evicted because the node ran low on memory, within the last day. */
function evictedIssue(state: ClusterState, pod: Pod): ContainerIssue<OomKind> | undefined {
  const message = pod.status?.message ?? '';
  if (!EVICTED_MEMORY.test(message)) return undefined;
  const when = podCondition(pod, 'DisruptionTarget')?.lastTransitionTime ?? podCondition(pod, 'Ready')?.lastTransitionTime ?? pod.status?.startTime ?? pod.metadata.creationTimestamp;
  if (ageSeconds(state, when) > 86400) return undefined;
  const container = /Container (\S+) was using/.exec(message)?.[1] ?? pod.spec?.containers?.[0]?.name ?? '';
  return {
    kind: 'evicted-memory', pod, container, severity: 'warning', confidence: 0.85,
    evidence: [statusLine(pod, `status.phase=Failed reason=Evicted message="${message}"`), ...(pod.spec?.nodeName ? [`Pod ${displayName(podRef(pod))}: was on node ${pod.spec.nodeName}`] : [])],
    facts: { node: pod.spec?.nodeName ?? '' },
    ...(pod.spec?.nodeName ? { dependsOn: [{ kind: 'Node', name: pod.spec.nodeName }] } : {}),
  };
}

/** A Job pod that failed because a container was OOM-killed, while its Job has not completed. */
function failedJobPodIssue(state: ClusterState, pod: Pod): ContainerIssue<OomKind> | undefined {
  const owner = state.controllerRef(pod);
  if (owner?.kind !== 'Job') return undefined;
  const job = state.find(owner) as (KubeObject & { status?: { conditions?: Array<{ type?: string; status?: string }> } }) | undefined;
  if (job?.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) return undefined;
  const killed = containersOf(pod).find((c) => lastTermination(c)?.reason === 'OOMKilled');
  if (!killed || !isRecent(state, lastTermination(killed), 86400)) return undefined;
  return { kind: 'job-oomkilled', pod, container: killed.name, severity: 'critical', confidence: 0.9, evidence: containerStatusLines(pod, killed), facts: { limit: formatBytes(memoryLimit(killed.spec) ?? 0) } };
}

/**
 * Workloads whose runtime heap flag reaches the container's memory limit: they will be
 * OOM-killed under load even if they have not been yet (warning), or already are (critical).
 */
function heapIssues(state: ClusterState): ContainerIssue<OomKind>[] {
  const issues: ContainerIssue<OomKind>[] = [];
  const templates: Array<{ owner: KubeObject; spec?: Pod['spec'] }> = [];
  type Templated = KubeObject & { spec?: { template?: { spec?: Pod['spec'] }; jobTemplate?: { spec?: { template?: { spec?: Pod['spec'] } } } } };
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet', 'ReplicationController']) {
    for (const obj of state.list<Templated>(kind)) {
      if ((kind === 'Job' || kind === 'ReplicaSet') && obj.metadata.ownerReferences?.length) continue;
      templates.push({ owner: obj, spec: obj.spec?.template?.spec ?? obj.spec?.jobTemplate?.spec?.template?.spec });
    }
  }
  const checkPod = (pod: Pod, containers: Container[]) => {
    for (const spec of containers) {
      const view = containersOf(pod).find((c) => c.name === spec.name);
      const term = view ? lastTermination(view) : undefined;
      const oomKilled = term?.reason === 'OOMKilled' && (!!(view && restartState(state, view, 1)) || isRecent(state, term, 3600));
      const ns = pod.metadata.namespace ?? 'default';
      const heap = oversizedHeap(state, ns, spec, oomKilled);
      if (!heap) continue;
      const limit = formatBytes(memoryLimit(spec) ?? 0);
      issues.push({
        kind: heap.configMap ? 'configmap-heap' : heap.kind, pod, container: spec.name, severity: oomKilled ? 'critical' : 'warning', confidence: oomKilled ? 0.95 : 0.8,
        ...(heap.configMap ? { rootCause: { kind: 'ConfigMap', namespace: ns, name: heap.configMap } } : {}),
        evidence: [statusLine(pod, `container ${spec.name}: ${heap.source} = ${formatBytes(heap.bytes)} vs resources.limits.memory=${limit}`), ...(oomKilled && view ? containerStatusLines(pod, view) : [])],
        facts: { flag: heap.source, heap: formatBytes(heap.bytes), limit },
      });
    }
  };
  for (const { owner, spec } of templates) {
    const containers = spec?.containers?.filter((c) => memoryLimit(c) && (c.env?.length || c.envFrom?.length || c.args?.length || c.command?.length)) ?? [];
    if (containers.length === 0 || !containers.some((c) => oversizedHeap(state, owner.metadata.namespace ?? 'default', c, true))) continue;
    for (const pod of state.podsOf(owner)) if (isActivePod(pod)) checkPod(pod, pod.spec?.containers ?? []);
  }
  for (const pod of state.pods) {
    if (!pod.metadata.ownerReferences?.length && isActivePod(pod)) checkPod(pod, pod.spec?.containers ?? []);
  }
  return issues;
}

// ---- reports ------------------------------------------------------------------------------------

function subject(g: IssueGroup): string {
  return `container ${containerNames(g.issues)} of ${g.workloads.map(workloadLabel).join(', ')} (pods ${podNames(g.issues)})`;
}

function limitOf(g: IssueGroup): string {
  return [...new Set(g.issues.map((i) => i.facts?.limit).filter(Boolean))].join(', ') || 'unknown';
}

/**
 * `kubectl set resources` raising the memory limit: to twice the current limit when it is known
 * (a starting point to adjust after measuring), with the request set to match.
 */
function raiseLimit(w: ObjectRef, container: string, current?: string): string {
  const bytes = parseQuantity(current);
  const to = bytes ? formatBytes(2 * bytes) : '<peak usage + 25%>';
  return kubectl(w.namespace, `set resources ${w.kind.toLowerCase()}/${w.name} -c ${container} --limits=memory=${to} --requests=memory=${to}`);
}

/** The limit as it was probably meant: a bare number was surely MiB, not bytes. */
function writeLimitWithUnit(g: IssueGroup): string {
  const w = g.workloads[0];
  const raw = g.issues[0].facts?.raw ?? '';
  const meant = /^\d+$/.test(raw) ? `${raw}Mi` : '256Mi';
  return `${kubectl(w.namespace, `set resources ${w.kind.toLowerCase()}/${w.name} -c ${g.issues[0].container} --limits=memory=${meant}`)}  # "${raw}" without a unit means bytes`;
}

function usage(g: IssueGroup): string {
  const i = g.issues[0];
  return `measure real usage: ${kubectl(i.pod.metadata.namespace, `top pod ${i.pod.metadata.name} --containers`)}`;
}

interface OomSpec {
  kind: OomKind;
  title: string;
  severity?: Severity;
  hops?: number;
  consequence?: boolean;
  description: string;
  report: (g: IssueGroup<OomKind>) => IssueReport;
}

function heapSpec(kind: HeapKind, runtime: string, flag: string, fix: string): OomSpec {
  return {
    kind, title: `${runtime} heap setting reaches the container memory limit`,
    description:
      `The container's ${flag} lets the ${runtime} heap grow to (or past) resources.limits.memory; heap plus the runtime's non-heap memory then exceeds the limit and the container is OOMKilled (exit 137). ` +
      `Evidence: the flag in command/args/env next to the limit, and OOMKilled terminations when they already happen. Fix: ${fix}.`,
    report: (g) => {
      const w = g.workloads[0];
      const flags = [...new Set(g.issues.map((i) => i.facts?.flag))].join('; ');
      return {
        title: `${workloadLabel(w)}: ${flags} does not fit in the ${limitOf(g)} memory limit`,
        explanation: `${subject(g)} ${g.issues.some((i) => i.severity === 'critical') ? 'are being OOM-killed' : 'will be OOM-killed under load'}: ${flags} allows a heap of ${g.issues[0].facts?.heap}, but the whole container may use only ${limitOf(g)}, and the runtime needs memory beyond the heap.`,
        remediation: [`${fix}: ${editCommand(w)}`, `or raise the limit: ${raiseLimit(w, g.issues[0].container, g.issues[0].facts?.limit)}`],
      };
    },
  };
}

const SPECS: OomSpec[] = [
  {
    kind: 'container-limit', title: 'Container repeatedly OOMKilled at its memory limit',
    description:
      'The container reaches resources.limits.memory and the kernel kills it (lastState.terminated.reason=OOMKilled, exit 137), then restarts, often into CrashLoopBackOff. ' +
      'Evidence: the terminated state, restart count and the limit. Fix: raise the memory limit (and request) to the real peak, or reduce the application\'s memory use.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} is OOMKilled at its ${limitOf(g)} memory limit`,
      explanation: `${subject(g)} use more memory than their ${limitOf(g)} limit and are killed by the kernel (exit 137), then restarted.`,
      remediation: [usage(g), raiseLimit(g.workloads[0], g.issues[0].container, g.issues[0].facts?.limit), 'if usage keeps growing until the kill, look for a leak (heap dump / profiler)'],
    }),
  },
  {
    kind: 'killed-at-startup', title: 'Container OOMKilled within a minute of starting: limit far below its working set',
    description:
      'Every run is OOM-killed less than a minute after start: the memory limit is far below what the program needs just to start (not a slow leak). ' +
      'Evidence: lastState.terminated OOMKilled with startedAt → finishedAt under 60s. Fix: raise the limit to at least the startup footprint.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s ${limitOf(g)} memory limit is too small to even start`,
      explanation: `${subject(g)} are OOM-killed seconds after starting: the ${limitOf(g)} limit is far below the working set of the program at startup.`,
      remediation: [raiseLimit(g.workloads[0], g.issues[0].container, g.issues[0].facts?.limit), usage(g)],
    }),
  },
  {
    kind: 'limit-too-small', title: 'Memory limit too small for the container to start (missing unit?)',
    description:
      'The limit is so small (under 16Mi, e.g. "512" meaning 512 bytes instead of 512Mi) that runc\'s init process is OOM-killed: "container init was OOM-killed (memory limit too low?)" ' +
      '(StartError / RunContainerError). Fix: write the limit with a unit (Mi/Gi).',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s memory limit ${[...new Set(g.issues.map((i) => i.facts?.raw || i.facts?.limit))].join(', ')} is too small to start a container`,
      explanation: `${subject(g)} cannot start: the memory limit is below what the runtime itself needs. A limit without a unit is read as bytes ("512" = 512 bytes).`,
      remediation: [writeLimitWithUnit(g)],
    }),
  },
  {
    kind: 'init-container', title: 'Init container OOMKilled',
    description:
      'An init container exceeds its memory limit and is killed (Init:OOMKilled / Init:CrashLoopBackOff); the app containers never start. ' +
      'Init containers often do heavier one-off work (migrations, downloads) than their copied limits allow. Fix: raise the init container\'s memory limit.',
    report: (g) => ({
      title: `Init container ${containerNames(g.issues)} of ${workloadLabel(g.workloads[0])} is OOMKilled`,
      explanation: `${subject(g)} exceed their ${limitOf(g)} limit during initialisation, so the pods never start their app containers.`,
      remediation: [`raise spec.template.spec.initContainers[${containerNames(g.issues)}].resources.limits.memory: ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'node-oom', title: 'Container without a memory limit killed by the node\'s OOM killer',
    description:
      'A container with no memory limit was OOMKilled: the node itself ran out of memory and the kernel picked it. With the kubelet\'s SystemOOM events ' +
      '("System OOM encountered, victim process: ...") the Node is named; without them, the unbounded workload. Fix: set memory requests/limits on the heavy workloads, ' +
      'reserve memory for the system (systemReserved / evictionHard), or add capacity.',
    report: (g) => {
      const nodes = [...new Set(g.issues.map((i) => i.pod.spec?.nodeName).filter(Boolean))].join(', ');
      const onNode = g.rootCause.kind === 'Node';
      return {
        title: onNode ? `Node ${g.rootCause.name} runs out of memory and its kernel kills containers` : `${workloadLabel(g.rootCause)} has no memory limit and is OOM-killed on ${nodes}`,
        explanation: `${subject(g)} have no memory limit and were killed by the kernel OOM killer of ${nodes}: pods on that node together use more memory than it has${onNode ? ' (the kubelet reported a system OOM)' : ''}.`,
        remediation: [
          `see what uses the memory: kubectl top pod -A --sort-by=memory --field-selector spec.nodeName=${nodes.split(', ')[0]}`,
          `set memory requests and limits matching real usage: ${raiseLimit(g.workloads[0], g.issues[0].container)}`,
          'reserve memory for the OS in the kubelet config (systemReserved / evictionHard memory.available)',
        ],
      };
    },
  },
  {
    kind: 'evicted-memory', severity: 'warning', consequence: true, title: 'Pods evicted because the node ran low on memory',
    description:
      'The kubelet evicted pods under node memory pressure ("The node was low on resource: memory. ... Container x was using N, request is M, has larger consumption of memory."): ' +
      'pods that use more than their memory request are evicted first. Reported on its own only when no node finding explains the pressure. ' +
      'Fix: set memory requests to the real usage of the named containers, and limits; add node capacity.',
    report: (g) => {
      const nodes = [...new Set(g.issues.map((i) => i.facts?.node).filter(Boolean))];
      return {
        title: `${workloadLabel(g.workloads[0])} pods evicted for memory (they use more than they request)`,
        explanation: `${g.issues.length} pod(s) of ${g.workloads.map(workloadLabel).join(', ')} were evicted from ${nodes.join(', ') || 'their nodes'} under memory pressure because they used more memory than their request.`,
        remediation: [
          kubectl(g.workloads[0].namespace, `set resources ${g.workloads[0].kind.toLowerCase()}/${g.workloads[0].name} -c ${g.issues[0].container} --requests=memory=<real usage> --limits=memory=<peak>`),
          `clean up the evicted pods: kubectl -n ${g.workloads[0].namespace} delete pod --field-selector=status.phase=Failed`,
        ],
      };
    },
  },
  heapSpec('jvm-heap', 'JVM', '-Xmx', 'set -Xmx to about 75% of the limit, or replace it with -XX:MaxRAMPercentage=75'),
  heapSpec('jvm-ram-percentage', 'JVM', '-XX:MaxRAMPercentage', 'lower -XX:MaxRAMPercentage to 75 or less'),
  heapSpec('nodejs-heap', 'Node.js', '--max-old-space-size', 'set --max-old-space-size to about 75% of the limit (in MiB)'),
  heapSpec('go-memlimit', 'Go', 'GOMEMLIMIT', 'set GOMEMLIMIT to about 90% of the limit'),
  {
    kind: 'configmap-heap', hops: 2, title: 'Heap flag from a ConfigMap does not fit in the container memory limit',
    description:
      'The runtime heap flag (-Xmx, -XX:MaxRAMPercentage, --max-old-space-size, GOMEMLIMIT) reaches the memory limit, and it comes from a ConfigMap ' +
      '(env valueFrom.configMapKeyRef or envFrom): the ConfigMap is what to change. Chain: Pod OOMKilled ← container env ← ConfigMap. ' +
      'Fix: lower the flag in the ConfigMap to about 75% of the limit (and restart the pods), or raise the limit.',
    report: (g) => {
      const flags = [...new Set(g.issues.map((i) => i.facts?.flag))].join('; ');
      return {
        title: `ConfigMap ${displayName(g.rootCause)} sets ${flags}, more than the ${limitOf(g)} memory limit of ${g.workloads.map(workloadLabel).join(', ')}`,
        explanation: `${subject(g)} ${g.issues.some((i) => i.severity === 'critical') ? 'are being OOM-killed' : 'will be OOM-killed under load'}: their heap setting, read from ConfigMap ${displayName(g.rootCause)}, allows ${g.issues[0].facts?.heap} although the container may use only ${limitOf(g)}.`,
        chain: [`Pod ${g.issues[0].pod.metadata.namespace}/${g.issues[0].pod.metadata.name}: memory limit ${limitOf(g)} ← container ${g.issues[0].container} env ← ConfigMap ${displayName(g.rootCause)}: ${flags}`],
        remediation: [
          `${kubectl(g.rootCause.namespace, `edit configmap/${g.rootCause.name}`)}  # heap ≈ 75% of ${limitOf(g)}`,
          `then restart: ${kubectl(g.workloads[0].namespace, `rollout restart ${g.workloads[0].kind.toLowerCase()}/${g.workloads[0].name}`)}`,
        ],
      };
    },
  },
  {
    kind: 'memory-emptydir', title: 'Memory-backed emptyDir fills the container\'s memory limit',
    description:
      'The OOM-killed container mounts an emptyDir with medium: Memory (tmpfs); files written there count against the memory limit. ' +
      'Fix: set emptyDir.sizeLimit, raise the limit to cover the files, or use a disk-backed emptyDir.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}: files in a memory-backed emptyDir push the container past ${limitOf(g)}`,
      explanation: `${subject(g)} are OOMKilled; they write to a tmpfs emptyDir, whose contents are charged to the container's ${limitOf(g)} memory limit.`,
      remediation: [`set sizeLimit on the emptyDir, or drop medium: Memory, or raise the limit: ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'limitrange-default', hops: 2, title: 'OOMKilled at a memory limit injected by a LimitRange default',
    description:
      'The workload sets no memory limit, so the namespace\'s LimitRange injected its default, and the container is OOMKilled at that default. ' +
      'Chain: Pod OOMKilled ← limit defaulted ← LimitRange. Fix: set an explicit memory limit on the workload, or raise the LimitRange default.',
    report: (g) => ({
      title: `LimitRange ${displayName(g.rootCause)} gives ${g.workloads.map(workloadLabel).join(', ')} a ${limitOf(g)} memory limit it outgrows`,
      explanation: `${subject(g)} declare no memory limit; LimitRange ${displayName(g.rootCause)} defaulted it to ${limitOf(g)}, and they are OOM-killed there.`,
      remediation: [
        `set an explicit limit on the workload: ${raiseLimit(g.workloads[0], g.issues[0].container, g.issues[0].facts?.limit)}`,
        `or raise the default: ${kubectl(g.rootCause.namespace, `edit limitrange/${g.rootCause.name}`)}`,
      ],
    }),
  },
  {
    kind: 'vpa-limit', hops: 2, title: 'OOMKilled at a memory limit set by a VerticalPodAutoscaler',
    description:
      'The pod\'s memory limit was rewritten by a VPA (annotation vpaUpdates "Pod resources updated by <vpa>: ... memory limit") and the container is OOMKilled at it: ' +
      'the recommendation is too low (short history, bursty usage). Fix: set minAllowed memory in the VPA resourcePolicy, or controlledValues: RequestsOnly.',
    report: (g) => ({
      title: `VerticalPodAutoscaler ${displayName(g.rootCause)} sets a memory limit that ${g.workloads.map(workloadLabel).join(', ')} outgrows`,
      explanation: `${subject(g)} are OOM-killed at ${limitOf(g)}, a limit written by VPA ${displayName(g.rootCause)} from a recommendation below the real peak.`,
      remediation: [
        `${kubectl(g.rootCause.namespace, `edit verticalpodautoscaler/${g.rootCause.name}`)}  # resourcePolicy.containerPolicies[].minAllowed.memory, or controlledValues: RequestsOnly`,
      ],
    }),
  },
  {
    kind: 'job-oomkilled', title: 'Job pods fail with OOMKilled',
    description:
      'Pods of a Job that has not completed end Failed because a container was OOMKilled; retries hit the same limit until backoffLimit. ' +
      'Fix: raise the memory limit in the Job (or CronJob jobTemplate), or process less data per pod.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s pods are OOMKilled at ${limitOf(g)}`,
      explanation: `${subject(g)} exceed their memory limit, so the Job's attempts fail and it cannot complete.`,
      remediation: [`raise resources.limits.memory in the pod template: ${editCommand(g.workloads[0])}  (a Job's template is immutable: recreate the Job, or edit the CronJob's jobTemplate)`],
    }),
  },
];

export const oomScenarios: Scenario[] = SPECS.map((spec) =>
  issueScenario<OomKind>({
    id: `oom.${spec.kind}`,
    category: 'oom',
    severity: spec.severity ?? 'critical',
    title: spec.title,
    description: spec.description,
    hops: spec.hops,
    consequence: spec.consequence,
    kind: spec.kind,
    classify: classifyOom,
    report: spec.report,
  }),
);
