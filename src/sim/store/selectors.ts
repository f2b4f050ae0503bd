import { StatusError, type KubeObject } from './types.js';

/** A parsed selector: a predicate plus, for indexing, the equality requirements it contains. */
export interface Selector {
  matches(obj: KubeObject): boolean;
  /** Field path → required value, for `path=value` requirements (used to index watchers). */
  readonly equalities: ReadonlyMap<string, string>;
  readonly empty: boolean;
}

type Requirement = (value: (key: string) => string | undefined) => boolean;

/** Parses a label selector in the API's string form: `app=web,tier!=db,env in (a,b),!canary`. */
export function parseLabelSelector(text: string | undefined): Selector {
  const requirements: Requirement[] = [];
  const equalities = new Map<string, string>();
  for (const raw of splitTopLevel(text ?? '')) {
    const term = raw.trim();
    if (!term) continue;
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      checkLabelKey(key, text);
      const values = new Set(list.split(',').map((v) => v.trim()));
      requirements.push(op === 'in' ? (get) => values.has(get(key) ?? '\0absent') : (get) => !values.has(get(key) ?? '\0absent'));
    } else if ((m = term.match(/^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      checkLabelKey(key, text);
      if (op === '!=') requirements.push((get) => get(key) !== value);
      else {
        requirements.push((get) => get(key) === value);
        equalities.set(key, value);
      }
    } else if ((m = term.match(/^!\s*([^=!\s]+)$/))) {
      const key = m[1]!;
      checkLabelKey(key, text);
      requirements.push((get) => get(key) === undefined);
    } else if (/^[^=!\s(),]+$/.test(term)) {
      checkLabelKey(term, text);
      requirements.push((get) => get(term) !== undefined);
    } else {
      throw new StatusError(400, 'BadRequest', `unable to parse requirement: found '${term}', expected: valid label selector`);
    }
  }
  return {
    equalities,
    empty: requirements.length === 0,
    matches: (obj) => {
      const labels = obj.metadata.labels ?? {};
      const get = (key: string): string | undefined => (Object.hasOwn(labels, key) ? labels[key] : undefined);
      return requirements.every((r) => r(get));
    },
  };
}

/** Parses a field selector: `spec.nodeName=node-1,status.phase!=Succeeded,involvedObject.name=web`. */
export function parseFieldSelector(text: string | undefined): Selector {
  const requirements: Requirement[] = [];
  const equalities = new Map<string, string>();
  for (const raw of (text ?? '').split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const m = term.match(/^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new StatusError(400, 'BadRequest', `invalid selector: '${text}'; can't understand '${term}'`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    if (op === '!=') requirements.push((get) => get(path) !== value);
    else {
      requirements.push((get) => get(path) === value);
      equalities.set(path, value);
    }
  }
  return {
    equalities,
    empty: requirements.length === 0,
    matches: (obj) => requirements.every((r) => r((path) => fieldValue(obj, path))),
  };
}

/** Boolean fields the API server renders as "false" when unset. */
const booleanFields = new Set(['spec.unschedulable', 'spec.hostNetwork']);

/** The string value of a field as the API server's field-selector sets render it ('' when unset). */
export function fieldValue(obj: KubeObject, path: string): string {
  // Events expose their source component under the short label `source`.
  const resolved = path === 'source' ? 'source.component' : path;
  let current: unknown = obj;
  for (const part of resolved.split('.')) {
    if (current === null || typeof current !== 'object') {
      current = undefined;
      break;
    }
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return booleanFields.has(resolved) ? 'false' : '';
  return typeof current === 'object' ? JSON.stringify(current) : String(current);
}

/** Combines label and field selectors into one predicate. */
export function selectorsMatch(labels: Selector, fields: Selector, obj: KubeObject): boolean {
  return (labels.empty || labels.matches(obj)) && (fields.empty || fields.matches(obj));
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const labelKeyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function checkLabelKey(key: string, text: string | undefined): void {
  if (!labelKeyPattern.test(key)) {
    throw new StatusError(400, 'BadRequest', `unable to parse requirement: invalid label key "${key}" in selector "${text}"`);
  }
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** The string form of a metav1.LabelSelector (`app=web,tier in (a,b),!canary`). */
export function labelSelectorToString(selector: LabelSelectorObject | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',');
}
