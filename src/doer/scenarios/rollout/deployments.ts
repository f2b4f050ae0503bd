/**
 * Deployments whose rollout is stuck or whose replicas are unavailable. Most are consequences:
 * the pods' own finding (image, crash, probe, scheduling, ...) explains them and absorbs them.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { Deployment, KubeObject, ObjectRef, Pod, ReplicaSet } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, containersOf, eventLine, eventsMatching, isActivePod, isPodReady, kubectl, label, statusLine } from '../util.js';
import { conditionOf, conditionText } from '../network/lookup.js';

/** A Deployment unavailable for less than this is usually mid-rollout or starting. */
const SETTLE_SECONDS = 300;

export function replicaCounts(obj: KubeObject): string {
  const spec = obj.spec as { replicas?: number } | undefined;
  const s = (obj.status ?? {}) as Record<string, unknown>;
  const fields = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'].filter((f) => s[f] !== undefined);
  return `${label(obj)}: spec.replicas=${spec?.replicas ?? 1} ${fields.map((f) => `status.${f}=${s[f] as number}`).join(' ')}`;
}

/** The ReplicaSet named in a ProgressDeadlineExceeded message, else the newest one. */
function newReplicaSet(state: ClusterState, deployment: Deployment, message: string | undefined): ReplicaSet | undefined {
  const named = /ReplicaSet "([^"]+)"/.exec(message ?? '')?.[1];
  const sets = state.children<ReplicaSet>(deployment).filter((c) => c.kind === 'ReplicaSet');
  if (named) return sets.find((rs) => rs.metadata.name === named);
  const revision = (rs: ReplicaSet) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  return [...sets].sort((a, b) => revision(b) - revision(a))[0];
}

/** Lines describing pods that are not ready: phase and the first waiting/terminated reason. */
export function notReadyPodLines(pods: Pod[]): string[] {
  return pods.slice(0, 4).map((pod) => {
    const c = containersOf(pod).find((v) => v.status?.state?.waiting || v.status?.state?.terminated || v.status?.ready === false);
    const waiting = c?.status?.state?.waiting;
    const why = waiting ? `, container ${c!.name} waiting: ${waiting.reason ?? ''}${waiting.message ? ` ${waiting.message}` : ''}` : '';
    return statusLine(pod, `phase=${pod.status?.phase ?? 'Unknown'} Ready=${isPodReady(pod) ? 'True' : 'False'}${why}`);
  });
}

function stuckPods(state: ClusterState, owner: KubeObject): Pod[] {
  return state.podsOf(owner).filter((p) => isActivePod(p) && !isPodReady(p));
}

function availability(deployment: Deployment): { wanted: number; available: number } {
  return { wanted: deployment.spec?.replicas ?? 1, available: deployment.status?.availableReplicas ?? 0 };
}

const progressDeadlineExceeded: Scenario = {
  id: 'rollout.progress-deadline-exceeded',
  category: 'rollout',
  severity: 'warning',
  consequence: true,
  needs: ['Deployment'],
  title: 'Deployment rollout exceeded its progress deadline',
  description:
    'The deployment controller set Progressing=False with reason ProgressDeadlineExceeded ("ReplicaSet \\"x\\" has timed ' +
    'out progressing."): the new ReplicaSet made no progress for spec.progressDeadlineSeconds. It is a consequence of why ' +
    'the new pods cannot be created or become ready, and folds into that finding. Evidence: the condition, replica ' +
    'counts, the new ReplicaSet\'s events and its pods. Fix the cause, or roll back with kubectl rollout undo.',
  detect(state) {
    const detections: Detection[] = [];
    for (const deployment of state.deployments) {
      const cond = conditionOf(deployment, 'Progressing');
      if (cond?.status !== 'False' || cond.reason !== 'ProgressDeadlineExceeded') continue;
      const ref = refOf(deployment);
      const rs = newReplicaSet(state, deployment, cond.message);
      const pods = rs ? stuckPods(state, rs) : stuckPods(state, deployment);
      const rsEvents = rs ? eventsMatching(state, rs, 'FailedCreate').slice(0, 2).map((e) => eventLine(rs, e)) : [];
      const { wanted, available } = availability(deployment);
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: [...(rs ? [refOf(rs)] : []), ...pods.map(refOf)],
        dependsOn: [...pods.map(refOf), ...(rs ? [refOf(rs)] : [])],
        title: `Deployment ${displayName(ref)} rollout is stuck (ProgressDeadlineExceeded)`,
        explanation:
          `The new ReplicaSet ${rs?.metadata.name ?? ''} made no progress within ${deployment.spec?.progressDeadlineSeconds ?? 600}s; ` +
          `${available}/${wanted} replicas are available${available > 0 ? ' (old pods keep serving)' : ''}.`,
        evidence: [`${label(ref)}: ${conditionText(cond)}`, replicaCounts(deployment), ...rsEvents, ...notReadyPodLines(pods)],
        remediation: [
          kubectl(ref.namespace, `rollout status deployment/${ref.name}`),
          kubectl(ref.namespace, `describe replicaset ${rs?.metadata.name ?? ''}`.trim()),
          kubectl(ref.namespace, `rollout undo deployment/${ref.name}  # back to the last working revision`),
        ],
        confidence: 0.8,
        severity: available === 0 && wanted > 0 ? 'critical' : undefined,
      });
    }
    return detections;
  },
};

const deploymentUnavailable: Scenario = {
  id: 'rollout.deployment-unavailable',
  category: 'rollout',
  severity: 'warning',
  consequence: true,
  needs: ['Deployment'],
  title: 'Deployment does not have minimum availability',
  description:
    'Available=False (MinimumReplicasUnavailable, "Deployment does not have minimum availability.") for more than five ' +
    'minutes: fewer pods are available than spec.replicas minus maxUnavailable. A consequence of why the pods are not ' +
    'ready; folded into that finding when one exists. Evidence: the condition, replica counts and the pods\' states.',
  detect(state) {
    const detections: Detection[] = [];
    for (const deployment of state.deployments) {
      const cond = conditionOf(deployment, 'Available');
      const { wanted, available } = availability(deployment);
      if (cond?.status !== 'False' || wanted === 0 || deployment.spec?.paused) continue;
      if (conditionOf(deployment, 'Progressing')?.reason === 'ProgressDeadlineExceeded') continue;
      if (ageSeconds(state, cond.lastTransitionTime ?? deployment.metadata.creationTimestamp) < SETTLE_SECONDS) continue;
      const ref = refOf(deployment);
      const pods = stuckPods(state, deployment);
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: pods.map(refOf),
        dependsOn: pods.map(refOf),
        title: `Deployment ${displayName(ref)} has ${available}/${wanted} replicas available`,
        explanation: `The Deployment has been below minimum availability since ${cond.lastTransitionTime ?? 'its creation'}; its pods are not becoming ready.`,
        evidence: [`${label(ref)}: ${conditionText(cond)}`, replicaCounts(deployment), ...notReadyPodLines(pods)],
        remediation: [kubectl(ref.namespace, `describe deployment ${ref.name}`), kubectl(ref.namespace, `get pods -l ${Object.entries(deployment.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`)],
        confidence: 0.6,
        severity: available === 0 ? 'critical' : undefined,
      });
    }
    return detections;
  },
};

/** `pods "x" is forbidden: exceeded quota: NAME, requested: ..., used: ..., limited: ...` */
const QUOTA_EXCEEDED = /exceeded quota: ([^,\s]+)/;

const surgeBlockedByQuota: Scenario = {
  id: 'rollout.surge-blocked-by-quota',
  category: 'rollout',
  severity: 'warning',
  hops: 2,
  needs: ['ReplicaSet'],
  title: 'Rolling update cannot surge: new pods exceed the ResourceQuota',
  description:
    'During a rolling update the new ReplicaSet must create pods while the old ones still count against the namespace ' +
    'ResourceQuota; the API server refuses them (FailedCreate "Error creating: pods \\"x\\" is forbidden: exceeded quota: ' +
    'q, requested: ..., used: ..., limited: ..."), so the rollout stalls. Evidence: the new ReplicaSet\'s FailedCreate ' +
    'events or ReplicaFailure condition and the old ReplicaSet still holding pods. Fix: set maxSurge to 0 (with ' +
    'maxUnavailable ≥ 1) or raise the quota.',
  detect(state) {
    const detections: Detection[] = [];
    for (const deployment of state.deployments) {
      const sets = state.children<ReplicaSet>(deployment).filter((c) => c.kind === 'ReplicaSet');
      const withQuotaFailure = sets
        .map((rs) => {
          const cond = conditionOf(rs, 'ReplicaFailure');
          const events = eventsMatching(state, rs, 'FailedCreate', QUOTA_EXCEEDED);
          const message = cond?.status === 'True' && QUOTA_EXCEEDED.test(cond.message ?? '') ? cond.message : events[0]?.message;
          return { rs, cond, events, message };
        })
        .find((x) => x.message);
      if (!withQuotaFailure) continue;
      const old = sets.filter((rs) => rs !== withQuotaFailure.rs && (rs.status?.replicas ?? 0) > 0);
      if (old.length === 0) continue; // not a rollout: plain quota exhaustion, reported by the quota scenarios
      const ref = refOf(deployment);
      const quotaName = QUOTA_EXCEEDED.exec(withQuotaFailure.message!)![1];
      const quota: ObjectRef = { kind: 'ResourceQuota', namespace: ref.namespace, name: quotaName };
      const rsRef = refOf(withQuotaFailure.rs);
      const strategy = deployment.spec?.strategy?.rollingUpdate;
      detections.push({
        resource: rsRef,
        rootCause: ref,
        affected: [quota, ...old.map(refOf)],
        title: `Rollout of Deployment ${displayName(ref)} is blocked by ResourceQuota ${quotaName}`,
        explanation:
          `The new ReplicaSet ${rsRef.name} cannot create pods: with the old pods (${old.map((rs) => `${rs.metadata.name}: ${rs.status?.replicas}`).join(', ')}) ` +
          `still counted, one more pod exceeds ResourceQuota ${quotaName}. With maxSurge=${strategy?.maxSurge ?? '25%'} the rollout needs that headroom.`,
        evidence: [
          `${label(ref)} → ${label(rsRef)} → ${label(quota)}: new pods refused`,
          ...(withQuotaFailure.cond?.status === 'True' ? [`${label(rsRef)}: ${conditionText(withQuotaFailure.cond)}`] : []),
          ...withQuotaFailure.events.slice(0, 2).map((e) => eventLine(rsRef, e)),
          ...old.map((rs) => `${label(rs)}: status.replicas=${rs.status?.replicas} (old revision still running)`),
          `${label(ref)}: strategy.rollingUpdate maxSurge=${strategy?.maxSurge ?? '25%'} maxUnavailable=${strategy?.maxUnavailable ?? '25%'}`,
        ],
        remediation: [
          kubectl(ref.namespace, `patch deployment ${ref.name} -p '{"spec":{"strategy":{"rollingUpdate":{"maxSurge":0,"maxUnavailable":1}}}}'`),
          `or raise the quota: ${kubectl(ref.namespace, `edit resourcequota ${quotaName}`)}`,
        ],
        confidence: 0.85,
      });
    }
    return detections;
  },
};

const deploymentPaused: Scenario = {
  id: 'rollout.deployment-paused',
  category: 'rollout',
  severity: 'warning',
  needs: ['Deployment'],
  title: 'Deployment is paused with an unrolled change',
  description:
    'spec.paused is true and the pod template changed since (status.updatedReplicas < spec.replicas, Progressing ' +
    'reason DeploymentPaused): the change will never roll out until resumed. Evidence: spec.paused and replica counts. ' +
    'Fix: kubectl rollout resume. A paused Deployment with nothing pending is not reported.',
  detect(state) {
    return state.deployments
      .filter((d) => d.spec?.paused && (d.status?.updatedReplicas ?? 0) < (d.spec?.replicas ?? 1))
      .map((d): Detection => {
        const ref = refOf(d);
        const cond = conditionOf(d, 'Progressing');
        return {
          resource: ref,
          rootCause: ref,
          title: `Deployment ${displayName(ref)} is paused; ${(d.spec?.replicas ?? 1) - (d.status?.updatedReplicas ?? 0)} replica(s) run the old template`,
          explanation: 'The Deployment was paused (kubectl rollout pause) and its template changed afterwards, so the new revision is not being rolled out.',
          evidence: [`${label(ref)}: spec.paused=true`, replicaCounts(d), ...(cond ? [`${label(ref)}: ${conditionText(cond)}`] : [])],
          remediation: [kubectl(ref.namespace, `rollout resume deployment/${ref.name}`)],
          confidence: 0.8,
        };
      });
  },
};

export const deploymentScenarios: Scenario[] = [progressDeadlineExceeded, deploymentUnavailable, surgeBlockedByQuota, deploymentPaused];
