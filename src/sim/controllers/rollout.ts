/**
 * Rolling-update arithmetic of the Deployment controller, pure: how far to scale the new
 * ReplicaSet up and the old ones down in one sync, honouring maxSurge and maxUnavailable.
 */
export interface ReplicaSetCounts {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  available: number;
  /** creation order: older first */
  created: string;
}

export type IntOrPercent = number | string | undefined;

/** Percentages round up for surge and down for unavailability, as intstr.GetScaledValueFromIntOrPercent. */
function scaled(value: IntOrPercent, total: number, roundUp: boolean, fallback: string): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const match = /^(\d+)%$/.exec(v);
  if (!match) return Number(v) || 0;
  const raw = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** [maxSurge, maxUnavailable]; both zero would deadlock, so unavailability becomes 1. */
export function resolveFenceposts(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, replicas: number): [number, number] {
  const surge = scaled(maxSurge, replicas, true, '25%');
  let unavailable = scaled(maxUnavailable, replicas, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, Math.min(unavailable, replicas)];
}

export interface RolloutStep {
  /** New desired spec.replicas by ReplicaSet name (only the ones that change). */
  scale: Map<string, number>;
}

export function rollingUpdateStep(
  desired: number,
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
  newRS: ReplicaSetCounts,
  oldRSs: ReplicaSetCounts[],
): RolloutStep {
  const [surge, unavailable] = resolveFenceposts(maxSurge, maxUnavailable, desired);
  const scale = new Map<string, number>();
  const all = [newRS, ...oldRSs];
  const total = all.reduce((n, rs) => n + rs.replicas, 0);

  // Scale up the new ReplicaSet within the surge budget.
  let newReplicas = newRS.replicas;
  if (newRS.replicas > desired) newReplicas = desired;
  else if (total < desired + surge) newReplicas = newRS.replicas + Math.min(desired + surge - total, desired - newRS.replicas);
  if (newReplicas !== newRS.replicas) scale.set(newRS.name, newReplicas);

  // Scale down old ReplicaSets while keeping desired - maxUnavailable pods available.
  const minAvailable = desired - unavailable;
  const newUnavailable = Math.max(0, newRS.replicas - newRS.available);
  const totalAfterUp = total - newRS.replicas + newReplicas;
  let budget = totalAfterUp - minAvailable - newUnavailable;
  const olds = [...oldRSs].filter((rs) => rs.replicas > 0).sort((a, b) => a.created.localeCompare(b.created));
  // Unavailable old pods are removed first: they do not count toward availability anyway.
  for (const rs of olds) {
    if (budget <= 0) break;
    const unhealthy = Math.min(budget, rs.replicas - rs.available);
    if (unhealthy > 0) {
      scale.set(rs.name, rs.replicas - unhealthy);
      budget -= unhealthy;
    }
  }
  const availableTotal = all.reduce((n, rs) => n + rs.available, 0);
  let scaleDown = Math.min(budget, availableTotal - minAvailable);
  for (const rs of olds) {
    if (scaleDown <= 0) break;
    const current = scale.get(rs.name) ?? rs.replicas;
    const by = Math.min(current, scaleDown);
    if (by > 0) {
      scale.set(rs.name, current - by);
      scaleDown -= by;
    }
  }
  return { scale };
}
