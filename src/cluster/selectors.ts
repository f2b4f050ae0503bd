import type * as k8s from '@kubernetes/client-node';
import type { Plain } from './types.js';

export type LabelSelector = Plain<k8s.V1LabelSelector>;
type Labels = Record<string, string> | undefined;

/** A Service-style selector (plain map): an empty map selects nothing, as for Services. */
export function matchesMap(selector: Labels, labels: Labels): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => labels?.[key] === value);
}

/**
 * A metav1.LabelSelector: matchLabels AND matchExpressions. An empty selector selects
 * everything (as for PDBs and NetworkPolicies); a missing one selects nothing.
 */
export function matchesSelector(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels?.[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = labels !== undefined && expr.key in labels;
    const value = labels?.[expr.key];
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In': if (!has || !values.includes(value as string)) return false; break;
      case 'NotIn': if (has && values.includes(value as string)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** `a=b,c=d` as kubectl prints selectors in messages and remediations. */
export function formatSelector(selector: LabelSelector | Labels | undefined): string {
  if (!selector) return '<none>';
  const asSelector = selector as LabelSelector;
  if (asSelector.matchLabels !== undefined || asSelector.matchExpressions !== undefined) {
    const parts = Object.entries(asSelector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
    for (const e of asSelector.matchExpressions ?? []) {
      parts.push(e.values?.length ? `${e.key} ${e.operator.toLowerCase()} (${e.values.join(',')})` : `${e.operator === 'DoesNotExist' ? '!' : ''}${e.key}`);
    }
    return parts.join(',') || '<everything>';
  }
  return Object.entries(selector as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
}
