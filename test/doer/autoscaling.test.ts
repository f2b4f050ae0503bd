import { describe, expect, it } from 'vitest';
import { deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj } from './fixtures.js';
import { diagnoseExample, exampleExists, hpa, hpaCondition } from './controller-fixtures.js';

/** tomcat with a logging sidecar; `sidecarRequests` decides whether the sidecar asks for CPU. */
function tomcat(sidecarRequests: boolean) {
  return deployment('tomcat', {
    namespace: 'hrms',
    replicas: 2,
    podSpec: {
      containers: [
        { name: 'tomcat', image: 'tomcat:10.1', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } } },
        { name: 'logging-agent', image: 'fluent/fluentd:v1.17', resources: sidecarRequests ? { requests: { cpu: '50m', memory: '64Mi' } } : {} },
      ],
    },
  });
}

// Messages from pkg/controller/podautoscaler (horizontal.go, replica_calculator.go, metrics client).
const MISSING_REQUEST = 'failed to get cpu utilization: missing request for cpu in container logging-agent of Pod tomcat-7d9f8b6c5d-abcde';

describe('autoscaling.hpa-missing-resource-request', () => {
  function broken() {
    const app = tomcat(false);
    const h = hpa('tomcat', 'hrms', 'tomcat', {
      conditions: [
        hpaCondition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale"),
        hpaCondition('ScalingActive', 'False', 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${MISSING_REQUEST}`),
      ],
      currentMetrics: [{ type: '' }],
    });
    return [...healthyNodes(), ...app.all, h, event(h, 'Warning', 'FailedGetResourceMetric', MISSING_REQUEST, { component: 'horizontal-pod-autoscaler', count: 12 })];
  }

  it('names the Deployment and the container without a CPU request', () => {
    const [d] = detect('autoscaling.hpa-missing-resource-request', broken());
    expect(d.resource).toEqual({ kind: 'HorizontalPodAutoscaler', namespace: 'hrms', name: 'tomcat' });
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'hrms', name: 'tomcat' });
    expect(d.evidence).toContain('Deployment hrms/tomcat: container logging-agent has no resources.requests.cpu');
    expect(d.remediation[0]).toBe('kubectl -n hrms set resources deployment/tomcat -c logging-agent --requests=cpu=50m');
  });

  it('is the first finding for the HPA in a full diagnosis, ahead of the metrics API', () => {
    const report = diagnoseObjects(broken());
    const first = firstFindingFor(report, 'HorizontalPodAutoscaler', 'tomcat');
    expect(first?.scenario).toBe('autoscaling.hpa-missing-resource-request');
    expect(report.findings.map((f) => f.scenario)).not.toContain('autoscaling.metrics-api-unavailable');
  });

  it('stays quiet when every container has the request, or the target is an AverageValue', () => {
    expect(detect('autoscaling.hpa-missing-resource-request', [...tomcat(true).all, hpa('tomcat', 'hrms', 'tomcat')])).toEqual([]);
    const value = hpa('tomcat', 'hrms', 'tomcat', { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '300m' } } }] });
    expect(detect('autoscaling.hpa-missing-resource-request', [...tomcat(false).all, value])).toEqual([]);
  });
});

describe('autoscaling.metrics-api-unavailable', () => {
  const FAILED = 'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';

  function noMetricsServer(extra: ReturnType<typeof deployment>['all'] = []) {
    const app = tomcat(true);
    const h = hpa('tomcat', 'hrms', 'tomcat', {
      conditions: [hpaCondition('ScalingActive', 'False', 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${FAILED}`)],
    });
    return [...healthyNodes(), ...app.all, h, event(h, 'Warning', 'FailedGetResourceMetric', FAILED, { component: 'horizontal-pod-autoscaler', count: 381 }), ...extra];
  }

  it('points at the missing APIService when no metrics-server is deployed', () => {
    const [d] = detect('autoscaling.metrics-api-unavailable', noMetricsServer());
    expect(d.rootCause).toEqual({ kind: 'APIService', name: 'v1beta1.metrics.k8s.io' });
    expect(d.evidence.join('\n')).toContain('(get pods.metrics.k8s.io)');
  });

  it('points at the metrics-server Deployment when there is one', () => {
    const server = deployment('metrics-server', { namespace: 'kube-system', replicas: 1, labels: { 'k8s-app': 'metrics-server' } });
    const [d] = detect('autoscaling.metrics-api-unavailable', noMetricsServer(server.all));
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'kube-system', name: 'metrics-server' });
  });

  it('stays quiet for HPAs that compute their metrics', () => {
    expect(detect('autoscaling.metrics-api-unavailable', [...tomcat(true).all, hpa('tomcat', 'hrms', 'tomcat')])).toEqual([]);
  });
});

describe('autoscaling.hpa-target-missing', () => {
  it('names the HPA whose target does not exist', () => {
    const h = hpa('orders', 'shop', 'orders-api', {
      conditions: [hpaCondition('AbleToScale', 'False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: deployments/scale.apps "orders-api" not found')],
    });
    const [d] = detect('autoscaling.hpa-target-missing', [...deployment('orders', { namespace: 'shop' }).all, h]);
    expect(d.rootCause).toEqual({ kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'orders' });
    expect(d.affected).toEqual([{ kind: 'Deployment', namespace: 'shop', name: 'orders-api' }]);
    expect(d.evidence.join('\n')).toContain('FailedGetScale: the HPA controller was unable to get the target\'s current scale');
  });

  it('stays quiet when the target exists', () => {
    expect(detect('autoscaling.hpa-target-missing', [...deployment('orders', { namespace: 'shop' }).all, hpa('orders', 'shop', 'orders')])).toEqual([]);
  });
});

describe('autoscaling.hpa-pinned-at-max', () => {
  const pinned = (secondsAgo: number, current = 10) =>
    hpa('api', 'shop', 'api', {
      max: 10, current, desired: 10,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 185, averageValue: '925m' } } }],
      conditions: [
        hpaCondition('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size'),
        hpaCondition('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)'),
        hpaCondition('ScalingLimited', 'True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count', secondsAgo),
      ],
    });

  it('reports an HPA capped at maxReplicas for a long time', () => {
    const [d] = detect('autoscaling.hpa-pinned-at-max', [...deployment('api', { namespace: 'shop', replicas: 10 }).all, pinned(3600)]);
    expect(d.rootCause).toEqual({ kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'api' });
    expect(d.evidence[1]).toContain('currentMetrics: cpu=185%');
  });

  it('stays quiet for a short burst at the cap or an HPA within range', () => {
    expect(detect('autoscaling.hpa-pinned-at-max', [pinned(120)])).toEqual([]);
    expect(detect('autoscaling.hpa-pinned-at-max', [hpa('api', 'shop', 'api')])).toEqual([]);
  });
});

describe('autoscaling.multiple-hpas-same-target', () => {
  it('names the newer of two HPAs on the same Deployment', () => {
    const AMBIGUOUS = 'pods by selector app=api are controlled by multiple HPAs: [shop/api shop/api-rps]';
    const first = hpa('api', 'shop', 'api', { conditions: [hpaCondition('ScalingActive', 'False', 'AmbiguousSelector', AMBIGUOUS)] });
    const second = hpa('api-rps', 'shop', 'api', { conditions: [hpaCondition('ScalingActive', 'False', 'AmbiguousSelector', AMBIGUOUS)] });
    second.metadata.creationTimestamp = '2026-11-28T09:30:00Z';
    const [d] = detect('autoscaling.multiple-hpas-same-target', [...deployment('api', { namespace: 'shop' }).all, first, second]);
    expect(d.rootCause).toEqual({ kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'api-rps' });
    expect(d.evidence.join('\n')).toContain('AmbiguousSelector: pods by selector app=api are controlled by multiple HPAs');
  });

  it('stays quiet for one HPA per workload', () => {
    expect(detect('autoscaling.multiple-hpas-same-target', [hpa('api', 'shop', 'api'), hpa('web', 'shop', 'web')])).toEqual([]);
  });
});

describe('autoscaling.hpa-vpa-conflict', () => {
  const vpa = (mode: string) =>
    obj('VerticalPodAutoscaler', 'autoscaling.k8s.io/v1', 'api', 'shop', { spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, updatePolicy: { updateMode: mode } } });

  it('names the VPA that fights the HPA on CPU', () => {
    const [d] = detect('autoscaling.hpa-vpa-conflict', [...deployment('api', { namespace: 'shop' }).all, hpa('api', 'shop', 'api'), vpa('Auto')]);
    expect(d.rootCause).toEqual({ kind: 'VerticalPodAutoscaler', namespace: 'shop', name: 'api' });
    expect(d.remediation[0]).toContain('"updateMode":"Off"');
  });

  it('stays quiet for a recommendation-only VPA', () => {
    expect(detect('autoscaling.hpa-vpa-conflict', [hpa('api', 'shop', 'api'), vpa('Off')])).toEqual([]);
  });
});

describe.skipIf(!exampleExists('046-autoscaling-hpa-sidecar-missing-cpu-request'))('shared example 046', () => {
  it('diagnoses the HPA stuck at <unknown> as the Deployment whose sidecar has no CPU request', () => {
    const { report, label } = diagnoseExample('046-autoscaling-hpa-sidecar-missing-cpu-request');
    const first = firstFindingFor(report, label.symptom!.kind, label.symptom!.name);
    expect(first?.category).toBe(label.category);
    expect(label.rootCause).toContainEqual(first?.rootCause);
  });
});
