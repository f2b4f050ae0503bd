export { loadFiles, MAX_FILE_BYTES, type LoadedObjects } from './files.js';
export { loadLive, loadKubeConfig, type LiveOptions } from './live.js';
export { redactSecret, normalizeObject } from './normalize.js';
export { readCluster, type ClusterInput } from './read.js';
