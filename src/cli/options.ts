/** Option parsers shared by commands: each rejects bad values with a one-line InputError. */
import { InvalidArgumentError } from 'commander';

export function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
    }
    return value as T;
  };
}

export function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

export function kindSlashName(flag: string) {
  return (value: string): { kind: string; name: string } => {
    const match = /^([A-Za-z][\w.]*)\/([^/\s]+)$/.exec(value);
    if (!match) throw new InvalidArgumentError(`${flag} must look like KIND/NAME, e.g. pod/web-1 (got "${value}")`);
    return { kind: normalizeKind(match[1]), name: match[2] };
  };
}

const KIND_ALIASES: Record<string, string> = {
  po: 'Pod', pod: 'Pod', pods: 'Pod', no: 'Node', node: 'Node', nodes: 'Node', deploy: 'Deployment', deployment: 'Deployment',
  deployments: 'Deployment', rs: 'ReplicaSet', replicaset: 'ReplicaSet', sts: 'StatefulSet', statefulset: 'StatefulSet',
  ds: 'DaemonSet', daemonset: 'DaemonSet', job: 'Job', jobs: 'Job', cj: 'CronJob', cronjob: 'CronJob', svc: 'Service',
  service: 'Service', ing: 'Ingress', ingress: 'Ingress', pvc: 'PersistentVolumeClaim', persistentvolumeclaim: 'PersistentVolumeClaim',
  pv: 'PersistentVolume', persistentvolume: 'PersistentVolume', sc: 'StorageClass', storageclass: 'StorageClass', cm: 'ConfigMap',
  configmap: 'ConfigMap', secret: 'Secret', sa: 'ServiceAccount', serviceaccount: 'ServiceAccount', hpa: 'HorizontalPodAutoscaler',
  horizontalpodautoscaler: 'HorizontalPodAutoscaler', pdb: 'PodDisruptionBudget', poddisruptionbudget: 'PodDisruptionBudget',
  netpol: 'NetworkPolicy', networkpolicy: 'NetworkPolicy', ns: 'Namespace', namespace: 'Namespace', podgroup: 'PodGroup',
  quota: 'ResourceQuota', resourcequota: 'ResourceQuota', limits: 'LimitRange', limitrange: 'LimitRange',
};

/** kubectl-style kind names (`deploy`, `pvc`, `Deployment`) to the canonical Kind. */
export function normalizeKind(kind: string): string {
  return KIND_ALIASES[kind.toLowerCase()] ?? kind;
}
