import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj, runningStatus } from './fixtures.js';
import { podIn, recovered, refusedDeployment, refusedStatefulSet, waiting } from './infra-fixtures.js';

/** A pod blocked exactly as kubelet reports a missing ConfigMap (kubelet_pods.go / kuberuntime). */
function podsBlockedByConfigMap() {
  const app = deployment('autotune', {
    namespace: 'monitoring',
    replicas: 1,
    podSpec: {
      containers: [{ name: 'autotune', image: 'kruize/autotune:0.0.1', env: [{ name: 'CLUSTER_TYPE', valueFrom: { configMapKeyRef: { name: 'autotune-config-key', key: 'cluster_type' } } }] }],
    },
    podStatus: {
      phase: 'Pending',
      containerStatuses: [{ name: 'autotune', image: 'kruize/autotune:0.0.1', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "autotune-config-key" not found' } } }],
    },
  });
  const failed = event(app.pods[0], 'Warning', 'Failed', 'Error: configmap "autotune-config-key" not found', { count: 12 });
  return { app, objects: [...healthyNodes(), ...app.all, failed] };
}

describe('config.configmap-missing', () => {
  it('names the missing ConfigMap as the root cause, with the kubelet evidence', () => {
    const { app, objects } = podsBlockedByConfigMap();
    const [d] = detect('config.configmap-missing', objects);
    expect(d.rootCause).toEqual({ kind: 'ConfigMap', namespace: 'monitoring', name: 'autotune-config-key' });
    expect(d.resource.name).toBe(app.pods[0].metadata.name);
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'monitoring', name: 'autotune' });
    expect(d.evidence.join('\n')).toContain('Error: configmap "autotune-config-key" not found');
    expect(d.remediation[0]).toContain('kubectl -n monitoring create configmap autotune-config-key');
  });

  it('is the first finding, and the only critical one, in a full diagnosis', () => {
    const report = diagnoseObjects(podsBlockedByConfigMap().objects);
    expect(report.findings[0].scenario).toBe('config.configmap-missing');
    expect(report.summary.critical).toBe(1);
  });

  it('stays quiet when the ConfigMap exists or the reference is optional', () => {
    const { objects } = podsBlockedByConfigMap();
    const cm = obj('ConfigMap', 'v1', 'autotune-config-key', 'monitoring', { data: { cluster_type: 'kubernetes' } });
    expect(detect('config.configmap-missing', [...objects, cm])).toEqual([]);
    const optional = deployment('opt', { podSpec: { containers: [{ name: 'c', image: 'busybox:1.36', envFrom: [{ configMapRef: { name: 'nope', optional: true } }] }] } });
    expect(detect('config.configmap-missing', [...healthyNodes(), ...optional.all])).toEqual([]);
  });
});

// ---- kubelet messages about the pod's configuration (kubelet_pods.go, volume plugins, runc) ----------

const IMAGE = 'ghcr.io/acme/web:2.3.1';

interface PodCase {
  id: string;
  status?: Record<string, unknown>;
  event?: { reason: string; message: string };
  podSpec?: Record<string, unknown>;
  extra?: KubeObject[];
  rootCause: { kind: string; name: string };
  evidence: string;
  /** Objects that make the same pod healthy-looking for the negative case (e.g. the key now exists). */
  fixed?: KubeObject[];
}

const creating = waiting('app', IMAGE, 'ContainerCreating', '');
const configVolumeSpec = { containers: [{ name: 'app', image: IMAGE, volumeMounts: [{ name: 'config-volume', mountPath: '/etc/app' }] }], volumes: [{ name: 'config-volume', configMap: { name: 'web-config', items: [{ key: 'app.yaml', path: 'app.yaml' }] } }] };

const podCases: PodCase[] = [
  {
    id: 'config.configmap-key-missing',
    status: waiting('app', IMAGE, 'CreateContainerConfigError', "couldn't find key cluster_type in ConfigMap shop/web-config"),
    event: { reason: 'Failed', message: "Error: couldn't find key cluster_type in ConfigMap shop/web-config" },
    podSpec: { containers: [{ name: 'app', image: IMAGE, env: [{ name: 'CLUSTER_TYPE', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'cluster_type' } } }] }] },
    extra: [obj('ConfigMap', 'v1', 'web-config', 'shop', { data: { 'cluster-type': 'kubernetes' } })],
    rootCause: { kind: 'ConfigMap', name: 'web-config' },
    evidence: 'key "cluster_type" missing (has: cluster-type)',
    fixed: [obj('ConfigMap', 'v1', 'web-config', 'shop', { data: { cluster_type: 'kubernetes' } })],
  },
  {
    id: 'config.secret-key-missing',
    status: waiting('app', IMAGE, 'CreateContainerConfigError', "couldn't find key password in Secret shop/db-credentials"),
    podSpec: { containers: [{ name: 'app', image: IMAGE, env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }] }] },
    extra: [obj('Secret', 'v1', 'db-credentials', 'shop', { type: 'Opaque', data: { username: '' } })],
    rootCause: { kind: 'Secret', name: 'db-credentials' },
    evidence: "couldn't find key password in Secret shop/db-credentials",
    fixed: [obj('Secret', 'v1', 'db-credentials', 'shop', { type: 'Opaque', data: { username: '', password: '' } })],
  },
  {
    id: 'config.subpath-failed',
    status: waiting('app', IMAGE, 'CreateContainerConfigError', 'failed to prepare subPath for volumeMount "data" of container "app"'),
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'failed to prepare subPath for volumeMount "data"',
  },
  {
    id: 'config.mount-type-mismatch',
    status: waiting('app', IMAGE, 'RunContainerError', 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "/var/lib/kubelet/pods/5c1f/volume-subpaths/config/app/0" to rootfs at "/etc/nginx/nginx.conf": mount /var/lib/kubelet/pods/5c1f/volume-subpaths/config/app/0:/etc/nginx/nginx.conf (via /proc/self/fd/6), flags: 0x5001: not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type'),
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'Are you trying to mount a directory onto a file',
  },
  {
    id: 'config.hostpath-type-check-failed',
    status: creating,
    event: { reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "docker-sock" : hostPath type check failed: /var/run/docker.sock is not a socket file' },
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'hostPath type check failed: /var/run/docker.sock is not a socket file',
  },
  {
    id: 'config.container-config-error',
    status: waiting('app', IMAGE, 'CreateContainerConfigError', 'failed to sync secret cache: timed out waiting for the condition'),
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'failed to sync secret cache',
  },
  {
    id: 'config.projected-token-failed',
    status: creating,
    event: { reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "vault-token" : failed to fetch token: serviceaccounts "web" is forbidden: may not specify a duration less than 10 minutes' },
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'may not specify a duration less than 10 minutes',
  },
];

function podCase(c: PodCase, options: { healthy?: boolean; fixed?: boolean } = {}) {
  const spec = c.podSpec ?? { containers: [{ name: 'app', image: IMAGE }] };
  const app = podIn('web', options.healthy ? runningStatus(spec) : (c.status ?? creating), { namespace: 'shop', podSpec: spec });
  const events = c.event && !options.healthy ? [event(app.pod, 'Warning', c.event.reason, c.event.message, { count: 12 })] : [];
  return [...healthyNodes(), ...app.all, ...events, ...(options.fixed ? c.fixed ?? [] : c.extra ?? [])];
}

describe.each(podCases)('$id', (c) => {
  it('names the object to fix with the kubelet evidence', () => {
    const [d, ...rest] = detect(c.id, podCase(c));
    expect(rest).toEqual([]);
    expect(d.rootCause).toEqual({ ...c.rootCause, namespace: 'shop' });
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.evidence.join('\n')).toContain(c.evidence);
  });

  it('stays quiet for the running pod, and once the cause is fixed', () => {
    expect(detect(c.id, podCase(c, { healthy: true }))).toEqual([]);
    if (c.fixed) expect(detect(c.id, podCase(c, { fixed: true }))).toEqual([]);
  });
});

describe('config.configmap-key-missing through a volume', () => {
  it('resolves the volume named by FailedMount to its ConfigMap', () => {
    const app = podIn('web', creating, { namespace: 'shop', podSpec: configVolumeSpec });
    const failed = event(app.pod, 'Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "config-volume" : configmap references non-existent config key: app.yaml', { count: 9 });
    const [d] = detect('config.configmap-key-missing', [...app.all, failed, obj('ConfigMap', 'v1', 'web-config', 'shop', { data: { 'application.yaml': 'x' } })]);
    expect(d.rootCause).toEqual({ kind: 'ConfigMap', namespace: 'shop', name: 'web-config' });
    expect(d.remediation[0]).toContain('"app.yaml"');
  });

  it('the generic CreateContainerConfigError scenario leaves recognised messages alone', () => {
    expect(detect('config.container-config-error', podCase(podCases[0]))).toEqual([]);
  });

  it('is the first finding for the pod in a full diagnosis', () => {
    const finding = firstFindingFor(diagnoseObjects(podCase(podCases[0])), 'Pod', 'web-7d9f8b6c5d-abcde');
    expect(finding).toMatchObject({ category: 'config', rootCause: { kind: 'ConfigMap', namespace: 'shop', name: 'web-config' } });
  });
});

describe('config.envfrom-invalid-keys', () => {
  it('reports skipped keys as info on the workload', () => {
    const app = deployment('web', { namespace: 'shop', replicas: 1 });
    const skipped = event(app.pods[0], 'Warning', 'InvalidEnvironmentVariableNames', 'Keys [app.name, log-level] from the EnvFrom configMap shop/web-config were skipped since they are considered invalid environment variable names.');
    const [d] = detect('config.envfrom-invalid-keys', [...app.all, skipped]);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(diagnoseObjects([...healthyNodes(), ...app.all, skipped]).findings.map((f) => f.severity)).toEqual(['info']);
  });

  it('is silent without the event', () => {
    expect(detect('config.envfrom-invalid-keys', deployment('web', { namespace: 'shop' }).all)).toEqual([]);
  });
});

// ---- pods the API server rejects at creation ---------------------------------------------------

const invalidCases = [
  { id: 'config.invalid-resource-quantity', message: 'Pod "web-7d9f8b6c5d-x2x9q" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit' },
  { id: 'config.downward-api-invalid', message: 'Pod "web-7d9f8b6c5d-x2x9q" is invalid: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.nodeIP": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.podIP", "status.podIPs"' },
  { id: 'config.volume-mount-not-found', message: 'Pod "web-0" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "datadir"', statefulSet: true },
  { id: 'config.invalid-pod-spec', message: 'Pod "web-7d9f8b6c5d-x2x9q" is invalid: spec.containers[1].name: Duplicate value: "istio-proxy"' },
];

describe.each(invalidCases)('$id', (c) => {
  const refused = () => (c.statefulSet ? refusedStatefulSet('web', c.message, { namespace: 'shop' }) : refusedDeployment('web', c.message, { namespace: 'shop' }));

  it('names the workload whose pods are rejected, quoting the field', () => {
    const [d, ...rest] = detect(c.id, [...healthyNodes(), ...refused().all]);
    expect(rest).toEqual([]);
    expect(d.rootCause).toEqual({ kind: c.statefulSet ? 'StatefulSet' : 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.explanation).toContain(c.message.split(' is invalid: ')[1]);
  });

  it('stays quiet once pods are created, and each rejection has exactly one owner', () => {
    expect(detect(c.id, [...healthyNodes(), ...recovered(refused())])).toEqual([]);
    const owners = invalidCases.filter((o) => detect(o.id, [...healthyNodes(), ...refused().all]).length > 0).map((o) => o.id);
    expect(owners).toEqual([c.id]);
  });
});
