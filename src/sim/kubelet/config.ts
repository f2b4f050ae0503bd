import type { ConfigMap, Container, Pod, Secret } from '../../cluster/types.js';
import type { Store } from '../store/store.js';
import { resourceTypes } from '../store/resource-types.js';
import { msg } from './messages.js';

/**
 * The kubelet's checks of a pod's configuration sources, in its own words: volumes that cannot
 * be mounted (FailedMount) and env references that cannot be resolved (CreateContainerConfigError).
 */
function lookup(store: Store, kind: 'ConfigMap' | 'Secret', namespace: string, name: string): ConfigMap | Secret | undefined {
  const type = kind === 'ConfigMap' ? resourceTypes.configmaps : resourceTypes.secrets;
  return store.get(type, namespace, name) as unknown as ConfigMap | Secret | undefined;
}

function notFound(kind: 'ConfigMap' | 'Secret', name: string): string {
  return kind === 'ConfigMap' ? msg.configMapNotFound(name) : msg.secretNotFound(name);
}

function hasKey(obj: ConfigMap | Secret, key: string): boolean {
  const data = (obj as { data?: Record<string, unknown>; binaryData?: Record<string, unknown>; stringData?: Record<string, unknown> });
  return key in (data.data ?? {}) || key in (data.binaryData ?? {}) || key in (data.stringData ?? {});
}

/** The FailedMount message for the first volume that cannot be set up, if any. */
export function volumeMountError(store: Store, pod: Pod): string | undefined {
  const namespace = pod.metadata.namespace!;
  for (const volume of pod.spec?.volumes ?? []) {
    if (volume.configMap?.name && !volume.configMap.optional && !lookup(store, 'ConfigMap', namespace, volume.configMap.name)) {
      return msg.failedMount(volume.name, msg.configMapNotFound(volume.configMap.name));
    }
    if (volume.secret?.secretName && !volume.secret.optional && !lookup(store, 'Secret', namespace, volume.secret.secretName)) {
      return msg.failedMount(volume.name, msg.secretNotFound(volume.secret.secretName));
    }
  }
  return undefined;
}

/** The CreateContainerConfigError message for a container whose env cannot be built, if any. */
export function containerConfigError(store: Store, pod: Pod, container: Container): string | undefined {
  const namespace = pod.metadata.namespace!;
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ? { kind: 'ConfigMap' as const, ...source.configMapRef } : source.secretRef ? { kind: 'Secret' as const, ...source.secretRef } : undefined;
    if (ref?.name && !ref.optional && !lookup(store, ref.kind, namespace, ref.name)) return notFound(ref.kind, ref.name);
  }
  for (const env of container.env ?? []) {
    const from = env.valueFrom;
    const ref = from?.configMapKeyRef ? { kind: 'ConfigMap' as const, ...from.configMapKeyRef } : from?.secretKeyRef ? { kind: 'Secret' as const, ...from.secretKeyRef } : undefined;
    if (!ref?.name || ref.optional) continue;
    const obj = lookup(store, ref.kind, namespace, ref.name);
    if (!obj) return notFound(ref.kind, ref.name);
    if (!hasKey(obj, ref.key)) return msg.keyNotFound(ref.key, ref.kind, namespace, ref.name);
  }
  return undefined;
}
