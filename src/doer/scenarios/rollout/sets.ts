/** StatefulSets and DaemonSets whose pods are not all there or not all ready. */
import { displayName, refOf } from '../../../cluster/state.js';
import type { DaemonSet, Pod, StatefulSet } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, isActivePod, isPodReady, kubectl, label } from '../util.js';
import { notReadyPodLines, replicaCounts } from './deployments.js';
import { supersededRevision } from '../workload-issues.js';

/** Pods not ready for less than this are still starting or being replaced one at a time. */
const SETTLE_SECONDS = 300;

function ordinal(set: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const rest = pod.metadata.name.startsWith(prefix) ? pod.metadata.name.slice(prefix.length) : '';
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

const statefulSetStuckOrdinal: Scenario = {
  id: 'rollout.statefulset-stuck-on-ordinal',
  category: 'rollout',
  severity: 'warning',
  consequence: true,
  hops: 2,
  needs: ['StatefulSet', 'Pod'],
  title: 'StatefulSet is stuck on an unready ordinal',
  description:
    'With podManagementPolicy OrderedReady (the default) the StatefulSet controller creates and updates pods one ordinal ' +
    'at a time and waits for each to be Running and Ready; one pod that never becomes ready (e.g. web-1) blocks every ' +
    'higher ordinal. Evidence: replica counts, the missing ordinals and the blocking pod\'s state. A consequence: it ' +
    'folds into the blocking pod\'s own finding (crash, probe, volume...).',
  detect(state) {
    const detections: Detection[] = [];
    for (const set of state.statefulSets) {
      if (set.spec?.podManagementPolicy === 'Parallel') continue;
      const wanted = set.spec?.replicas ?? 1;
      if ((set.status?.readyReplicas ?? 0) >= wanted) continue;
      const pods = state.podsOf(set).filter(isActivePod);
      const byOrdinal = new Map(pods.map((p) => [ordinal(set, p), p] as const));
      const blocker = [...byOrdinal.entries()]
        .filter(([n, p]) => n !== undefined && !isPodReady(p))
        .sort(([a], [b]) => (a ?? 0) - (b ?? 0))[0]?.[1];
      if (!blocker || ageSeconds(state, blocker.metadata.creationTimestamp) < SETTLE_SECONDS) continue;
      const stuckAt = ordinal(set, blocker)!;
      const missing = Array.from({ length: wanted }, (_, i) => i).filter((i) => !byOrdinal.has(i) && i > stuckAt);
      const ref = refOf(set);
      const superseded = supersededRevision(state, blocker);
      const staleLine = `${label(refOf(blocker))}: controller-revision-hash=${blocker.metadata.labels?.['controller-revision-hash']}, but ${label(ref)} status.updateRevision=${set.status?.updateRevision}: the fixed template is never applied to it while it is not Ready`;
      detections.push({
        resource: refOf(blocker),
        rootCause: ref,
        affected: [ref],
        dependsOn: [refOf(blocker)],
        title: `StatefulSet ${displayName(ref)} is stuck waiting for ${blocker.metadata.name} to become ready`,
        explanation:
          `${blocker.metadata.name} is not ready, and with OrderedReady pod management the controller will not ` +
          `${missing.length ? `create ${missing.map((i) => `${set.metadata.name}-${i}`).join(', ')}` : 'proceed with the rollout'} until it is.` +
          (superseded ? ` It still runs an older, broken revision; the StatefulSet's spec has changed since, but a pod that is not Ready is never replaced (delete it).` : ''),
        evidence: [replicaCounts(set), ...notReadyPodLines([blocker]), ...(superseded ? [staleLine] : []), ...(missing.length ? [`${label(ref)}: ordinals ${missing.join(', ')} not created`] : [])],
        remediation: superseded
          ? [kubectl(ref.namespace, `delete pod ${blocker.metadata.name}  # recreated from the current template`)]
          : [
              kubectl(ref.namespace, `describe pod ${blocker.metadata.name}`),
              kubectl(ref.namespace, `logs ${blocker.metadata.name} --previous`),
            ],
        confidence: superseded ? 0.85 : 0.7,
      });
    }
    return detections;
  },
};

const daemonSetUnavailable: Scenario = {
  id: 'rollout.daemonset-pods-unavailable',
  category: 'rollout',
  severity: 'warning',
  consequence: true,
  needs: ['DaemonSet', 'Pod'],
  title: 'DaemonSet pods are unavailable on some nodes',
  description:
    'status.numberUnavailable > 0 (or numberReady < desiredNumberScheduled) and some of its pods have been not ready for ' +
    'more than five minutes: the per-node agent is missing on those nodes. A consequence of the pods\' own failure, into ' +
    'which it folds. Nodes the DaemonSet does not tolerate are not counted (desiredNumberScheduled excludes them).',
  detect(state) {
    const detections: Detection[] = [];
    for (const ds of state.daemonSets) {
      const s = ds.status;
      if (!s || ((s.numberUnavailable ?? 0) === 0 && (s.numberReady ?? 0) >= (s.desiredNumberScheduled ?? 0))) continue;
      const stuck = state.podsOf(ds).filter((p) => isActivePod(p) && !isPodReady(p) && ageSeconds(state, p.metadata.creationTimestamp) >= SETTLE_SECONDS);
      if (stuck.length === 0) continue;
      const ref = refOf(ds);
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: stuck.map(refOf),
        dependsOn: stuck.map(refOf),
        title: `DaemonSet ${displayName(ref)}: ${s.numberUnavailable ?? stuck.length} of ${s.desiredNumberScheduled} pods unavailable`,
        explanation: `The DaemonSet's pods on ${[...new Set(stuck.map((p) => p.spec?.nodeName ?? '?'))].join(', ')} are not ready, so those nodes run without it.`,
        evidence: [daemonSetCounts(ds), ...notReadyPodLines(stuck)],
        remediation: [kubectl(ref.namespace, `rollout status daemonset/${ref.name}`), kubectl(ref.namespace, `describe pod ${stuck[0].metadata.name}`)],
        confidence: 0.65,
      });
    }
    return detections;
  },
};

function daemonSetCounts(ds: DaemonSet): string {
  const s = ds.status;
  return (
    `${label(ds)}: desiredNumberScheduled=${s?.desiredNumberScheduled} currentNumberScheduled=${s?.currentNumberScheduled} ` +
    `numberReady=${s?.numberReady} numberAvailable=${s?.numberAvailable ?? 0} numberUnavailable=${s?.numberUnavailable ?? 0} ` +
    `numberMisscheduled=${s?.numberMisscheduled ?? 0} updatedNumberScheduled=${s?.updatedNumberScheduled ?? 0}`
  );
}

const daemonSetMisscheduled: Scenario = {
  id: 'rollout.daemonset-misscheduled',
  category: 'rollout',
  severity: 'warning',
  needs: ['DaemonSet'],
  title: 'DaemonSet pods run on nodes they should not',
  description:
    'status.numberMisscheduled > 0: pods of the DaemonSet run on nodes its nodeSelector/affinity/tolerations no longer ' +
    'allow (node labels or taints changed). They keep consuming resources there, and a NoExecute taint may keep killing ' +
    'them. Evidence: the DaemonSet status. Fix the DaemonSet\'s placement rules or the node labels.',
  detect(state) {
    return state.daemonSets
      .filter((ds) => (ds.status?.numberMisscheduled ?? 0) > 0)
      .map((ds): Detection => {
        const ref = refOf(ds);
        return {
          resource: ref,
          rootCause: ref,
          title: `DaemonSet ${displayName(ref)} has ${ds.status!.numberMisscheduled} misscheduled pod(s)`,
          explanation: 'Some of its pods run on nodes that its node selector, affinity or tolerations exclude.',
          evidence: [daemonSetCounts(ds), `${label(ref)}: spec.template.spec.nodeSelector=${JSON.stringify(ds.spec?.template?.spec?.nodeSelector ?? {})}`],
          remediation: [kubectl(ref.namespace, `get pods -l ${Object.entries(ds.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')} -o wide`), kubectl(undefined, 'get nodes --show-labels')],
          confidence: 0.6,
        };
      });
  },
};

export const setScenarios: Scenario[] = [statefulSetStuckOrdinal, daemonSetUnavailable, daemonSetMisscheduled];
