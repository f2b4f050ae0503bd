export * from './types.js';
export { ClusterState, refOf, refKey, displayName, sameRef, WORKLOAD_KINDS, type PodReference, type IngressBackend } from './state.js';
export { KNOWN_KINDS, OPTIONAL_KINDS, kindInfo, type KindInfo } from './kinds.js';
export { parseQuantity, formatBytes } from './quantity.js';
export { matchesMap, matchesSelector, formatSelector, type LabelSelector } from './selectors.js';
