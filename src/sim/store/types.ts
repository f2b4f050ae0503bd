/** Shapes shared by the store, the API server and the simulated controllers. */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

/** Any Kubernetes object. Fields beyond metadata are kind-specific and read as unknown JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // Kind-specific fields (spec, status, data, ...) are arbitrary JSON.
  [key: string]: unknown;
}

/** A stored object: deeply frozen. Clone it (structuredClone) before changing anything. */
export type StoredObject = Readonly<KubeObject>;

export interface ResourceType {
  /** API group, '' for the core group. */
  group: string;
  version: string;
  /** Lower-case plural, as in URLs: 'pods', 'deployments'. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** e.g. 'po' for pods. */
  shortNames?: string[];
  /** e.g. ['all'] so `kubectl get all` finds it. */
  categories?: string[];
  singular?: string;
  /** Subresources served: 'status', 'scale', 'binding', 'log', 'eviction'. */
  subresources?: string[];
  /** Verbs advertised in discovery; defaults to the full CRUD + watch set. */
  verbs?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: StoredObject;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** HTTP status code → the Status `reason` the real API server uses for it. */
const reasonsByCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  504: 'Timeout',
};

/**
 * A failed API operation, turned into a `kind: Status` response by the API layer.
 * `reason` is the Kubernetes StatusReason (NotFound, AlreadyExists, Conflict, Invalid, ...).
 */
export class StatusError extends Error {
  readonly reason: string;
  constructor(
    readonly code: number,
    reason: string | undefined,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
    this.reason = reason ?? reasonsByCode[code] ?? 'Unknown';
  }

  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    };
    if (this.details) status.details = this.details;
    status.code = this.code;
    return status;
  }
}

/** `pods "web-1" not found` (group-qualified for non-core groups: `deployments.apps "web" not found`). */
export function notFound(type: ResourceType, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, {
    name,
    group: type.group || undefined,
    kind: type.resource,
  });
}

export function alreadyExists(type: ResourceType, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualifiedResource(type)} "${name}" already exists`, {
    name,
    group: type.group || undefined,
    kind: type.resource,
  });
}

export function conflict(type: ResourceType, name: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: type.group || undefined, kind: type.resource },
  );
}

/** 422 `Pod "x" is invalid: spec.containers[0].image: Required value` with one cause per field. */
export function invalid(type: ResourceType, name: string, causes: Array<Required<StatusCause>>): StatusError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`);
  const message = `${type.kind} "${name}" is invalid: ${summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`}`;
  return new StatusError(422, 'Invalid', message, {
    name,
    group: type.group || undefined,
    kind: type.kind,
    causes,
  });
}

export function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}
