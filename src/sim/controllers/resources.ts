import { parseQuantity } from '../../cluster/quantity.js';
import type { Container, Pod } from '../../cluster/types.js';

/** Resource amounts in base units: cpu in millicores, memory and storage in bytes, others as counts. */
export type ResourceAmounts = Record<string, number>;

/** cpu is kept in integer millicores so sums of "100m" never drift. */
export function toAmount(resource: string, quantity: string | number | undefined): number {
  const value = parseQuantity(quantity) ?? 0;
  return resource === 'cpu' || resource.endsWith('.cpu') ? Math.round(value * 1000) : value;
}

export function toAmounts(list: Record<string, string | number> | undefined): ResourceAmounts {
  const out: ResourceAmounts = {};
  for (const [name, q] of Object.entries(list ?? {})) out[name] = toAmount(name, q);
  return out;
}

/** The API server defaults requests to limits when only limits are given. */
function containerRequests(container: Container): ResourceAmounts {
  const limits = toAmounts(container.resources?.limits as Record<string, string> | undefined);
  const requests = toAmounts(container.resources?.requests as Record<string, string> | undefined);
  return { ...limits, ...requests };
}

export function addAmounts(into: ResourceAmounts, add: ResourceAmounts, sign = 1): ResourceAmounts {
  for (const [name, value] of Object.entries(add)) into[name] = (into[name] ?? 0) + sign * value;
  return into;
}

/** Effective pod request as the scheduler computes it: sum of containers, at least the largest init container. */
export function podRequests(pod: Pod): ResourceAmounts {
  const total: ResourceAmounts = {};
  for (const c of pod.spec?.containers ?? []) addAmounts(total, containerRequests(c));
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [name, value] of Object.entries(containerRequests(c))) total[name] = Math.max(total[name] ?? 0, value);
  }
  return total;
}

/** Render amounts the way kubectl and the quota admission print them ("cpu=500m,memory=1Gi"). */
export function formatAmount(resource: string, amount: number): string {
  if (resource === 'cpu' || resource.endsWith('.cpu')) {
    return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  }
  if (/memory|storage/.test(resource)) {
    const units: Array<[string, number]> = [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
    for (const [suffix, size] of units) if (amount >= size && amount % size === 0) return `${amount / size}${suffix}`;
  }
  return String(amount);
}

export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
