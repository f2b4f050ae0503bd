import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../errors.js';
import {
  apiVersionOf,
  builtinResourceTypes,
  resourceTypes,
  StatusError,
  typeKey,
  type DeleteOptions,
  type KubeObject,
  notFound,
  type ResourceType,
  type Store,
  type StoredObject,
} from '../store/index.js';
import {
  aggregatedDiscovery,
  aggregatedDiscoveryContentType,
  apiGroupFor,
  apiGroupList,
  apiResourceList,
  coreVersions,
  metricsGroup,
  serverVersion,
  wantsAggregatedDiscovery,
} from './discovery.js';
import { getNodeMetrics, getPodMetrics, listNodeMetrics, listPodMetrics, zeroUsage, type UsageSource } from './metrics.js';
import { openApiV2Document, openApiV3Document, openApiV3Index } from './openapi.js';
import { applyPatch, patchTypeOf } from './patch.js';
import { decodeProtobufObject } from './protobuf.js';
import { applyScale, bindPod, evictPod, podLog, toScale, type LogSource } from './subresources.js';
import { toTable, wantsTable } from './table.js';
import { createServingCertificate, type ServingCertificate } from './tls.js';

/** The API server's request body limit (3 MiB), beyond which it answers 413. */
export const maxBodyBytes = 3 * 1024 * 1024;

export interface ApiServerOptions {
  store: Store;
  token: string;
  /** 0 or unset: a free port. */
  port?: number;
  /** How often watches that allow bookmarks get one (real time, ms). */
  bookmarkIntervalMs?: number;
  /** Serving certificate; a new self-signed one when unset. */
  tls?: ServingCertificate;
}

type Query = Record<string, string | undefined>;

interface Target {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const builtinKeys = new Set(builtinResourceTypes.map(typeKey));

function notFoundRoute(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/**
 * The Kubernetes REST API over a Store, on 127.0.0.1 with a bearer token: discovery, OpenAPI,
 * CRUD, list (paged, Table), watch (bookmarks, 410), patches and the pod/workload subresources.
 */
export class ApiServer {
  readonly store: Store;
  readonly token: string;
  /** The serving certificate; kubeconfigs trust it as the cluster CA. */
  readonly tls: ServingCertificate;
  /** Resource usage for metrics.k8s.io; the kubelet model replaces it. */
  usageSource: UsageSource = zeroUsage;
  /** Container logs for pods/log; the kubelet model sets it. */
  logSource: LogSource | undefined;
  private readonly app: FastifyInstance;
  private readonly watches = new Set<ServerResponse>();
  private readonly requestedPort: number;
  private readonly bookmarkIntervalMs: number;
  private address = '';

  constructor(options: ApiServerOptions) {
    this.store = options.store;
    this.token = options.token;
    this.requestedPort = options.port ?? 0;
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 5000;
    this.tls = options.tls ?? createServingCertificate();
    this.app = Fastify({ https: { key: this.tls.keyPem, cert: this.tls.certPem }, bodyLimit: maxBodyBytes, forceCloseConnections: true, routerOptions: { maxParamLength: 2000 } });
    this.routes();
  }

  get url(): string {
    return this.address;
  }

  async start(): Promise<string> {
    try {
      this.address = await this.app.listen({ host: '127.0.0.1', port: this.requestedPort });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new InputError(`--port ${this.requestedPort}: already in use on 127.0.0.1`);
      throw err;
    }
    return this.address;
  }

  async stop(): Promise<void> {
    for (const res of [...this.watches]) res.destroy();
    this.watches.clear();
    await this.app.close();
  }

  private routes(): void {
    const app = this.app;
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.addHook('onRequest', async (req, reply) => {
      if (req.headers.authorization !== `Bearer ${this.token}`) {
        return this.sendError(reply, new StatusError(401, 'Unauthorized', 'Unauthorized'));
      }
    });
    app.setErrorHandler(async (err, _req, reply) => {
      if (err instanceof StatusError) return this.sendError(reply, err);
      const fastifyErr = err as { code?: string; message?: string };
      if (fastifyErr.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return this.sendError(reply, new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${maxBodyBytes}`));
      }
      return this.sendError(reply, new StatusError(500, 'InternalError', `Internal error occurred: ${fastifyErr.message ?? String(err)}`));
    });
    app.setNotFoundHandler(async (_req, reply) => this.sendError(reply, notFoundRoute()));

    app.get('/version', async () => serverVersion);
    for (const path of ['/healthz', '/livez', '/readyz']) app.get(path, async (_req, reply) => reply.type('text/plain').send('ok'));
    app.get('/api', async (req, reply) =>
      wantsAggregatedDiscovery(req.headers.accept)
        ? reply.type(aggregatedDiscoveryContentType).send(JSON.stringify(aggregatedDiscovery(this.store, true)))
        : coreVersions(),
    );
    app.get('/apis', async (req, reply) =>
      wantsAggregatedDiscovery(req.headers.accept)
        ? reply.type(aggregatedDiscoveryContentType).send(JSON.stringify(aggregatedDiscovery(this.store, false)))
        : apiGroupList(this.store),
    );
    app.get('/openapi/v2', async (req, reply) => {
      // kubectl asks for protobuf; an empty protobuf message is a valid, schema-less document.
      if ((req.headers.accept ?? '').includes('protobuf')) {
        return reply.type('application/com.github.proto-openapi.spec.v2@v1.0+protobuf').send(Buffer.alloc(0));
      }
      return openApiV2Document(this.store);
    });
    app.get('/openapi/v3', async () => openApiV3Index(this.store));
    app.get('/openapi/v3/*', async (req) => {
      const [kind, ...rest] = ((req.params as { '*': string })['*'] ?? '').split('/');
      const doc = kind === 'api' ? openApiV3Document(this.store, '', rest[0] ?? '') : openApiV3Document(this.store, rest[0] ?? '', rest[1] ?? '');
      if (!doc) throw notFoundRoute();
      return doc;
    });
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
    app.route({ method: [...methods], url: '/api/*', handler: (req, reply) => this.handle(req, reply) });
    app.route({ method: [...methods], url: '/apis/*', handler: (req, reply) => this.handle(req, reply) });
  }

  private async sendError(reply: FastifyReply, err: StatusError): Promise<FastifyReply> {
    return reply.code(err.code).type('application/json').send(JSON.stringify(err.toStatus()));
  }

  private sendJson(reply: FastifyReply, code: number, body: string | object): FastifyReply {
    return reply.code(code).type('application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  private async handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const path = req.url.split('?')[0]!;
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const core = segments[0] === 'api';
    const group = core ? '' : (segments[1] ?? '');
    const version = core ? segments[1] : segments[2];
    const rest = segments.slice(core ? 2 : 3);
    const query = req.query as Query;

    if (!version) {
      const groupDoc = apiGroupFor(this.store, group);
      if (!groupDoc || req.method !== 'GET') throw notFoundRoute();
      return this.sendJson(reply, 200, groupDoc);
    }
    if (rest.length === 0) {
      const list = apiResourceList(this.store, group, version);
      if (!list || req.method !== 'GET') throw notFoundRoute();
      return this.sendJson(reply, 200, list);
    }
    if (group === metricsGroup.group) return this.handleMetrics(req, reply, version, rest, query);
    if (query.dryRun && req.method !== 'GET') {
      // Refuse rather than pretend: a dry run must never change the cluster.
      throw new StatusError(400, 'BadRequest', 'dryRun is not supported by the Nakhoda simulator');
    }
    const target = this.resolve(group, version, rest);

    switch (req.method) {
      case 'GET':
        if (!target.name) {
          if (query.watch === 'true' || query.watch === '1') return this.watch(req, reply, target, query);
          return this.list(req, reply, target, query);
        }
        return this.get(req, reply, target, query);
      case 'POST':
        return this.post(req, reply, target);
      case 'PUT':
        return this.put(req, reply, target);
      case 'PATCH':
        return this.patch(req, reply, target);
      case 'DELETE':
        return this.remove(req, reply, target, query);
    }
    throw new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  private resolve(group: string, version: string, rest: string[]): Target {
    let namespace: string | undefined;
    let parts = rest;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const candidate = this.store.resourceTypes.get(group, rest[2]!);
      if (candidate?.namespaced) {
        namespace = rest[1];
        parts = rest.slice(2);
      }
    }
    const type = this.store.resourceTypes.get(group, parts[0]!);
    if (!type || type.version !== version || parts.length > 3 || (namespace !== undefined && !type.namespaced)) throw notFoundRoute();
    const subresource = parts[2];
    if (subresource && !(type.subresources ?? []).includes(subresource)) throw notFoundRoute();
    return { type, namespace, name: parts[1], subresource };
  }

  private body(req: FastifyRequest): unknown {
    const raw = req.body as Buffer | undefined;
    const text = raw?.toString('utf8') ?? '';
    if (!text.trim()) throw new StatusError(400, 'BadRequest', 'the body of the request was empty');
    const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
    if (contentType === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(raw!);
    try {
      return contentType === 'application/yaml' || contentType === 'application/apply-patch+yaml' ? parseYaml(text) : JSON.parse(text);
    } catch (err) {
      throw new StatusError(400, 'BadRequest', `couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private objectBody(req: FastifyRequest, type: ResourceType, target: Target): KubeObject {
    const body = this.body(req);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new StatusError(400, 'BadRequest', `the object provided is unrecognized (must be of type ${type.kind})`);
    }
    const obj = body as KubeObject;
    obj.metadata ??= {};
    if (typeof obj.metadata !== 'object') throw new StatusError(400, 'BadRequest', `metadata must be an object`);
    if (type.namespaced && target.namespace) {
      if (obj.metadata.namespace && obj.metadata.namespace !== target.namespace) {
        throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = target.namespace;
    }
    if (target.name && obj.metadata.name && obj.metadata.name !== target.name && !target.subresource) {
      throw new StatusError(400, 'BadRequest', 'the name of the object (' + obj.metadata.name + ') does not match the name on the URL (' + target.name + ')');
    }
    return obj;
  }

  private get(req: FastifyRequest, reply: FastifyReply, target: Target, query: Query): FastifyReply {
    const { type, namespace, name, subresource } = target;
    if (subresource === 'log') {
      const text = podLog(this.store, namespace ?? 'default', name!, query, this.logSource);
      return reply.code(200).type('text/plain').send(text);
    }
    const obj = this.store.require(type, namespace, name!);
    if (subresource === 'scale') return this.sendJson(reply, 200, toScale(this.store, type, obj));
    if (wantsTable(req.headers.accept)) {
      return this.sendJson(reply, 200, toTable(type, [obj], this.tableOptions(type, query, this.store.resourceVersion)));
    }
    return this.sendJson(reply, 200, this.store.serialize(type, obj));
  }

  private tableOptions(type: ResourceType, query: Query, resourceVersion: string) {
    return {
      includeObject: query.includeObject,
      resourceVersion,
      now: this.store.clock.now(),
      crd: builtinKeys.has(typeKey(type)) ? undefined : this.store.get(resourceTypes.customresourcedefinitions, undefined, typeKey(type)),
    };
  }

  private list(req: FastifyRequest, reply: FastifyReply, target: Target, query: Query): FastifyReply {
    const { type, namespace } = target;
    const limit = query.limit ? Number(query.limit) : undefined;
    const result = this.store.list(type, {
      namespace,
      labelSelector: query.labelSelector,
      fieldSelector: query.fieldSelector,
      limit: limit && Number.isInteger(limit) && limit > 0 ? limit : undefined,
      continue: query.continue || undefined,
    });
    if (wantsTable(req.headers.accept)) {
      return this.sendJson(reply, 200, {
        ...toTable(type, result.items, {
          ...this.tableOptions(type, query, result.resourceVersion),
          continueToken: result.continue,
          remainingItemCount: result.remainingItemCount,
        }),
      });
    }
    const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continue) meta.continue = result.continue;
    if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
    // Lists of 150,000 pods are assembled from each object's cached JSON text.
    const head = `{"kind":${JSON.stringify(`${type.kind}List`)},"apiVersion":${JSON.stringify(apiVersionOf(type))},"metadata":${JSON.stringify(meta)},"items":[`;
    const items = result.items.map((o) => this.store.serialize(type, o)).join(',');
    return this.sendJson(reply, 200, `${head}${items}]}`);
  }

  private watch(req: FastifyRequest, reply: FastifyReply, target: Target, query: Query): void {
    const { type, namespace } = target;
    // Events are batched per stream and written once per event-loop turn: a burst of writes
    // then costs one TLS record and syscall per watcher instead of one per event.
    let pending: string[] = [];
    let res: ServerResponse | undefined;
    let flushScheduled = false;
    const flush = () => {
      flushScheduled = false;
      if (!res || res.writableEnded || res.destroyed || pending.length === 0) return;
      res.write(pending.join(''));
      pending = [];
    };
    const send = (line: string) => {
      pending.push(line);
      if (res && !flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    };
    // `kubectl get -w` watches in the Table format: one row per event, column definitions in the first.
    const asTable = wantsTable(req.headers.accept);
    let columnsSent = false;
    const encode = (obj: StoredObject): string => {
      if (!asTable) return this.store.serialize(type, obj);
      const table = toTable(type, [obj], this.tableOptions(type, query, obj.metadata.resourceVersion ?? '')) as { columnDefinitions?: unknown };
      if (columnsSent) table.columnDefinitions = [];
      columnsSent = true;
      return JSON.stringify(table);
    };
    let unsubscribe: (() => void) | undefined;
    let expired: StatusError | undefined;
    try {
      unsubscribe = this.store.watch(
        type,
        { namespace, resourceVersion: query.resourceVersion, labelSelector: query.labelSelector, fieldSelector: query.fieldSelector },
        (event) => send(`{"type":"${event.type}","object":${encode(event.object)}}\n`),
      );
    } catch (err) {
      // Like the API server, an expired resourceVersion is reported inside a successful watch stream.
      if (!(err instanceof StatusError) || err.code !== 410) throw err;
      expired = err;
    }
    reply.hijack();
    res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    // Clients wait for the headers before they consider the watch established.
    res.flushHeaders();
    if (expired) {
      res.end(`${JSON.stringify({ type: 'ERROR', object: expired.toStatus() })}\n`);
      return;
    }
    flush();
    const stream = res;
    this.watches.add(stream);
    const timers: NodeJS.Timeout[] = [];
    let open = true;
    const finish = () => {
      if (!open) return;
      open = false;
      unsubscribe?.();
      for (const t of timers) clearTimeout(t);
      this.watches.delete(stream);
      flush();
      if (!stream.writableEnded) stream.end();
    };
    const timeoutSeconds = Number(query.timeoutSeconds);
    timers.push(setTimeout(finish, (timeoutSeconds > 0 ? timeoutSeconds : 1800) * 1000));
    if (query.allowWatchBookmarks === 'true') {
      const bookmark = () => ({ kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: this.store.resourceVersion } });
      timers.push(setInterval(() => send(`${JSON.stringify({ type: 'BOOKMARK', object: bookmark() })}\n`), this.bookmarkIntervalMs));
    }
    stream.on('close', finish);
    stream.on('error', finish);
    req.raw.on('close', finish);
  }

  private post(req: FastifyRequest, reply: FastifyReply, target: Target): FastifyReply {
    const { type, namespace, name, subresource } = target;
    if (name && subresource === 'binding') {
      const binding = this.objectBody(req, type, target);
      bindPod(this.store, namespace ?? 'default', name, binding);
      return this.sendJson(reply, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    }
    if (name && subresource === 'eviction') {
      const eviction = this.objectBody(req, type, target);
      evictPod(this.store, namespace ?? 'default', name, eviction);
      return this.sendJson(reply, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    }
    if (name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const obj = this.objectBody(req, type, target);
    this.checkKind(type, obj);
    const created = this.store.create(type, obj);
    return this.sendJson(reply, 201, this.store.serialize(type, created));
  }

  private checkKind(type: ResourceType, obj: KubeObject): void {
    if (obj.kind && obj.kind !== type.kind) {
      throw new StatusError(400, 'BadRequest', `the server rejected our request for an unknown reason: ${obj.kind} is not a ${type.kind}`);
    }
    if (obj.apiVersion && obj.apiVersion !== apiVersionOf(type)) {
      throw new StatusError(400, 'BadRequest', `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(type)})`);
    }
  }

  private put(req: FastifyRequest, reply: FastifyReply, target: Target): FastifyReply {
    const { type, namespace, name, subresource } = target;
    if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    if (subresource === 'scale') {
      const scale = this.objectBody(req, type, { ...target, subresource });
      const updated = applyScale(this.store, type, namespace, { ...scale, metadata: { ...scale.metadata, name } });
      return this.sendJson(reply, 200, toScale(this.store, type, updated));
    }
    const obj = this.objectBody(req, type, target);
    this.checkKind(type, obj);
    obj.metadata.name ??= name;
    const updated = this.store.update(type, obj, subresource === 'status' ? { subresource: 'status' } : {});
    return this.sendJson(reply, 200, this.store.serialize(type, updated));
  }

  private patch(req: FastifyRequest, reply: FastifyReply, target: Target): FastifyReply {
    const { type, namespace, name, subresource } = target;
    if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const patchType = patchTypeOf(req.headers['content-type']);
    if (patchType === 'strategic' && !builtinKeys.has(typeKey(type))) {
      throw new StatusError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    const patch = this.body(req);
    if (patchType === 'apply') return this.serverSideApply(reply, target, patch);
    const current = this.store.require(type, namespace, name);
    if (subresource === 'scale') {
      const scale = applyPatch(patchType, toScale(this.store, type, current), patch) as unknown as KubeObject;
      const updated = applyScale(this.store, type, namespace, { ...scale, metadata: { ...scale.metadata, name } });
      return this.sendJson(reply, 200, toScale(this.store, type, updated));
    }
    const patched = applyPatch(patchType, current, patch) as unknown as KubeObject;
    if (typeof patched.metadata !== 'object' || patched.metadata === null) throw new StatusError(422, 'Invalid', 'metadata must be an object');
    patched.metadata.name = name;
    if (type.namespaced) patched.metadata.namespace = namespace;
    const updated = this.store.update(type, patched, subresource === 'status' ? { subresource: 'status' } : {});
    return this.sendJson(reply, 200, this.store.serialize(type, updated));
  }

  /**
   * Server-side apply, approximated: creates the object when missing, otherwise merges the applied
   * configuration into it (strategic merge for built-in kinds, JSON merge for custom resources).
   * Field ownership (managedFields) and apply conflicts are not modelled.
   */
  private serverSideApply(reply: FastifyReply, target: Target, body: unknown): FastifyReply {
    const { type, namespace, name, subresource } = target;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new StatusError(400, 'BadRequest', 'the applied configuration must be an object');
    const applied = body as KubeObject;
    applied.metadata ??= {};
    this.checkKind(type, applied);
    if (applied.metadata.name && applied.metadata.name !== name) {
      throw new StatusError(400, 'BadRequest', `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    const current = this.store.get(type, namespace, name!);
    if (!current) {
      if (subresource) throw notFound(type, name!);
      const created = this.store.create(type, { ...applied, metadata: { ...applied.metadata, name, namespace } });
      return this.sendJson(reply, 201, this.store.serialize(type, created));
    }
    const merged = applyPatch(builtinKeys.has(typeKey(type)) ? 'strategic' : 'merge', current, applied) as unknown as KubeObject;
    merged.metadata.name = name;
    if (type.namespaced) merged.metadata.namespace = namespace;
    merged.metadata.resourceVersion = current.metadata.resourceVersion;
    const updated = this.store.update(type, merged, subresource === 'status' ? { subresource: 'status' } : {});
    return this.sendJson(reply, 200, this.store.serialize(type, updated));
  }

  private remove(req: FastifyRequest, reply: FastifyReply, target: Target, query: Query): FastifyReply {
    const { type, namespace, name } = target;
    const raw = (req.body as Buffer | undefined)?.toString('utf8') ?? '';
    const body = (raw.trim() ? this.body(req) : {}) as DeleteOptions & { gracePeriodSeconds?: number };
    const options: DeleteOptions = {
      propagationPolicy: (query.propagationPolicy as DeleteOptions['propagationPolicy']) ?? body.propagationPolicy,
      gracePeriodSeconds: query.gracePeriodSeconds !== undefined ? Number(query.gracePeriodSeconds) : body.gracePeriodSeconds,
      preconditions: body.preconditions,
    };
    if (!name) {
      const items = this.store.list(type, { namespace, labelSelector: query.labelSelector, fieldSelector: query.fieldSelector }).items;
      const deleted = items.map((o) => this.store.delete(type, o.metadata.namespace, o.metadata.name!, options));
      return this.sendJson(reply, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion: this.store.resourceVersion }, items: deleted });
    }
    const result: StoredObject = this.store.delete(type, namespace, name, options);
    const stillThere = this.store.get(type, namespace, name)?.metadata.uid === result.metadata.uid;
    return this.sendJson(reply, stillThere ? 202 : 200, this.store.serialize(type, result));
  }

  private handleMetrics(req: FastifyRequest, reply: FastifyReply, version: string, rest: string[], query: Query): FastifyReply {
    if (version !== metricsGroup.version || req.method !== 'GET') throw notFoundRoute();
    const source = this.usageSource;
    if (rest[0] === 'nodes') {
      if (rest[1]) {
        const m = getNodeMetrics(this.store, rest[1], source);
        if (!m) throw new StatusError(404, 'NotFound', `nodes.metrics.k8s.io "${rest[1]}" not found`, { name: rest[1], group: 'metrics.k8s.io', kind: 'nodes' });
        return this.sendJson(reply, 200, m);
      }
      return this.sendJson(reply, 200, listNodeMetrics(this.store, query.labelSelector, source));
    }
    const namespaced = rest[0] === 'namespaces' && rest[2] === 'pods';
    if (rest[0] === 'pods' || namespaced) {
      const namespace = namespaced ? rest[1] : undefined;
      const name = namespaced ? rest[3] : rest[1];
      if (name) {
        const m = getPodMetrics(this.store, namespace ?? 'default', name, source);
        if (!m) throw new StatusError(404, 'NotFound', `podmetrics.metrics.k8s.io "${namespace}/${name}" not found`, { name, group: 'metrics.k8s.io', kind: 'pods' });
        return this.sendJson(reply, 200, m);
      }
      return this.sendJson(reply, 200, listPodMetrics(this.store, namespace, query.labelSelector, source));
    }
    throw notFoundRoute();
  }
}
