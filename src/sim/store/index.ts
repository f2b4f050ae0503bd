/**
 * The simulator's object store. Stored objects are deeply frozen: clone before changing, or use
 * store.mutate(). Watch callbacks are synchronous and ordered by resourceVersion.
 */
export {
  Store,
  crdResourceType,
  type AdmissionOperation,
  type AdmissionPlugin,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
  type StoreOptions,
  type StoreSnapshot,
  type UpdateOptions,
  type WatchOptions,
} from './store.js';
export { recordEvent, type EventSource, type EventType, type ObjectReference } from './events.js';
export { ResourceTypeRegistry, builtinResourceTypes, resourceTypes, typeKey, type BuiltinResource } from './resource-types.js';
export { parseFieldSelector, parseLabelSelector, fieldValue, labelSelectorToString, type LabelSelectorObject, type Selector } from './selectors.js';
export { cloneJson, deepFreeze } from './freeze.js';
export {
  StatusError,
  alreadyExists,
  apiVersionOf,
  conflict,
  invalid,
  notFound,
  qualifiedResource,
  type KubeObject,
  type ObjectMeta,
  type OwnerReference,
  type ResourceType,
  type StatusCause,
  type StatusDetails,
  type StoredObject,
  type WatchEvent,
  type WatchEventType,
} from './types.js';
