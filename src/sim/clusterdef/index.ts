import { InputError } from '../../errors.js';
import type { SimContext } from '../controllers/runtime.js';
import type { Store } from '../store/store.js';
import type { KubeObject } from '../store/types.js';
import { StatusError } from '../store/types.js';
import { resourceTypes } from '../store/resource-types.js';
import { clusterObjects, defaultClusterDefinition } from './build.js';
import { clusterDefinitionSchema, type ClusterDefinition } from './schema.js';
import { loadYamlFileWithLines } from './yamlfile.js';

export { clusterObjects, defaultClusterDefinition, defaultStorageClass, poolNodes, SIM_KUBE_VERSION } from './build.js';
export { clusterDefinitionSchema, nodePoolSchema, type ClusterDefinition, type NodePool } from './schema.js';
export { loadYamlFile, parseYamlText } from './yamlfile.js';

export interface LoadedCluster {
  definition: ClusterDefinition;
  source: string;
  /** Line of workloads[i] in the file, for error messages. */
  workloadLine(index: number): number;
}

export async function loadClusterDefinition(path: string): Promise<LoadedCluster> {
  const parsed = await loadYamlFileWithLines(path, clusterDefinitionSchema);
  return { definition: parsed.value, source: path, workloadLine: (i) => parsed.lineOf(['workloads', i]) };
}

export const defaultCluster: LoadedCluster = { definition: defaultClusterDefinition, source: '(default cluster)', workloadLine: () => 0 };

function typeOf(store: Store, obj: KubeObject) {
  const type = store.resourceTypes.byKind(obj.apiVersion ?? '', obj.kind ?? '');
  return type;
}

/** Creates the cluster's objects in the store; a workload the API server refuses names its line. */
export function createCluster(ctx: SimContext, cluster: LoadedCluster): void {
  const { namespaces, nodes, storageClasses, workloads } = clusterObjects(cluster.definition);
  for (const ns of namespaces) if (!ctx.store.get(resourceTypes.namespaces, undefined, ns.metadata.name!)) ctx.store.create(resourceTypes.namespaces, ns);
  for (const node of nodes) ctx.store.create(resourceTypes.nodes, node);
  for (const sc of storageClasses) ctx.store.create(resourceTypes.storageclasses, sc);
  workloads.forEach((obj, i) => {
    const where = `${cluster.source}:${cluster.workloadLine(i)}: workloads[${i}] (${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name ?? obj.metadata.generateName})`;
    const type = typeOf(ctx.store, obj);
    if (!type) throw new InputError(`${where}: unknown kind ${obj.kind} in ${obj.apiVersion}`);
    const namespace = obj.metadata.namespace;
    if (type.namespaced && namespace && !ctx.store.get(resourceTypes.namespaces, undefined, namespace)) {
      ctx.store.create(resourceTypes.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } } });
    }
    try {
      ctx.store.create(type, obj);
    } catch (err) {
      if (err instanceof StatusError) throw new InputError(`${where}: ${err.message}`);
      throw err;
    }
  });
}
