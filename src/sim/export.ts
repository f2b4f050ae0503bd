import { request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterUnreachableError, InputError } from '../errors.js';
import { loadState } from './simulator.js';
import { Store, type KubeObject } from './store/index.js';

/** Secret values never leave the simulator: keys are kept, values blanked. */
function redact(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret') return obj;
  const copy = structuredClone(obj);
  for (const field of ['data', 'stringData'] as const) {
    const values = copy[field] as Record<string, string> | undefined;
    if (values) copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, '']));
  }
  return copy;
}

function listOf(items: KubeObject[]): object {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: items.map(redact) };
}

/** Every object in a store as a `v1 List` (what `kubectl get ... -o json` prints), for `diagnose --file`. */
export function exportStore(store: Store): object {
  const items: KubeObject[] = [];
  for (const type of store.resourceTypes.all()) items.push(...(store.list(type).items as KubeObject[]));
  return listOf(items);
}

/** Export from a --state file, without starting anything. */
export async function exportStateFile(path: string): Promise<object> {
  const store = new Store({ seedNamespaces: false });
  store.restore(await loadState(path));
  return exportStore(store);
}

/** Export from a running simulator through its API, using a kubeconfig it wrote. */
export async function exportLive(kubeconfigPath: string): Promise<object> {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(kubeconfigPath);
  } catch (err) {
    throw new InputError(`${kubeconfigPath}: cannot read kubeconfig: ${err instanceof Error ? err.message : String(err)}`);
  }
  const cluster = kc.getCurrentCluster();
  const token = kc.getCurrentUser()?.token;
  if (!cluster) throw new InputError(`${kubeconfigPath}: no current cluster`);
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64').toString('utf8') : undefined;
  const get = (path: string) => httpsGetJson(`${cluster.server}${path}`, token, ca);

  const groups = (await get('/apis')) as { groups: Array<{ preferredVersion: { groupVersion: string } }> };
  const groupVersions = ['v1', ...groups.groups.map((g) => g.preferredVersion.groupVersion)];
  const items: KubeObject[] = [];
  for (const gv of groupVersions) {
    if (gv.startsWith('metrics.k8s.io/')) continue;
    const base = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
    const resources = (await get(base)) as { resources: Array<{ name: string; kind: string; verbs: string[] }> };
    for (const r of resources.resources) {
      if (r.name.includes('/') || !r.verbs.includes('list')) continue;
      const list = (await get(`${base}/${r.name}`)) as { items: KubeObject[] };
      const apiVersion = gv;
      items.push(...list.items.map((o) => ({ ...o, apiVersion: o.apiVersion ?? apiVersion, kind: o.kind ?? r.kind })));
    }
  }
  return listOf(items);
}

function httpsGetJson(url: string, token: string | undefined, ca: string | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 401 || res.statusCode === 403) reject(new ClusterUnreachableError(`${url}: unauthorised (${res.statusCode})`));
        else if (res.statusCode !== 200) reject(new ClusterUnreachableError(`${url}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
        else resolve(JSON.parse(body));
      });
    });
    req.on('error', (err) => reject(new ClusterUnreachableError(`cannot reach the simulator at ${url}: ${err.message}`)));
    req.end();
  });
}

