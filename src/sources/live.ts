/**
 * Live input: read-only lists of every kind the scenarios use, through @kubernetes/client-node.
 * Secrets are asked for as metadata only, so their values never cross the wire.
 */
import { existsSync } from 'node:fs';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KNOWN_KINDS, OPTIONAL_KINDS, type KindInfo } from '../cluster/kinds.js';
import type { KubeObject } from '../cluster/types.js';
import { ClusterUnreachableError, InputError } from '../errors.js';
import type { LoadedObjects } from './files.js';
import { normalizeObject } from './normalize.js';

export interface LiveOptions {
  kubeconfig?: string;
  context?: string;
  /** Only this namespace's namespaced objects (cluster-scoped kinds are always read). */
  namespace?: string;
}

const PAGE_SIZE = 500;

/** The client library is large; load it only when a live cluster is actually read. */
const clientLibrary = () => import('@kubernetes/client-node');

/** An HTTP failure with the status code the API server answered. */
class HttpStatusError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}
const PARALLEL_LISTS = 6;

export async function loadKubeConfig(options: LiveOptions): Promise<KubeConfig> {
  const kc = new (await clientLibrary()).KubeConfig();
  try {
    if (options.kubeconfig) {
      if (!existsSync(options.kubeconfig)) throw new InputError(`--kubeconfig ${options.kubeconfig}: no such file`);
      kc.loadFromFile(options.kubeconfig);
    } else {
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`kubeconfig ${options.kubeconfig ?? '(default)'}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) throw new InputError(`--context ${options.context}: no such context in the kubeconfig`);
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ClusterUnreachableError('no cluster configured: set KUBECONFIG or pass --kubeconfig, or use --file for a snapshot (or `nakhoda demo` for a simulated cluster)');
  }
  return kc;
}

export async function loadLive(options: LiveOptions): Promise<LoadedObjects & { server: string }> {
  const kc = await loadKubeConfig(options);
  const server = kc.getCurrentCluster()?.server ?? '';
  const result: LoadedObjects & { server: string } = { objects: [], notes: [], kinds: new Set(), server };
  const forbidden: string[] = [];
  const queue = [...KNOWN_KINDS];
  const worker = async () => {
    for (let info = queue.shift(); info; info = queue.shift()) {
      try {
        const items = info.kind === 'Secret' ? await listSecretMetadata(kc, server, options.namespace) : await listKind(kc, info, options.namespace);
        result.kinds.add(info.kind);
        for (const item of items) result.objects.push(normalizeObject(item));
      } catch (err) {
        const code = statusCode(err);
        if (code === 401) throw new ClusterUnreachableError(`${server}: unauthorised (401): the kubeconfig's credentials were rejected`);
        if (code === 403) forbidden.push(info.kind);
        else if (code === 404) {
          if (!OPTIONAL_KINDS.has(info.kind)) result.notes.push(`the cluster does not serve ${info.kind} (${apiVersionOf(info)})`);
        } else throw unreachable(server, err);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_LISTS }, worker));
  if (forbidden.length === KNOWN_KINDS.length) throw new ClusterUnreachableError(`${server}: forbidden (403) for every kind; the credentials need the nakhoda-diagnose ClusterRole (manifests/diagnose-clusterrole.yaml)`);
  if (forbidden.length > 0) result.notes.push(`not allowed to list ${forbidden.sort().join(', ')} (RBAC); scenarios that need them were skipped — apply manifests/diagnose-clusterrole.yaml`);
  return result;
}

function apiVersionOf(info: KindInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** The generated client class serving each API group (CRDs go through CustomObjectsApi). */
const GROUP_API: Record<string, string> = {
  '': 'CoreV1Api', apps: 'AppsV1Api', batch: 'BatchV1Api', autoscaling: 'AutoscalingV2Api', policy: 'PolicyV1Api',
  'networking.k8s.io': 'NetworkingV1Api', 'discovery.k8s.io': 'DiscoveryV1Api', 'storage.k8s.io': 'StorageV1Api',
  'scheduling.k8s.io': 'SchedulingV1Api', 'node.k8s.io': 'NodeV1Api', 'coordination.k8s.io': 'CoordinationV1Api',
  'admissionregistration.k8s.io': 'AdmissionregistrationV1Api', 'rbac.authorization.k8s.io': 'RbacAuthorizationV1Api',
};

interface ListPage { items: unknown[]; metadata?: { _continue?: string; continue?: string } }
type ListCall = (params: Record<string, unknown>) => Promise<ListPage>;

/**
 * One kind, page by page. The typed per-group clients are used because the generic
 * KubernetesObjectApi.list drops the list's `continue` token (it reads list metadata as
 * ObjectMeta), which silently truncates every list at the first page.
 */
async function listKind(kc: KubeConfig, info: KindInfo, namespace?: string): Promise<KubeObject[]> {
  const call = await listCall(kc, info, info.namespaced ? namespace : undefined);
  const apiVersion = apiVersionOf(info);
  const items: KubeObject[] = [];
  let continueToken: string | undefined;
  do {
    const page = await call({ limit: PAGE_SIZE, _continue: continueToken });
    for (const item of page.items) {
      // Typed clients turn timestamps into Dates; JSON brings back the wire format files use
      // (the model classes keep wire field names for every kind listed here).
      const plain = JSON.parse(JSON.stringify(item)) as KubeObject;
      items.push({ ...plain, apiVersion, kind: info.kind });
    }
    continueToken = page.metadata?._continue || page.metadata?.continue || undefined;
  } while (continueToken);
  return items;
}

async function listCall(kc: KubeConfig, info: KindInfo, namespace?: string): Promise<ListCall> {
  const lib = await clientLibrary();
  const className = GROUP_API[info.group];
  if (!className) {
    const api = kc.makeApiClient(lib.CustomObjectsApi);
    const target = { group: info.group, version: info.version, plural: info.plural };
    if (!info.namespaced) return (p) => api.listClusterCustomObject({ ...target, ...p });
    if (namespace) return (p) => api.listNamespacedCustomObject({ ...target, namespace, ...p });
    return (p) => api.listCustomObjectForAllNamespaces({ ...target, ...p });
  }
  // Method names follow the generator's pattern (listPodForAllNamespaces, listNamespacedPod,
  // listNode); the classes are looked up by name, so their type is only known as a method map.
  const Api = (lib as unknown as Record<string, new (...args: never[]) => unknown>)[className];
  const api = kc.makeApiClient(Api as never) as Record<string, ListCall>;
  const method = !info.namespaced ? `list${info.kind}` : namespace ? `listNamespaced${info.kind}` : `list${info.kind}ForAllNamespaces`;
  if (typeof api[method] !== 'function') throw new Error(`client has no ${className}.${method}`);
  return (p) => api[method]({ ...(namespace ? { namespace } : {}), ...p });
}

/** Secrets as PartialObjectMetadata: names, labels and annotations, never data. */
async function listSecretMetadata(kc: KubeConfig, server: string, namespace?: string): Promise<KubeObject[]> {
  const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets` : '/api/v1/secrets';
  // The typed client cannot ask for another representation, so this one request goes through
  // node:https with the kubeconfig's own TLS and credentials applied by the client library.
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' } };
  await kc.applyToHTTPSOptions(options);
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = https.request(new URL(path, server), options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
  if (status >= 400) throw new HttpStatusError(status, `list secrets: HTTP ${status}: ${body.slice(0, 200)}`);
  const list = JSON.parse(body) as { items?: Array<{ metadata: KubeObject['metadata'] }> };
  return (list.items ?? []).map((item) => ({ apiVersion: 'v1', kind: 'Secret', metadata: item.metadata }));
}

/** The HTTP status of a failed request (the client's ApiException and ours both carry `code`). */
function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown })?.code ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

function unreachable(server: string, err: unknown): ClusterUnreachableError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (err as Error)?.message?.split('\n')[0] ?? String(err);
  return new ClusterUnreachableError(`cannot reach the cluster at ${server}: ${reason}`);
}
