import type { ResourceType, Store } from '../store/index.js';

/** The Kubernetes version the simulator reports (kubectl 1.32 is the reference client). */
export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4-nakhoda-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Group served by the API layer itself rather than the store. */
export const metricsGroup = { group: 'metrics.k8s.io', version: 'v1beta1' };

const defaultVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const metricsResources: ResourceType[] = [
  { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes', kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'] },
  { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'] },
];

/** Group → versions, in preference order, with the types each serves. */
function groups(store: Store): Map<string, Map<string, ResourceType[]>> {
  const result = new Map<string, Map<string, ResourceType[]>>();
  for (const t of [...store.resourceTypes.all(), ...metricsResources]) {
    let versions = result.get(t.group);
    if (!versions) result.set(t.group, (versions = new Map()));
    let types = versions.get(t.version);
    if (!types) versions.set(t.version, (types = []));
    types.push(t);
  }
  return result;
}

export function coreVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
}

export function apiGroupList(store: Store): object {
  const list = [];
  for (const [group, versions] of groups(store)) {
    if (!group) continue;
    list.push(apiGroup(group, [...versions.keys()]));
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
}

export function apiGroupFor(store: Store, group: string): object | undefined {
  const versions = groups(store).get(group);
  return versions && group ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, [...versions.keys()]) } : undefined;
}

function apiGroup(name: string, versions: string[]): object {
  const gvs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gvs, preferredVersion: gvs[0] };
}

export function apiResourceList(store: Store, group: string, version: string): object | undefined {
  const types = groups(store).get(group)?.get(version);
  if (!types) return undefined;
  const resources: object[] = [];
  for (const t of types) {
    resources.push({
      name: t.resource,
      singularName: t.singular ?? t.kind.toLowerCase(),
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs ?? defaultVerbs,
      ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories?.length ? { categories: t.categories } : {}),
      storageVersionHash: storageVersionHash(t),
    });
    for (const sub of t.subresources ?? []) resources.push(subresourceEntry(t, sub));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function subresourceEntry(t: ResourceType, sub: string): object {
  const base = { name: `${t.resource}/${sub}`, singularName: '', namespaced: t.namespaced };
  switch (sub) {
    case 'scale':
      return { ...base, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { ...base, kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { ...base, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    case 'log':
      return { ...base, kind: 'Pod', verbs: ['get'] };
    default:
      return { ...base, kind: t.kind, verbs: ['get', 'patch', 'update'] };
  }
}

/** A short stable hash, as discovery advertises for each resource. */
function storageVersionHash(t: ResourceType): string {
  let h = 0;
  for (const c of `${t.group}/${t.version}/${t.kind}`) h = (h * 31 + c.charCodeAt(0)) | 0;
  return Buffer.from(Uint32Array.of(h >>> 0).buffer).toString('base64').slice(0, 11);
}

/** All group/versions served, for the OpenAPI v3 index. */
export function groupVersions(store: Store): Array<{ group: string; version: string; types: ResourceType[] }> {
  const result = [];
  for (const [group, versions] of groups(store)) {
    for (const [version, types] of versions) result.push({ group, version, types });
  }
  return result;
}

/** Accept header of clients that prefer aggregated discovery (kubectl ≥ 1.30). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /as=APIGroupDiscoveryList/.test(part) && /g=apidiscovery\.k8s\.io/.test(part) && /v=v2(;|$|\s)/.test(part));
}

export const aggregatedDiscoveryContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function subresourceKind(t: ResourceType, sub: string): { group: string; version: string; kind: string } {
  switch (sub) {
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
    case 'binding':
      return { group: '', version: 'v1', kind: 'Binding' };
    case 'eviction':
      return { group: 'policy', version: 'v1', kind: 'Eviction' };
    default:
      return { group: t.group, version: t.version, kind: t.kind };
  }
}

/**
 * One-request discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList): `/api` lists the core
 * group, `/apis` all the others, each with its resources, so kubectl needs two requests instead
 * of one per group/version.
 */
export function aggregatedDiscovery(store: Store, core: boolean): object {
  const items = [];
  for (const [group, versions] of groups(store)) {
    if ((group === '') !== core) continue;
    items.push({
      metadata: { name: group, creationTimestamp: null },
      versions: [...versions].map(([version, types]) => ({
        version,
        freshness: 'Current',
        resources: types.map((t) => ({
          resource: t.resource,
          responseKind: { group: t.group, version: t.version, kind: t.kind },
          scope: t.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: t.singular ?? t.kind.toLowerCase(),
          verbs: t.verbs ?? defaultVerbs,
          ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
          ...(t.categories?.length ? { categories: t.categories } : {}),
          ...(t.subresources?.length
            ? {
                subresources: t.subresources.map((sub) => ({
                  subresource: sub,
                  responseKind: subresourceKind(t, sub),
                  verbs: (subresourceEntry(t, sub) as { verbs: string[] }).verbs,
                })),
              }
            : {}),
        })),
      })),
    });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
