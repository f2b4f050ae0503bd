import { ClusterState } from '../cluster/state.js';
import { loadFiles } from './files.js';
import { loadLive, type LiveOptions } from './live.js';

export interface ClusterInput {
  state: ClusterState;
  source: { type: 'file' | 'live'; name: string };
  notes: string[];
}

/** Files when given, else the live cluster of the kubeconfig: either way, one ClusterState. */
export async function readCluster(options: LiveOptions & { files?: string[] }): Promise<ClusterInput> {
  if (options.files && options.files.length > 0) {
    const loaded = await loadFiles(options.files);
    const objects = options.namespace
      ? loaded.objects.filter((o) => !o.metadata.namespace || o.metadata.namespace === options.namespace)
      : loaded.objects;
    return {
      state: new ClusterState(objects, { kindsRead: loaded.kinds }),
      source: { type: 'file', name: options.files.join(', ') },
      notes: loaded.notes,
    };
  }
  const loaded = await loadLive(options);
  return {
    state: new ClusterState(loaded.objects, { notBefore: Date.now(), kindsRead: loaded.kinds }),
    source: { type: 'live', name: loaded.server },
    notes: loaded.notes,
  };
}
