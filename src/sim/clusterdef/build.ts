import { createHash } from 'node:crypto';
import type { KubeObject } from '../store/types.js';
import type { ClusterDefinition, NodePool } from './schema.js';

/** Kubernetes version the simulated nodes report. */
export const SIM_KUBE_VERSION = 'v1.31.0';

function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function quantityString(q: string | number): string {
  return typeof q === 'number' ? String(q) : q;
}

/** The Node objects of one pool, as a kubelet would register them (status included). */
export function poolNodes(pool: NodePool, startIndex: number): KubeObject[] {
  const nodes: KubeObject[] = [];
  for (let i = 0; i < pool.count; i++) {
    const global = startIndex + i;
    const name = `${pool.name}-${i}`;
    const labels: Record<string, string> = {
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'beta.kubernetes.io/arch': 'amd64',
      'nakhoda.io/pool': pool.name,
      ...pool.labels,
    };
    for (const tier of pool.topology) labels[tier.key] = `${tier.prefix}${Math.floor((tier.offset + i) / tier.groupSize)}`;
    if (pool.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
    if (pool.accelerators?.product) {
      labels[pool.accelerators.resource.startsWith('nvidia.com/') ? 'nvidia.com/gpu.product' : 'accelerator'] = pool.accelerators.product;
    }
    const taints = [...pool.taints.map((t) => ({ ...t }))];
    if (pool.controlPlane) taints.push({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
    const capacity: Record<string, string> = {
      cpu: quantityString(pool.cpu),
      memory: quantityString(pool.memory),
      pods: String(pool.pods),
      'ephemeral-storage': quantityString(pool.ephemeralStorage),
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
    };
    if (pool.accelerators) capacity[pool.accelerators.resource] = String(pool.accelerators.count);
    const ip = `10.${(global >> 16) & 255}.${(global >> 8) & 255}.${(global & 255) || 1}`;
    nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels,
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: {
        podCIDR: `10.244.${global % 256}.0/24`,
        podCIDRs: [`10.244.${global % 256}.0/24`],
        providerID: `nakhoda-sim://${name}`,
        ...(taints.length ? { taints } : {}),
      },
      status: {
        capacity,
        allocatable: { ...capacity },
        conditions: [
          ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
          ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
          ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
          ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
        ].map(([type, status, reason, message]) => ({ type, status, reason, message })),
        addresses: [
          { type: 'InternalIP', address: ip },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: uuid(`machine/${name}`).replace(/-/g, ''),
          systemUUID: uuid(`system/${name}`),
          bootID: uuid(`boot/${name}`),
          kernelVersion: '6.8.0-48-generic',
          osImage: 'Ubuntu 24.04.1 LTS',
          containerRuntimeVersion: 'containerd://1.7.22',
          kubeletVersion: SIM_KUBE_VERSION,
          kubeProxyVersion: SIM_KUBE_VERSION,
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
      },
    });
  }
  return nodes;
}

/** The default StorageClass every simulated cluster starts with (like kind's "standard"). */
export const defaultStorageClass: KubeObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'rancher.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

/** Every object the definition describes, in creation order: namespaces, nodes, storage, workloads. */
export function clusterObjects(def: ClusterDefinition): { namespaces: KubeObject[]; nodes: KubeObject[]; storageClasses: KubeObject[]; workloads: KubeObject[] } {
  const namespaces = def.namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } }));
  let index = 0;
  const nodes: KubeObject[] = [];
  for (const pool of def.nodePools) {
    nodes.push(...poolNodes(pool, index));
    index += pool.count;
  }
  const hasDefaultClass = def.workloads.some((w) => w.kind === 'StorageClass' && (w.metadata as { annotations?: Record<string, string> }).annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
  return { namespaces, nodes, storageClasses: hasDefaultClass ? [] : [defaultStorageClass], workloads: def.workloads as KubeObject[] };
}

/** With no --cluster: one control-plane node and two workers. */
export const defaultClusterDefinition: ClusterDefinition = {
  name: 'sim',
  nodePools: [
    { name: 'control-plane', count: 1, cpu: '4', memory: '8Gi', pods: 110, ephemeralStorage: '100Gi', labels: {}, taints: [], controlPlane: true, topology: [] },
    { name: 'worker', count: 2, cpu: '4', memory: '16Gi', pods: 110, ephemeralStorage: '100Gi', labels: {}, taints: [], controlPlane: false, topology: [] },
  ],
  namespaces: [],
  workloads: [],
};
