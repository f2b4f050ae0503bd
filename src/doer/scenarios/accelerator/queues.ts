/**
 * Batch queues in front of the scheduler (Kueue): AI jobs that are never admitted because the
 * queue's accelerator quota cannot hold them. Kueue keeps the job suspended and records the
 * reason on its Workload object ("couldn't assign flavors to pod set main: insufficient quota for
 * nvidia.com/gpu in flavor a100, request > maximum capacity"). Workload objects are rarely in a
 * snapshot, so the reason is read from the events about them.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName } from '../../../cluster/state.js';
import type { Event, ObjectRef } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, eventLine, kubectl, kubectlRef } from '../util.js';
import { isAcceleratorResource } from '../scheduling/pending.js';

const FLAVOR_FAILURE = /couldn't assign flavors to pod set ([^:]+): (.*)/;
const QUOTA_RESOURCE = /(?:insufficient (?:unused )?quota for|borrowing limit for|resource) (\S+)/;

/** Kueue names a Workload `<owner kind, lower case>-<owner name>-<5-char hash>`. */
const OWNER_KINDS = ['Job', 'PyTorchJob', 'TFJob', 'MPIJob', 'XGBoostJob', 'PaddleJob', 'JAXJob', 'TrainJob', 'JobSet', 'RayJob', 'RayCluster', 'Deployment', 'StatefulSet', 'LeaderWorkerSet', 'Pod', 'AppWrapper'];

function ownerOfWorkload(state: ClusterState, namespace: string | undefined, workloadName: string): ObjectRef | undefined {
  const m = /^([a-z]+)-(.+)-[0-9a-z]{5}$/.exec(workloadName);
  if (!m) return undefined;
  const kind = OWNER_KINDS.find((k) => k.toLowerCase() === m[1]);
  if (!kind) return undefined;
  const found = state.get(kind, namespace, m[2]);
  return { kind, namespace: found?.metadata.namespace ?? namespace, name: m[2] };
}

export const kueueQuotaScenario: Scenario = {
  id: 'accelerator.queue-quota-blocks-job',
  category: 'accelerator',
  severity: 'critical',
  title: 'AI job not admitted: queue quota for accelerators is too small',
  description:
    'Kueue keeps the job suspended because its ClusterQueue cannot reserve the accelerators it asks for: "couldn\'t assign flavors to ' +
    'pod set main: insufficient quota for nvidia.com/gpu in flavor a100, request > maximum capacity" (the job can never fit: critical) ' +
    'or "insufficient unused quota for nvidia.com/gpu in flavor a100, 2 more needed" (other jobs hold the quota: warning). Evidence: ' +
    'the events on the job\'s Workload. Fix: request at most the queue\'s quota, raise nominalQuota/borrowingLimit in the ClusterQueue, ' +
    'or wait for running jobs.',
  detect(state) {
    const newest = new Map<string, Event>();
    for (const e of state.events) {
      const inv = e.involvedObject;
      if (inv?.kind !== 'Workload' || !inv.name || !FLAVOR_FAILURE.test(e.message ?? '')) continue;
      if (ageSeconds(state, e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp) > 3600) continue;
      const key = `${inv.namespace}/${inv.name}`;
      if (!newest.has(key)) newest.set(key, state.eventsFor({ kind: 'Workload', namespace: inv.namespace || undefined, name: inv.name }).find((x) => FLAVOR_FAILURE.test(x.message ?? '')) ?? e);
    }
    const detections: Detection[] = [];
    for (const event of newest.values()) {
      const inv = event.involvedObject!;
      const [, podSet, why] = FLAVOR_FAILURE.exec(event.message ?? '')!;
      const resource = QUOTA_RESOURCE.exec(why)?.[1]?.replace(/[,.]$/, '');
      if (!resource || !isAcceleratorResource(resource)) continue;
      const workloadRef: ObjectRef = { kind: 'Workload', namespace: inv.namespace || undefined, name: inv.name! };
      const job = ownerOfWorkload(state, inv.namespace || undefined, inv.name!) ?? workloadRef;
      const never = /maximum capacity|unavailable in ClusterQueue|doesn't have|not (found|defined)/.test(why);
      detections.push({
        resource: job,
        rootCause: job,
        affected: [workloadRef],
        title: never
          ? `${job.kind} ${displayName(job)} asks for more ${resource} than its queue can ever give`
          : `${job.kind} ${displayName(job)} waits for ${resource} quota held by other jobs`,
        explanation: `Kueue cannot admit pod set "${podSet}" of ${job.kind} ${displayName(job)}: ${why}`,
        evidence: [`${job.kind} ${displayName(job)}: suspended ← Workload ${inv.name}: QuotaReserved=False ← ${why}`, eventLine(workloadRef, event)],
        remediation: never
          ? [`${kubectl(job.namespace, `edit ${kubectlRef(job)}`)}  # request at most the ClusterQueue's ${resource} quota`, 'or raise nominalQuota / borrowingLimit for it: kubectl edit clusterqueue <queue>']
          : ['wait for running jobs, or raise the ClusterQueue\'s nominalQuota / allow borrowing in its cohort', 'kubectl get clusterqueue -o wide'],
        confidence: never ? 0.93 : 0.75,
        severity: never ? 'critical' : 'warning',
      });
    }
    return detections;
  },
};
