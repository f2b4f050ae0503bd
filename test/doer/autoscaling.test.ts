import { describe, expect, it } from 'vitest';
import { deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj } from './fixtures.js';
import { diagnoseExample, exampleExists, hpa, hpaCondition, notReadyStatus } from './controller-fixtures.js';

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

describe.each(['custom', 'external'] as const)('autoscaling.%s-metrics-unavailable', (api) => {
  const metric = api === 'custom'
    ? { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } }
    : { type: 'External', external: { metric: { name: 'queue_messages_ready' }, target: { type: 'AverageValue', averageValue: '30' } } };
  const reason = api === 'custom' ? 'FailedGetPodsMetric' : 'FailedGetExternalMetric';
  const notServed = api === 'custom'
    ? 'unable to get metric http_requests_per_second: unable to fetch metrics from custom metrics API: the server could not find the requested resource (get pods.custom.metrics.k8s.io *)'
    : 'unable to get external metric shop/queue_messages_ready/nil: unable to fetch metrics from external metrics API: the server could not find the requested resource (get queue_messages_ready.external.metrics.k8s.io)';
  const withMessage = (message: string) => {
    const h = hpa('worker', 'shop', 'worker', { metrics: [metric], conditions: [hpaCondition('ScalingActive', 'False', reason, `the HPA was unable to compute the replica count: ${message}`)] });
    return [...deployment('worker', { namespace: 'shop' }).all, h, event(h, 'Warning', reason, message, { component: 'horizontal-pod-autoscaler', count: 40 })];
  };

  it('points at the missing APIService when no adapter serves the API', () => {
    const [d] = detect(`autoscaling.${api}-metrics-unavailable`, withMessage(notServed));
    expect(d.rootCause).toEqual({ kind: 'APIService', name: `v1beta1.${api}.metrics.k8s.io` });
    expect(d.evidence[0]).toContain('the server could not find the requested resource');
  });

  it('names the HPA when the adapter runs but has no such metric', () => {
    const missing = `unable to get metric http_requests_per_second: unable to fetch metrics from ${api} metrics API: the server could not find the metric http_requests_per_second for pods`;
    const [d] = detect(`autoscaling.${api}-metrics-unavailable`, withMessage(missing));
    expect(d.rootCause).toEqual({ kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'worker' });
  });

  it('stays quiet for an HPA whose metric works', () => {
    expect(detect(`autoscaling.${api}-metrics-unavailable`, [hpa('worker', 'shop', 'worker', { metrics: [metric] })])).toEqual([]);
  });
});

describe('autoscaling.hpa-no-metrics-from-unready-pods', () => {
  const UNREADY = 'failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)';

  it('depends on the target\'s unready pods and names the target', () => {
    const app = deployment('llm-proxy', { namespace: 'ai', replicas: 2, podStatus: notReadyStatus() });
    const h = hpa('llm-proxy', 'ai', 'llm-proxy', { conditions: [hpaCondition('ScalingActive', 'False', 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${UNREADY}`)] });
    const [d] = detect('autoscaling.hpa-no-metrics-from-unready-pods', [...app.all, h]);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'ai', name: 'llm-proxy' });
    expect(d.dependsOn).toContainEqual({ kind: 'Pod', namespace: 'ai', name: app.pods[0].metadata.name });
  });

  it('stays quiet once the HPA computes its metrics again', () => {
    const h = hpa('llm-proxy', 'ai', 'llm-proxy');
    (h.status as Record<string, unknown>).lastScaleTime = '2026-11-28T09:59:00Z';
    const old = event(h, 'Warning', 'FailedGetResourceMetric', UNREADY, { component: 'horizontal-pod-autoscaler', secondsAgo: 3000 });
    expect(detect('autoscaling.hpa-no-metrics-from-unready-pods', [...deployment('llm-proxy', { namespace: 'ai' }).all, h, old])).toEqual([]);
  });
});

describe('autoscaling.hpa-rescale-failed', () => {
  it('names the target whose scale update is refused', () => {
    const message = 'New size: 6; reason: cpu resource utilization (percentage of request) above target; error: admission webhook "validate.kyverno.svc-fail" denied the request: replicas must not exceed 4';
    const h = hpa('api', 'shop', 'api', { conditions: [hpaCondition('AbleToScale', 'False', 'FailedUpdateScale', 'the HPA controller was unable to update the target scale: admission webhook "validate.kyverno.svc-fail" denied the request: replicas must not exceed 4')] });
    const [d] = detect('autoscaling.hpa-rescale-failed', [...deployment('api', { namespace: 'shop' }).all, h, event(h, 'Warning', 'FailedRescale', message, { component: 'horizontal-pod-autoscaler' })]);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(d.evidence.join('\n')).toContain('FailedRescale: New size: 6');
  });

  it('stays quiet for an HPA that rescaled successfully', () => {
    const h = hpa('api', 'shop', 'api');
    expect(detect('autoscaling.hpa-rescale-failed', [h, event(h, 'Normal', 'SuccessfulRescale', 'New size: 4; reason: cpu resource utilization (percentage of request) above target', { component: 'horizontal-pod-autoscaler' })])).toEqual([]);
  });
});

describe('autoscaling.hpa-invalid-selector', () => {
  it('names the target that exposes no selector', () => {
    const h = hpa('runner', 'ci', 'runner', { targetKind: 'RunnerDeployment', conditions: [hpaCondition('ScalingActive', 'False', 'InvalidSelector', 'the HPA target\'s scale is missing a selector')] });
    const [d] = detect('autoscaling.hpa-invalid-selector', [h]);
    expect(d.rootCause).toEqual({ kind: 'RunnerDeployment', namespace: 'ci', name: 'runner' });
  });

  it('stays quiet for a valid target', () => {
    expect(detect('autoscaling.hpa-invalid-selector', [hpa('api', 'shop', 'api')])).toEqual([]);
  });
});

describe('autoscaling.cluster-autoscaler-no-scale-up', () => {
  const pendingPods = (message: string) => {
    const app = deployment('trainer', { namespace: 'ml', replicas: 2, podStatus: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: '2026-11-28T09:40:00Z' }] } });
    return [...healthyNodes(), ...app.all, ...app.pods.map((p) => event(p, 'Normal', 'NotTriggerScaleUp', message, { component: 'cluster-autoscaler', count: 20 }))];
  };

  it('names the workload whose pods no node group can take', () => {
    const [d] = detect('autoscaling.cluster-autoscaler-no-scale-up', pendingPods("pod didn't trigger scale-up: 2 max node group size reached"));
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'ml', name: 'trainer' });
    expect(d.title).toContain('node groups at maximum size');
    expect(d.affected).toHaveLength(1);
  });

  it('stays quiet for pods that were scaled up for', () => {
    expect(detect('autoscaling.cluster-autoscaler-no-scale-up', pendingPods("pod triggered scale-up: [{gpu-pool 1->2 (max: 4)}]"))).toEqual([]);
  });
});

describe('autoscaling.hpa-min-equals-max / hpa-disabled-target-at-zero (info)', () => {
  it('reports a pinned range and an idle HPA', () => {
    expect(detect('autoscaling.hpa-min-equals-max', [hpa('api', 'shop', 'api', { min: 3, max: 3 })])[0].evidence).toEqual(['HorizontalPodAutoscaler shop/api: spec.minReplicas=3 spec.maxReplicas=3']);
    const idle = hpa('api', 'shop', 'api', { conditions: [hpaCondition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero')] });
    expect(detect('autoscaling.hpa-disabled-target-at-zero', [idle])[0].rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
  });

  it('stays quiet for a working HPA with a range', () => {
    expect(detect('autoscaling.hpa-min-equals-max', [hpa('api', 'shop', 'api')])).toEqual([]);
    expect(detect('autoscaling.hpa-disabled-target-at-zero', [hpa('api', 'shop', 'api')])).toEqual([]);
  });
});

describe('autoscaling/v1 HPAs (conditions in the autoscaling.alpha.kubernetes.io/conditions annotation)', () => {
  it('reads the annotation: metrics API unavailable on a v1 object', () => {
    const conditions = [
      { type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-11-28T09:00:00Z', reason: 'SucceededGetScale', message: "the HPA controller was able to get the target's current scale" },
      { type: 'ScalingActive', status: 'False', lastTransitionTime: '2026-11-28T09:00:00Z', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)' },
    ];
    const v1 = obj('HorizontalPodAutoscaler', 'autoscaling/v1', 'php-apache', 'default', {
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'php-apache' }, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 1, desiredReplicas: 0 },
    }, { annotations: { 'autoscaling.alpha.kubernetes.io/conditions': JSON.stringify(conditions) } });
    const [d] = detect('autoscaling.metrics-api-unavailable', [...deployment('php-apache').all, v1]);
    expect(d.rootCause).toEqual({ kind: 'APIService', name: 'v1beta1.metrics.k8s.io' });
    expect(d.evidence[0]).toContain('status.conditions[ScalingActive]=False FailedGetResourceMetric');
  });

  it('checks requests for targetCPUUtilizationPercentage', () => {
    const v1 = obj('HorizontalPodAutoscaler', 'autoscaling/v1', 'tomcat', 'hrms', {
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'tomcat' }, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60 },
      status: { currentReplicas: 2, desiredReplicas: 2 },
    });
    expect(detect('autoscaling.hpa-missing-resource-request', [...tomcat(false).all, v1])[0].rootCause).toEqual({ kind: 'Deployment', namespace: 'hrms', name: 'tomcat' });
    expect(detect('autoscaling.hpa-missing-resource-request', [...tomcat(true).all, v1])).toEqual([]);
  });
});
