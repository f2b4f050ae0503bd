import type { Pod, ResourceQuota } from '../../cluster/types.js';
import { formatAmount, isPodTerminal, toAmount, type ResourceAmounts } from './resources.js';

/**
 * ResourceQuota admission for pods, pure. Usage is keyed by the names quotas use
 * ("pods", "requests.cpu", "limits.memory", "requests.nvidia.com/gpu", ...).
 */
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

export function podQuotaUsage(pod: Pod): ResourceAmounts {
  if (isPodTerminal(pod)) return {};
  const usage: ResourceAmounts = { pods: 1, 'count/pods': 1 };
  for (const c of pod.spec?.containers ?? []) {
    const limits = c.resources?.limits as Record<string, string> | undefined;
    const requests = { ...(limits ?? {}), ...((c.resources?.requests as Record<string, string> | undefined) ?? {}) };
    for (const [name, q] of Object.entries(requests)) {
      const amount = toAmount(name, q);
      usage[`requests.${name}`] = (usage[`requests.${name}`] ?? 0) + amount;
      if (COMPUTE.includes(name)) usage[name] = (usage[name] ?? 0) + amount;
    }
    for (const [name, q] of Object.entries(limits ?? {})) {
      usage[`limits.${name}`] = (usage[`limits.${name}`] ?? 0) + toAmount(name, q);
    }
  }
  return usage;
}

/** Quota resource names whose value is a cpu amount (kept in millicores). */
function amountKind(resource: string): string {
  return resource.replace(/^(requests|limits)\./, '');
}

export function quotaHard(quota: ResourceQuota): ResourceAmounts {
  const out: ResourceAmounts = {};
  for (const [name, q] of Object.entries((quota.spec?.hard ?? {}) as Record<string, string>)) out[name] = toAmount(amountKind(name), q);
  return out;
}

export function formatUsage(usage: ResourceAmounts, names: string[]): string {
  return [...names].sort().map((n) => `${n}=${formatAmount(amountKind(n), usage[n] ?? 0)}`).join(',');
}

/** Quota names that constrain pod compute resources and so require every container to declare them. */
function requiredByQuota(name: string): boolean {
  return /^(requests\.|limits\.)?(cpu|memory)$/.test(name);
}

function containerDeclares(pod: Pod, name: string): boolean {
  const kind = amountKind(name);
  return (pod.spec?.containers ?? []).every((c) => {
    const limits = (c.resources?.limits ?? {}) as Record<string, string>;
    const requests = (c.resources?.requests ?? {}) as Record<string, string>;
    return name.startsWith('limits.') ? kind in limits : kind in requests || kind in limits;
  });
}

/**
 * The quota admission's error for creating `pod` with `used` already counted, or undefined when
 * admitted. Messages are the apiserver's: "failed quota: q: must specify cpu" and
 * "exceeded quota: q, requested: cpu=1, used: cpu=2, limited: cpu=2".
 */
export function quotaRejection(quota: ResourceQuota, used: ResourceAmounts, pod: Pod): string | undefined {
  const hard = quotaHard(quota);
  const name = quota.metadata.name;
  const missing = Object.keys(hard).filter((r) => requiredByQuota(r) && !containerDeclares(pod, r));
  if (missing.length) return `failed quota: ${name}: must specify ${missing.sort().join(',')}`;
  const requested = podQuotaUsage(pod);
  const exceeded = Object.keys(hard).filter((r) => (requested[r] ?? 0) > 0 && (used[r] ?? 0) + requested[r] > hard[r]);
  if (!exceeded.length) return undefined;
  return `exceeded quota: ${name}, requested: ${formatUsage(requested, exceeded)}, used: ${formatUsage(used, exceeded)}, limited: ${formatUsage(hard, exceeded)}`;
}

export function namespaceUsage(pods: Pod[]): ResourceAmounts {
  const total: ResourceAmounts = {};
  for (const pod of pods) for (const [k, v] of Object.entries(podQuotaUsage(pod))) total[k] = (total[k] ?? 0) + v;
  return total;
}

/** status.used as the quota controller writes it: only the names the quota constrains. */
export function quotaStatusUsed(quota: ResourceQuota, used: ResourceAmounts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(quotaHard(quota))) out[name] = formatAmount(amountKind(name), used[name] ?? 0);
  return out;
}

