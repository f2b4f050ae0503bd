/**
 * Claim-centred helpers: which pods use a claim, the chain line `Pod ← PVC ← cause`, and a
 * builder for scenarios that look at each PersistentVolumeClaim once.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { ObjectRef, PersistentVolumeClaim, Pod } from '../../../cluster/types.js';
import type { Category, Detection, Scenario, Severity } from '../../types.js';
import { ageSeconds, isActivePod, label } from '../util.js';

const consumerCache = new WeakMap<ClusterState, Map<string, Pod[]>>();

/** Active pods that mount each claim, keyed `namespace/claim` (built once per state). */
export function claimConsumers(state: ClusterState): Map<string, Pod[]> {
  let index = consumerCache.get(state);
  if (index) return index;
  index = new Map();
  for (const pod of state.pods) {
    if (!isActivePod(pod)) continue;
    for (const v of pod.spec?.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${pod.metadata.name}-${v.name}` : undefined);
      if (!claim) continue;
      const key = `${pod.metadata.namespace ?? 'default'}/${claim}`;
      const list = index.get(key);
      if (list) list.push(pod);
      else index.set(key, [pod]);
    }
  }
  consumerCache.set(state, index);
  return index;
}

export function consumersOf(state: ClusterState, claim: PersistentVolumeClaim): Pod[] {
  return claimConsumers(state).get(`${claim.metadata.namespace ?? 'default'}/${claim.metadata.name}`) ?? [];
}

/** `Pod shop/db-0: Pending ← PersistentVolumeClaim shop/data: Pending ← <cause>` */
export function chainLine(pod: Pod | undefined, claim: PersistentVolumeClaim, cause: string): string {
  const claimPart = `PersistentVolumeClaim ${displayName(refOf(claim))}: ${claim.status?.phase ?? 'Pending'}`;
  return pod ? `${label(pod)}: ${pod.status?.phase ?? 'Pending'} ← ${claimPart} ← ${cause}` : `${claimPart} ← ${cause}`;
}

export interface ClaimFinding {
  rootCause: ObjectRef;
  title: string;
  explanation: string;
  /** The last link of the chain, e.g. `StorageClass "fast" does not exist`. */
  cause: string;
  evidence: string[];
  remediation: string[];
  confidence: number;
  severity?: Severity;
  affected?: ObjectRef[];
}

export interface ClaimScenarioSpec {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  category?: Category;
  hops?: number;
  needs?: string[];
  /** Only claims in this phase (Pending by default); `any` for all. */
  phase?: string | 'any';
  /** Minimum age in seconds before a claim in this state counts as stuck. */
  minAgeSeconds?: number;
  match(state: ClusterState, claim: PersistentVolumeClaim, pods: Pod[]): ClaimFinding | undefined;
}

/** One pass over the claims; each finding lists the claim, its pods and their workloads. */
export function claimScenario(spec: ClaimScenarioSpec): Scenario {
  return {
    id: spec.id,
    category: spec.category ?? 'storage',
    severity: spec.severity,
    title: spec.title,
    description: spec.description,
    hops: spec.hops,
    needs: spec.needs,
    detect(state) {
      const detections: Detection[] = [];
      const phase = spec.phase ?? 'Pending';
      for (const claim of state.pvcs) {
        const current = claim.status?.phase ?? 'Pending';
        if (phase !== 'any' && current !== phase) continue;
        if (spec.minAgeSeconds && ageSeconds(state, claim.metadata.creationTimestamp) < spec.minAgeSeconds) continue;
        const pods = consumersOf(state, claim);
        const f = spec.match(state, claim, pods);
        if (!f) continue;
        const workloads = uniqueRefs(pods.map((p) => state.workloadOf(p)));
        const chain = pods.length ? pods.slice(0, 3).map((p) => chainLine(p, claim, f.cause)) : [chainLine(undefined, claim, f.cause)];
        detections.push({
          resource: pods[0] ? refOf(pods[0]) : refOf(claim),
          rootCause: f.rootCause,
          affected: uniqueRefs([refOf(claim), ...pods.map(refOf), ...workloads, ...(f.affected ?? [])]),
          title: f.title,
          explanation: f.explanation,
          evidence: [...chain, ...f.evidence],
          remediation: f.remediation,
          confidence: f.confidence,
          severity: f.severity,
        });
      }
      return detections;
    },
  };
}

export function uniqueRefs(refs: ObjectRef[]): ObjectRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.kind}/${r.namespace ?? ''}/${r.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
