import { createHash } from 'node:crypto';
import type { Container, Node, Pod } from '../../cluster/types.js';
import { rfc3339 } from '../clock.js';
import type { PodCache } from '../controllers/podcache.js';
import { podRequests, toAmounts } from '../controllers/resources.js';
import { emitEvent, getCondition, keyOf, setCondition, splitKey, WorkQueue, type Condition, type SimContext } from '../controllers/runtime.js';
import type { FaultRegistry } from '../faults/registry.js';
import { resourceTypes } from '../store/resource-types.js';
import type { ObjectReference } from '../store/events.js';
import type { StoredObject } from '../store/types.js';
import { containerConfigError, volumeMountError } from './config.js';
import { formatPod, imagePullError, KUBELET, msg, qualifiedImage, restartBackoffMs, type ProbeKind } from './messages.js';

/** How long simulated work takes, in simulated milliseconds. */
const PULL_MS = 2_100;
const START_MS = 500;
/** Batch pods run this long unless annotated with sim.nakhoda.io/run-seconds. */
const DEFAULT_BATCH_RUN_SECONDS = 10;
const RUN_SECONDS_ANNOTATION = 'sim.nakhoda.io/run-seconds';
/** Retry periods of the kubelet's pod workers for failures that are not back-off driven. */
const SANDBOX_RETRY_MS = 15_000;
const MOUNT_RETRY_MS = 30_000;
const CONFIG_RETRY_MS = 15_000;
const EVICTION_INTERVAL_MS = 10_000;
const HEARTBEAT_MS = 10_000;
const REPORT_MS = 300_000;

type Phase = 'pull' | 'pulling' | 'create' | 'running' | 'terminated' | 'backoff';

interface ContainerState {
  name: string;
  phase: Phase;
  /** When the current phase's next step is due. */
  dueAt: number;
  restartCount: number;
  pullFailures: number;
  /** Whether the ImagePullBackOff events of the current back-off period were recorded. */
  backOffShown: boolean;
  waiting?: { reason: string; message?: string };
  running?: { startedAt: number };
  terminated?: { exitCode: number; reason: string; startedAt: number; finishedAt: number; message?: string };
  lastTerminated?: { exitCode: number; reason: string; startedAt: number; finishedAt: number; message?: string };
  ready: boolean;
  probeFailures: number;
  everStarted: boolean;
  containerID?: string;
  imageID?: string;
}

interface PodRuntime {
  uid: string;
  containers: Map<string, ContainerState>;
  initDone: boolean;
  podIP?: string;
  sandboxReady: boolean;
  /** Set when the kubelet evicted or rejected the pod: it is terminal from then on. */
  terminal?: { reason: string; message: string };
  killing?: boolean;
  /** True while the kubelet writes this pod's status. */
  writing?: boolean;
}

interface NodeRuntime {
  name: string;
  images: Set<string>;
  nextIP: number;
  subnet: number;
  lastHeartbeat: number;
  /** Pressure condition currently reported, if any. */
  pressure?: string;
  lastEviction: number;
}

function hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function probeOf(container: Container, kind: ProbeKind): { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number } | undefined {
  return (kind === 'readiness' ? container.readinessProbe : kind === 'liveness' ? container.livenessProbe : container.startupProbe) ?? undefined;
}

/** Pressure conditions as the kubelet reports them: [condition, reason when true, message when true, reason when false, message when false, resource, taint]. */
const PRESSURE: Record<string, { on: [string, string]; off: [string, string]; resource: string; signal: string; threshold: string }> = {
  MemoryPressure: { on: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'], off: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'], resource: 'memory', signal: 'memory', threshold: '100Mi' },
  DiskPressure: { on: ['KubeletHasDiskPressure', 'kubelet has disk pressure'], off: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'], resource: 'ephemeral-storage', signal: 'ephemeral-storage', threshold: '10%' },
  PIDPressure: { on: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'], off: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'], resource: 'pids', signal: 'pids', threshold: '5%' },
};

/**
 * Every node's kubelet, modelled in one process: drives pod lifecycles (image pulls, container
 * starts, probes, crashes with the real back-off, OOM kills), node conditions, pressure
 * evictions and device-plugin health, emitting the kubelet's own events and messages.
 */
export class KubeletFleet {
  private readonly nodes = new Map<string, NodeRuntime>();
  private readonly pods = new Map<string, PodRuntime>();
  private readonly queue: WorkQueue;
  private readonly nodeQueue: WorkQueue;
  private readonly unwatch: Array<() => void> = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly cache: PodCache,
    private readonly faults: FaultRegistry,
  ) {
    this.queue = new WorkQueue(ctx.clock, 'kubelet', (key) => this.syncPod(key));
    this.nodeQueue = new WorkQueue(ctx.clock, 'kubelet', (name) => this.syncNode(name));
    this.unwatch.push(
      ctx.store.watch(resourceTypes.nodes, {}, (e) => {
        const name = e.object.metadata.name!;
        if (e.type === 'DELETED') this.nodes.delete(name);
        else if (!this.nodes.has(name)) {
          this.nodes.set(name, { name, images: new Set(), nextIP: 2, subnet: this.nodes.size + 1, lastHeartbeat: ctx.clock.now(), lastEviction: 0 });
          this.nodeQueue.add(name);
        }
      }),
    );
    for (const pod of cache.all()) if (pod.spec?.nodeName) this.queue.add(keyOf(pod as unknown as StoredObject));
    cache.onChange((event, pod) => {
      const key = keyOf(pod as unknown as StoredObject);
      if (event.type === 'DELETED') {
        this.pods.delete(key);
        return;
      }
      // Our own status writes (delivered while we write) need no new sync.
      if (pod.spec?.nodeName && !this.pods.get(key)?.writing) this.queue.add(key);
    });
    this.unwatch.push(faults.onChange(() => this.resyncAll()));
  }

  stop(): void {
    this.queue.stop();
    this.nodeQueue.stop();
    for (const u of this.unwatch) u();
  }

  /** When the node's kubelet last reported in; frozen while the node is down. */
  lastHeartbeat(node: string): number | undefined {
    const rt = this.nodes.get(node);
    if (!rt) return undefined;
    return this.isDown(node) ? rt.lastHeartbeat : this.ctx.clock.now();
  }

  /** Simulated container logs (what `kubectl logs` shows). */
  logs(namespace: string, name: string, container: string | undefined, previous: boolean): string {
    const pod = this.cache.get(`${namespace}/${name}`);
    if (!pod) return '';
    const c = container ?? pod.spec?.containers?.[0]?.name ?? '';
    const crash = this.faults.find('crash-loop', pod, c);
    const state = this.pods.get(`${namespace}/${name}`)?.containers.get(c);
    const lines = [`${rfc3339(this.ctx.clock.now())} starting ${c}`];
    if (crash && (previous || state?.phase !== 'running')) lines.push(crash.log ?? `fatal: ${c} exited with code ${crash.exitCode}`);
    return `${lines.join('\n')}\n`;
  }

  /** Resource usage for metrics.k8s.io (cores, bytes): a steady fraction of requests, near the limit for OOM-bound containers. */
  containerUsage(pod: Pod, container: string): { cpu: number; memory: number } {
    const c = pod.spec?.containers?.find((x) => x.name === container);
    if (!c || pod.status?.phase !== 'Running') return { cpu: 0, memory: 0 };
    const seed = parseInt(hex(`${pod.metadata.uid}/${c.name}`).slice(0, 6), 16) / 0xffffff;
    const req = toAmounts(c.resources?.requests as Record<string, string> | undefined);
    const lim = toAmounts(c.resources?.limits as Record<string, string> | undefined);
    const oom = this.faults.find('oom-kill', pod, c.name);
    const cpuMilli = Math.max(1, Math.round((req.cpu ?? 100) * (0.2 + 0.5 * seed)));
    const memBase = req.memory ?? lim.memory ?? 64 * 2 ** 20;
    const memory = oom && lim.memory ? lim.memory * 0.98 : memBase * (0.4 + 0.4 * seed);
    return { cpu: cpuMilli / 1000, memory: Math.round(memory) };
  }

  nodeUsage(node: string): { cpu: number; memory: number } {
    const total = { cpu: 0.1, memory: 512 * 2 ** 20 };
    for (const pod of this.cache.onNode(node)) {
      for (const c of pod.spec?.containers ?? []) {
        const u = this.containerUsage(pod, c.name);
        total.cpu += u.cpu;
        total.memory += u.memory;
      }
    }
    return total;
  }

  private isDown(node: string): boolean {
    return Boolean(this.faults.find('node-down', { metadata: this.nodeMeta(node) }));
  }

  private nodeMeta(name: string): { name: string; labels?: Record<string, string> } {
    const node = this.ctx.store.get(resourceTypes.nodes, undefined, name);
    return { name, labels: node?.metadata.labels };
  }

  private resyncAll(): void {
    // Node status first and at once: device-plugin health must reach allocatable before the scheduler's next pass.
    for (const name of this.nodes.keys()) this.syncNode(name);
    for (const pod of this.cache.all()) if (pod.spec?.nodeName) this.queue.add(keyOf(pod as unknown as StoredObject));
  }

  // ---- nodes ----

  private syncNode(name: string): void {
    const rt = this.nodes.get(name);
    const stored = this.ctx.store.get(resourceTypes.nodes, undefined, name);
    if (!rt || !stored) return;
    this.nodeQueue.addAfter(name, HEARTBEAT_MS);
    if (this.isDown(name)) return;
    rt.lastHeartbeat = this.ctx.clock.now();
    const node = stored as unknown as Node;
    const now = this.ctx.clock.now();
    const meta = { metadata: { name, labels: stored.metadata.labels } };
    const pressure = this.faults.find('node-pressure', meta);
    const source = { component: KUBELET, host: name };
    const events: Array<[string, string]> = [];
    const updated = this.ctx.store.mutate(resourceTypes.nodes, undefined, name, (obj) => {
      const status = (obj.status ??= {}) as { conditions?: Condition[]; allocatable?: Record<string, string>; capacity?: Record<string, string> };
      const before = new Map((status.conditions ?? []).map((c) => [c.type, c]));
      for (const [type, spec] of Object.entries(PRESSURE)) {
        const on = pressure?.condition === type;
        const before = getCondition(status.conditions, type);
        const [reason, message] = on ? spec.on : spec.off;
        const eventReason = reason.replace(/^Kubelet/, 'Node');
        if (before && before.status !== (on ? 'True' : 'False')) events.push([eventReason, msg.nodeStatus(name, eventReason)]);
        status.conditions = setCondition(status.conditions, { type, status: on ? 'True' : 'False', reason, message }, now, ['lastHeartbeatTime']);
      }
      const ready = getCondition(status.conditions, 'Ready');
      if (ready && ready.status !== 'True') events.push(['NodeReady', msg.nodeStatus(name, 'NodeReady')]);
      status.conditions = setCondition(status.conditions, { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }, now, ['lastHeartbeatTime']);
      // Device plugins: allocatable follows healthy devices; capacity keeps the installed count.
      for (const [resource, capacity] of Object.entries(status.capacity ?? {})) {
        if (!resource.includes('/')) continue;
        const plugin = this.faults.where('device-plugin-failure', (f, scope) => f.resource === resource && (!scope.name || scope.name === name) && Object.entries(scope.labels ?? {}).every(([k, v]) => stored.metadata.labels?.[k] === v));
        const installed = Number(capacity);
        const healthy = plugin ? (plugin.unhealthyDevices ? Math.max(0, installed - plugin.unhealthyDevices) : 0) : installed;
        status.allocatable = { ...status.allocatable, [resource]: String(healthy) };
      }
      // Like nodeStatusReportFrequency: an unchanged condition is re-reported only every 5 minutes.
      for (const c of status.conditions ?? []) {
        const prev = before.get(c.type);
        if (prev?.lastHeartbeatTime && prev.status === c.status && prev.reason === c.reason && now - Date.parse(prev.lastHeartbeatTime) < REPORT_MS) c.lastHeartbeatTime = prev.lastHeartbeatTime;
      }
    });
    for (const [reason, message] of events) emitEvent(this.ctx, updated, 'Normal', reason, message, source);
    if (pressure?.evict && node.metadata) this.evictForPressure(rt, pressure.condition);
  }

  /** The eviction manager: one pod per interval, BestEffort and over-request pods first. */
  private evictForPressure(rt: NodeRuntime, condition: string): void {
    const now = this.ctx.clock.now();
    if (now - rt.lastEviction < EVICTION_INTERVAL_MS) {
      this.nodeQueue.addAfter(rt.name, rt.lastEviction + EVICTION_INTERVAL_MS - now);
      return;
    }
    const spec = PRESSURE[condition];
    const candidates = this.cache
      .onNode(rt.name)
      .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp && !p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet') && p.metadata.namespace !== 'kube-system')
      .sort((a, b) => (podRequests(a).memory ?? 0) - (podRequests(b).memory ?? 0));
    const victim = candidates[0];
    if (!victim) return;
    rt.lastEviction = now;
    const container = victim.spec?.containers?.[0];
    const usage = `${Math.round(this.containerUsage(victim, container?.name ?? '').memory / 1024)}Ki`;
    const request = (container?.resources?.requests as Record<string, string> | undefined)?.[spec.resource] ?? '0';
    let message = msg.evicted(spec.resource, spec.threshold, '51200Ki');
    if (spec.resource === 'memory' && container) message += `Container ${container.name} was using ${usage}, request is ${request}, has larger consumption of memory. `;
    const key = keyOf(victim as unknown as StoredObject);
    const runtime = this.pods.get(key);
    if (runtime) runtime.terminal = { reason: 'Evicted', message };
    const pod = this.ctx.store.get(resourceTypes.pods, victim.metadata.namespace, victim.metadata.name);
    if (pod) emitEvent(this.ctx, pod, 'Warning', 'Evicted', message, { component: KUBELET, host: rt.name });
    for (const c of victim.spec?.containers ?? []) this.containerEvent(victim, c.name, 'Normal', 'Killing', msg.killing(c.name));
    this.queue.add(key);
    this.nodeQueue.addAfter(rt.name, EVICTION_INTERVAL_MS);
  }

  // ---- pods ----

  private containerEvent(pod: Pod, container: string, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const ref: ObjectReference = {
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      fieldPath: `spec.containers{${container}}`,
    };
    emitEvent(this.ctx, ref, type, reason, message, { component: KUBELET, host: pod.spec?.nodeName });
  }

  private podEvent(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    emitEvent(this.ctx, pod as unknown as StoredObject, type, reason, message, { component: KUBELET, host: pod.spec?.nodeName });
  }

  private runtimeFor(key: string, pod: Pod): PodRuntime {
    let rt = this.pods.get(key);
    if (!rt || rt.uid !== pod.metadata.uid) {
      rt = { uid: pod.metadata.uid!, containers: new Map(), initDone: false, sandboxReady: false };
      this.pods.set(key, rt);
    }
    return rt;
  }

  private syncPod(key: string): void {
    const pod = this.cache.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const node = this.nodes.get(nodeName);
    if (!node || this.isDown(nodeName)) return;
    const rt = this.runtimeFor(key, pod);
    const now = this.ctx.clock.now();
    const [namespace, name] = splitKey(key);

    if (pod.metadata.deletionTimestamp) return this.terminate(pod, rt, key);
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    if (rt.terminal) return this.writeStatus(pod, rt, node);

    if (!rt.sandboxReady) {
      const rejection = this.admissionError(pod, nodeName);
      if (rejection) {
        rt.terminal = { reason: 'UnexpectedAdmissionError', message: rejection };
        this.podEvent(pod, 'Warning', 'UnexpectedAdmissionError', rejection);
        return this.writeStatus(pod, rt, node);
      }
      const cni = this.faults.find('cni-failure', { metadata: this.nodeMeta(nodeName) });
      if (cni) {
        const sandbox = hex(`sandbox/${pod.metadata.uid}`);
        this.podEvent(pod, 'Warning', 'FailedCreatePodSandBox', msg.sandboxFailed(`rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": plugin type="${cni.plugin}" failed (add): ${cni.message}`));
        this.writeStatus(pod, rt, node);
        return this.queue.addAfter(key, SANDBOX_RETRY_MS);
      }
      const mountError = volumeMountError(this.ctx.store, pod);
      if (mountError) {
        this.podEvent(pod, 'Warning', 'FailedMount', mountError);
        this.writeStatus(pod, rt, node);
        return this.queue.addAfter(key, MOUNT_RETRY_MS);
      }
      rt.sandboxReady = true;
      rt.podIP = `10.244.${node.subnet % 256}.${node.nextIP++ % 254 || 1}`;
    }
    if (!rt.initDone) {
      for (const c of pod.spec?.initContainers ?? []) {
        this.containerEvent(pod, c.name, 'Normal', 'Pulled', msg.alreadyPresent(c.image ?? ''));
        this.containerEvent(pod, c.name, 'Normal', 'Created', msg.created(c.name));
        this.containerEvent(pod, c.name, 'Normal', 'Started', msg.started(c.name));
      }
      rt.initDone = true;
    }
    let next = Infinity;
    for (const c of pod.spec?.containers ?? []) {
      let state = rt.containers.get(c.name);
      if (!state) {
        state = { name: c.name, phase: 'pull', dueAt: now, restartCount: 0, pullFailures: 0, backOffShown: false, ready: false, probeFailures: 0, everStarted: false, waiting: { reason: 'ContainerCreating' } };
        rt.containers.set(c.name, state);
      }
      next = Math.min(next, this.stepContainer(pod, c, state, node, now));
    }
    this.writeStatus(pod, rt, node);
    if (next < Infinity) this.queue.addAfter(`${namespace}/${name}`, Math.max(1, next - now));
  }

  /** Kubelet admission of a pod whose devices the node can no longer provide. */
  private admissionError(pod: Pod, nodeName: string): string | undefined {
    const node = this.ctx.store.get(resourceTypes.nodes, undefined, nodeName) as unknown as Node | undefined;
    const allocatable = toAmounts(node?.status?.allocatable as Record<string, string> | undefined);
    for (const [resource, amount] of Object.entries(podRequests(pod))) {
      if (!resource.includes('/') || amount <= 0) continue;
      const requested = this.cache
        .onNode(nodeName)
        .filter((p) => p !== pod && p.status?.phase === 'Running')
        .reduce((n, p) => n + (podRequests(p)[resource] ?? 0), 0);
      if (requested + amount > (allocatable[resource] ?? 0)) {
        return `Allocate failed due to no healthy devices present; cannot allocate unhealthy devices ${resource}, which is unexpected`;
      }
    }
    return undefined;
  }

  /** Advances one container's state machine; returns when it next needs attention. */
  private stepContainer(pod: Pod, c: Container, s: ContainerState, node: NodeRuntime, now: number): number {
    if (s.dueAt > now) return s.dueAt;
    const image = c.image ?? '';
    const podName = formatPod(pod as unknown as StoredObject);
    switch (s.phase) {
      case 'pull': {
        const pullFault = this.faults.find('image-pull', pod, c.name);
        if (pullFault) {
          if (s.pullFailures > 0 && !s.backOffShown) {
            // The sync after a failed pull finds the image in back-off.
            s.backOffShown = true;
            s.waiting = { reason: 'ImagePullBackOff', message: msg.backOffPull(image) };
            this.containerEvent(pod, c.name, 'Normal', 'BackOff', msg.backOffPull(image));
            this.containerEvent(pod, c.name, 'Warning', 'Failed', msg.error('ImagePullBackOff'));
            return (s.dueAt = now + restartBackoffMs(s.pullFailures) - 1_000);
          }
          const error = imagePullError(image, pullFault.error);
          this.containerEvent(pod, c.name, 'Normal', 'Pulling', msg.pulling(image));
          this.containerEvent(pod, c.name, 'Warning', 'Failed', msg.failedPull(image, error.event));
          this.containerEvent(pod, c.name, 'Warning', 'Failed', msg.error('ErrImagePull'));
          s.pullFailures++;
          s.backOffShown = false;
          s.waiting = { reason: 'ErrImagePull', message: error.waitingMessage };
          return (s.dueAt = now + 1_000);
        }
        const policy = c.imagePullPolicy ?? (/:latest$|^[^:]*$/.test(image) ? 'Always' : 'IfNotPresent');
        if (policy === 'Never' && !node.images.has(image)) {
          const message = msg.notPresentNeverPull(image);
          this.containerEvent(pod, c.name, 'Warning', 'ErrImageNeverPull', message);
          this.containerEvent(pod, c.name, 'Warning', 'Failed', msg.error('ErrImageNeverPull'));
          s.waiting = { reason: 'ErrImageNeverPull', message };
          return (s.dueAt = now + CONFIG_RETRY_MS);
        }
        if (node.images.has(image) && policy !== 'Always') {
          this.containerEvent(pod, c.name, 'Normal', 'Pulled', msg.alreadyPresent(image));
          s.phase = 'create';
          return this.stepContainer(pod, c, s, node, now);
        }
        this.containerEvent(pod, c.name, 'Normal', 'Pulling', msg.pulling(image));
        s.phase = 'pulling';
        s.waiting = { reason: 'ContainerCreating' };
        return (s.dueAt = now + PULL_MS);
      }
      case 'pulling': {
        const size = 10_000_000 + (parseInt(hex(image).slice(0, 6), 16) % 90_000_000);
        this.containerEvent(pod, c.name, 'Normal', 'Pulled', msg.pulled(image, PULL_MS, PULL_MS + 3, size));
        node.images.add(image);
        s.imageID = `${qualifiedImage(image).replace(/:[^:/@]+$/, '')}@sha256:${hex(image)}`;
        s.phase = 'create';
        return this.stepContainer(pod, c, s, node, now);
      }
      case 'create': {
        const configError = containerConfigError(this.ctx.store, pod, c);
        if (configError) {
          s.waiting = { reason: 'CreateContainerConfigError', message: configError };
          this.containerEvent(pod, c.name, 'Warning', 'Failed', msg.error(configError));
          return (s.dueAt = now + CONFIG_RETRY_MS);
        }
        s.imageID ??= `${qualifiedImage(image).replace(/:[^:/@]+$/, '')}@sha256:${hex(image)}`;
        s.containerID = `containerd://${hex(`${pod.metadata.uid}/${c.name}/${s.restartCount}`)}`;
        this.containerEvent(pod, c.name, 'Normal', 'Created', msg.created(c.name));
        this.containerEvent(pod, c.name, 'Normal', 'Started', msg.started(c.name));
        s.phase = 'running';
        s.waiting = undefined;
        s.running = { startedAt: now + START_MS };
        s.everStarted = true;
        s.probeFailures = 0;
        s.ready = !c.readinessProbe;
        return (s.dueAt = now + START_MS + (c.readinessProbe ? (c.readinessProbe.initialDelaySeconds ?? 0) * 1000 + 1000 : 0));
      }
      case 'running':
        return this.stepRunning(pod, c, s, now);
      case 'terminated':
        return this.afterExit(pod, c, s, now, podName);
      case 'backoff': {
        s.restartCount++;
        s.phase = 'create';
        this.containerEvent(pod, c.name, 'Normal', 'Pulled', msg.alreadyPresent(image));
        return this.stepContainer(pod, c, s, node, now);
      }
    }
  }

  private stepRunning(pod: Pod, c: Container, s: ContainerState, now: number): number {
    const startedAt = s.running!.startedAt;
    const job = pod.metadata.ownerReferences?.some((o) => o.kind === 'Job') ? this.jobFault(pod) : undefined;
    const crash = this.faults.find('crash-loop', pod, c.name) ?? (job?.mode === 'backoff-limit' ? { exitCode: job.exitCode, afterSeconds: 2 } : undefined);
    const oom = this.faults.find('oom-kill', pod, c.name);
    const exitAt = (seconds: number) => startedAt + seconds * 1000;
    const candidates: number[] = [];
    if (oom) {
      if (now >= exitAt(oom.afterSeconds)) return this.exit(s, now, 137, 'OOMKilled');
      candidates.push(exitAt(oom.afterSeconds));
    }
    if (crash) {
      if (now >= exitAt(crash.afterSeconds)) return this.exit(s, now, crash.exitCode, 'Error', this.fallbackMessage(pod, c));
      candidates.push(exitAt(crash.afterSeconds));
    }
    const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
    if (restartPolicy !== 'Always' && !crash && job?.mode !== 'deadline') {
      const runSeconds = Number(pod.metadata.annotations?.[RUN_SECONDS_ANNOTATION] ?? DEFAULT_BATCH_RUN_SECONDS);
      if (now >= exitAt(runSeconds)) return this.exit(s, now, 0, 'Completed');
      candidates.push(exitAt(runSeconds));
    }
    // Probes: only those the container declares are run.
    for (const kind of ['startup', 'liveness', 'readiness'] as const) {
      const probe = probeOf(c, kind);
      if (!probe) continue;
      const period = (probe.periodSeconds ?? 10) * 1000;
      const failing = this.probeFailure(pod, c.name, kind);
      if (!failing) {
        if (kind === 'readiness') s.ready = true;
        continue;
      }
      if (kind === 'readiness') s.ready = false;
      if (now < startedAt + (probe.initialDelaySeconds ?? 0) * 1000) {
        candidates.push(startedAt + (probe.initialDelaySeconds ?? 0) * 1000);
        continue;
      }
      this.containerEvent(pod, c.name, 'Warning', 'Unhealthy', msg.probeFailed(kind, failing));
      s.probeFailures++;
      if (kind !== 'readiness' && s.probeFailures >= (probe.failureThreshold ?? 3)) {
        this.containerEvent(pod, c.name, 'Normal', 'Killing', kind === 'liveness' ? msg.livenessRestart(c.name) : msg.startupRestart(c.name));
        return this.exit(s, now, 137, 'Error');
      }
      candidates.push(now + period);
    }
    return candidates.length ? Math.min(...candidates) : Infinity;
  }

  private probeFailure(pod: Pod, container: string, kind: ProbeKind): string | undefined {
    const fault = this.faults.find('probe-failure', pod, container);
    if (fault?.probe === kind) return fault.output;
    if (kind === 'readiness' && this.faults.find('rollout-stuck', pod, container)) return 'HTTP probe failed with statuscode: 503';
    return undefined;
  }

  private jobFault(pod: Pod) {
    return this.faults.find('job-failure', pod);
  }

  /**
   * terminationMessagePolicy FallbackToLogsOnError: the kubelet puts the tail of the log of a
   * container that failed (at most 80 lines, 2048 bytes) in its termination message.
   */
  private fallbackMessage(pod: Pod, c: Container): string | undefined {
    if (c.terminationMessagePolicy !== 'FallbackToLogsOnError') return undefined;
    const tail = this.logs(pod.metadata.namespace!, pod.metadata.name!, c.name, true).split('\n').slice(-81).join('\n');
    return tail.length > 2048 ? tail.slice(-2048) : tail;
  }

  private exit(s: ContainerState, now: number, exitCode: number, reason: string, message?: string): number {
    s.terminated = { exitCode, reason, startedAt: s.running?.startedAt ?? now, finishedAt: now, ...(message ? { message } : {}) };
    s.running = undefined;
    s.ready = false;
    s.phase = 'terminated';
    s.dueAt = now;
    return now;
  }

  /** Restart per restartPolicy, with the crash back-off (10 s doubling to 5 min). */
  private afterExit(pod: Pod, c: Container, s: ContainerState, now: number, podName: string): number {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const exitCode = s.terminated!.exitCode;
    if (policy === 'Never' || (policy === 'OnFailure' && exitCode === 0)) {
      s.dueAt = Infinity;
      return Infinity;
    }
    s.lastTerminated = s.terminated;
    s.terminated = undefined;
    const backoff = restartBackoffMs(s.restartCount);
    if (backoff === 0) {
      s.phase = 'backoff';
      s.dueAt = now;
      return now;
    }
    this.containerEvent(pod, c.name, 'Warning', 'BackOff', msg.backOffRestart(c.name, podName));
    s.waiting = { reason: 'CrashLoopBackOff', message: msg.crashLoopWaiting(backoff, c.name, podName) };
    s.phase = 'backoff';
    s.dueAt = now + backoff;
    return s.dueAt;
  }

  private terminate(pod: Pod, rt: PodRuntime, key: string): void {
    if (!rt.killing) {
      rt.killing = true;
      for (const [name, s] of rt.containers) if (s.phase === 'running') this.containerEvent(pod, name, 'Normal', 'Killing', msg.killing(name));
      this.queue.addAfter(key, 1_000);
      return;
    }
    this.pods.delete(key);
    try {
      this.ctx.store.delete(resourceTypes.pods, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0 });
    } catch {
      // Already gone.
    }
  }

  private writeStatus(pod: Pod, rt: PodRuntime, node: NodeRuntime): void {
    const now = this.ctx.clock.now();
    const spec = pod.spec!;
    const states = (spec.containers ?? []).map((c) => rt.containers.get(c.name));
    const restartPolicy = spec.restartPolicy ?? 'Always';
    let phase = 'Pending';
    if (rt.terminal) phase = 'Failed';
    else if (states.length && states.every((s) => s?.terminated && (restartPolicy === 'Never' || (restartPolicy === 'OnFailure' && s.terminated.exitCode === 0)))) {
      phase = states.some((s) => s!.terminated!.exitCode !== 0) ? 'Failed' : 'Succeeded';
    } else if (states.length && states.every((s) => s?.everStarted)) phase = 'Running';
    const allReady = states.length > 0 && states.every((s) => s?.ready);
    const unready = (spec.containers ?? []).filter((c) => !rt.containers.get(c.name)?.ready).map((c) => c.name);
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
    const notReadyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
    const time = (ms: number) => rfc3339(ms);
    const containerStatus = (c: Container) => {
      const s = rt.containers.get(c.name);
      const state = !s || s.waiting
        ? { waiting: { reason: s?.waiting?.reason ?? 'ContainerCreating', ...(s?.waiting?.message ? { message: s.waiting.message } : {}) } }
        : s.running
          ? { running: { startedAt: time(s.running.startedAt) } }
          : s.terminated
            ? { terminated: { exitCode: s.terminated.exitCode, reason: s.terminated.reason, ...(s.terminated.message ? { message: s.terminated.message } : {}), startedAt: time(s.terminated.startedAt), finishedAt: time(s.terminated.finishedAt), containerID: s.containerID } }
            : { waiting: { reason: 'ContainerCreating' } };
      const last = s?.lastTerminated;
      return {
        name: c.name,
        image: c.image,
        imageID: s?.imageID ?? '',
        ...(s?.containerID ? { containerID: s.containerID } : {}),
        ready: Boolean(s?.ready) && !rt.terminal,
        started: Boolean(s?.running),
        restartCount: s?.restartCount ?? 0,
        state: rt.terminal ? { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: time(now), finishedAt: time(now) } } : state,
        lastState: last ? { terminated: { exitCode: last.exitCode, reason: last.reason, ...(last.message ? { message: last.message } : {}), startedAt: time(last.startedAt), finishedAt: time(last.finishedAt), containerID: s?.containerID } } : {},
      };
    };
    // Our own write comes back through the pod watch; `writing` tells the listener to ignore it.
    rt.writing = true;
    try {
      this.ctx.store.mutate(resourceTypes.pods, pod.metadata.namespace, pod.metadata.name, (obj) => {
        const status = (obj.status ?? {}) as Record<string, unknown> & { conditions?: Condition[] };
        let conditions = status.conditions;
        conditions = setCondition(conditions, { type: 'PodReadyToStartContainers', status: rt.sandboxReady && !terminal ? 'True' : 'False', lastProbeTime: null }, now);
        conditions = setCondition(conditions, { type: 'Initialized', status: rt.initDone || !(spec.initContainers?.length) ? 'True' : 'False', lastProbeTime: null }, now);
        conditions = setCondition(conditions, allReady && !terminal ? { type: 'Ready', status: 'True', lastProbeTime: null } : { type: 'Ready', status: 'False', reason: notReadyReason, message: notReadyMessage, lastProbeTime: null }, now);
        conditions = setCondition(conditions, allReady && !terminal ? { type: 'ContainersReady', status: 'True', lastProbeTime: null } : { type: 'ContainersReady', status: 'False', reason: notReadyReason, message: notReadyMessage, lastProbeTime: null }, now);
        conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, now);
        if (rt.terminal?.reason === 'Evicted') conditions = setCondition(conditions, { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: rt.terminal.message }, now);
        for (const c of conditions) if (c.message === undefined) delete c.message;
        for (const c of conditions) if (c.reason === undefined) delete c.reason;
        status.conditions = conditions;
        status.phase = phase;
        status.hostIP = this.nodeIP(node.name);
        status.hostIPs = [{ ip: status.hostIP }];
        if (rt.podIP) {
          status.podIP = rt.podIP;
          status.podIPs = [{ ip: rt.podIP }];
        }
        status.startTime ??= rfc3339(now);
        status.qosClass ??= qosClass(pod);
        if (rt.terminal) {
          status.reason = rt.terminal.reason;
          status.message = rt.terminal.message;
        }
        if (spec.initContainers?.length) {
          status.initContainerStatuses = spec.initContainers.map((c) => ({
            name: c.name,
            image: c.image,
            imageID: '',
            ready: rt.initDone,
            restartCount: 0,
            started: false,
            state: rt.initDone ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: time(now), finishedAt: time(now) } } : { waiting: { reason: 'PodInitializing' } },
          }));
        }
        status.containerStatuses = (spec.containers ?? []).map(containerStatus);
        obj.status = status;
      });
    } finally {
      rt.writing = false;
    }
  }

  private nodeIP(name: string): string {
    const node = this.ctx.store.get(resourceTypes.nodes, undefined, name) as unknown as Node | undefined;
    return node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
  }
}

/** Pod QoS class as the API server computes it. */
export function qosClass(pod: Pod): string {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = (c.resources?.requests ?? {}) as Record<string, string>;
    const lim = (c.resources?.limits ?? {}) as Record<string, string>;
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (!lim[r] || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
