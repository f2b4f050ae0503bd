/**
 * crash: the container's process exits (not an OOM kill, not a probe kill). One pass classifies
 * each restarting or unstartable container by what the runtime and the exit code say: the
 * runtime's start error (runc: `exec: "x": executable file not found in $PATH`,
 * `stat ./x: no such file or directory`, `permission denied`), the termination message, and
 * the exit code (1, 2, 126, 127, 134, 137, 139, 143, and 0 under restartPolicy Always).
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName } from '../../cluster/state.js';
import type { KubeObject, ObjectRef, Pod } from '../../cluster/types.js';
import type { Scenario, Severity } from '../types.js';
import type { ContainerView } from './util.js';
import { kubectl } from './util.js';
import type { ContainerIssue, IssueGroup, IssueReport } from './workload-issues.js';
import {
  containerEvents, containerNames, containerStatusLines, editCommand, eventLines, exitCodeMeaning, failureText, issueScenario,
  isRecentlyFailedBarePod, killedByProbe, lastTermination, memo, podNames, restartState, troubledPods, workloadLabel,
} from './workload-issues.js';

type CrashKind =
  | 'command-not-found' | 'permission-denied' | 'read-only-filesystem' | 'missing-file' | 'file-missing-from-volume' | 'post-start-hook-failed' | 'start-error'
  | 'completed-restarting' | 'bad-arguments' | 'app-error' | 'sigkill' | 'segfault' | 'sigterm' | 'abort' | 'init-container-failing'
  | 'crashloop';

const CRASH_EVENTS = ['Failed', 'BackOff', 'FailedPostStartHook', 'Killing', 'Unhealthy'];
/** Runtime reasons for a process that never started (containerd: StartError; dockershim: ContainerCannotRun). */
const START_FAILURE = new Set(['StartError', 'ContainerCannotRun', 'RunContainerError']);

/** Causes owned by other categories: the crash rules stay out of their way. */
const NOT_A_CRASH = /exec format error|container init was OOM-killed|OOMKilled/i;

function classifyCrashes(state: ClusterState): ContainerIssue<CrashKind>[] {
  return memo(state, 'crash.issues', () => {
    const issues: ContainerIssue<CrashKind>[] = [];
    for (const { pod, containers, active } of troubledPods(state)) {
      if (!active && !isRecentlyFailedBarePod(state, pod)) continue;
      for (const c of containers) {
        const issue = classifyContainer(state, pod, c);
        if (issue) issues.push(issue);
      }
    }
    return issues;
  });
}

function classifyContainer(state: ClusterState, pod: Pod, c: ContainerView): ContainerIssue<CrashKind> | undefined {
  const restart = restartState(state, c, 3);
  if (!restart) return undefined;
  const term = lastTermination(c);
  if (term?.reason === 'OOMKilled') return undefined;
  // Lost with its node (reboot, kubelet restart): not the process's doing unless it now keeps crashing.
  if ((term?.reason === 'Unknown' || term?.reason === 'ContainerStatusUnknown') && c.status?.state?.waiting?.reason !== 'CrashLoopBackOff') return undefined;
  const events = containerEvents(state, pod, c.name, CRASH_EVENTS);
  // Killed by its liveness/startup probe: the probe category explains the restarts.
  if (term?.reason !== 'StartError' && killedByProbe(events, term)) return undefined;
  const failures = events.filter((e) => e.reason === 'Failed' || e.reason === 'FailedPostStartHook' || e.reason === 'BackOff');
  const text = failureText(c, failures.filter((e) => e.reason !== 'BackOff'));
  if (NOT_A_CRASH.test(text)) return undefined;

  const code = term?.exitCode;
  const startFailed = START_FAILURE.has(term?.reason ?? '') || START_FAILURE.has(c.status?.state?.waiting?.reason ?? '') || code === 128;
  let kind: CrashKind;
  if (c.init) kind = 'init-container-failing';
  // runc's own words when the entrypoint (or its #! interpreter, e.g. a CRLF script) is missing.
  else if (/executable file not found in \$PATH|exec: "[^"]*": stat [^:]+: no such file or directory|no command specified|exec user process caused:? "?no such file or directory|^exec \S+: no such file or directory/m.test(text)) kind = 'command-not-found';
  else if (code === 127 || /command not found|^(\/bin\/)?(ba)?sh: (line \d+: )?\S+: not found/m.test(text)) kind = 'command-not-found';
  else if (code === 126 || /permission denied|EACCES|operation not permitted/i.test(text)) kind = 'permission-denied';
  else if (/read-only file system|EROFS/i.test(text)) kind = 'read-only-filesystem';
  else if (startFailed) kind = 'start-error';
  else if (/no such file or directory|FileNotFoundError|ENOENT|Cannot find module '\/|Unable to access jarfile/i.test(text)) kind = 'missing-file';
  else if (events.some((e) => e.reason === 'FailedPostStartHook')) kind = 'post-start-hook-failed';
  else if (code === 0) kind = 'completed-restarting';
  else if (code === 2 || /unknown flag|flag provided but not defined|unrecognized (option|argument)|invalid option|^usage:/im.test(text)) kind = 'bad-arguments';
  else if (code === 1) kind = 'app-error';
  else if (code === 137) kind = 'sigkill';
  else if (code === 139) kind = 'segfault';
  else if (code === 143) kind = 'sigterm';
  else if (code === 134) kind = 'abort';
  else kind = 'crashloop';

  const severity: Severity = restart === 'down' ? 'critical' : 'warning';
  const evidence = [...containerStatusLines(pod, c), ...eventLines(pod, failures, 2)];
  const facts: Record<string, string> = {};
  if (code !== undefined) facts.exitCode = String(code);
  const command = [...(c.spec?.command ?? []), ...(c.spec?.args ?? [])].join(' ');
  if (command) facts.command = command;
  if (command && (kind === 'command-not-found' || kind === 'bad-arguments' || kind === 'completed-restarting')) {
    evidence.push(`Pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}: container ${c.name} command=${JSON.stringify(c.spec?.command ?? [])} args=${JSON.stringify(c.spec?.args ?? [])}`);
  }
  if (kind === 'read-only-filesystem' && c.spec?.securityContext?.readOnlyRootFilesystem) {
    evidence.push(`Pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}: container ${c.name} securityContext.readOnlyRootFilesystem=true`);
  }
  if (kind === 'completed-restarting') facts.restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  let rootCause: ObjectRef | undefined;
  if (kind === 'missing-file') {
    const source = volumeMissingFile(state, pod, c, text);
    if (source) {
      kind = 'file-missing-from-volume';
      rootCause = source.ref;
      evidence.unshift(source.chain);
      facts.file = source.file;
    }
  }
  const confidence = kind === 'crashloop' || kind === 'app-error' ? 0.75 : 0.9;
  return { kind, pod, container: c.name, evidence, severity, confidence, facts, ...(rootCause ? { rootCause } : {}) };
}

/**
 * The ConfigMap or Secret that should provide a missing file: the path sits under a mount of
 * that volume and the object (present in the state) has no key of that name.
 */
function volumeMissingFile(state: ClusterState, pod: Pod, c: ContainerView, text: string): { ref: ObjectRef; chain: string; file: string } | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const paths = [...text.matchAll(/(\/[^\s'"`:,()]+)/g)].map((m) => m[1]);
  for (const path of paths) {
    for (const mount of c.spec?.volumeMounts ?? []) {
      const dir = mount.mountPath.replace(/\/$/, '');
      if (mount.subPath || !path.startsWith(`${dir}/`)) continue;
      const volume = pod.spec?.volumes?.find((v) => v.name === mount.name);
      const key = path.slice(dir.length + 1).split('/')[0];
      const source = volume?.configMap?.name ? { kind: 'ConfigMap', name: volume.configMap.name, items: volume.configMap.items }
        : volume?.secret?.secretName ? { kind: 'Secret', name: volume.secret.secretName, items: volume.secret.items } : undefined;
      if (!source) continue;
      const obj = state.get<KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> }>(source.kind, ns, source.name);
      if (!obj) continue;
      const projected = source.items?.length ? source.items.map((i) => i.path) : [...Object.keys(obj.data ?? {}), ...Object.keys(obj.binaryData ?? {})];
      if (projected.includes(key)) continue;
      return {
        ref: { kind: source.kind, namespace: ns, name: source.name },
        file: path,
        chain: `Pod ${ns}/${pod.metadata.name}: container ${c.name} cannot open ${path} ← volume "${mount.name}" mounted at ${dir} ← ${source.kind} ${ns}/${source.name} has no key "${key}" (it has: ${projected.join(', ') || 'none'})`,
      };
    }
  }
  return undefined;
}

// ---- reports ------------------------------------------------------------------------------------

function subject(g: IssueGroup): string {
  return `container ${containerNames(g.issues)} of ${g.workloads.map(workloadLabel).join(', ')} (pods ${podNames(g.issues)})`;
}

function exitCodes(g: IssueGroup): string {
  return [...new Set(g.issues.map((i) => i.facts?.exitCode).filter(Boolean))].map((c) => exitCodeMeaning(Number(c))).join(', ');
}

function commandOf(g: IssueGroup): string {
  const cmd = g.issues.find((i) => i.facts?.command)?.facts?.command;
  return cmd ? ` (command: ${cmd})` : '';
}

function logs(g: IssueGroup): string {
  const i = g.issues[0];
  return kubectl(i.pod.metadata.namespace, `logs ${i.pod.metadata.name} -c ${i.container} --previous`);
}

interface CrashSpec {
  kind: CrashKind;
  title: string;
  hops?: number;
  description: string;
  report: (g: IssueGroup<CrashKind>) => IssueReport;
}

const SPECS: CrashSpec[] = [
  {
    kind: 'command-not-found', title: 'Container command not found (exit 127 / executable file not found)',
    description:
      'The command or entrypoint does not exist in the image: runc reports `exec: "x": executable file not found in $PATH` or `stat ./x: no such file or directory` ' +
      '(StartError / ContainerCannotRun / RunContainerError), or a shell exits 127. Fix: correct command/args in the workload (absolute path, right binary name) or use an image that contains it.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} runs a command that does not exist in its image${commandOf(g)}`,
      explanation: `${subject(g)} never start: the runtime cannot find the executable${commandOf(g)} in the image (wrong name, relative path, or missing from PATH). Exit: ${exitCodes(g) || 'start error'}.`,
      remediation: [
        `find the binary in the image: docker run --rm --entrypoint sh ${g.issues[0].pod.spec?.containers?.find((c) => c.name === g.issues[0].container)?.image ?? '<image>'} -c 'ls -l; echo $PATH'`,
        `fix spec.template.spec.containers[].command/args (use the absolute path): ${editCommand(g.workloads[0])}`,
      ],
    }),
  },
  {
    kind: 'permission-denied', title: 'Permission denied starting or running the container (exit 126)',
    description:
      'The process cannot execute its entrypoint or open a file: "permission denied" from runc or the app, or exit 126 (found but not executable). ' +
      'Often a non-root runAsUser against root-owned files, a missing execute bit, or a volume owned by another UID. Fix: chmod +x in the image, set fsGroup/runAsUser, or fix file ownership.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} fails with permission denied`,
      explanation: `${subject(g)} exit because the process lacks permission to execute or access a file. Exit: ${exitCodes(g) || 'start error'}.`,
      remediation: [
        'make the entrypoint executable in the image (RUN chmod +x <file>) and owned by the runtime user',
        `or adjust securityContext (runAsUser / fsGroup) in ${workloadLabel(g.workloads[0])}: ${editCommand(g.workloads[0])}`,
        logs(g),
      ],
    }),
  },
  {
    kind: 'read-only-filesystem', title: 'Container writes to a read-only filesystem',
    description:
      'The process fails with "Read-only file system" (EROFS): readOnlyRootFilesystem is true, or it writes into a read-only mount (ConfigMap, Secret, readOnly volume). ' +
      'Fix: mount an emptyDir at the paths it writes (/tmp, cache, pid dirs) or relax readOnlyRootFilesystem.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} crashes writing to a read-only filesystem`,
      explanation: `${subject(g)} exit because they write to a read-only root filesystem or read-only mount. Exit: ${exitCodes(g)}.`,
      remediation: [
        `add a writable emptyDir at the path it writes (e.g. /tmp) in ${workloadLabel(g.workloads[0])}: ${editCommand(g.workloads[0])}`,
        'or set securityContext.readOnlyRootFilesystem: false if the image cannot run read-only',
      ],
    }),
  },
  {
    kind: 'missing-file', title: 'Container exits because a file it needs is missing',
    description:
      'The process exits with "No such file or directory" / FileNotFoundError / ENOENT in its termination message: a config file, certificate or script path that is not in the image or not mounted. ' +
      'Fix: mount the file (ConfigMap/Secret volume with the right key and path) or correct the path in args/env.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} exits: a file it opens does not exist`,
      explanation: `${subject(g)} exit (${exitCodes(g)}) because a path they read is missing from the image or the mounts; the termination message names it.`,
      remediation: [logs(g), `mount the file or fix the path in args/env: ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'file-missing-from-volume', hops: 2, title: 'Container exits because its ConfigMap/Secret volume lacks the file it opens',
    description:
      'The process exits with "No such file or directory" for a path inside a ConfigMap or Secret volume mount, and that object has no key of that name ' +
      '(misspelt key, wrong items[].path, file renamed). Chain: Pod CrashLoopBackOff ← file missing under the mount ← ConfigMap/Secret without the key. ' +
      'Fix: add the key to the ConfigMap/Secret, or fix the file name the app reads or the items mapping.',
    report: (g) => ({
      title: `${g.rootCause.kind} ${displayName(g.rootCause)} has no key for ${g.issues[0].facts?.file}, which ${workloadLabel(g.workloads[0])} reads`,
      explanation: `${subject(g)} exit (${exitCodes(g)}) because ${g.issues[0].facts?.file} does not exist: it is inside a volume from ${g.rootCause.kind} ${displayName(g.rootCause)}, which has no such key.`,
      remediation: [
        `${kubectl(g.rootCause.namespace, `edit ${g.rootCause.kind.toLowerCase()}/${g.rootCause.name}`)}  # add key "${(g.issues[0].facts?.file ?? '').split('/').pop()}"`,
        `or fix the path the app reads / the volume's items: ${editCommand(g.workloads[0])}`,
      ],
    }),
  },
  {
    kind: 'post-start-hook-failed', title: 'postStart hook fails and the container is killed',
    description:
      'The lifecycle.postStart hook exits non-zero or its HTTP call fails (FailedPostStartHook), so the kubelet kills the container and it restarts. ' +
      'Fix: correct the hook command/endpoint, or make it tolerant of a not-yet-ready app.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}: the postStart hook fails, killing the container`,
      explanation: `${subject(g)} are killed after start because their lifecycle.postStart hook fails.`,
      remediation: [`fix or remove lifecycle.postStart in ${workloadLabel(g.workloads[0])}: ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'start-error', title: 'Container runtime cannot start the container (StartError / RunContainerError)',
    description:
      'The runtime fails to create or start the process (StartError, ContainerCannotRun, RunContainerError, exit 128) for a reason other than a missing executable or permissions: ' +
      'bad mounts, invalid working directory, cgroup errors. Evidence: the runtime error quoted in lastState.terminated.message / the Failed event. Fix: follow the runtime error.',
    report: (g) => ({
      title: `The runtime cannot start ${workloadLabel(g.workloads[0])}'s container`,
      explanation: `${subject(g)} fail before the process runs; the runtime's error is quoted in the evidence.`,
      remediation: [`fix the spec the runtime rejects (workingDir, mounts, securityContext): ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'completed-restarting', title: 'Container exits successfully but restartPolicy Always restarts it',
    description:
      'The main process finishes with exit code 0 ("Completed") and, under restartPolicy Always (Deployments, StatefulSets, DaemonSets), is restarted until CrashLoopBackOff. ' +
      'A one-shot task is deployed as a long-running workload, or the command does not stay in the foreground. Fix: run it as a Job, or make the process run in the foreground.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} runs a command that exits (code 0) under restartPolicy Always`,
      explanation: `${subject(g)} complete successfully and are restarted over and over: a long-running workload needs a process that stays in the foreground${commandOf(g)}.`,
      remediation: [`run one-shot work as a Job/CronJob, or start the server in the foreground (no '&', no daemon mode): ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'bad-arguments', title: 'Container exits with code 2: invalid arguments or flags',
    description:
      'Exit code 2 (or "unknown flag", "flag provided but not defined", "Usage:" in the termination message) means the program rejected its command line. ' +
      'Fix: correct args/command in the workload for the image\'s version.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} passes arguments its program rejects${commandOf(g)}`,
      explanation: `${subject(g)} exit with ${exitCodes(g)}: the program does not accept the flags or arguments it was given (often after an image upgrade renamed a flag).`,
      remediation: [logs(g), `fix spec.template.spec.containers[].args: ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'app-error', title: 'Application exits with code 1 (CrashLoopBackOff)',
    description:
      'The application itself exits with code 1 — a startup error it reports in its logs (bad configuration, unreachable dependency, missing environment). ' +
      'Evidence: lastState.terminated exitCode 1, the termination message if any, BackOff events. Fix: read the previous logs and correct the configuration.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} crashes at runtime (exit code 1)`,
      explanation: `${subject(g)} keep exiting with a general application error; the reason is in the container's previous logs${g.issues.some((i) => lastTermination(viewOf(i))?.message) ? ' and the termination message quoted below' : ''}.`,
      remediation: [logs(g), `fix the configuration it reports (env, ConfigMap, dependencies): ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'sigkill', title: 'Container killed by SIGKILL without an OOM kill (exit 137)',
    description:
      'Exit 137 with reason Error (not OOMKilled) and no probe kill: the process was SIGKILLed — it ignored SIGTERM past terminationGracePeriodSeconds, ' +
      'or something inside (a supervisor, the app) killed it. Fix: handle SIGTERM, raise terminationGracePeriodSeconds, check what sends the kill.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s container is SIGKILLed (exit 137, not OOM)`,
      explanation: `${subject(g)} end with ${exitCodes(g)} but were not OOM-killed: the process was force-killed, typically after ignoring SIGTERM for the whole grace period.`,
      remediation: [logs(g), `handle SIGTERM in the app, or raise terminationGracePeriodSeconds: ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'segfault', title: 'Container crashes with a segmentation fault (exit 139)',
    description:
      'Exit 139 = SIGSEGV: a native crash (bad memory access), often a binary incompatible with the image\'s libraries (musl vs glibc) or CPU features. ' +
      'Fix: check the previous logs and core dump, roll back to the last working image.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} segfaults (exit 139)`,
      explanation: `${subject(g)} crash with ${exitCodes(g)}: the process made an invalid memory access — a native bug or a library/CPU mismatch in the image.`,
      remediation: [logs(g), `roll back: ${kubectl(g.workloads[0].namespace, `rollout undo ${g.workloads[0].kind.toLowerCase()}/${g.workloads[0].name}`)}`],
    }),
  },
  {
    kind: 'sigterm', title: 'Container exits on SIGTERM (exit 143) and restarts',
    description:
      'Exit 143 = SIGTERM while the pod is not being deleted and no probe killed it: the process was told to stop by something inside the container (an entrypoint script, ' +
      'a supervisor, a timeout wrapper). Fix: check what sends SIGTERM; run the server as PID 1 in the foreground.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s container terminates on SIGTERM (exit 143)`,
      explanation: `${subject(g)} end with ${exitCodes(g)} and restart; nothing in Kubernetes asked them to stop, so a wrapper or the app itself sends the signal.`,
      remediation: [logs(g), `check the entrypoint script / supervisor: ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'abort', title: 'Container aborts (SIGABRT, exit 134)',
    description:
      'Exit 134 = SIGABRT: the program aborted itself (failed assertion, glibc detected heap corruption, fatal runtime error). Fix: read the previous logs; roll back the image.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} aborts (exit 134)`,
      explanation: `${subject(g)} abort with ${exitCodes(g)}: the process hit a fatal internal error.`,
      remediation: [logs(g), `roll back: ${kubectl(g.workloads[0].namespace, `rollout undo ${g.workloads[0].kind.toLowerCase()}/${g.workloads[0].name}`)}`],
    }),
  },
  {
    kind: 'init-container-failing', title: 'Init container fails, so the pod never starts (Init:CrashLoopBackOff)',
    description:
      'An init container exits non-zero and is retried; the app containers never start (Init:CrashLoopBackOff / Init:Error). ' +
      'Evidence: initContainerStatuses terminated state, exit code and message. Fix: correct the init container\'s command, or the dependency it waits for.',
    report: (g) => ({
      title: `Init container ${containerNames(g.issues)} of ${workloadLabel(g.workloads[0])} fails`,
      explanation: `${subject(g)} exit with ${exitCodes(g) || 'an error'}, so the pods never get to their app containers.`,
      remediation: [logs(g), `fix the init container's command or the dependency it checks: ${editCommand(g.workloads[0])}`],
    }),
  },
  {
    kind: 'crashloop', title: 'Container keeps crashing (CrashLoopBackOff)',
    description:
      'The container exits repeatedly with an exit code no more specific rule explains. Evidence: lastState.terminated, restartCount, BackOff events ' +
      '("Back-off restarting failed container"). Fix: read the previous logs.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])}'s container keeps crashing (${exitCodes(g) || 'unknown exit'})`,
      explanation: `${subject(g)} exit repeatedly and are restarted with back-off.`,
      remediation: [logs(g), `fix the cause in ${workloadLabel(g.workloads[0])}: ${editCommand(g.workloads[0])}`],
    }),
  },
];

function viewOf(i: ContainerIssue): ContainerView {
  const statuses = [...(i.pod.status?.initContainerStatuses ?? []), ...(i.pod.status?.containerStatuses ?? [])];
  return { name: i.container, init: false, status: statuses.find((s) => s.name === i.container) };
}

export const crashScenarios: Scenario[] = SPECS.map((spec) =>
  issueScenario<CrashKind>({
    id: `crash.${spec.kind}`,
    category: 'crash',
    severity: 'critical',
    title: spec.title,
    description: spec.description,
    hops: spec.hops,
    kind: spec.kind,
    classify: classifyCrashes,
    report: spec.report,
  }),
);
