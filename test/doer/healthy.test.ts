/**
 * The "no false alarms" corpus (issue 4 part 4): healthy clusters and noisy-but-harmless states
 * must produce no critical or warning finding from the whole catalog. Each state is built as the
 * API server and controllers leave it, with the Normal events they record.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../src/cluster/types.js';
import { SCENARIOS } from '../../src/doer/scenarios/index.js';
import { ago, deployment, event, diagnoseObjects, healthyNodes, node, obj, ownerRef, runningStatus, stateOf } from './fixtures.js';
import { cronJob, diagnoseExample, endpoints, exampleExists, hpa, hpaCondition, ingress, job, jobCondition, jobPod, pdb, service } from './controller-fixtures.js';

type Json = Record<string, unknown>;

function loudFindings(objects: KubeObject[]): string[] {
  return diagnoseObjects(objects)
    .findings.filter((f) => f.severity !== 'info')
    .map((f) => `${f.severity} ${f.scenario} → ${f.rootCause.kind}/${f.rootCause.name}: ${f.title}`);
}

/** A shop namespace that works: Deployment, Service, Endpoints, Ingress, HPA at rest, PDB with headroom. */
function healthyShop(): KubeObject[] {
  const web = deployment('web', {
    namespace: 'shop', replicas: 3,
    podSpec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.4.2', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }], resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '512Mi' } } }] },
  });
  const svc = service('web', 'shop', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 'http' }]);
  return [
    ...healthyNodes(), ...web.all, svc, endpoints(svc, web.pods, [{ name: 'http', port: 8080 }]),
    ingress('web', 'shop', [{ host: 'shop.example.com', service: 'web', port: 80 }]),
    hpa('web', 'shop', 'web', { min: 3, max: 10, current: 3, desired: 3 }),
    pdb('web', 'shop', { app: 'web' }, { maxUnavailable: 1 }, { expected: 3, healthy: 3, desired: 2, allowed: 1 }),
    event(web.deployment, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-7d9f8b6c5d to 3', { component: 'deployment-controller', secondsAgo: 3000 }),
  ];
}

describe('healthy and noisy-but-harmless clusters produce no critical or warning finding', () => {
  it('a healthy application behind a Service, an Ingress, an HPA and a PDB', () => {
    expect(loudFindings(healthyShop())).toEqual([]);
  });

  it('a completed Job and a CronJob whose latest run succeeded after an older failure', () => {
    const migrate = job('migrate-2-14-0', 'shop', { spec: { ttlSecondsAfterFinished: 86400 }, status: { succeeded: 1, completionTime: ago(1700), conditions: [jobCondition('Complete', undefined, undefined, 1700)] } });
    const backup = cronJob('nightly-backup', 'shop', { schedule: '0 2 * * *', startingDeadlineSeconds: 300 }, { lastScheduleTime: ago(3600), lastSuccessfulTime: ago(3400) });
    const oldFailure = job('nightly-backup-29400000', 'shop', { owner: backup, startedAgo: 90000, status: { failed: 4, conditions: [jobCondition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 89000)] } });
    const latest = job('nightly-backup-29401440', 'shop', { owner: backup, startedAgo: 3600, status: { succeeded: 1, completionTime: ago(3400), conditions: [jobCondition('Complete', undefined, undefined, 3400)] } });
    const objects = [
      ...healthyNodes(), migrate, jobPod(migrate, 'migrate-2-14-0-9vx4q', 0, 'Completed'), backup, oldFailure, latest, jobPod(latest, 'nightly-backup-29401440-h2k9x', 0, 'Completed'),
      event(migrate, 'Normal', 'Completed', 'Job completed', { component: 'job-controller', secondsAgo: 1700 }),
      event(backup, 'Normal', 'SawCompletedJob', 'Saw completed job: nightly-backup-29401440, status: Complete', { component: 'cronjob-controller', secondsAgo: 3400 }),
    ];
    expect(loudFindings(objects)).toEqual([]);
  });

  it('a Job that succeeded after one retried pod', () => {
    const j = job('report', 'batch', { spec: { backoffLimit: 3 }, status: { failed: 1, succeeded: 1, conditions: [jobCondition('Complete', undefined, undefined, 900)] } });
    expect(loudFindings([...healthyNodes(), j, jobPod(j, 'report-a1b2c', 1), jobPod(j, 'report-d3e4f', 0, 'Completed')])).toEqual([]);
  });

  it('a single restart long ago (node reboot), Ready since', () => {
    const api = deployment('payments-api', {
      namespace: 'payments', replicas: 2,
      podStatus: (i) => {
        const status = runningStatus();
        if (i === 0) {
          (status.containerStatuses as Json[])[0].restartCount = 1;
          (status.containerStatuses as Json[])[0].lastState = { terminated: { exitCode: 255, reason: 'Unknown', startedAt: ago(11 * 86400), finishedAt: ago(3 * 86400) } };
        }
        return status;
      },
    });
    const rebooted = event(healthyNodes()[0], 'Warning', 'Rebooted', 'Node node-1 has been rebooted, boot id: d91e66e2-2478-1772-628b-50ef7eb42318', { secondsAgo: 3 * 86400 });
    expect(loudFindings([...healthyNodes(), ...api.all, rebooted])).toEqual([]);
  });

  it('a Deployment scaled to zero, with its Service, PDB and HPA (scaling disabled)', () => {
    const idle = deployment('reports', { namespace: 'internal', replicas: 0 });
    const svc = service('reports', 'internal', { app: 'reports' }, [{ port: 80, targetPort: 80 }]);
    const h = hpa('reports', 'internal', 'reports', {
      current: 0, desired: 0, currentMetrics: [],
      conditions: [hpaCondition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale"), hpaCondition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero')],
    });
    const budget = pdb('reports', 'internal', { app: 'reports' }, { maxUnavailable: 1 }, { expected: 0, healthy: 0, desired: 0, allowed: 0 });
    expect(loudFindings([...healthyNodes(), ...idle.all, svc, endpoints(svc, [], []), h, budget])).toEqual([]);
  });

  it('pods mid-rollout: a new ReplicaSet\'s pod created seconds ago, old pods serving', () => {
    const web = deployment('web', { namespace: 'shop', replicas: 3 });
    const conditions = (web.deployment.status as { conditions: Json[] }).conditions;
    conditions[1] = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-5c6b7d8e9f" is progressing.', lastUpdateTime: ago(15), lastTransitionTime: ago(3600) };
    Object.assign(web.deployment.status as Json, { replicas: 4, updatedReplicas: 1, unavailableReplicas: 1 });
    const newRs = obj('ReplicaSet', 'apps/v1', 'web-5c6b7d8e9f', 'shop', {
      spec: { replicas: 1, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5c6b7d8e9f' } } },
      status: { replicas: 1, observedGeneration: 1 },
    }, { ownerReferences: [ownerRef(web.deployment)], annotations: { 'deployment.kubernetes.io/revision': '2' }, creationTimestamp: ago(15) });
    const starting = obj('Pod', 'v1', 'web-5c6b7d8e9f-q8x2z', 'shop', {
      spec: { containers: [{ name: 'app', image: 'nginx:1.27.1' }], nodeName: 'node-2' },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: ago(14) }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: ago(14) }],
        containerStatuses: [{ name: 'app', image: 'nginx:1.27.1', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } }],
      },
    }, { labels: { app: 'web', 'pod-template-hash': '5c6b7d8e9f' }, ownerReferences: [ownerRef(newRs)], creationTimestamp: ago(15) }) as Pod;
    const svc = service('web', 'shop', { app: 'web' }, [{ port: 80, targetPort: 80 }]);
    const objects = [
      ...healthyNodes(), ...web.all, newRs, starting, svc, endpoints(svc, [...web.pods, starting], [{ port: 80 }]),
      event(web.deployment, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-5c6b7d8e9f to 1', { component: 'deployment-controller', secondsAgo: 15 }),
      event(starting, 'Normal', 'Scheduled', 'Successfully assigned shop/web-5c6b7d8e9f-q8x2z to node-2', { component: 'default-scheduler', secondsAgo: 14 }),
      event(starting, 'Normal', 'Pulling', 'Pulling image "nginx:1.27.1"', { secondsAgo: 12 }),
    ];
    expect(loudFindings(objects)).toEqual([]);
  });

  it('a DaemonSet absent from a tainted node it does not tolerate', () => {
    const gpu = node('gpu-1', { labels: { 'nvidia.com/gpu.present': 'true' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] });
    const ds = obj('DaemonSet', 'apps/v1', 'log-agent', 'logging', {
      spec: { selector: { matchLabels: { app: 'log-agent' } }, template: { metadata: { labels: { app: 'log-agent' } }, spec: { containers: [{ name: 'agent', image: 'fluent/fluent-bit:3.1' }] } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, numberMisscheduled: 0, updatedNumberScheduled: 3, observedGeneration: 1 },
    });
    const spec = { containers: [{ name: 'agent', image: 'fluent/fluent-bit:3.1' }] };
    const pods = ['node-1', 'node-2', 'node-3'].map((n) => obj('Pod', 'v1', `log-agent-${n}`, 'logging', { spec: { ...spec, nodeName: n }, status: runningStatus(spec) }, { labels: { app: 'log-agent' }, ownerReferences: [ownerRef(ds)] }));
    expect(loudFindings([...healthyNodes(), gpu, ds, ...pods])).toEqual([]);
  });

  it('a Pending pod a few seconds old with no failure events', () => {
    const fresh = obj('Pod', 'v1', 'worker-x1', 'batch', {
      spec: { containers: [{ name: 'worker', image: 'busybox:1.36', resources: { requests: { cpu: '100m' } } }] },
      status: { phase: 'Pending', conditions: [] },
    }, { creationTimestamp: ago(4) });
    expect(loudFindings([...healthyNodes(), fresh])).toEqual([]);
  });

  it('a WaitForFirstConsumer claim no pod uses yet', () => {
    const sc = obj('StorageClass', 'storage.k8s.io/v1', 'standard', undefined, { provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' }, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
    const claim = obj('PersistentVolumeClaim', 'v1', 'scratch', 'data', { spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
    const waiting = event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', { component: 'persistentvolume-controller', count: 40 });
    expect(loudFindings([...healthyNodes(), sc, claim, waiting])).toEqual([]);
  });

  it('an HPA resting at minReplicas under low load', () => {
    const api = deployment('api', { namespace: 'shop', replicas: 2 });
    const h = hpa('api', 'shop', 'api', {
      min: 2, max: 8, current: 2, desired: 2,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 4, averageValue: '4m' } } }],
      conditions: [
        hpaCondition('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size'),
        hpaCondition('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)'),
        hpaCondition('ScalingLimited', 'True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'),
      ],
    });
    expect(loudFindings([...healthyNodes(), ...api.all, h])).toEqual([]);
  });

  it('an HPA that works now, with failure events left from its pods\' start-up', () => {
    const api = deployment('api', { namespace: 'shop', replicas: 2 });
    const h = hpa('api', 'shop', 'api', { min: 2, max: 8 });
    const startup = [
      event(h, 'Warning', 'FailedGetResourceMetric', 'failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)', { component: 'horizontal-pod-autoscaler', count: 3, secondsAgo: 2400 }),
      event(h, 'Warning', 'FailedComputeMetricsReplicas', 'invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API', { component: 'horizontal-pod-autoscaler', count: 2, secondsAgo: 2500 }),
    ];
    expect(loudFindings([...healthyNodes(), ...api.all, h, ...startup])).toEqual([]);
  });

  it('a paused Deployment with nothing pending, and a suspended CronJob', () => {
    const web = deployment('web', { namespace: 'shop', replicas: 2 });
    (web.deployment.spec as Json).paused = true;
    expect(loudFindings([...healthyNodes(), ...web.all, cronJob('cleanup', 'shop', { suspend: true })])).toEqual([]);
  });

  it('a ready StatefulSet behind its headless Service, cluster DNS up, ExternalName and selector-less Services', () => {
    const spec = { containers: [{ name: 'db', image: 'postgres:16', ports: [{ containerPort: 5432, name: 'postgres' }] }] };
    const set = obj('StatefulSet', 'apps/v1', 'db', 'data', {
      spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec } },
      status: { replicas: 2, readyReplicas: 2, availableReplicas: 2, currentReplicas: 2, updatedReplicas: 2 },
    });
    const pods = [0, 1].map((i) => obj('Pod', 'v1', `db-${i}`, 'data', { spec: { ...spec, nodeName: `node-${i + 1}` }, status: runningStatus(spec) }, { labels: { app: 'db' }, ownerReferences: [ownerRef(set)] }) as Pod);
    const headless = service('db', 'data', { app: 'db' }, [{ name: 'postgres', port: 5432, targetPort: 'postgres' }], { clusterIP: 'None' });
    const coredns = deployment('coredns', { namespace: 'kube-system', replicas: 2, labels: { 'k8s-app': 'kube-dns' }, podSpec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }] }] } });
    const dns = service('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, targetPort: 53 }], { clusterIP: '10.96.0.10' });
    const external = service('payments-gw', 'data', undefined, [], { type: 'ExternalName', externalName: 'api.payments.example.com', clusterIP: undefined });
    const manual = service('legacy-db', 'data', undefined, [{ port: 3306 }]);
    const manualEndpoints = obj('Endpoints', 'v1', 'legacy-db', 'data', { subsets: [{ addresses: [{ ip: '10.0.5.20' }], ports: [{ port: 3306, protocol: 'TCP' }] }] });
    const objects = [
      ...healthyNodes(), set, ...pods, headless, endpoints(headless, pods, [{ name: 'postgres', port: 5432 }]),
      ...coredns.all, dns, endpoints(dns, coredns.pods, [{ name: 'dns', port: 53 }]), external, manual, manualEndpoints,
    ];
    expect(loudFindings(objects)).toEqual([]);
  });

  it('a namespace locked down by default-deny NetworkPolicies with allow rules for its clients and DNS', () => {
    const objects = [
      ...healthyShop(),
      obj('NetworkPolicy', 'networking.k8s.io/v1', 'default-deny', 'shop', { spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }),
      obj('NetworkPolicy', 'networking.k8s.io/v1', 'allow-ingress-controller', 'shop', {
        spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] },
      }),
      obj('NetworkPolicy', 'networking.k8s.io/v1', 'allow-dns', 'shop', {
        spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] },
      }),
    ];
    expect(loudFindings(objects)).toEqual([]);
  });

  it('a Job running for ten minutes, and a Forbid CronJob whose current run is young', () => {
    const j = job('reindex', 'search', { startedAgo: 600, status: { active: 1 } });
    const spec = { containers: [{ name: 'main', image: 'busybox:1.36' }] };
    const running = obj('Pod', 'v1', 'reindex-k2j4h', 'search', { spec: { ...spec, nodeName: 'node-1', restartPolicy: 'Never' }, status: runningStatus(spec) }, { ownerReferences: [ownerRef(j)], labels: { 'job-name': 'reindex' }, creationTimestamp: ago(600) });
    const cron = cronJob('sync', 'search', { concurrencyPolicy: 'Forbid', schedule: '*/30 * * * *' }, { lastScheduleTime: ago(240) });
    const current = job('sync-29401440', 'search', { owner: cron, startedAgo: 240, status: { active: 1 } });
    (cron.status as Json).active = [{ kind: 'Job', namespace: 'search', name: current.metadata.name, uid: current.metadata.uid, apiVersion: 'batch/v1' }];
    const currentPod = obj('Pod', 'v1', 'sync-29401440-x9z8y', 'search', { spec: { ...spec, nodeName: 'node-2', restartPolicy: 'OnFailure' }, status: runningStatus(spec) }, { ownerReferences: [ownerRef(current)], labels: { 'job-name': current.metadata.name }, creationTimestamp: ago(240) });
    expect(loudFindings([...healthyNodes(), j, running, cron, current, currentPod])).toEqual([]);
  });

  it('a kubeadm control plane: static pods, kube-proxy, CoreDNS behind kube-dns, the kubernetes Service, metrics-server', () => {
    const cp = node('control-plane-1', { labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
    const staticSpec = (name: string, image: string) => ({ containers: [{ name, image }], hostNetwork: true, nodeName: 'control-plane-1', priorityClassName: 'system-node-critical' });
    const staticPods = [['etcd', 'registry.k8s.io/etcd:3.5.15-0'], ['kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.31.2'], ['kube-controller-manager', 'registry.k8s.io/kube-controller-manager:v1.31.2'], ['kube-scheduler', 'registry.k8s.io/kube-scheduler:v1.31.2']].map(([name, image]) =>
      obj('Pod', 'v1', `${name}-control-plane-1`, 'kube-system', { spec: staticSpec(name, image), status: runningStatus(staticSpec(name, image)) }, {
        labels: { component: name, tier: 'control-plane' },
        annotations: { 'kubernetes.io/config.mirror': 'b1f2a3c4d5e6', 'kubernetes.io/config.source': 'file' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'control-plane-1', uid: cp.metadata.uid, controller: true }],
      }));
    const proxySpec = { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.2' }], hostNetwork: true, tolerations: [{ operator: 'Exists' }] };
    const proxy = obj('DaemonSet', 'apps/v1', 'kube-proxy', 'kube-system', {
      spec: { selector: { matchLabels: { 'k8s-app': 'kube-proxy' } }, template: { metadata: { labels: { 'k8s-app': 'kube-proxy' } }, spec: proxySpec }, updateStrategy: { type: 'RollingUpdate' } },
      status: { desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 4, numberAvailable: 4, numberMisscheduled: 0, updatedNumberScheduled: 4 },
    });
    const proxyPods = ['control-plane-1', 'node-1', 'node-2', 'node-3'].map((n) => obj('Pod', 'v1', `kube-proxy-${n}`, 'kube-system', { spec: { ...proxySpec, nodeName: n }, status: runningStatus(proxySpec) }, { labels: { 'k8s-app': 'kube-proxy' }, ownerReferences: [ownerRef(proxy)] }));
    const corednsSpec = { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3', ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }, { containerPort: 9153, name: 'metrics', protocol: 'TCP' }], readinessProbe: { httpGet: { path: '/ready', port: 8181 } }, livenessProbe: { httpGet: { path: '/health', port: 8080 } } }] };
    const coredns = deployment('coredns', { namespace: 'kube-system', replicas: 2, labels: { 'k8s-app': 'kube-dns' }, podSpec: corednsSpec });
    const kubeDns = service('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, targetPort: 53 }, { name: 'dns-tcp', port: 53, targetPort: 53 }, { name: 'metrics', port: 9153, targetPort: 9153 }], { clusterIP: '10.96.0.10' });
    kubeDns.metadata.labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' };
    const apiService = service('kubernetes', 'default', undefined, [{ name: 'https', port: 443, targetPort: 6443 }], { clusterIP: '10.96.0.1' });
    const apiEndpoints = obj('Endpoints', 'v1', 'kubernetes', 'default', { subsets: [{ addresses: [{ ip: '10.0.0.5' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
    const metricsServer = deployment('metrics-server', { namespace: 'kube-system', replicas: 1, labels: { 'k8s-app': 'metrics-server' }, podSpec: { containers: [{ name: 'metrics-server', image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2', ports: [{ containerPort: 10250, name: 'https', protocol: 'TCP' }] }] } });
    const msService = service('metrics-server', 'kube-system', { 'k8s-app': 'metrics-server' }, [{ name: 'https', port: 443, targetPort: 'https' }]);
    const objects = [
      cp, ...staticPods, proxy, ...proxyPods, ...coredns.all, kubeDns, endpoints(kubeDns, coredns.pods, [{ name: 'dns', port: 53 }]),
      apiService, apiEndpoints, ...metricsServer.all, msService, endpoints(msService, metricsServer.pods, [{ name: 'https', port: 10250 }]), ...healthyShop(),
    ];
    expect(loudFindings(objects)).toEqual([]);
  });

  it('a LoadBalancer Service that got its address', () => {
    const web = deployment('web', { namespace: 'edge', replicas: 2 });
    const lb = service('web', 'edge', { app: 'web' }, [{ port: 80, targetPort: 80, nodePort: 31380 }], { type: 'LoadBalancer' });
    (lb.status as Json).loadBalancer = { ingress: [{ ip: '203.0.113.20' }] };
    const ensured = event(lb, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', { component: 'service-controller', secondsAgo: 3000 });
    expect(loudFindings([...healthyNodes(), ...web.all, lb, endpoints(lb, web.pods, [{ port: 80 }]), ensured])).toEqual([]);
  });

  it.each(['057-control-healthy-completed-migration-job-and-cronjob', '058-control-healthy-single-past-restart-after-node-reboot'].filter(exampleExists))(
    'shared example %s',
    (name) => {
      const { report } = diagnoseExample(name);
      expect(report.findings.filter((f) => f.severity !== 'info').map((f) => f.scenario)).toEqual([]);
    },
  );
});

describe('network, rollout, job and autoscaling scenarios on skeletal objects', () => {
  it('do not throw on objects that carry only kind and metadata (partial exports, old API versions)', () => {
    const kinds = ['Service', 'Endpoints', 'Ingress', 'IngressClass', 'NetworkPolicy', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Pod', 'Node', 'VerticalPodAutoscaler'];
    const bare = kinds.map((kind) => obj(kind, 'v1', `bare-${kind.toLowerCase()}`, kind === 'Node' || kind === 'IngressClass' ? undefined : 'default'));
    const events = bare.map((o) => obj('Event', 'v1', `${o.metadata.name}.1`, 'default', { involvedObject: { kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }, reason: 'FailedCreate' }));
    const state = stateOf([...bare, ...events]);
    for (const scenario of SCENARIOS.filter((s) => ['network', 'rollout', 'job', 'autoscaling'].includes(s.category))) {
      expect(() => scenario.detect(state), scenario.id).not.toThrow();
    }
  });
});
