import type { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { ClusterUnreachableError } from '../../errors.js';
import { createPolicy } from '../policies/index.js';
import type { Decision, PolicyRunner } from '../policies/types.js';
import { buildObservation, type CounterMemory } from './metrics.js';
import { podsSource, prometheusSource, type MetricSource } from './sources.js';
import {
  AUTOSCALER_GROUP,
  AUTOSCALER_KIND,
  AUTOSCALER_PLURAL,
  AUTOSCALER_VERSION,
  parseAutoscalerSpec,
  type InferenceAutoscalerSpec,
} from './spec.js';

const COMPONENT = 'nakhoda-autoscaler';

interface AutoscalerObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid?: string; generation?: number; resourceVersion?: string };
  spec: unknown;
  status?: Record<string, unknown>;
}

/** What the controller keeps per InferenceAutoscaler between syncs (adapter state, not policy state). */
interface Tracked {
  generation: number | undefined;
  spec: InferenceAutoscalerSpec;
  policy: PolicyRunner;
  source: MetricSource;
  memory: CounterMemory | undefined;
  lastSync: number;
  /** The last hold reason announced, so a lasting hold is reported once, not every sync. */
  announcedHold: string | undefined;
  /** The last reconcile error logged, for the same reason. */
  lastError?: string;
  invalid: string | undefined;
}

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  /** One line per decision, hold or problem (the CLI prints them). */
  log: (line: string) => void;
  /** How often the controller looks at its autoscalers, seconds. */
  tickSeconds?: number;
  /** Monotonic clock in seconds; replaceable for tests. */
  now?: () => number;
}

export interface RunningController {
  stop(): Promise<void>;
  /** Resolves after the next full pass over all autoscalers (tests use it to wait). */
  nextPass(): Promise<void>;
}

/**
 * Reconciles InferenceAutoscalers: every tick each one whose policy is due reads its metrics,
 * asks the policy (the same pure code replay uses), scales the target through its `scale`
 * subresource when the answer differs, records an Event explaining the decision, and writes
 * status. Missing metrics make the policy hold; the hold is announced once.
 */
export async function startController(options: ControllerOptions): Promise<RunningController> {
  // The client library is large; it is loaded only when the live controller starts.
  const k8s = await import('@kubernetes/client-node');
  const kc = options.kubeConfig;
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const now = options.now ?? (() => performance.now() / 1000);
  const tracked = new Map<string, Tracked>();
  const tickMs = (options.tickSeconds ?? 1) * 1000;
  let stopped = false;
  let waiters: Array<() => void> = [];

  // Fail early, in one line, when the cluster cannot be reached or the CRD is not installed.
  await listAutoscalers(custom).catch((err: unknown) => {
    throw new ClusterUnreachableError(`cannot list ${AUTOSCALER_PLURAL}.${AUTOSCALER_GROUP}: ${describeError(err)} (is manifests/autoscaler/crd.yaml applied?)`);
  });

  const pass = async () => {
    let objects: AutoscalerObject[];
    try {
      objects = await listAutoscalers(custom);
    } catch (err) {
      options.log(`cannot list ${AUTOSCALER_PLURAL}: ${describeError(err)}`);
      return;
    }
    const seen = new Set<string>();
    for (const object of objects) {
      const key = `${object.metadata.namespace}/${object.metadata.name}`;
      seen.add(key);
      try {
        await reconcile(object, key);
        const entry = tracked.get(key);
        if (entry) entry.lastError = undefined;
      } catch (err) {
        const message = `${key}: ${describeError(err)}`;
        const entry = tracked.get(key);
        if (entry?.lastError !== message) options.log(message);
        if (entry) entry.lastError = message;
      }
    }
    for (const key of tracked.keys()) if (!seen.has(key)) tracked.delete(key);
  };

  const reconcile = async (object: AutoscalerObject, key: string) => {
    let entry = tracked.get(key);
    if (!entry || entry.generation !== object.metadata.generation) {
      const parsed = parseAutoscalerSpec(object.spec, `${AUTOSCALER_KIND} ${key}`);
      if ('error' in parsed) {
        if (entry?.invalid !== parsed.error) {
          options.log(parsed.error);
          await recordEvent(core, object, 'Warning', 'InvalidSpec', parsed.error);
        }
        tracked.set(key, { ...(entry as Tracked), generation: object.metadata.generation, invalid: parsed.error });
        return;
      }
      const { spec, model } = parsed;
      entry = {
        generation: object.metadata.generation,
        spec,
        policy: createPolicy(spec.policy, {
          model,
          sloTtftSeconds: spec.sloTtftSeconds,
          bounds: { minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas },
          nakhoda: spec.nakhoda,
        }),
        source:
          'prometheus' in spec.metrics
            ? prometheusSource(spec.metrics.prometheus.url, spec.metrics.prometheus.selector)
            : podsSource(() => readyPods(core, apps, object.metadata.namespace, spec), spec.metrics.pods.port, spec.metrics.pods.path),
        memory: undefined,
        lastSync: -Infinity,
        announcedHold: undefined,
        invalid: undefined,
      };
      tracked.set(key, entry);
    }
    if (entry.invalid) return;
    const time = now();
    if (time - entry.lastSync < entry.policy.syncPeriodSeconds - 1e-3) return;
    entry.lastSync = time;

    const { spec } = entry;
    const namespace = object.metadata.namespace;
    const target = await readTarget(apps, namespace, spec);
    const fetched = await entry.source.fetchSamples();
    const built = buildObservation(fetched.samples, entry.memory, {
      time,
      specReplicas: target.specReplicas,
      readyReplicas: target.readyReplicas,
      sloTtftSeconds: spec.sloTtftSeconds,
    });
    // Rates need two scrapes: the first one with data only records the counters. An empty
    // scrape keeps the previous counters, so the next increase spans the gap.
    const firstScrape = entry.memory === undefined && fetched.samples.length > 0;
    if (fetched.samples.length > 0) entry.memory = built.memory;
    if (firstScrape) return;
    const decision = entry.policy.decide(built.observation);
    const reason = fetched.problem && decision.held ? `${decision.reason} (${fetched.problem})` : decision.reason;
    const targetName = `${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}`;

    if (decision.held) {
      if (entry.announcedHold !== reason) {
        entry.announcedHold = reason;
        options.log(`${key}: ${reason}`);
        await recordEvent(core, object, 'Warning', 'MetricsUnavailable', reason);
      }
    } else if (entry.announcedHold !== undefined) {
      entry.announcedHold = undefined;
      options.log(`${key}: metrics available again`);
      await recordEvent(core, object, 'Normal', 'MetricsAvailable', `metrics from ${entry.source.describe()} are available again`);
    }
    if (decision.replicas !== target.specReplicas) {
      await scaleTarget(apps, namespace, spec, decision.replicas);
      const message = `New size: ${decision.replicas}; reason: ${reason}`;
      options.log(`${key}: scaled ${targetName} from ${target.specReplicas} to ${decision.replicas}: ${reason}`);
      await recordEvent(core, object, 'Normal', 'SuccessfulRescale', message);
    }
    await writeStatus(custom, mergePatch, object, target.specReplicas, target.readyReplicas, decision, reason);
  };

  const loop = async () => {
    while (!stopped) {
      await pass();
      const current = waiters;
      waiters = [];
      for (const resolve of current) resolve();
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      await running;
    },
    nextPass: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

async function listAutoscalers(custom: CustomObjectsApi): Promise<AutoscalerObject[]> {
  const list = (await custom.listClusterCustomObject({ group: AUTOSCALER_GROUP, version: AUTOSCALER_VERSION, plural: AUTOSCALER_PLURAL })) as {
    items?: AutoscalerObject[];
  };
  return list.items ?? [];
}

async function readTarget(apps: AppsV1Api, namespace: string, spec: InferenceAutoscalerSpec): Promise<{ specReplicas: number; readyReplicas: number; selector: Record<string, string> }> {
  const name = spec.scaleTargetRef.name;
  const workload: V1Deployment | V1StatefulSet =
    spec.scaleTargetRef.kind === 'Deployment'
      ? await apps.readNamespacedDeployment({ name, namespace })
      : await apps.readNamespacedStatefulSet({ name, namespace });
  return {
    specReplicas: workload.spec?.replicas ?? 1,
    readyReplicas: workload.status?.readyReplicas ?? 0,
    selector: workload.spec?.selector?.matchLabels ?? {},
  };
}

async function scaleTarget(apps: AppsV1Api, namespace: string, spec: InferenceAutoscalerSpec, replicas: number): Promise<void> {
  const name = spec.scaleTargetRef.name;
  const body = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace }, spec: { replicas } };
  if (spec.scaleTargetRef.kind === 'Deployment') await apps.replaceNamespacedDeploymentScale({ name, namespace, body });
  else await apps.replaceNamespacedStatefulSetScale({ name, namespace, body });
}

async function readyPods(core: CoreV1Api, apps: AppsV1Api, namespace: string, spec: InferenceAutoscalerSpec): Promise<Array<{ name: string; ip: string }>> {
  const { selector } = await readTarget(apps, namespace, spec);
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await core.listNamespacedPod({ namespace, labelSelector });
  return pods.items
    .filter((p) => p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => ({ name: p.metadata?.name ?? '', ip: p.status!.podIP! }));
}

async function recordEvent(core: CoreV1Api, object: AutoscalerObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  const timestamp = new Date();
  await core.createNamespacedEvent({
    namespace: object.metadata.namespace,
    body: {
      metadata: { generateName: `${object.metadata.name}.`, namespace: object.metadata.namespace },
      involvedObject: {
        apiVersion: `${AUTOSCALER_GROUP}/${AUTOSCALER_VERSION}`,
        kind: AUTOSCALER_KIND,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      reportingInstance: COMPONENT,
    },
  });
}

async function writeStatus(
  custom: CustomObjectsApi,
  mergePatch: Parameters<CustomObjectsApi['patchNamespacedCustomObjectStatus']>[1],
  object: AutoscalerObject,
  currentReplicas: number,
  readyReplicas: number,
  decision: Decision,
  reason: string,
): Promise<void> {
  const status = {
    observedGeneration: object.metadata.generation,
    currentReplicas,
    readyReplicas,
    desiredReplicas: decision.replicas,
    lastDecision: reason,
    metricsAvailable: !decision.held,
    ...(decision.replicas !== currentReplicas ? { lastScaleTime: new Date().toISOString() } : { lastScaleTime: object.status?.lastScaleTime }),
  };
  try {
    await custom.patchNamespacedCustomObjectStatus(
      {
        group: AUTOSCALER_GROUP,
        version: AUTOSCALER_VERSION,
        namespace: object.metadata.namespace,
        plural: AUTOSCALER_PLURAL,
        name: object.metadata.name,
        body: { status },
      },
      mergePatch,
    );
  } catch {
    // Status is informational; the Event already explains the decision.
  }
}

function describeError(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (typeof e.code === 'number') {
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
    const message = /"message":"([^"]*)"/.exec(body)?.[1];
    return `HTTP ${e.code}${message ? `: ${message}` : ''}`;
  }
  return (e.message ?? String(err)).split('\n')[0]!;
}
