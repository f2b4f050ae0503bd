/**
 * The live scheduler: a thin adapter around `planCycle`. Each cycle it lists nodes, pods,
 * PodGroups and HyperNodes, lets the pure planner decide, then records each pod's devices
 * (annotation), binds it through pods/binding, and reports Scheduled / FailedScheduling
 * events and PodGroup status. State is rebuilt from the API every cycle, so a restart (or a
 * new leader) continues where the last one stopped and a recorded GPU is never handed out
 * twice. Only the holder of the Lease schedules.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterUnreachableError } from '../errors.js';
import { DEFAULT_TIER_LABELS, type HyperNodeObject } from './topology.js';
import {
  DEVICES_ANNOTATION,
  planCycle,
  type BindDecision,
  type ClusterView,
  type CyclePlan,
  type NodeObject,
  type PlanOptions,
  type PodGroupObject,
  type PodObject,
} from './kube.js';

export interface LiveSchedulerOptions extends Partial<PlanOptions> {
  /** Namespace and name of the leader-election Lease. */
  readonly leaseNamespace?: string;
  readonly leaseName?: string;
  /** Defaults to hostname plus a random suffix. */
  readonly identity?: string;
  readonly leaseDurationSeconds?: number;
  /** Pause between cycles. */
  readonly intervalMs?: number;
  readonly log?: (line: string) => void;
}

export interface LiveScheduler {
  readonly identity: string;
  /** Whether this instance holds the Lease (after its last attempt). */
  isLeader(): boolean;
  /** One cycle now (if leader); resolves with what it did. */
  runOnce(): Promise<CyclePlan | undefined>;
  /** Stops the loop and releases the Lease. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (stop() or a fatal error, which it rejects with). */
  readonly done: Promise<void>;
}

const clientLibrary = () => import('@kubernetes/client-node');

/** HTTP status of a client-node error, if it carries one. */
function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } };
  for (const v of [e.code, e.statusCode, e.response?.statusCode]) if (typeof v === 'number') return v;
  return undefined;
}

function itemsOf<T>(list: unknown): T[] {
  return ((list as { items?: T[] } | undefined)?.items ?? []) as T[];
}

export async function startLiveScheduler(kc: KubeConfig, options: LiveSchedulerOptions = {}): Promise<LiveScheduler> {
  const k8s = await clientLibrary();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const plan: PlanOptions = {
    schedulerName: options.schedulerName ?? 'nakhoda',
    tierLabels: options.tierLabels ?? DEFAULT_TIER_LABELS,
    gpuResources: options.gpuResources ?? ['nvidia.com/gpu'],
    policy: options.policy ?? 'nakhoda',
    seed: options.seed ?? 1,
  };
  const identity = options.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
  const leaseNamespace = options.leaseNamespace ?? 'kube-system';
  const leaseName = options.leaseName ?? 'nakhoda-scheduler';
  const leaseSeconds = options.leaseDurationSeconds ?? 15;
  const log = options.log ?? (() => undefined);
  const reported = new Map<string, string>();
  let leader = false;
  let stopped = false;
  let wake: (() => void) | undefined;

  const listOptional = async <T>(list: () => Promise<unknown>): Promise<T[]> => {
    try {
      return itemsOf<T>(await list());
    } catch (err) {
      if (statusOf(err) === 404) return []; // Volcano CRDs not installed
      throw err;
    }
  };

  async function readView(): Promise<ClusterView> {
    const [nodes, pods, podGroups, hyperNodes] = await Promise.all([
      core.listNode().then((l) => itemsOf<NodeObject>(l)),
      core.listPodForAllNamespaces().then((l) => itemsOf<PodObject>(l)),
      listOptional<PodGroupObject>(() => custom.listCustomObjectForAllNamespaces({ group: 'scheduling.volcano.sh', version: 'v1beta1', plural: 'podgroups' })),
      listOptional<HyperNodeObject>(() => custom.listClusterCustomObject({ group: 'topology.volcano.sh', version: 'v1alpha1', plural: 'hypernodes' })),
    ]);
    return { nodes, pods, podGroups, hyperNodes };
  }

  async function recordEvent(pod: { namespace: string; name: string; uid: string }, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = new Date();
    try {
      await core.createNamespacedEvent({
        namespace: pod.namespace,
        body: {
          metadata: { name: `${pod.name}.${randomBytes(8).toString('hex')}`, namespace: pod.namespace },
          involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid },
          reason,
          message,
          type,
          source: { component: plan.schedulerName },
          reportingComponent: plan.schedulerName,
          reportingInstance: identity,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      log(`event ${reason} for ${pod.namespace}/${pod.name} not recorded: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /** Record the devices, then bind; a 409 means someone bound it first, which the next cycle sees. */
  async function bind(decision: BindDecision): Promise<boolean> {
    try {
      await objects.patch(
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: decision.name, namespace: decision.namespace, annotations: { [DEVICES_ANNOTATION]: decision.devices.join(',') } } },
        undefined,
        undefined,
        plan.schedulerName,
        undefined,
        k8s.PatchStrategy.MergePatch,
      );
      await core.createNamespacedPodBinding({
        name: decision.name,
        namespace: decision.namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: decision.name, namespace: decision.namespace, uid: decision.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: decision.node },
        },
      });
    } catch (err) {
      const status = statusOf(err);
      if (status === 409 || status === 404) {
        log(`bind ${decision.namespace}/${decision.name}: ${status === 409 ? 'already bound' : 'pod is gone'}; re-planning next cycle`);
        return false;
      }
      throw err;
    }
    const devices = decision.devices.length > 0 ? ` (GPU devices ${decision.devices.join(',')})` : '';
    await recordEvent(decision, 'Normal', 'Scheduled', `Successfully assigned ${decision.namespace}/${decision.name} to ${decision.node}${devices}`);
    reported.delete(decision.uid);
    return true;
  }

  async function setGroupStatus(namespace: string, name: string, phase: string, message: string): Promise<void> {
    const keyOf = `pg:${namespace}/${name}`;
    if (reported.get(keyOf) === `${phase}:${message}`) return;
    const unschedulable = phase === 'Pending';
    const body = {
      status: {
        phase,
        conditions: [
          {
            type: unschedulable ? 'Unschedulable' : 'Scheduled',
            status: 'True',
            reason: unschedulable ? 'NotEnoughResources' : 'Scheduled',
            message,
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    };
    try {
      await custom.patchNamespacedCustomObjectStatus({ group: 'scheduling.volcano.sh', version: 'v1beta1', namespace, plural: 'podgroups', name, body }, mergePatch);
      reported.set(keyOf, `${phase}:${message}`);
    } catch (err) {
      log(`PodGroup ${namespace}/${name} status not updated: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /** Take or renew the Lease; true while we hold it. */
  async function holdLease(): Promise<boolean> {
    const now = new Date();
    const spec = { holderIdentity: identity, leaseDurationSeconds: leaseSeconds, renewTime: now.toISOString() };
    const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: leaseName, namespace: leaseNamespace } };
    try {
      const lease = (await objects.read(ref)) as { metadata: { resourceVersion?: string }; spec?: { holderIdentity?: string; renewTime?: string | Date; leaseDurationSeconds?: number; acquireTime?: string | Date; leaseTransitions?: number } };
      const current = lease.spec ?? {};
      const expires = new Date(current.renewTime ?? 0).getTime() + (current.leaseDurationSeconds ?? leaseSeconds) * 1000;
      const ours = current.holderIdentity === identity;
      if (!ours && current.holderIdentity && expires > now.getTime()) return false;
      await objects.replace({
        ...ref,
        metadata: { ...ref.metadata, resourceVersion: lease.metadata.resourceVersion },
        spec: {
          ...current,
          ...spec,
          acquireTime: ours ? current.acquireTime : now.toISOString(),
          leaseTransitions: (current.leaseTransitions ?? 0) + (ours ? 0 : 1),
        },
      } as never);
      return true;
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) {
        try {
          await objects.create({ ...ref, spec: { ...spec, acquireTime: now.toISOString(), leaseTransitions: 0 } } as never);
          return true;
        } catch (createErr) {
          if (statusOf(createErr) === 409) return false; // another instance created it first
          throw createErr;
        }
      }
      if (status === 409) return false; // lost a concurrent renewal
      throw err;
    }
  }

  async function runOnce(): Promise<CyclePlan | undefined> {
    const wasLeader = leader;
    leader = await holdLease();
    if (leader !== wasLeader) log(leader ? `${identity} is the leader` : `${identity} is not the leader`);
    if (!leader) return undefined;
    const decided = planCycle(await readView(), plan);
    for (const decision of decided.binds) await bind(decision);
    for (const failure of decided.failures) {
      if (reported.get(failure.uid) === failure.message) continue; // one event per distinct reason
      reported.set(failure.uid, failure.message);
      await recordEvent(failure, 'Warning', 'FailedScheduling', failure.message);
    }
    for (const group of decided.groups) await setGroupStatus(group.namespace, group.name, group.phase, group.message);
    if (decided.binds.length > 0) log(`bound ${decided.binds.length} pod(s)`);
    return decided;
  }

  const interval = options.intervalMs ?? 1000;
  const done = (async () => {
    while (!stopped) {
      try {
        await runOnce();
      } catch (err) {
        const status = statusOf(err);
        if (status === 401 || status === 403) {
          stopped = true;
          throw new ClusterUnreachableError(`the API server refused the scheduler (${status}); check the kubeconfig's credentials and the ClusterRole in manifests/scheduler`);
        }
        log(`cycle failed, retrying: ${(err as Error).message.split('\n')[0]}`);
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, interval);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    identity,
    isLeader: () => leader,
    runOnce,
    async stop() {
      stopped = true;
      wake?.();
      await done.catch(() => undefined);
      if (leader) {
        // hand the Lease over at once instead of making the next leader wait for expiry
        try {
          const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: leaseName, namespace: leaseNamespace } };
          const lease = (await objects.read(ref)) as { metadata: { resourceVersion?: string }; spec?: Record<string, unknown> };
          if (lease.spec?.['holderIdentity'] === identity) {
            await objects.replace({ ...ref, metadata: { ...ref.metadata, resourceVersion: lease.metadata.resourceVersion }, spec: { ...lease.spec, holderIdentity: '', renewTime: new Date(0).toISOString() } } as never);
          }
        } catch {
          // best effort: the Lease expires on its own
        }
        leader = false;
      }
    },
    done,
  };
}
