/**
 * Gangs of distributed jobs: Volcano PodGroups that cannot be placed, that can never reach
 * minMember, or whose hard network-topology constraint is violated; and distributed jobs without
 * gang scheduling that are only partly running (the running workers hold GPUs while waiting).
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { Node, ObjectRef, Pod, PodGroup } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, eventLine, isActivePod, kubectl, kubectlRef, label, statusLine } from '../util.js';
import { acceleratorRequests, isAcceleratorResource, unschedulablePods } from '../scheduling/pending.js';
import { aiWorkloadOf } from './devices.js';

/** Annotations by which pods join a PodGroup (Volcano and the coscheduling plugin). */
const GROUP_KEYS = ['scheduling.k8s.io/group-name', 'scheduling.volcano.sh/group-name'];
const GROUP_LABELS = ['scheduling.x-k8s.io/pod-group', 'pod-group.scheduling.sigs.k8s.io'];

function groupOf(pod: Pod): string | undefined {
  for (const k of GROUP_KEYS) if (pod.metadata.annotations?.[k]) return pod.metadata.annotations[k];
  for (const k of GROUP_LABELS) if (pod.metadata.labels?.[k]) return pod.metadata.labels[k];
  return undefined;
}

const membersCache = new WeakMap<ClusterState, Map<string, Pod[]>>();

/** Pods of each PodGroup, keyed `namespace/name`. */
function members(state: ClusterState): Map<string, Pod[]> {
  let index = membersCache.get(state);
  if (index) return index;
  index = new Map();
  for (const pod of state.pods) {
    const g = groupOf(pod);
    if (!g) continue;
    const key = `${pod.metadata.namespace ?? 'default'}/${g}`;
    const list = index.get(key);
    if (list) list.push(pod);
    else index.set(key, [pod]);
  }
  membersCache.set(state, index);
  return index;
}

function podsOfGroup(state: ClusterState, pg: PodGroup): Pod[] {
  return members(state).get(`${pg.metadata.namespace ?? 'default'}/${pg.metadata.name}`) ?? [];
}

/** What a person edits for a gang: the job that owns the PodGroup (Volcano Job, PyTorchJob...), else the PodGroup. */
function gangOwner(state: ClusterState, pg: PodGroup): ObjectRef {
  const owner = state.controllerRef(pg);
  if (owner) return owner;
  const pod = podsOfGroup(state, pg)[0];
  return pod ? aiWorkloadOf(state, pod) : refOf(pg);
}

const podGroups = (state: ClusterState) => state.list<PodGroup>('PodGroup');

function tooFewTasks(state: ClusterState, pg: PodGroup): boolean {
  const min = pg.spec?.minMember ?? 1;
  const notEnough = (pg.status?.conditions ?? []).some((c) => c.reason === 'NotEnoughTasks' || c.reason === 'NotEnoughPods');
  const count = podsOfGroup(state, pg).filter(isActivePod).length + (pg.status?.succeeded ?? 0);
  return notEnough || (state.hasKind('Pod') && count < min && ageSeconds(state, pg.metadata.creationTimestamp) > 300);
}

export const gangUnschedulableScenario: Scenario = {
  id: 'accelerator.gang-unschedulable',
  category: 'accelerator',
  severity: 'critical',
  hops: 2,
  title: 'Gang cannot be placed: PodGroup minMember not met',
  description:
    'A Volcano PodGroup needs minMember pods placed together, and the scheduler cannot find room for all of them, so none starts: ' +
    'condition Unschedulable, reason NotEnoughResources, "3/4 tasks in gang unschedulable: pod group is not ready, 1 Running, 3 ' +
    'Pending, 4 minAvailable; Pending: 3 Unschedulable. Origin reason is worker-1: 0/4 nodes are unavailable: 4 Insufficient ' +
    'nvidia.com/gpu." Fix: lower minMember/replicas to what the cluster can hold, free GPUs, or raise the queue\'s capacity.',
  detect(state) {
    const detections: Detection[] = [];
    for (const pg of podGroups(state)) {
      const phase = pg.status?.phase ?? 'Pending';
      if (!['Pending', 'Inqueue', 'Unknown'].includes(phase) || tooFewTasks(state, pg)) continue;
      const cond = (pg.status?.conditions ?? []).find((c) => c.type === 'Unschedulable' && c.status === 'True');
      const events = state.eventsFor(refOf(pg)).filter((e) => e.reason === 'Unschedulable' || /tasks in gang unschedulable/.test(e.message ?? ''));
      if (!cond && events.length === 0) continue;
      if (ageSeconds(state, pg.metadata.creationTimestamp) < 120) continue;
      const owner = gangOwner(state, pg);
      const pods = podsOfGroup(state, pg);
      detections.push({
        resource: refOf(pg),
        rootCause: owner,
        affected: [refOf(pg), ...pods.map(refOf)],
        title: `${owner.kind} ${displayName(owner)}: gang of ${pg.spec?.minMember ?? '?'} cannot be placed together`,
        explanation: `PodGroup ${displayName(refOf(pg))} needs ${pg.spec?.minMember ?? '?'} pods scheduled at once (phase ${phase}); the cluster has no room for all of them, so none of its ${pods.length} pod(s) starts.`,
        evidence: [
          ...(cond ? [statusLine(pg, `condition Unschedulable=True reason=${cond.reason ?? ''}: ${cond.message ?? ''}`)] : []),
          ...events.slice(0, 1).map((e) => eventLine(pg, e)),
          `${label(pg)}: spec.minMember=${pg.spec?.minMember ?? '?'}, queue=${pg.spec?.queue ?? 'default'}${pg.spec?.minResources ? `, minResources=${JSON.stringify(pg.spec.minResources)}` : ''}`,
        ],
        remediation: [`${kubectl(owner.namespace, `edit ${kubectlRef(owner)}`)}  # fewer workers / GPUs per worker, or lower minAvailable`, 'free accelerators or raise the queue capacity: kubectl get queue -o yaml'],
        confidence: 0.9,
      });
    }
    return detections;
  },
};

export const gangTooFewTasksScenario: Scenario = {
  id: 'accelerator.gang-min-member-exceeds-tasks',
  category: 'accelerator',
  severity: 'critical',
  hops: 2,
  title: 'PodGroup minMember is larger than the pods the job creates',
  description:
    'The PodGroup requires more members (minMember) than the job has pods (replicas across tasks), so the gang can never be ' +
    'complete and stays Pending (Volcano reports NotEnoughTasks). Usually minAvailable was not updated when replicas changed. ' +
    'Fix: set minAvailable/minMember ≤ the total number of replicas.',
  detect(state) {
    const detections: Detection[] = [];
    for (const pg of podGroups(state)) {
      const phase = pg.status?.phase ?? 'Pending';
      if (phase === 'Running' || phase === 'Completed' || !tooFewTasks(state, pg)) continue;
      const owner = gangOwner(state, pg);
      const pods = podsOfGroup(state, pg).filter(isActivePod);
      detections.push({
        resource: refOf(pg),
        rootCause: owner,
        affected: [refOf(pg), ...pods.map(refOf)],
        title: `${owner.kind} ${displayName(owner)}: minMember ${pg.spec?.minMember ?? '?'} but only ${pods.length} pod(s)`,
        explanation: `PodGroup ${displayName(refOf(pg))} waits for ${pg.spec?.minMember ?? '?'} members, but the job created ${pods.length}; the gang can never start.`,
        evidence: [`${label(pg)}: spec.minMember=${pg.spec?.minMember ?? '?'}, member pods=${pods.length}, phase=${phase}`,
          ...(pg.status?.conditions ?? []).filter((c) => c.reason === 'NotEnoughTasks' || c.reason === 'NotEnoughPods').map((c) => statusLine(pg, `condition ${c.type}=${c.status} reason=${c.reason}: ${c.message ?? ''}`))],
        remediation: [`${kubectl(owner.namespace, `edit ${kubectlRef(owner)}`)}  # minAvailable ≤ total replicas (${pods.length})`],
        confidence: 0.9,
      });
    }
    return detections;
  },
};

/** Topology tiers from the tightest to the widest (DESIGN §6). */
const TIERS = ['volcano.sh/hypernode', 'nakhoda.io/rack', 'nakhoda.io/spine', 'topology.kubernetes.io/zone'];

export const gangSpreadScenario: Scenario = {
  id: 'accelerator.gang-spread-across-topology',
  category: 'accelerator',
  severity: 'warning',
  title: 'Gang placed across topology tiers it must not cross',
  description:
    'A PodGroup with networkTopology mode: hard and highestTierAllowed N must have all its pods inside one topology domain of tier ≤ N ' +
    '(hypernode, rack, spine...), but its running pods are on nodes in different domains — placed by another scheduler, or the node ' +
    'labels changed. Collective operations then cross the slower tiers. Fix: reschedule the gang (delete its pods) with the ' +
    'topology-aware scheduler, and check the nodes\' topology labels.',
  detect(state) {
    const detections: Detection[] = [];
    for (const pg of podGroups(state)) {
      const topo = pg.spec?.networkTopology;
      if (topo?.mode !== 'hard') continue;
      const allowed = Math.max(1, topo.highestTierAllowed ?? 1);
      const placed = podsOfGroup(state, pg).filter((p) => isActivePod(p) && p.spec?.nodeName);
      const nodes = placed.map((p) => state.node(p.spec!.nodeName)).filter((n): n is Node => !!n);
      if (nodes.length < 2) continue;
      const tiers = TIERS.slice(0, allowed);
      const together = tiers.some((key) => {
        const values = new Set(nodes.map((n) => n.metadata.labels?.[key]));
        return values.size === 1 && !values.has(undefined);
      });
      if (together) continue;
      const owner = gangOwner(state, pg);
      const spread = tiers.map((key) => `${key}: ${[...new Set(nodes.map((n) => n.metadata.labels?.[key] ?? '(none)'))].join(', ')}`);
      detections.push({
        resource: refOf(pg),
        rootCause: owner,
        affected: [refOf(pg), ...placed.map(refOf)],
        title: `${owner.kind} ${displayName(owner)}: gang spans more than tier ${allowed}`,
        explanation: `PodGroup ${displayName(refOf(pg))} requires (networkTopology hard, highestTierAllowed ${allowed}) that all pods share one domain of ${tiers.join(' or ')}; its ${placed.length} pods run on ${new Set(nodes.map((n) => n.metadata.name)).size} nodes in different domains.`,
        evidence: [`${label(pg)}: networkTopology mode=hard highestTierAllowed=${allowed}`, ...placed.slice(0, 4).map((p) => `${label(p)} on ${p.spec?.nodeName}`), `Node topology — ${spread.join('; ')}`],
        remediation: [`${kubectl(pg.metadata.namespace, `delete pod ${placed.map((p) => p.metadata.name).slice(0, 4).join(' ')}`)}  # let the topology-aware scheduler place the gang again`, 'check the topology labels of the nodes (kubectl get nodes -L volcano.sh/hypernode,nakhoda.io/rack)'],
        confidence: 0.85,
      });
    }
    return detections;
  },
};

/** Cheap check, for scans over every pod: does any container name an accelerator resource? */
function requestsAccelerator(pod: Pod): boolean {
  return (pod.spec?.containers ?? []).some((c) => Object.keys(c.resources?.limits ?? {}).some(isAcceleratorResource) || Object.keys(c.resources?.requests ?? {}).some(isAcceleratorResource));
}

const DISTRIBUTED = /torchrun|torch\.distributed|deepspeed|mpirun|horovodrun|accelerate launch|--nnodes|MASTER_ADDR|--rdzv/;

/** A training CR (PyTorchJob, MPIJob...) or pods that launch a distributed run. */
function isDistributed(workload: ObjectRef, pod: Pod): boolean {
  if (!['Deployment', 'ReplicaSet', 'StatefulSet', 'Job', 'Pod', 'DaemonSet'].includes(workload.kind)) return true;
  if (workload.kind === 'Deployment' || workload.kind === 'DaemonSet') return false;
  return (pod.spec?.containers ?? []).some((c) => DISTRIBUTED.test([...(c.command ?? []), ...(c.args ?? []), ...(c.env ?? []).map((e) => e.name)].join(' ')));
}

export const partialGangScenario: Scenario = {
  id: 'accelerator.distributed-job-partially-placed',
  category: 'accelerator',
  severity: 'warning',
  title: 'Distributed job only partly placed: running workers hold GPUs while others wait',
  description:
    'Some pods of a multi-worker training job run (holding their GPUs) while others cannot be scheduled, and the job is not ' +
    'gang-scheduled (no PodGroup). The running workers idle in the rendezvous until it times out, and two such jobs can deadlock ' +
    'each other. Fix: use gang scheduling (Volcano/Kueue/coscheduling PodGroup with minMember = workers) or free capacity.',
  detect(state) {
    const pending = unschedulablePods(state).filter((u) => acceleratorRequests(u.pod).length > 0 && !groupOf(u.pod));
    if (pending.length === 0) return [];
    const jobs = new Map<string, { workload: ObjectRef; waiting: Pod[]; running: Pod[] }>();
    const keyOf = (w: ObjectRef) => `${w.kind}/${w.namespace}/${w.name}`;
    for (const u of pending) {
      const w = aiWorkloadOf(state, u.pod);
      const entry = jobs.get(keyOf(w)) ?? { workload: w, waiting: [], running: [] };
      entry.waiting.push(u.pod);
      jobs.set(keyOf(w), entry);
    }
    // Running accelerator pods of the same jobs (the job object itself may be a CRD absent from the input).
    for (const ns of new Set([...jobs.values()].map((j) => j.workload.namespace ?? 'default'))) {
      for (const pod of state.podsInNamespace(ns)) {
        if (pod.status?.phase !== 'Running' || !pod.spec?.nodeName || !requestsAccelerator(pod) || groupOf(pod)) continue;
        const entry = jobs.get(keyOf(aiWorkloadOf(state, pod)));
        if (entry) entry.running.push(pod);
      }
    }
    const detections: Detection[] = [];
    for (const { workload, waiting, running } of jobs.values()) {
      // Independent replicas (a Deployment, a plain parallel Job) are not one distributed job.
      if (running.length === 0 || !isDistributed(workload, running[0])) continue;
      detections.push({
        resource: refOf(running[0]),
        rootCause: workload,
        affected: [...running.slice(1), ...waiting].map(refOf),
        title: `${workload.kind} ${displayName(workload)}: ${running.length} worker(s) run, ${waiting.length} cannot be placed`,
        explanation: `${running.length} pod(s) of ${workload.kind} ${displayName(workload)} hold their accelerators while ${waiting.length} other(s) stay Pending; without gang scheduling the running workers wait in the rendezvous and waste GPUs.`,
        evidence: [...running.slice(0, 2).map((p) => `${label(p)}: Running on ${p.spec?.nodeName}`), ...waiting.slice(0, 2).map((p) => `${label(p)}: Pending`)],
        remediation: ['gang-schedule the job: schedulerName: volcano with a PodGroup (minMember = number of workers), or Kueue', `${kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)}  # or fewer workers so all fit`],
        confidence: 0.8,
      });
    }
    return detections;
  },
};
