import { describe, expect, it } from 'vitest';
import { deployment, detect, diagnoseObjects, event, healthyNodes, obj } from './fixtures.js';

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
