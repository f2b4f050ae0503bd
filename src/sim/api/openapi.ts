import { createHash } from 'node:crypto';
import type { ResourceType, Store } from '../store/index.js';
import { groupVersions } from './discovery.js';

/**
 * OpenAPI documents, just enough for kubectl: `kubectl create/apply` look in the v3 document of a
 * group/version for a PATCH operation tagged with the object's group-version-kind that accepts the
 * `fieldValidation` query parameter; when they find it they leave validation to the server
 * instead of validating against schemas on the client. No schemas are published, so kubectl's
 * patch computation falls back to its built-in types (and to JSON merge patch for custom resources).
 */

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiV3Document(store: Store, group: string, version: string): object | undefined {
  const gv = groupVersions(store).find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const paths: Record<string, object> = {};
  for (const type of gv.types) paths[itemPath(type)] = { patch: patchOperation(type) };
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4-nakhoda-sim' },
    paths,
    components: { schemas: {} },
  };
}

export function openApiV3Index(store: Store): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions(store)) {
    const doc = JSON.stringify(openApiV3Document(store, group, version));
    const hash = createHash('sha512').update(doc).digest('hex').slice(0, 128).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}

/** OpenAPI v2 as JSON (the protobuf form kubectl asks for is served empty: no schemas). */
export function openApiV2Document(store: Store): object {
  const paths: Record<string, object> = {};
  for (const { types } of groupVersions(store)) {
    for (const type of types) paths[itemPath(type)] = { patch: patchOperation(type) };
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.4-nakhoda-sim' }, paths, definitions: {} };
}

function itemPath(type: ResourceType): string {
  const ns = type.namespaced ? 'namespaces/{namespace}/' : '';
  return `/${gvPath(type.group, type.version)}/${ns}${type.resource}/{name}`;
}

function patchOperation(type: ResourceType): object {
  return {
    operationId: `patch${type.kind}`,
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: type.group, version: type.version, kind: type.kind },
    parameters: [
      { name: 'dryRun', in: 'query', schema: { type: 'string' } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
      { name: 'force', in: 'query', schema: { type: 'boolean' } },
    ],
    responses: { '200': { description: 'OK' } },
  };
}
