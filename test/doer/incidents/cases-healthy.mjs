/** Healthy and noisy-but-harmless clusters (043–049): no critical or warning finding is expected. */
import { Snapshot, node, container, podSpec, st, deployment, daemonSet, service, endpoints, serviceAccount, obj, job, cronJob, pvc, storageClass, event, background, healthyApp } from './lib.mjs';

const healthy = (dir, source, summary, build) => ({ dir, source, summary, symptom: null, category: 'none', rootCause: [], hops: 0, build });

export const casesHealthy = [
  healthy('043-control-healthy-deployment-scaled-to-zero', 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#scaling-a-deployment',
    'A staging API deliberately scaled to 0 replicas outside office hours; its Service has no endpoints by design. Everything else is serving.',
    function build() {
      const s = new Snapshot(this.dir, '2025-03-08T02:15:00Z', 30);
      const nodes = ['node-a', 'node-b', 'node-c'].map((n) => node(s, n, { kubelet: 'v1.30.4', runtime: 'containerd://1.7.20' }));
      background(s, nodes, { namespaces: ['staging', 'prod'] });
      healthyApp(s, 'prod', 'orders', ['node-a', 'node-b']);
      const spec = podSpec(s, [container('api', 'ghcr.io/acme/orders-api:2.3.1', { ports: [{ containerPort: 8080, name: 'http' }], resources: { requests: { cpu: '100m', memory: '256Mi' } } })]);
      const d = deployment(s, 'staging', 'orders-api', { spec, replicas: 0, age: 86400 * 40, pods: [], conditions: [
        { lastTransitionTime: s.t(86400 * 40), lastUpdateTime: s.t(86400 * 40), message: 'Deployment has minimum availability.', reason: 'MinimumReplicasAvailable', status: 'True', type: 'Available' },
        { lastTransitionTime: s.t(86400 * 40), lastUpdateTime: s.t(86400 * 2), message: 'ReplicaSet "orders-api-5d8c7b9f6d" has successfully progressed.', reason: 'NewReplicaSetAvailable', status: 'True', type: 'Progressing' }] });
      d.dep.metadata.annotations['acme.io/office-hours'] = 'scaled to zero by kube-downscaler';
      endpoints(s, service(s, 'staging', 'orders-api', { selector: { app: 'orders-api' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), []);
      event(s, d.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled down replica set ${d.rs.metadata.name} to 0 from 2`, first: 15 * 60 });
      event(s, nodes[0], { reason: 'NodeHasSufficientMemory', message: 'Node node-a status is now: NodeHasSufficientMemory', first: 10, host: 'node-a' });
      return s;
    }),
  healthy('044-control-healthy-daemonsets-skip-tainted-gpu-nodes', 'https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations',
    'The log shipper DaemonSet runs on the three general nodes only: the two GPU nodes are tainted nvidia.com/gpu:NoSchedule and the DaemonSet does not tolerate it, by design. The device plugin runs on the GPU nodes.',
    function build() {
      const s = new Snapshot(this.dir, '2025-05-19T10:00:00Z', 31);
      const cpu = ['cpu-1', 'cpu-2', 'cpu-3'].map((n) => node(s, n, { kubelet: 'v1.31.2', runtime: 'containerd://1.7.22' }));
      const gpuTaint = [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', value: 'present' }];
      const gpus = ['gpu-1', 'gpu-2'].map((n) => node(s, n, { cpu: '64', memory: '528184848Ki', kubelet: 'v1.31.2', runtime: 'containerd://1.7.22', taints: gpuTaint, extraCapacity: { 'nvidia.com/gpu': '8' }, labels: { 'nvidia.com/gpu.present': 'true' } }));
      background(s, [...cpu, ...gpus], { namespaces: ['logging', 'ml'] });
      serviceAccount(s, 'logging', 'fluent-bit');
      const fb = podSpec(s, [container('fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:3.1.9', { ports: [{ containerPort: 2020, name: 'http' }], readinessProbe: { httpGet: { path: '/api/v1/health', port: 'http', scheme: 'HTTP' } } })], { serviceAccountName: 'fluent-bit' });
      daemonSet(s, 'logging', 'fluent-bit', { labels: { 'app.kubernetes.io/name': 'fluent-bit' }, spec: fb, nodes: cpu.map((n) => ({ node: n.metadata.name, age: 86400 * 5 })) });
      const dp = podSpec(s, [container('nvidia-device-plugin-ctr', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2')], { nodeSelector: { 'nvidia.com/gpu.present': 'true' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], priorityClassName: 'system-node-critical', priority: 2000001000 });
      daemonSet(s, 'kube-system', 'nvidia-device-plugin-daemonset', { labels: { name: 'nvidia-device-plugin-ds' }, spec: dp, nodes: gpus.map((n) => n.metadata.name) });
      const train = podSpec(s, [container('trainer', 'registry.example.com/ml/trainer:1.4', { resources: { limits: { 'nvidia.com/gpu': '4' }, requests: { cpu: '16', memory: '128Gi', 'nvidia.com/gpu': '4' } } })], { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] });
      deployment(s, 'ml', 'embedding-server', { spec: train, age: 86400 * 3, pods: [{ node: 'gpu-1', age: 86400 * 3 - 30 }] });
      healthyApp(s, 'ml', 'feature-api', ['cpu-1', 'cpu-2']);
      event(s, cpu[1], { reason: 'NodeHasSufficientPID', message: 'Node cpu-2 status is now: NodeHasSufficientPID', first: 8, host: 'cpu-2' });
      return s;
    }),
  healthy('045-control-healthy-rolling-update-in-progress', 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment',
    'A rolling update of the checkout Deployment started 12 seconds ago: the first new pod is pulling its image while the three old pods keep serving. Nothing is stuck.',
    function build() {
      const s = new Snapshot(this.dir, '2025-09-02T14:30:12Z', 32);
      const nodes = ['ip-10-0-1-10', 'ip-10-0-2-20', 'ip-10-0-3-30'].map((n) => node(s, n, { kubelet: 'v1.32.3', runtime: 'containerd://1.7.27' }));
      background(s, nodes, { namespaces: ['shop'] });
      const mk = (tag) => podSpec(s, [container('checkout', `ghcr.io/acme/checkout:${tag}`, { ports: [{ containerPort: 8080, name: 'http' }], resources: { requests: { cpu: '200m', memory: '256Mi' } }, readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5 } })]);
      const d = deployment(s, 'shop', 'checkout', { spec: mk('4.2.0'), replicas: 3, age: 86400 * 90, revision: 12, rsAge: 12, rsReplicas: 1,
        pods: [{ node: nodes[0].metadata.name, age: 11, phase: 'Pending', podIP: null, containers: { checkout: { state: st.waiting('ContainerCreating'), ready: false } } }],
        oldRs: { spec: mk('4.1.3'), pods: nodes.map((n) => ({ node: n.metadata.name, age: 86400 * 6 })) },
        progress: (rs) => ({ lastTransitionTime: s.t(86400 * 90), lastUpdateTime: s.t(12), message: `ReplicaSet "${rs}" is progressing.`, reason: 'ReplicaSetUpdated', status: 'True', type: 'Progressing' }) });
      endpoints(s, service(s, 'shop', 'checkout', { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), [...d.pods, ...d.oldPods]);
      const p = d.pods[0];
      event(s, d.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled up replica set ${d.rs.metadata.name} to 1`, first: 12 });
      event(s, p, { reason: 'Scheduled', component: 'default-scheduler', message: `Successfully assigned shop/${p.metadata.name} to ${p.spec.nodeName}`, first: 11 });
      event(s, p, { reason: 'Pulling', message: 'Pulling image "ghcr.io/acme/checkout:4.2.0"', first: 10, fieldPath: 'spec.containers{checkout}', host: p.spec.nodeName });
      return s;
    }),
  healthy('046-control-noisy-cronjob-one-old-failed-run', 'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits',
    'The hourly report CronJob had one failed run three days ago (kept by failedJobsHistoryLimit); every run since then succeeded, the latest one minutes ago.',
    function build() {
      const s = new Snapshot(this.dir, '2025-11-03T09:06:40Z', 33);
      const nodes = ['worker-1', 'worker-2'].map((n) => node(s, n, { kubelet: 'v1.33.4', runtime: 'containerd://2.0.6' }));
      background(s, nodes, { namespaces: ['reports'] });
      const spec = podSpec(s, [container('report', 'ghcr.io/acme/reporter:3.0.2', { args: ['hourly'] })], { restartPolicy: 'Never' });
      const cj = cronJob(s, 'reports', 'hourly-report', { schedule: '0 * * * *', spec, backoffLimit: 0, concurrencyPolicy: 'Forbid', status: { lastScheduleTime: s.t(400), lastSuccessfulTime: s.t(340) } });
      const failedAgo = 86400 * 3 + 400;
      job(s, 'reports', 'hourly-report-29370360', { owner: cj, spec, backoffLimit: 0, age: failedAgo, pods: [{ node: 'worker-1', age: failedAgo - 1, phase: 'Failed', containers: { report: { state: st.terminated('Error', 1, s.t(failedAgo - 5), s.t(failedAgo - 30)), ready: false } } }], status: { conditions: [{ lastProbeTime: s.t(failedAgo - 31), lastTransitionTime: s.t(failedAgo - 31), message: 'Job has reached the specified backoff limit', reason: 'BackoffLimitExceeded', status: 'True', type: 'Failed' }], failed: 1, startTime: s.t(failedAgo), ready: 0, terminating: 0, uncountedTerminatedPods: {} } });
      for (const [i, ago] of [7600, 4000, 400].entries()) {
        job(s, 'reports', `hourly-report-2937${i}000`, { owner: cj, spec, backoffLimit: 0, age: ago, pods: [{ node: nodes[i % 2].metadata.name, age: ago - 1, phase: 'Succeeded', containers: { report: { state: st.terminated('Completed', 0, s.t(ago - 4), s.t(ago - 58)), ready: false } } }], status: { completionTime: s.t(ago - 60), conditions: [{ lastProbeTime: s.t(ago - 60), lastTransitionTime: s.t(ago - 60), status: 'True', type: 'SuccessCriteriaMet' }, { lastProbeTime: s.t(ago - 60), lastTransitionTime: s.t(ago - 60), status: 'True', type: 'Complete' }], ready: 0, startTime: s.t(ago), succeeded: 1, terminating: 0, uncountedTerminatedPods: {} } });
      }
      event(s, cj, { reason: 'SuccessfulCreate', component: 'cronjob-controller', message: 'Created job hourly-report-29372000', first: 400 });
      event(s, cj, { reason: 'SawCompletedJob', component: 'cronjob-controller', message: 'Saw completed job: hourly-report-29372000, condition: Complete', first: 339 });
      event(s, cj, { reason: 'SuccessfulDelete', component: 'cronjob-controller', message: 'Deleted job hourly-report-29369000', first: 338 });
      healthyApp(s, 'reports', 'report-viewer', ['worker-2']);
      event(s, nodes[1], { reason: 'NodeHasNoDiskPressure', message: 'Node worker-2 status is now: NodeHasNoDiskPressure', first: 3, host: 'worker-2' });
      return s;
    }),
  healthy('047-control-noisy-old-evicted-pods-node-recovered', 'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
    'Two days ago node-2 ran short of disk and evicted two pods; the node recovered the same hour, the ReplicaSet replaced them and everything is Ready. The Failed/Evicted pod objects are still listed.',
    function build() {
      const s = new Snapshot(this.dir, '2025-07-21T16:40:00Z', 31);
      const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(s, n, { kubelet: 'v1.31.6', runtime: 'containerd://1.7.25', conditions: n === 'node-2' ? { DiskPressure: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', since: 86400 * 2 - 3000 } } : undefined }));
      background(s, nodes, { namespaces: ['web'] });
      const spec = podSpec(s, [container('frontend', 'ghcr.io/acme/frontend:7.1.0', { ports: [{ containerPort: 8080, name: 'http' }], resources: { requests: { cpu: '100m', memory: '128Mi' } } })]);
      const ev = (i) => ({ name: `frontend-6f9d8b7c5d-${['x2k4p', 'q9w7z'][i]}`, node: 'node-2', age: 86400 * 5, phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: ephemeral-storage. Threshold quantity: 10726406326, available: 10223920Ki. ', podIP: null, conditions: [], containers: { frontend: { state: st.terminated('ContainerStatusUnknown', 137, s.t(86400 * 5), s.t(86400 * 2 - 600), 'The container could not be located when the pod was terminated'), ready: false } } });
      const d = deployment(s, 'web', 'frontend', { spec, replicas: 3, age: 86400 * 30, pods: [ev(0), ev(1), { node: 'node-1', age: 86400 * 2 - 590 }, { node: 'node-3', age: 86400 * 2 - 585 }, { node: 'node-2', age: 86400 * 5 }] });
      endpoints(s, service(s, 'web', 'frontend', { selector: { app: 'frontend' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), d.pods);
      event(s, nodes[1], { reason: 'NodeHasNoDiskPressure', message: 'Node node-2 status is now: NodeHasNoDiskPressure', first: 86400 * 2 - 3000, host: 'node-2' });
      event(s, nodes[2], { reason: 'NodeHasSufficientMemory', message: 'Node node-3 status is now: NodeHasSufficientMemory', first: 6, host: 'node-3' });
      return s;
    }),
  healthy('048-control-noisy-old-warnings-all-recovered', 'https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/',
    'Old warnings from yesterday\'s node upgrade remain in the event list (FailedScheduling while nodes were cordoned, a few BackOff restarts while the database failed over); all pods have been Running and Ready for 20 hours.',
    function build() {
      const s = new Snapshot(this.dir, '2025-10-14T08:20:00Z', 32);
      const nodes = ['pool-a-1', 'pool-a-2', 'pool-a-3'].map((n) => node(s, n, { kubelet: 'v1.32.5', runtime: 'containerd://1.7.27' }));
      background(s, nodes, { namespaces: ['billing'] });
      const spec = podSpec(s, [container('invoicer', 'ghcr.io/acme/invoicer:9.4.2', { ports: [{ containerPort: 8080, name: 'http' }], resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } }, readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' } } })]);
      const d = deployment(s, 'billing', 'invoicer', { spec, age: 86400 * 60, pods: [
        { node: 'pool-a-1', age: 86400 + 3600, containers: { invoicer: { restarts: 2, startedAgo: 72000, lastState: st.terminated('Error', 1, s.t(72300), s.t(72010)) } } },
        { node: 'pool-a-2', age: 86400 + 3000 },
        { node: 'pool-a-3', age: 86400 + 2400 },
      ] });
      endpoints(s, service(s, 'billing', 'invoicer', { selector: { app: 'invoicer' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), d.pods);
      event(s, d.pods[2], { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.', first: 86400 + 2400, last: 86400 + 2100, count: 4 });
      event(s, d.pods[0], { reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container invoicer in pod ' + d.pods[0].metadata.name + '_billing(' + d.pods[0].metadata.uid + ')', first: 72600, last: 72020, count: 3, fieldPath: 'spec.containers{invoicer}', host: 'pool-a-1' });
      event(s, d.pods[0], { reason: 'Unhealthy', type: 'Warning', message: `Readiness probe failed: Get "http://${d.pods[0].status.podIP}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, first: 72650, last: 72000, count: 9, fieldPath: 'spec.containers{invoicer}', host: 'pool-a-1' });
      event(s, nodes[0], { reason: 'NodeHasSufficientMemory', message: 'Node pool-a-1 status is now: NodeHasSufficientMemory', first: 5, host: 'pool-a-1' });
      return s;
    }),
  healthy('049-control-healthy-cordoned-node-and-just-created-pod', 'https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/',
    'node-4 was cordoned and drained for a kernel upgrade (only DaemonSet pods remain on it); a batch Job completed this morning; a pod created 6 seconds ago is still Pending with no events yet.',
    function build() {
      const s = new Snapshot(this.dir, '2025-12-01T11:00:06Z', 34);
      const nodes = ['node-1', 'node-2', 'node-3', 'node-4'].map((n, i) => node(s, n, { kubelet: 'v1.34.1', runtime: 'containerd://2.1.4', unschedulable: i === 3, taints: i === 3 ? [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', timeAdded: s.t(1500) }] : undefined }));
      background(s, nodes, { namespaces: ['batch', 'api'] });
      healthyApp(s, 'api', 'gateway', ['node-1', 'node-2', 'node-3']);
      const spec = podSpec(s, [container('etl', 'ghcr.io/acme/etl:1.9.0', { args: ['--date=2025-11-30'], resources: { requests: { cpu: '500m', memory: '1Gi' } } })], { restartPolicy: 'Never' });
      job(s, 'batch', 'etl-2025-11-30', { spec, age: 7200, pods: [{ node: 'node-2', age: 7199, phase: 'Succeeded', containers: { etl: { state: st.terminated('Completed', 0, s.t(7190), s.t(5400)), ready: false } } }], status: { completionTime: s.t(5399), conditions: [{ lastProbeTime: s.t(5399), lastTransitionTime: s.t(5399), status: 'True', type: 'SuccessCriteriaMet' }, { lastProbeTime: s.t(5399), lastTransitionTime: s.t(5399), status: 'True', type: 'Complete' }], ready: 0, startTime: s.t(7200), succeeded: 1, terminating: 0, uncountedTerminatedPods: {} } });
      const jspec = podSpec(s, [container('etl', 'ghcr.io/acme/etl:1.9.0', { args: ['--date=2025-12-01'], resources: { requests: { cpu: '500m', memory: '1Gi' } } })], { restartPolicy: 'Never' });
      const fresh = job(s, 'batch', 'etl-2025-12-01', { spec: jspec, age: 6, pods: [{ age: 6, phase: 'Pending', conditions: [] }], status: { active: 1, ready: 0, startTime: s.t(6), terminating: 0, uncountedTerminatedPods: {} } });
      event(s, fresh.job, { reason: 'SuccessfulCreate', component: 'job-controller', message: `Created pod: ${fresh.pods[0].metadata.name}`, first: 6 });
      event(s, nodes[3], { reason: 'NodeNotSchedulable', message: 'Node node-4 status is now: NodeNotSchedulable', first: 1500, host: 'node-4' });
      return s;
    }),
  healthy('055-control-healthy-hpa-at-minimum-replicas', 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/',
    'An HPA sits at its minimum of 2 replicas overnight: load is low, so its ScalingLimited condition says TooFewReplicas. That is the HPA working, not a fault.',
    function build() {
      const s = new Snapshot(this.dir, '2025-04-02T03:30:00Z', 31);
      const nodes = ['node-1', 'node-2', 'node-3'].map((n) => node(s, n, { kubelet: 'v1.31.4', runtime: 'containerd://1.7.24' }));
      background(s, nodes, { namespaces: ['web'] });
      serviceAccount(s, 'kube-system', 'metrics-server');
      const ms = deployment(s, 'kube-system', 'metrics-server', { labels: { 'k8s-app': 'metrics-server' }, spec: podSpec(s, [container('metrics-server', 'registry.k8s.io/metrics-server/metrics-server:v0.7.2', { ports: [{ containerPort: 10250, name: 'https' }] })], { serviceAccountName: 'metrics-server' }), age: 86400 * 90, pods: [{ node: 'node-3', age: 86400 * 9 }] });
      endpoints(s, service(s, 'kube-system', 'metrics-server', { selector: { 'k8s-app': 'metrics-server' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] }), ms.pods);
      const spec = podSpec(s, [container('api', 'ghcr.io/acme/api:5.0.1', { ports: [{ containerPort: 8080, name: 'http' }], resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } } })]);
      const d = deployment(s, 'web', 'api', { spec, age: 86400 * 50, replicas: 2, pods: [{ node: 'node-1', age: 86400 * 3 }, { node: 'node-2', age: 86400 * 3 }] });
      endpoints(s, service(s, 'web', 'api', { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), d.pods);
      const hpa = obj(s, 'HorizontalPodAutoscaler', 'web', 'api', {
        spec: { maxReplicas: 12, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 60, type: 'Utilization' } }, type: 'Resource' }], minReplicas: 2, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' } },
        status: { conditions: [{ lastTransitionTime: s.t(86400 * 50), message: 'recommended size matches current size', reason: 'ReadyForNewScale', status: 'True', type: 'AbleToScale' }, { lastTransitionTime: s.t(86400 * 50), message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', reason: 'ValidMetricFound', status: 'True', type: 'ScalingActive' }, { lastTransitionTime: s.t(5 * 3600), message: 'the desired replica count is less than the minimum replica count', reason: 'TooFewReplicas', status: 'True', type: 'ScalingLimited' }], currentMetrics: [{ resource: { current: { averageUtilization: 4, averageValue: '10m' }, name: 'cpu' }, type: 'Resource' }], currentReplicas: 2, desiredReplicas: 2, lastScaleTime: s.t(5 * 3600) },
      }, 86400 * 50);
      event(s, hpa, { reason: 'SuccessfulRescale', component: 'horizontal-pod-autoscaler', message: 'New size: 2; reason: All metrics below target', first: 5 * 3600 });
      event(s, nodes[1], { reason: 'NodeHasSufficientMemory', message: 'Node node-2 status is now: NodeHasSufficientMemory', first: 4, host: 'node-2' });
      return s;
    }),
  healthy('056-control-healthy-claim-waiting-for-first-consumer', 'https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode',
    'A claim for a not-yet-deployed analytics database is Pending with "waiting for first consumer to be created before binding": its StorageClass uses WaitForFirstConsumer and no pod uses it yet. Expected.',
    function build() {
      const s = new Snapshot(this.dir, '2025-06-10T12:00:00Z', 32);
      const nodes = ['ip-10-1-1-10', 'ip-10-1-2-20'].map((n, i) => node(s, n, { kubelet: 'v1.32.1', runtime: 'containerd://1.7.25', zone: ['us-east-1a', 'us-east-1b'][i] }));
      background(s, nodes, { namespaces: ['analytics'] });
      storageClass(s, 'gp3', { provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer', isDefault: true, parameters: { type: 'gp3' } });
      serviceAccount(s, 'kube-system', 'ebs-csi-controller-sa');
      deployment(s, 'kube-system', 'ebs-csi-controller', { labels: { app: 'ebs-csi-controller' }, spec: podSpec(s, [container('ebs-plugin', 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.38.1', { ports: [{ containerPort: 9808, name: 'healthz' }] }), container('csi-provisioner', 'public.ecr.aws/eks-distro/kubernetes-csi/external-provisioner:v5.1.0-eks-1-32-1')], { serviceAccountName: 'ebs-csi-controller-sa' }), age: 86400 * 30, pods: [{ node: 'ip-10-1-1-10', age: 86400 * 5 }, { node: 'ip-10-1-2-20', age: 86400 * 5 }] });
      const c = pvc(s, 'analytics', 'clickhouse-data', { storageClassName: 'gp3', size: '200Gi', age: 900 });
      event(s, c, { reason: 'WaitForFirstConsumer', component: 'persistentvolume-controller', message: 'waiting for first consumer to be created before binding', first: 900, last: 5, count: 61 });
      healthyApp(s, 'analytics', 'dashboard', ['ip-10-1-1-10', 'ip-10-1-2-20']);
      return s;
    }),
  healthy('057-control-noisy-node-rebooted-yesterday', 'https://kubernetes.io/docs/concepts/architecture/nodes/#condition',
    'worker-2 was NotReady for three minutes yesterday during a kernel patch reboot; it has been Ready since, and the DaemonSet pod on it restarted once when the kubelet came back.',
    function build() {
      const s = new Snapshot(this.dir, '2025-08-19T09:45:00Z', 33);
      const nodes = ['worker-1', 'worker-2', 'worker-3'].map((n) => node(s, n, { kubelet: 'v1.33.3', runtime: 'containerd://2.0.5', conditions: n === 'worker-2' ? { Ready: { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', since: 86400 - 180 } } : undefined }));
      background(s, nodes, { namespaces: ['monitoring'] });
      serviceAccount(s, 'monitoring', 'node-exporter');
      const spec = podSpec(s, [container('node-exporter', 'quay.io/prometheus/node-exporter:v1.9.1', { args: ['--path.rootfs=/host'], ports: [{ containerPort: 9100, name: 'metrics' }] })], { hostNetwork: true, serviceAccountName: 'node-exporter', tolerations: [{ operator: 'Exists' }] });
      daemonSet(s, 'monitoring', 'node-exporter', { labels: { 'app.kubernetes.io/name': 'node-exporter' }, spec, nodes: nodes.map((n) => ({ node: n.metadata.name, age: 86400 * 20, ...(n.metadata.name === 'worker-2' ? { containers: { 'node-exporter': { restarts: 1, startedAgo: 86400 - 170, lastState: st.terminated('Unknown', 255, s.t(86400 * 20), s.t(86400 - 200)) } } } : {}) })) });
      event(s, nodes[1], { reason: 'NodeNotReady', component: 'node-controller', message: 'Node worker-2 status is now: NodeNotReady', first: 86400 });
      event(s, nodes[1], { reason: 'Rebooted', type: 'Warning', message: `Node worker-2 has been rebooted, boot id: ${nodes[1].status.nodeInfo.bootID}`, first: 86400 - 185, host: 'worker-2' });
      event(s, nodes[1], { reason: 'NodeReady', message: 'Node worker-2 status is now: NodeReady', first: 86400 - 180, host: 'worker-2' });
      healthyApp(s, 'monitoring', 'grafana', ['worker-1', 'worker-3'], { image: 'grafana/grafana:12.1.0', port: 3000, path: '/api/health' });
      event(s, nodes[2], { reason: 'NodeHasSufficientMemory', message: 'Node worker-3 status is now: NodeHasSufficientMemory', first: 3, host: 'worker-3' });
      return s;
    }),
];
