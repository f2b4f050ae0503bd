import jsonPatch from 'fast-json-patch';
import { StatusError } from '../store/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type PatchType = 'merge' | 'json' | 'strategic';

/** Server-side apply (`application/apply-patch+yaml`), handled by the API layer on top of the other types. */
export type RequestPatchType = PatchType | 'apply';

/** Patch content types the API server accepts, by the Content-Type header. */
export function patchTypeOf(contentType: string | undefined): RequestPatchType {
  const base = (contentType ?? '').split(';')[0]!.trim();
  switch (base) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
}

/** Applies a patch to a copy of `target` and returns the result. */
export function applyPatch(type: PatchType, target: object, patch: unknown): JsonObject {
  const doc = structuredClone(target) as JsonObject;
  switch (type) {
    case 'merge':
      if (!isObject(patch)) throw badPatch('a JSON merge patch must be a JSON object');
      return mergePatch(doc, patch) as JsonObject;
    case 'strategic':
      if (!isObject(patch)) throw badPatch('a strategic merge patch must be a JSON object');
      return strategicMerge(doc, patch) ?? {};
    case 'json': {
      if (!Array.isArray(patch)) throw badPatch('a JSON patch must be a JSON array of operations');
      try {
        return jsonPatch.applyPatch(doc, patch as jsonPatch.Operation[], true, true).newDocument as JsonObject;
      } catch (err) {
        const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
      }
    }
  }
}

function badPatch(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Merge keys of the lists that strategic merge patch merges element by element (the
 * `patchMergeKey` tags of the core API types); other lists are replaced.
 */
const mergeKeys: Record<string, string | ((items: JsonObject[]) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  conditions: 'type',
  addresses: 'type',
  ownerReferences: 'uid',
  taints: 'key',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  // Container ports merge on containerPort, Service ports on port.
  ports: (items) => (items.some((p) => 'containerPort' in p) ? 'containerPort' : 'port'),
};

/** Lists of scalars merged as sets. */
const mergedScalarLists = new Set(['finalizers']);

const setOrderPrefix = '$setElementOrder/';
const deleteFromListPrefix = '$deleteFromPrimitiveList/';

/** Strategic merge patch for the directives kubectl sends (apply, edit, cordon, label, scale). */
export function strategicMerge(target: JsonObject | undefined, patch: JsonObject): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const replaced = { ...patch };
    delete replaced.$patch;
    return replaced;
  }
  const result: JsonObject = target ?? {};
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(setOrderPrefix)) continue;
    if (key.startsWith(deleteFromListPrefix)) {
      const field = key.slice(deleteFromListPrefix.length);
      const removed = new Set((value as Json[]).map((v) => JSON.stringify(v)));
      if (Array.isArray(result[field])) result[field] = (result[field] as Json[]).filter((v) => !removed.has(JSON.stringify(v)));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const merged = strategicMerge(isObject(result[key]) ? (result[key] as JsonObject) : undefined, value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, Array.isArray(result[key]) ? (result[key] as Json[]) : [], value);
    } else {
      result[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (key.startsWith(setOrderPrefix) && Array.isArray(order)) {
      const field = key.slice(setOrderPrefix.length);
      if (Array.isArray(result[field])) result[field] = applyOrder(field, result[field] as Json[], order);
    }
  }
  if (retainKeys) for (const key of Object.keys(result)) if (!retainKeys.includes(key)) delete result[key];
  return result;
}

function mergeList(field: string, current: Json[], patch: Json[]): Json[] {
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace'));
  }
  if (mergedScalarLists.has(field)) {
    const seen = new Set(current.map((v) => JSON.stringify(v)));
    return [...current, ...patch.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  const objects = [...current, ...patch].filter(isObject);
  const keySpec = mergeKeys[field];
  if (!keySpec || objects.length !== current.length + patch.length) return patch;
  const mergeKey = typeof keySpec === 'string' ? keySpec : keySpec(objects);
  const result = [...current] as JsonObject[];
  for (const item of patch as JsonObject[]) {
    const index = result.findIndex((c) => c[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMerge(result[index], item) ?? result[index]!;
    } else {
      const added = { ...item };
      delete added.$patch;
      result.push(added);
    }
  }
  return result;
}

function applyOrder(field: string, list: Json[], order: Json[]): Json[] {
  const keySpec = mergeKeys[field];
  const objects = list.filter(isObject);
  const mergeKey = keySpec === undefined ? undefined : typeof keySpec === 'string' ? keySpec : keySpec(objects);
  const keyOf = (v: Json): string => JSON.stringify(mergeKey && isObject(v) ? v[mergeKey] : v);
  const position = new Map(order.map((o, i) => [keyOf(o), i]));
  const ordered = list.filter((v) => position.has(keyOf(v))).sort((a, b) => position.get(keyOf(a))! - position.get(keyOf(b))!);
  return [...ordered, ...list.filter((v) => !position.has(keyOf(v)))];
}
