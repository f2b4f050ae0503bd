import { labelSelectorToString, type ResourceType, type StoredObject } from '../store/index.js';

/**
 * The server-side printing `kubectl get` asks for (Accept: application/json;as=Table;g=meta.k8s.io;v=v1),
 * with the columns and cell formats of the API server's printers (pkg/printers/internalversion).
 */

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  format?: string;
  priority?: number;
  description?: string;
}

interface Printer {
  columns: Column[];
  cells(obj: Json, now: number): unknown[];
}

// `any`: printers read deep optional fields of arbitrary objects; every read is guarded with `?.`.
type Json = Record<string, any>;

const name: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' };
const age: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };
const col = (n: string, priority = 0, type: Column['type'] = 'string'): Column => ({ name: n, type, priority, description: '' });

/** Go's duration.HumanDuration, which kubectl uses for AGE and similar columns. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function since(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  return humanDuration(now - Date.parse(timestamp));
}

function podStatus(pod: Json, now: number): { ready: string; reason: string; restarts: string } {
  const statuses: Json[] = pod.status?.containerStatuses ?? [];
  const total = (pod.spec?.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  let reason: string = pod.status?.reason || pod.status?.phase || 'Unknown';
  let initializing = false;
  const initStatuses: Json[] = pod.status?.initContainerStatuses ?? [];
  initStatuses.forEach((c, i) => {
    restarts += c.restartCount ?? 0;
    if (c.state?.terminated?.exitCode === 0) return;
    if (c.state?.terminated) {
      reason = c.state.terminated.reason ? `Init:${c.state.terminated.reason}` : `Init:ExitCode:${c.state.terminated.exitCode}`;
      initializing = true;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
      initializing = true;
    } else if (!c.started) {
      reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`;
      initializing = true;
    }
  });
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...statuses].reverse()) {
      restarts += c.restartCount ?? 0;
      const terminatedAt = c.lastState?.terminated?.finishedAt;
      if (terminatedAt && (!lastRestart || terminatedAt > lastRestart)) lastRestart = terminatedAt;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) {
        reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCondition = (pod.status?.conditions ?? []).find((c: Json) => c.type === 'Ready');
      reason = readyCondition?.status === 'True' ? 'Running' : 'NotReady';
    }
  } else {
    for (const c of statuses) restarts += c.restartCount ?? 0;
  }
  if (pod.metadata?.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { ready: `${ready}/${total}`, reason, restarts: lastRestart ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts) };
}

function nodeStatus(node: Json): string {
  const ready = (node.status?.conditions ?? []).find((c: Json) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeRoles(node: Json): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries((node.metadata?.labels ?? {}) as Record<string, string>)) {
    if (key.startsWith('node-role.kubernetes.io/')) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role') roles.add(value);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(node: Json, type: string): string {
  return (node.status?.addresses ?? []).find((a: Json) => a.type === type)?.address ?? '<none>';
}

function selectorString(selector: Json | undefined): string {
  return (selector && labelSelectorToString(selector)) || '<none>';
}

function mapSelector(selector: Record<string, string> | undefined): string {
  const parts = Object.entries(selector ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : '<none>';
}

const containerNames = (spec: Json | undefined): string => ((spec?.containers ?? []) as Json[]).map((c) => c.name).join(',');
const containerImages = (spec: Json | undefined): string => ((spec?.containers ?? []) as Json[]).map((c) => c.image).join(',');

function servicePorts(svc: Json): string {
  const ports = (svc.spec?.ports ?? []) as Json[];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

const printers: Record<string, Printer> = {
  pods: {
    columns: [name, col('Ready'), col('Status'), col('Restarts'), age, col('IP', 1), col('Node', 1), col('Nominated Node', 1), col('Readiness Gates', 1)],
    cells: (o, now) => {
      const s = podStatus(o, now);
      const gates = (o.spec?.readinessGates ?? []) as Json[];
      return [
        o.metadata.name,
        s.ready,
        s.reason,
        s.restarts,
        since(o.metadata.creationTimestamp, now),
        o.status?.podIP || '<none>',
        o.spec?.nodeName || '<none>',
        o.status?.nominatedNodeName || '<none>',
        gates.length ? `${gates.length}` : '<none>',
      ];
    },
  },
  nodes: {
    columns: [name, col('Status'), col('Roles'), age, col('Version'), col('Internal-IP', 1), col('External-IP', 1), col('OS-Image', 1), col('Kernel-Version', 1), col('Container-Runtime', 1)],
    cells: (o, now) => [
      o.metadata.name,
      nodeStatus(o),
      nodeRoles(o),
      since(o.metadata.creationTimestamp, now),
      o.status?.nodeInfo?.kubeletVersion ?? '',
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      o.status?.nodeInfo?.osImage || '<unknown>',
      o.status?.nodeInfo?.kernelVersion || '<unknown>',
      o.status?.nodeInfo?.containerRuntimeVersion || '<unknown>',
    ],
  },
  namespaces: {
    columns: [name, col('Status'), age],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', since(o.metadata.creationTimestamp, now)],
  },
  services: {
    columns: [name, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), age, col('Selector', 1)],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIP || '<none>',
      (o.status?.loadBalancer?.ingress ?? []).map((i: Json) => i.ip ?? i.hostname).join(',') || (o.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>'),
      servicePorts(o),
      since(o.metadata.creationTimestamp, now),
      mapSelector(o.spec?.selector),
    ],
  },
  'deployments.apps': {
    columns: [name, col('Ready'), col('Up-to-date', 0, 'integer'), col('Available', 0, 'integer'), age, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    cells: (o, now) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      since(o.metadata.creationTimestamp, now),
      containerNames(o.spec?.template?.spec),
      containerImages(o.spec?.template?.spec),
      selectorString(o.spec?.selector),
    ],
  },
  'replicasets.apps': {
    columns: [name, col('Desired', 0, 'integer'), col('Current', 0, 'integer'), col('Ready', 0, 'integer'), age, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.replicas ?? 0,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      since(o.metadata.creationTimestamp, now),
      containerNames(o.spec?.template?.spec),
      containerImages(o.spec?.template?.spec),
      selectorString(o.spec?.selector),
    ],
  },
  'statefulsets.apps': {
    columns: [name, col('Ready'), age, col('Containers', 1), col('Images', 1)],
    cells: (o, now) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      since(o.metadata.creationTimestamp, now),
      containerNames(o.spec?.template?.spec),
      containerImages(o.spec?.template?.spec),
    ],
  },
  'daemonsets.apps': {
    columns: [name, col('Desired', 0, 'integer'), col('Current', 0, 'integer'), col('Ready', 0, 'integer'), col('Up-to-date', 0, 'integer'), col('Available', 0, 'integer'), col('Node Selector'), age, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    cells: (o, now) => [
      o.metadata.name,
      o.status?.desiredNumberScheduled ?? 0,
      o.status?.currentNumberScheduled ?? 0,
      o.status?.numberReady ?? 0,
      o.status?.updatedNumberScheduled ?? 0,
      o.status?.numberAvailable ?? 0,
      mapSelector(o.spec?.template?.spec?.nodeSelector),
      since(o.metadata.creationTimestamp, now),
      containerNames(o.spec?.template?.spec),
      containerImages(o.spec?.template?.spec),
      selectorString(o.spec?.selector),
    ],
  },
  'jobs.batch': {
    columns: [name, col('Status'), col('Completions'), col('Duration'), age, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    cells: (o, now) => {
      const conditions = (o.status?.conditions ?? []) as Json[];
      const has = (t: string) => conditions.some((c) => c.type === t && c.status === 'True');
      const status = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : o.metadata.deletionTimestamp ? 'Terminating' : has('Suspended') ? 'Suspended' : 'Running';
      const start = o.status?.startTime ? Date.parse(o.status.startTime) : undefined;
      const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : now;
      return [
        o.metadata.name,
        status,
        `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`,
        start === undefined ? '' : humanDuration(end - start),
        since(o.metadata.creationTimestamp, now),
        containerNames(o.spec?.template?.spec),
        containerImages(o.spec?.template?.spec),
        selectorString(o.spec?.selector),
      ];
    },
  },
  'cronjobs.batch': {
    columns: [name, col('Schedule'), col('Timezone'), col('Suspend', 0, 'boolean'), col('Active', 0, 'integer'), col('Last Schedule'), age],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.schedule ?? '',
      o.spec?.timeZone ?? '<none>',
      String(o.spec?.suspend ?? false),
      (o.status?.active ?? []).length,
      o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>',
      since(o.metadata.creationTimestamp, now),
    ],
  },
  events: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells: (o, now) => [
      since(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now),
      o.type ?? '',
      o.reason ?? '',
      `${(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
      (o.message ?? '').trim(),
    ],
  },
  configmaps: {
    columns: [name, col('Data', 0, 'integer'), age],
    cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, since(o.metadata.creationTimestamp, now)],
  },
  secrets: {
    columns: [name, col('Type'), col('Data', 0, 'integer'), age],
    cells: (o, now) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, since(o.metadata.creationTimestamp, now)],
  },
  persistentvolumeclaims: {
    columns: [name, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), age, col('VolumeMode', 1)],
    cells: (o, now) => [
      o.metadata.name,
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      o.spec?.volumeName ?? '',
      o.status?.capacity?.storage ?? '',
      accessModes(o.status?.accessModes),
      o.spec?.storageClassName ?? '',
      o.spec?.volumeAttributesClassName ?? '<unset>',
      since(o.metadata.creationTimestamp, now),
      o.spec?.volumeMode ?? 'Filesystem',
    ],
  },
  persistentvolumes: {
    columns: [name, col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'), col('VolumeAttributesClass'), col('Reason'), age, col('VolumeMode', 1)],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.capacity?.storage ?? '',
      accessModes(o.spec?.accessModes),
      o.spec?.persistentVolumeReclaimPolicy ?? '',
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : '',
      o.spec?.storageClassName ?? '',
      o.spec?.volumeAttributesClassName ?? '<unset>',
      o.status?.reason ?? '',
      since(o.metadata.creationTimestamp, now),
      o.spec?.volumeMode ?? 'Filesystem',
    ],
  },
  'poddisruptionbudgets.policy': {
    columns: [name, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 0, 'integer'), age],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.minAvailable === undefined ? 'N/A' : String(o.spec.minAvailable),
      o.spec?.maxUnavailable === undefined ? 'N/A' : String(o.spec.maxUnavailable),
      o.status?.disruptionsAllowed ?? 0,
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'horizontalpodautoscalers.autoscaling': {
    columns: [name, col('Reference'), col('Targets'), col('MinPods', 0, 'integer'), col('MaxPods', 0, 'integer'), col('Replicas', 0, 'integer'), age],
    cells: (o, now) => [
      o.metadata.name,
      `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}`,
      (o.spec?.metrics ?? []).length ? hpaTargets(o) : '<none>',
      o.spec?.minReplicas ?? 1,
      o.spec?.maxReplicas ?? 0,
      o.status?.currentReplicas ?? 0,
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'ingresses.networking.k8s.io': {
    columns: [name, col('Class'), col('Hosts'), col('Address'), col('Ports'), age],
    cells: (o, now) => {
      const rules = (o.spec?.rules ?? []) as Json[];
      const hosts = rules.map((r) => r.host).filter(Boolean);
      return [
        o.metadata.name,
        o.spec?.ingressClassName ?? '<none>',
        hosts.length ? hosts.join(',') : '*',
        ((o.status?.loadBalancer?.ingress ?? []) as Json[]).map((i) => i.ip ?? i.hostname).join(','),
        (o.spec?.tls ?? []).length ? '80, 443' : '80',
        since(o.metadata.creationTimestamp, now),
      ];
    },
  },
  'networkpolicies.networking.k8s.io': {
    columns: [name, col('Pod-Selector'), age],
    cells: (o, now) => [o.metadata.name, labelSelectorToString(o.spec?.podSelector) || '<none>', since(o.metadata.creationTimestamp, now)],
  },
  'storageclasses.storage.k8s.io': {
    columns: [name, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion', 0, 'boolean'), age],
    cells: (o, now) => [
      o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? `${o.metadata.name} (default)` : o.metadata.name,
      o.provisioner ?? '',
      o.reclaimPolicy ?? 'Delete',
      o.volumeBindingMode ?? 'Immediate',
      String(o.allowVolumeExpansion ?? false),
      since(o.metadata.creationTimestamp, now),
    ],
  },
  'leases.coordination.k8s.io': {
    columns: [name, col('Holder'), age],
    cells: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? '', since(o.metadata.creationTimestamp, now)],
  },
  serviceaccounts: {
    columns: [name, col('Secrets', 0, 'integer'), age],
    cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, since(o.metadata.creationTimestamp, now)],
  },
  endpoints: {
    columns: [name, col('Endpoints'), age],
    cells: (o, now) => {
      const addresses = ((o.subsets ?? []) as Json[]).flatMap((subset) =>
        ((subset.addresses ?? []) as Json[]).flatMap((a) => ((subset.ports ?? [{}]) as Json[]).map((p) => (p.port ? `${a.ip}:${p.port}` : a.ip))),
      );
      const shown = addresses.slice(0, 3).join(',') + (addresses.length > 3 ? ` + ${addresses.length - 3} more...` : '');
      return [o.metadata.name, shown || '<none>', since(o.metadata.creationTimestamp, now)];
    },
  },
};

function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  return (modes ?? []).map((m) => short[m] ?? m).join(',');
}

function hpaTargets(o: Json): string {
  return ((o.spec?.metrics ?? []) as Json[])
    .map((m, i) => {
      if (m.type !== 'Resource') return '<unknown>';
      const current = (o.status?.currentMetrics ?? [])[i]?.resource?.current?.averageUtilization;
      const target = m.resource?.target?.averageUtilization;
      return `${m.resource?.name}: ${current === undefined ? '<unknown>' : `${current}%`}/${target ?? '<unknown>'}%`;
    })
    .join(', ');
}

/** CRDs' additionalPrinterColumns with simple `.a.b` JSONPaths; otherwise Name and Age. */
function crdPrinter(crd: StoredObject | undefined, version: string): Printer {
  const versions = ((crd?.spec as Json | undefined)?.versions ?? []) as Json[];
  const extra = ((versions.find((v) => v.name === version)?.additionalPrinterColumns ?? []) as Json[]).filter((c) => c.name !== 'Age');
  return {
    columns: [name, ...extra.map((c) => col(c.name, c.priority ?? 0, c.type === 'integer' || c.type === 'number' || c.type === 'boolean' ? c.type : 'string')), age],
    cells: (o, now) => [
      o.metadata.name,
      ...extra.map((c) => {
        const value = readPath(o, c.jsonPath);
        return c.type === 'date' && typeof value === 'string' ? since(value, now) : (value ?? '');
      }),
      since(o.metadata.creationTimestamp, now),
    ],
  };
}

function readPath(o: Json, path: string): unknown {
  let current: unknown = o;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Json)[part];
  }
  return typeof current === 'object' && current !== null ? JSON.stringify(current) : current;
}

const defaultPrinter: Printer = {
  columns: [name, age],
  cells: (o, now) => [o.metadata.name, since(o.metadata.creationTimestamp, now)],
};

export interface TableOptions {
  /** `includeObject`: None, Metadata (default) or Object. */
  includeObject?: string;
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
  /** The CRD of a custom resource, for its printer columns. */
  crd?: StoredObject;
  now: number;
}

export function toTable(type: ResourceType, items: readonly StoredObject[], options: TableOptions): object {
  const key = type.group ? `${type.resource}.${type.group}` : type.resource;
  const printer = printers[key] ?? (options.crd ? crdPrinter(options.crd, type.version) : defaultPrinter);
  const include = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: options.resourceVersion,
      ...(options.continueToken ? { continue: options.continueToken } : {}),
      ...(options.remainingItemCount !== undefined ? { remainingItemCount: options.remainingItemCount } : {}),
    },
    columnDefinitions: printer.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    rows: items.map((o) => ({
      cells: printer.cells(o as Json, options.now),
      object:
        include === 'None'
          ? undefined
          : include === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/** Whether the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}
