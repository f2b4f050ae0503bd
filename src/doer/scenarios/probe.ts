/**
 * probe: liveness, readiness and startup probes that fail. The kubelet's prober records
 * `Unhealthy` events "<Liveness|Readiness|Startup> probe failed: <output>" (or "... probe
 * errored: <err>") and `Killing` "Container x failed liveness probe, will be restarted". One pass
 * reads them per troubled container, and classifies the failure by its output against the probe
 * spec: connection refused on an undeclared port, HTTP 404, client timeouts, exec commands.
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName } from '../../cluster/state.js';
import type { Container, Event, KubeObject, Pod } from '../../cluster/types.js';
import type { Scenario, Severity } from '../types.js';
import type { ContainerView } from './util.js';
import { ageSeconds, kubectl } from './util.js';
import type { ContainerIssue, IssueGroup, IssueReport } from './workload-issues.js';
import {
  containerEvents, containerNames, containerStatusLines, editCommand, eventLines, issueScenario, killedByProbe, lastTermination, memo,
  podNames, restartState, troubledPods, workloadLabel,
} from './workload-issues.js';

type ProbeType = 'liveness' | 'readiness' | 'startup';
type Mode = 'wrong-port' | 'wrong-path' | 'timeout' | 'exec-failing' | 'failing';
type ProbeKind = `${ProbeType}-${Mode}` | 'initial-delay-too-short' | 'named-port-missing' | 'exec-command-not-found';

type Probe = NonNullable<Container['livenessProbe']>;

const PROBE_FIELD: Record<ProbeType, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> = {
  liveness: 'livenessProbe', readiness: 'readinessProbe', startup: 'startupProbe',
};
const EVENT_PREFIX: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
/** A container must have been running this long before "never ready" is a finding, not a slow start. */
const READINESS_GRACE_SECONDS = 120;
/** Liveness budget (initialDelay + failureThreshold × period) below which a slow start gets killed. */
const SHORT_LIVENESS_BUDGET = 60;

/** Timing fields with the API defaults applied. */
function timing(p: Probe) {
  return {
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
    timeoutSeconds: p.timeoutSeconds ?? 1,
    failureThreshold: p.failureThreshold ?? 3,
  };
}

/** `httpGet :8080/healthz` — how the probe is shown in evidence. */
export function describeProbe(p: Probe): string {
  const t = timing(p);
  const action = p.httpGet
    ? `httpGet ${p.httpGet.scheme === 'HTTPS' ? 'https ' : ''}:${p.httpGet.port}${p.httpGet.path ?? '/'}`
    : p.tcpSocket ? `tcpSocket :${p.tcpSocket.port}`
      : p.grpc ? `grpc :${p.grpc.port}`
        : p.exec ? `exec [${(p.exec.command ?? []).join(' ')}]` : 'no action';
  return `${action} (initialDelaySeconds=${t.initialDelaySeconds} periodSeconds=${t.periodSeconds} timeoutSeconds=${t.timeoutSeconds} failureThreshold=${t.failureThreshold})`;
}

function probePort(p: Probe): string | number | undefined {
  return p.httpGet?.port ?? p.tcpSocket?.port ?? p.grpc?.port;
}

/** Whether the container declares the probe's port (by number or name); undefined when it declares none. */
function portDeclared(spec: Container, port: string | number | undefined): boolean | undefined {
  if (port === undefined || !spec.ports?.length) return undefined;
  return spec.ports.some((p) => p.containerPort === Number(port) || (p.name !== undefined && p.name === port));
}

function classifyProbes(state: ClusterState): ContainerIssue<ProbeKind>[] {
  return memo(state, 'probe.issues', () => {
    const issues: ContainerIssue<ProbeKind>[] = [];
    for (const { pod, containers, active } of troubledPods(state)) {
      if (!active) continue;
      for (const c of containers) {
        if (c.init || !c.spec) continue;
        const issue = classifyContainer(state, pod, c);
        if (issue) issues.push(issue);
      }
    }
    return issues;
  });
}

function classifyContainer(state: ClusterState, pod: Pod, c: ContainerView): ContainerIssue<ProbeKind> | undefined {
  const spec = c.spec as Container;
  const events = containerEvents(state, pod, c.name, ['Unhealthy', 'Killing']);
  const restart = restartState(state, c, 1);
  // OOM kills and crashes also fail probes; their own categories explain those restarts.
  const term = lastTermination(c);
  const killedBy = (type: ProbeType) => type !== 'readiness' && killedByProbe(events, term, type);

  for (const type of ['startup', 'liveness', 'readiness'] as const) {
    const probe = spec[PROBE_FIELD[type]];
    if (!probe) continue;
    const failures = events.filter((e) => e.reason === 'Unhealthy' && (e.message ?? '').startsWith(`${EVENT_PREFIX[type]} probe`));
    const namedPortMissing = typeof probePort(probe) === 'string' && !/^\d+$/.test(String(probePort(probe))) && portDeclared(spec, probePort(probe)) !== true;
    if (failures.length === 0 && !namedPortMissing) continue;
    if (!isActive(state, type, c, killedBy(type), restart, failures)) continue;
    return buildIssue(state, pod, c, spec, type, probe, failures, events, restart, namedPortMissing);
  }
  return undefined;
}

/** Whether the probe failures are hurting the container now (not a blip during a healthy start). */
function isActive(
  state: ClusterState, type: ProbeType, c: ContainerView, killed: boolean, restart: ReturnType<typeof restartState>, failures: Event[],
): boolean {
  const s = c.status;
  if (type === 'readiness') {
    // A restarting container is explained by whatever makes it restart (crash, OOM, liveness).
    if (s?.ready || !s?.state?.running || restart) return false;
    const runningFor = ageSeconds(state, s.state.running.startedAt);
    const count = failures.reduce((n, e) => n + (e.count ?? 1), 0);
    return runningFor === Infinity ? count >= 5 : runningFor >= READINESS_GRACE_SECONDS;
  }
  // Liveness and startup failures matter once they kill: before that the probe is still within its budget.
  return killed && (!!restart || (s?.restartCount ?? 0) > 0);
}

function buildIssue(
  state: ClusterState, pod: Pod, c: ContainerView, spec: Container, type: ProbeType, probe: Probe, failures: Event[], events: Event[],
  restart: ReturnType<typeof restartState>, namedPortMissing: boolean,
): ContainerIssue<ProbeKind> {
  const output = (failures[0]?.message ?? '').replace(/^\w+ probe (failed|errored):\s*/, '');
  const port = probePort(probe);
  const declared = portDeclared(spec, port);
  const t = timing(probe);
  const ns = pod.metadata.namespace ?? 'default';
  const evidence = [
    `Pod ${ns}/${pod.metadata.name}: container ${c.name} ${PROBE_FIELD[type]} ${describeProbe(probe)}`,
    ...containerStatusLines(pod, c),
    ...eventLines(pod, events, 3),
  ];
  const declaredPorts = (spec.ports ?? []).map((p) => (p.name ? `${p.containerPort} (${p.name})` : String(p.containerPort))).join(', ');
  let kind: ProbeKind;
  let confidence = 0.85;
  // pkg/probe ResolveContainerPort: an unknown port name falls through to strconv.Atoi and errors.
  if (namedPortMissing || /port \S+ not found|couldn't find port|strconv\.Atoi: parsing "[^"]*": invalid syntax/.test(output)) {
    kind = 'named-port-missing';
    evidence.push(`Pod ${ns}/${pod.metadata.name}: container ${c.name} declares ports [${declaredPorts}]; no port named "${port}"`);
    confidence = 0.95;
  } else if (probe.exec && /executable file not found|exec: "[^"]+": (stat [^:]+: )?no such file or directory|: not found/.test(output)) {
    kind = 'exec-command-not-found';
    confidence = 0.95;
  } else if (/statuscode: 404\b/.test(output)) {
    kind = `${type}-wrong-path`;
    confidence = 0.9;
  } else if (/connection refused/.test(output) || (probe.tcpSocket && /dial tcp/.test(output))) {
    if (declared === false) {
      kind = `${type}-wrong-port`;
      confidence = 0.9;
      evidence.push(`Pod ${ns}/${pod.metadata.name}: container ${c.name} declares ports [${declaredPorts}], not ${port}`);
    } else if (type === 'liveness' && !spec.startupProbe && t.initialDelaySeconds + t.failureThreshold * t.periodSeconds <= SHORT_LIVENESS_BUDGET && startedBefore(c)) {
      kind = 'initial-delay-too-short';
      confidence = 0.7;
    } else {
      kind = type === 'startup' ? 'startup-failing' : `${type}-wrong-port`;
      confidence = 0.7;
    }
  } else if (/context deadline exceeded|Client\.Timeout|timed out|timeout/i.test(output)) {
    // A startup probe that times out is waiting on an app still starting: its budget is too short.
    kind = type === 'startup' ? 'startup-failing' : `${type}-timeout`;
  } else if (probe.exec) {
    kind = `${type}-exec-failing`;
  } else {
    kind = `${type}-failing`;
    confidence = 0.8;
  }
  const facts: Record<string, string> = { probe: describeProbe(probe), output, type, port: String(port ?? ''), declaredPorts };
  return { kind, pod, container: c.name, evidence, confidence, severity: severityOf(state, pod, type, restart), facts };
}

/** Whether the container came up before being killed (so the process exists but was not yet listening). */
function startedBefore(c: ContainerView): boolean {
  const term = lastTermination(c);
  return !!term && term.exitCode !== 127 && term.reason !== 'StartError';
}

function severityOf(state: ClusterState, pod: Pod, type: ProbeType, restart: ReturnType<typeof restartState>): Severity {
  if (type === 'liveness' || type === 'startup') return restart === 'flapping' ? 'warning' : 'critical';
  // Not ready: the workload is down if none of its pods is ready, degraded otherwise.
  const workload = state.find(state.workloadOf(pod)) as (KubeObject & { status?: { readyReplicas?: number; numberReady?: number } }) | undefined;
  const ready = workload?.status?.readyReplicas ?? workload?.status?.numberReady;
  return ready !== undefined && ready > 0 ? 'warning' : 'critical';
}

// ---- reports ------------------------------------------------------------------------------------

function subject(g: IssueGroup): string {
  return `container ${containerNames(g.issues)} of ${g.workloads.map(workloadLabel).join(', ')} (pods ${podNames(g.issues)})`;
}

function probeOf(g: IssueGroup): string {
  return g.issues[0].facts?.probe ?? '';
}

function fieldOf(g: IssueGroup): string {
  return `${PROBE_FIELD[(g.issues[0].facts?.type ?? 'readiness') as ProbeType]}`;
}

function fixProbe(g: IssueGroup, what: string): string {
  return `${what} in spec.template.spec.containers[${g.issues[0].container}].${fieldOf(g)}: ${editCommand(g.workloads[0])}`;
}

function checkFromPod(g: IssueGroup): string {
  const i = g.issues[0];
  return `check what the app serves: ${kubectl(i.pod.metadata.namespace, `exec ${i.pod.metadata.name} -c ${i.container} -- sh -c 'netstat -tlnp || ss -tlnp'`)}`;
}

/** For readiness failures: the Services that lose these pods as endpoints, as the first chain link. */
function serviceChain(state: ClusterState, g: IssueGroup): string[] {
  const pod = g.issues[0].pod;
  const services = state.servicesForPod(pod);
  return services.slice(0, 3).map((svc) => {
    const ep = state.endpointsFor(svc);
    const ready = ep?.subsets?.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
    const epText = ready === undefined ? 'routes to' : `${ready} ready endpoint(s);`;
    return `Service ${displayName({ kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name })}: ${epText} ← Pod ${pod.metadata.namespace}/${pod.metadata.name}: Ready=False ← ${fieldOf(g)} ${probeOf(g)} of ${workloadLabel(g.workloads[0])}`;
  });
}

interface TypeText {
  effect: string;
  severity: Severity;
  hops?: number;
}

const TYPE_TEXT: Record<ProbeType, TypeText> = {
  liveness: { effect: 'the kubelet kills and restarts the container ("failed liveness probe, will be restarted"), ending in CrashLoopBackOff', severity: 'critical' },
  readiness: { effect: 'the pod never becomes Ready, so Services route no traffic to it and rollouts stall', severity: 'critical', hops: 2 },
  startup: { effect: 'the kubelet kills the container before it finishes starting ("failed startup probe, will be restarted")', severity: 'critical' },
};

interface ModeText {
  title: (t: string) => string;
  evidence: string;
  fix: string;
  report: (g: IssueGroup<ProbeKind>, t: ProbeType) => Omit<IssueReport, 'chain'>;
}

const MODES: Record<Mode, ModeText> = {
  'wrong-port': {
    title: (t) => `${t} probe gets connection refused: wrong port or app not listening`,
    evidence: '"connect: connection refused" in the Unhealthy events, and whether the probe port is among the container\'s declared ports',
    fix: 'point the probe at the port the application listens on (ideally a named containerPort)',
    report: (g, t) => ({
      title: `${workloadLabel(g.workloads[0])}'s ${t} probe targets port ${g.issues[0].facts?.port}, where nothing listens`,
      explanation: `${subject(g)}: the ${t} probe (${probeOf(g)}) gets "connection refused" — the application does not listen on port ${g.issues[0].facts?.port}${g.issues[0].facts?.declaredPorts ? ` (declared ports: ${g.issues[0].facts?.declaredPorts})` : ''}; ${TYPE_TEXT[t].effect}.`,
      remediation: [fixProbe(g, 'set the port the app listens on'), checkFromPod(g)],
    }),
  },
  'wrong-path': {
    title: (t) => `${t} probe path returns 404`,
    evidence: '"HTTP probe failed with statuscode: 404" in the Unhealthy events',
    fix: 'set httpGet.path to the health endpoint the application actually serves',
    report: (g, t) => ({
      title: `${workloadLabel(g.workloads[0])}'s ${t} probe path does not exist (HTTP 404)`,
      explanation: `${subject(g)}: the ${t} probe (${probeOf(g)}) asks for a path the application does not serve (404); ${TYPE_TEXT[t].effect}.`,
      remediation: [fixProbe(g, 'set httpGet.path to the real health endpoint'), `find it: ${kubectl(g.issues[0].pod.metadata.namespace, `port-forward pod/${g.issues[0].pod.metadata.name} <port>`)} and curl the candidates (/healthz, /health, /ready)`],
    }),
  },
  timeout: {
    title: (t) => `${t} probe times out`,
    evidence: '"context deadline exceeded (Client.Timeout exceeded while awaiting headers)" or "timed out" in the Unhealthy events, and timeoutSeconds',
    fix: 'raise timeoutSeconds (default 1s), make the health endpoint cheap, or give the container more CPU',
    report: (g, t) => ({
      title: `${workloadLabel(g.workloads[0])}'s ${t} probe times out after ${/timeoutSeconds=(\d+)/.exec(probeOf(g))?.[1] ?? '1'}s`,
      explanation: `${subject(g)}: the ${t} probe (${probeOf(g)}) does not get an answer within timeoutSeconds — a slow health handler, CPU throttling or a blocked app; ${TYPE_TEXT[t].effect}.`,
      remediation: [fixProbe(g, 'raise timeoutSeconds (e.g. 5) and failureThreshold'), 'make the health endpoint cheap (no downstream calls) and check CPU throttling'],
    }),
  },
  'exec-failing': {
    title: (t) => `${t} exec probe command fails`,
    evidence: 'Unhealthy events for an exec probe (the command exits non-zero; its output is quoted)',
    fix: 'fix the probe command, or the condition it checks',
    report: (g, t) => ({
      title: `${workloadLabel(g.workloads[0])}'s ${t} exec probe keeps failing`,
      explanation: `${subject(g)}: the ${t} probe command (${probeOf(g)}) exits non-zero${g.issues[0].facts?.output ? ` ("${g.issues[0].facts?.output}")` : ''}; ${TYPE_TEXT[t].effect}.`,
      remediation: [`run it by hand: ${kubectl(g.issues[0].pod.metadata.namespace, `exec ${g.issues[0].pod.metadata.name} -c ${g.issues[0].container} -- <probe command>`)}`, fixProbe(g, 'fix the command')],
    }),
  },
  failing: {
    title: (t) => (t === 'readiness' ? 'Readiness probe never succeeds: pod never Ready' : t === 'startup' ? 'Startup probe budget too short for the application\'s start time' : 'Liveness probe fails and restarts the container'),
    evidence: 'Unhealthy events (e.g. "HTTP probe failed with statuscode: 503"), the probe spec and the container state',
    fix: 'make the probe check what the application reports healthy (right port/path), or fix the dependency it reports unhealthy; for startup probes allow failureThreshold × periodSeconds above the real start time',
    report: (g, t) => ({
      title: t === 'startup'
        ? `${workloadLabel(g.workloads[0])} takes longer to start than its startup probe allows`
        : `${workloadLabel(g.workloads[0])}'s ${t} probe keeps failing${g.issues[0].facts?.output ? `: ${g.issues[0].facts.output}` : ''}`,
      explanation: t === 'startup'
        ? `${subject(g)}: the startup probe (${probeOf(g)}) gives up after failureThreshold × periodSeconds, before the application is up; ${TYPE_TEXT[t].effect}.`
        : `${subject(g)}: the ${t} probe (${probeOf(g)}) fails${g.issues[0].facts?.output ? ` with "${g.issues[0].facts.output}"` : ''} — the endpoint answers unhealthy, or the probe checks the wrong port/path; ${TYPE_TEXT[t].effect}.`,
      remediation: t === 'startup'
        ? [fixProbe(g, 'raise failureThreshold so failureThreshold × periodSeconds exceeds the real start time')]
        : [fixProbe(g, 'check the probe targets the right port and path'), checkFromPod(g), `read why the app reports unhealthy: ${kubectl(g.issues[0].pod.metadata.namespace, `logs ${g.issues[0].pod.metadata.name} -c ${g.issues[0].container}`)}`],
    }),
  },
};

/** The (probe type, failure mode) pairs that are catalogued; startup timeouts and refusals read as "too short". */
const PAIRS: Array<[ProbeType, Mode]> = [
  ['liveness', 'wrong-port'], ['liveness', 'wrong-path'], ['liveness', 'timeout'], ['liveness', 'exec-failing'], ['liveness', 'failing'],
  ['readiness', 'wrong-port'], ['readiness', 'wrong-path'], ['readiness', 'timeout'], ['readiness', 'exec-failing'], ['readiness', 'failing'],
  ['startup', 'wrong-port'], ['startup', 'wrong-path'], ['startup', 'exec-failing'], ['startup', 'failing'],
];

function pairScenario(type: ProbeType, mode: Mode): Scenario {
  const m = MODES[mode];
  const kind: ProbeKind = `${type}-${mode}`;
  const name = type === 'readiness' && mode === 'failing' ? 'readiness-never-ready' : type === 'startup' && mode === 'failing' ? 'startup-too-short' : kind;
  const label = EVENT_PREFIX[type];
  return issueScenario<ProbeKind>({
    id: `probe.${name}`,
    category: 'probe',
    severity: TYPE_TEXT[type].severity,
    title: m.title(label),
    description: `The ${type} probe fails: ${TYPE_TEXT[type].effect}. Evidence: ${m.evidence}. Fix: ${m.fix}.` + (TYPE_TEXT[type].hops ? ' Chain: Service without endpoints ← pod not Ready ← the workload\'s readinessProbe.' : ''),
    hops: TYPE_TEXT[type].hops,
    kind,
    classify: classifyProbes,
    report: (g, state) => ({ ...m.report(g, type), ...(type === 'readiness' ? { chain: serviceChain(state, g) } : {}) }),
  });
}

const SPECIAL: Scenario[] = [
  issueScenario<ProbeKind>({
    id: 'probe.initial-delay-too-short', category: 'probe', severity: 'critical', kind: 'initial-delay-too-short', classify: classifyProbes,
    title: 'Liveness probe kills the container before it finishes starting',
    description:
      'The liveness probe starts checking (initialDelaySeconds) and gives up (failureThreshold × periodSeconds) before the application listens, with no startupProbe to cover the start; ' +
      'the container is killed mid-start and restarts forever ("connection refused", "failed liveness probe, will be restarted"). Fix: add a startupProbe, or raise initialDelaySeconds/failureThreshold.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s liveness probe kills the app before it has started`,
      explanation: `${subject(g)}: the liveness probe (${probeOf(g)}) allows too little time for start-up and the container is restarted while still starting.`,
      remediation: [
        `add a startupProbe on the same endpoint with failureThreshold × periodSeconds above the real start time: ${editCommand(g.workloads[0])}`,
        'or raise livenessProbe.initialDelaySeconds',
      ],
    }),
  }),
  issueScenario<ProbeKind>({
    id: 'probe.named-port-missing', category: 'probe', severity: 'critical', kind: 'named-port-missing', classify: classifyProbes,
    title: 'Probe refers to a named port the container does not declare',
    description:
      'The probe\'s port is a name ("http") that is not among the container\'s ports, so the kubelet cannot resolve it and the probe errors every time ' +
      '("Readiness probe errored: strconv.Atoi: parsing \\"http\\": invalid syntax"). Fix: declare the named containerPort, or use the port number.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s probe uses port name "${g.issues[0].facts?.port}", which the container does not declare`,
      explanation: `${subject(g)}: the probe (${probeOf(g)}) names port "${g.issues[0].facts?.port}", but the container declares [${g.issues[0].facts?.declaredPorts}].`,
      remediation: [`add ports: [{name: ${g.issues[0].facts?.port}, containerPort: <port>}] to container ${g.issues[0].container}, or use the number: ${editCommand(g.workloads[0])}`],
    }),
  }),
  issueScenario<ProbeKind>({
    id: 'probe.exec-command-not-found', category: 'probe', severity: 'critical', kind: 'exec-command-not-found', classify: classifyProbes,
    title: 'Exec probe runs a command that is not in the image',
    description:
      'An exec probe calls a binary the image does not have (curl, wget, a script path): "exec: \\"curl\\": executable file not found in $PATH". ' +
      'The probe can never pass. Fix: use an httpGet/tcpSocket/grpc probe instead, or a command that exists in the image.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s exec probe command does not exist in the image`,
      explanation: `${subject(g)}: the probe (${probeOf(g)}) fails because its command is missing from the image ("${g.issues[0].facts?.output}").`,
      remediation: [`replace the exec probe with httpGet/tcpSocket, or use a binary present in the image: ${editCommand(g.workloads[0])}`],
    }),
  }),
];

export const probeScenarios: Scenario[] = [...PAIRS.map(([type, mode]) => pairScenario(type, mode)), ...SPECIAL];

