/**
 * Rollouts that do not reach the new revision: stalled without a progress deadline, held by a
 * StatefulSet partition or an OnDelete strategy, refused pod creations, no rollback history.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, isActivePod, isPodReady, kubectl, label } from '../util.js';
import { createFailures } from '../create-failures.js';
import { conditionOf } from '../network/lookup.js';
import { notReadyPodLines, replicaCounts } from './deployments.js';

/** A new ReplicaSet this old with unavailable pods is stuck, deadline or not. */
const STALLED_SECONDS = 900;
/** progressDeadlineSeconds as old API versions defaulted it: effectively "never". */
const NO_DEADLINE = 2147483647;

function revision(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}

const rolloutStalled: Scenario = {
  id: 'rollout.rollout-stalled-without-deadline',
  category: 'rollout',
  severity: 'warning',
  consequence: true,
  needs: ['Deployment', 'ReplicaSet'],
  title: 'Rollout stalled (no progress deadline reported)',
  description:
    'The newest ReplicaSet of a Deployment has existed for over 15 minutes without its pods becoming available while an ' +
    'older ReplicaSet still runs, and no ProgressDeadlineExceeded is reported — typically because progressDeadlineSeconds ' +
    'is unset/huge (2147483647 on objects created through extensions/v1beta1). A consequence of the new pods\' failure, ' +
    'into which it folds. Fix the new pods, or kubectl rollout undo.',
  detect(state) {
    const detections: Detection[] = [];
    for (const deployment of state.deployments) {
      if (conditionOf(deployment, 'Progressing')?.reason === 'ProgressDeadlineExceeded' || deployment.spec?.paused) continue;
      const sets = state.children<ReplicaSet>(deployment).filter((c) => c.kind === 'ReplicaSet');
      if (sets.length < 2) continue;
      const newest = [...sets].sort((a, b) => revision(b) - revision(a))[0];
      const old = sets.filter((rs) => rs !== newest && (rs.status?.replicas ?? 0) > 0);
      const wanted = newest.spec?.replicas ?? 0;
      if (old.length === 0 || wanted === 0 || (newest.status?.availableReplicas ?? 0) >= wanted) continue;
      if (ageSeconds(state, newest.metadata.creationTimestamp) < STALLED_SECONDS + Math.min(deployment.spec?.progressDeadlineSeconds ?? 600, STALLED_SECONDS)) continue;
      const ref = refOf(deployment);
      const pods = state.podsOf(newest).filter((p) => isActivePod(p) && !isPodReady(p));
      const deadline = deployment.spec?.progressDeadlineSeconds;
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: [refOf(newest), ...pods.map(refOf)],
        dependsOn: [refOf(newest), ...pods.map(refOf)],
        title: `Deployment ${displayName(ref)} rollout to ${newest.metadata.name} has stalled`,
        explanation:
          `ReplicaSet ${newest.metadata.name} (revision ${revision(newest)}) was created ${Math.round(ageSeconds(state, newest.metadata.creationTimestamp) / 60)} minutes ago ` +
          `and has ${newest.status?.availableReplicas ?? 0}/${wanted} pods available; ${old.map((rs) => rs.metadata.name).join(', ')} still run the old revision.` +
          `${deadline === undefined || deadline >= NO_DEADLINE ? ' No progress deadline is set, so Kubernetes never reports it as failed.' : ''}`,
        evidence: [
          replicaCounts(deployment),
          `${label(newest)}: revision ${revision(newest)} spec.replicas=${wanted} status.availableReplicas=${newest.status?.availableReplicas ?? 0} created ${newest.metadata.creationTimestamp}`,
          ...old.map((rs) => `${label(rs)}: revision ${revision(rs)} status.replicas=${rs.status?.replicas}`),
          `${label(ref)}: spec.progressDeadlineSeconds=${deadline ?? '<unset>'}`,
          ...notReadyPodLines(pods),
        ],
        remediation: [kubectl(ref.namespace, `rollout undo deployment/${ref.name}`), kubectl(ref.namespace, `patch deployment ${ref.name} -p '{"spec":{"progressDeadlineSeconds":600}}'`)],
        confidence: 0.65,
      });
    }
    return detections;
  },
};

interface HeldUpdate {
  obj: StatefulSet | DaemonSet;
  why: string;
  pending: number;
}

function heldUpdateScenario(kind: 'partition' | 'statefulset-ondelete' | 'daemonset-ondelete'): Scenario {
  const meta = {
    partition: {
      id: 'rollout.statefulset-partition-holds-update',
      title: 'StatefulSet partition holds back its update',
      description:
        'spec.updateStrategy.rollingUpdate.partition is ≥ spec.replicas while updateRevision differs from currentRevision: ' +
        'no pod is updated. Intended for staged rollouts, often forgotten. Evidence: partition, replicas and revisions. ' +
        'Fix: lower the partition (0 rolls out everywhere).',
    },
    'statefulset-ondelete': {
      id: 'rollout.statefulset-ondelete-pending',
      title: 'StatefulSet with OnDelete strategy has pods on the old revision',
      description:
        'With updateStrategy OnDelete the controller only updates pods that are deleted by hand; pods still run the old ' +
        'template (updatedReplicas < replicas). Evidence: the strategy and revisions. Fix: delete the pods one by one, or use RollingUpdate.',
    },
    'daemonset-ondelete': {
      id: 'rollout.daemonset-ondelete-pending',
      title: 'DaemonSet with OnDelete strategy has pods on the old revision',
      description:
        'With updateStrategy OnDelete the DaemonSet controller only replaces pods that are deleted by hand; ' +
        'updatedNumberScheduled < desiredNumberScheduled. Evidence: the strategy and counts. Fix: delete the old pods node ' +
        'by node, or use RollingUpdate.',
    },
  }[kind];
  const held = (state: ClusterState): HeldUpdate[] => {
    if (kind === 'daemonset-ondelete') {
      return state.daemonSets
        .filter((ds) => ds.spec?.updateStrategy?.type === 'OnDelete' && (ds.status?.updatedNumberScheduled ?? 0) < (ds.status?.desiredNumberScheduled ?? 0))
        .map((ds) => ({ obj: ds, why: 'updateStrategy.type=OnDelete', pending: (ds.status?.desiredNumberScheduled ?? 0) - (ds.status?.updatedNumberScheduled ?? 0) }));
    }
    return state.statefulSets.flatMap((sts) => {
      const s = sts.status;
      if (!s?.updateRevision || s.updateRevision === s.currentRevision) return [];
      const replicas = sts.spec?.replicas ?? 1;
      const strategy = sts.spec?.updateStrategy;
      const partition = strategy?.rollingUpdate?.partition ?? 0;
      const pending = replicas - (s.updatedReplicas ?? 0);
      if (pending <= 0) return [];
      if (kind === 'partition' && strategy?.type !== 'OnDelete' && partition >= replicas) return [{ obj: sts, why: `updateStrategy.rollingUpdate.partition=${partition} ≥ replicas=${replicas}`, pending }];
      if (kind === 'statefulset-ondelete' && strategy?.type === 'OnDelete') return [{ obj: sts, why: 'updateStrategy.type=OnDelete', pending }];
      return [];
    });
  };
  return {
    id: meta.id,
    category: 'rollout',
    severity: 'info',
    title: meta.title,
    description: meta.description,
    needs: [kind === 'daemonset-ondelete' ? 'DaemonSet' : 'StatefulSet'],
    detect(state) {
      return held(state).map(({ obj, why, pending }): Detection => {
        const ref = refOf(obj);
        const s = obj.status as { currentRevision?: string; updateRevision?: string } | undefined;
        return {
          resource: ref,
          rootCause: ref,
          title: `${ref.kind} ${displayName(ref)}: ${pending} pod(s) still on the old revision (${why})`,
          explanation: `The new template was applied but ${why} keeps ${pending} pod(s) on the previous revision.`,
          evidence: [`${label(ref)}: spec.${why}${s?.updateRevision ? ` status.currentRevision=${s.currentRevision} updateRevision=${s.updateRevision}` : ''}`],
          remediation: [
            kind === 'partition'
              ? kubectl(ref.namespace, `patch statefulset ${ref.name} -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'`)
              : kubectl(ref.namespace, `delete pod <old pod>  # one at a time; the controller recreates it on the new revision`),
          ],
          confidence: 0.8,
        };
      });
    },
  };
}

const createFailed: Scenario = {
  id: 'rollout.pods-not-created',
  category: 'rollout',
  severity: 'warning',
  consequence: true,
  title: 'Controller cannot create its pods',
  description:
    'A ReplicaSet, StatefulSet or DaemonSet keeps failing to create pods (FailedCreate "Error creating: ...", or the ' +
    'ReplicaFailure condition), so the workload stays below its replica count. The quoted API error names the cause ' +
    '(quota, admission webhook, Pod Security, missing ServiceAccount...): when a scenario for that cause matches, this ' +
    'folds into it; otherwise it reports the workload with the refusal.',
  detect(state) {
    const byWorkload = new Map<string, Detection>();
    for (const f of createFailures(state)) {
      if (!['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Deployment'].includes(f.subject.kind)) continue;
      const key = `${f.workload.kind}/${f.workload.namespace}/${f.workload.name}`;
      const existing = byWorkload.get(key);
      if (existing) {
        if (!existing.evidence.includes(f.line)) existing.evidence.push(f.line);
        continue;
      }
      byWorkload.set(key, {
        resource: f.subject,
        rootCause: f.workload,
        affected: [f.workload],
        dependsOn: [f.subject, f.workload],
        title: `${label(f.workload)} cannot create pods`,
        explanation: `The API server refuses the pods of ${label(f.workload)}: ${f.message}`,
        evidence: [f.line],
        remediation: [kubectl(f.workload.namespace, `describe ${f.subject.kind.toLowerCase()} ${f.subject.name}`), 'fix the cause named in the error, then the controller retries by itself'],
        confidence: 0.6,
      });
    }
    return [...byWorkload.values()];
  },
};

const noRevisionHistory: Scenario = {
  id: 'rollout.no-revision-history',
  category: 'rollout',
  severity: 'info',
  needs: ['Deployment'],
  title: 'Deployment keeps no revision history (cannot roll back)',
  description:
    'spec.revisionHistoryLimit is 0: old ReplicaSets are deleted at once, so kubectl rollout undo has nothing to return ' +
    'to when a release goes bad. Evidence: the field. Fix: keep a few revisions (the default is 10).',
  detect(state) {
    return state.deployments
      .filter((d: Deployment) => d.spec?.revisionHistoryLimit === 0)
      .map((d): Detection => {
        const ref = refOf(d);
        return {
          resource: ref,
          rootCause: ref,
          title: `Deployment ${displayName(ref)} has revisionHistoryLimit 0`,
          explanation: 'No previous ReplicaSet is kept, so a bad rollout cannot be undone with kubectl rollout undo.',
          evidence: [`${label(ref)}: spec.revisionHistoryLimit=0`],
          remediation: [kubectl(ref.namespace, `patch deployment ${ref.name} -p '{"spec":{"revisionHistoryLimit":5}}'`)],
          confidence: 0.9,
        };
      });
  },
};

export const revisionScenarios: Scenario[] = [
  rolloutStalled,
  heldUpdateScenario('partition'),
  heldUpdateScenario('statefulset-ondelete'),
  heldUpdateScenario('daemonset-ondelete'),
  createFailed,
  noRevisionHistory,
];
