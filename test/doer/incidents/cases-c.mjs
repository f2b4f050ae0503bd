/** Incident cases 050–054 (a second look at quota, autoscaling, job, scheduling and admission). */
import { Snapshot, node, container, podSpec, deployment, service, endpoints, serviceAccount, obj, job, event, background, healthyApp } from './lib.mjs';

const ref = (kind, namespace, name) => (namespace ? { kind, namespace, name } : { kind, name });

export const casesC = [
  {
    dir: '050-quota-job-template-without-limits',
    source: 'https://github.com/haproxytech/helm-charts/issues/236',
    summary: 'The chart\'s CRD Job declares no resources, and the namespace ResourceQuota requires limits and requests for cpu and memory, so the job controller cannot create its pod ("failed quota: ingress-stack: must specify ...").',
    symptom: null, category: 'quota', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2024-04-29T08:14:27Z', 29);
      const nodes = ['k8s-worker-1', 'k8s-worker-2', 'k8s-worker-3'].map((n) => node(s, n, { kubelet: 'v1.29.3', runtime: 'containerd://1.7.13' }));
      background(s, nodes, { namespaces: ['ingress-stack'] });
      obj(s, 'ResourceQuota', 'ingress-stack', 'ingress-stack', { spec: { hard: { 'limits.cpu': '8', 'limits.memory': '16Gi', 'requests.cpu': '4', 'requests.memory': '8Gi' } }, status: { hard: { 'limits.cpu': '8', 'limits.memory': '16Gi', 'requests.cpu': '4', 'requests.memory': '8Gi' }, used: { 'limits.cpu': '500m', 'limits.memory': '512Mi', 'requests.cpu': '250m', 'requests.memory': '256Mi' } } }, 86400 * 60);
      healthyApp(s, 'ingress-stack', 'default-backend', ['k8s-worker-1']);
      serviceAccount(s, 'ingress-stack', 'hap-operator-kubernetes-ingress');
      const spec = podSpec(s, [container('crd', 'haproxytech/kubernetes-ingress:1.11.3', { command: ['/haproxy-ingress-controller', '--job-check-crd'] })], { restartPolicy: 'Never', serviceAccountName: 'hap-operator-kubernetes-ingress' });
      const j = job(s, 'ingress-stack', 'hap-operator-kubernetes-ingress-crdjob-1', { spec, age: 70, backoffLimit: 0, pods: [], status: { ready: 0, terminating: 0, uncountedTerminatedPods: {} } });
      const msg = 'Error creating: pods "hap-operator-kubernetes-ingress-crdjob-1-6nxxb" is forbidden: failed quota: ingress-stack: must specify limits.cpu for: crd; limits.memory for: crd; requests.cpu for: crd; requests.memory for: crd';
      event(s, j.job, { reason: 'FailedCreate', type: 'Warning', component: 'job-controller', message: msg, first: 66 });
      event(s, j.job, { reason: 'FailedCreate', type: 'Warning', component: 'job-controller', message: msg.replace('6nxxb', 'w2kqd'), first: 36 });
      this.symptom = ref('Job', 'ingress-stack', 'hap-operator-kubernetes-ingress-crdjob-1');
      this.rootCause = [ref('Job', 'ingress-stack', 'hap-operator-kubernetes-ingress-crdjob-1'), ref('ResourceQuota', 'ingress-stack', 'ingress-stack')];
      return s;
    },
  },
  {
    dir: '051-autoscaling-resource-metrics-api-unreachable',
    source: 'https://github.com/kubernetes-sigs/metrics-server/issues/317',
    summary: 'metrics-server is deployed on EKS but the API server cannot reach it, so the resource metrics API answers "the server is currently unable to handle the request (get pods.metrics.k8s.io)" and the php-apache HPA cannot compute a replica count.',
    symptom: null, category: 'autoscaling', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2019-09-24T10:41:03Z', 13);
      const nodes = ['ip-10-0-1-34.ec2.internal', 'ip-10-0-2-71.ec2.internal'].map((n, i) => node(s, n, { instanceType: 'm5.large', cpu: '2', memory: '7865352Ki', zone: ['us-east-1a', 'us-east-1b'][i], kubelet: 'v1.13.8-eks-cd3eb0', runtime: 'docker://18.6.1' }));
      background(s, nodes, { namespaces: ['dev'] });
      serviceAccount(s, 'kube-system', 'metrics-server');
      const msSpec = podSpec(s, [container('metrics-server', 'k8s.gcr.io/metrics-server-amd64:v0.3.4', { args: ['--cert-dir=/tmp', '--secure-port=4443'], ports: [{ containerPort: 4443, name: 'main-port' }], securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000 } })], { serviceAccountName: 'metrics-server' });
      const ms = deployment(s, 'kube-system', 'metrics-server', { labels: { 'k8s-app': 'metrics-server' }, spec: msSpec, age: 86400 * 2, pods: [{ node: nodes[1].metadata.name, age: 86400 * 2 - 30 }] });
      endpoints(s, service(s, 'kube-system', 'metrics-server', { labels: { 'kubernetes.io/name': 'Metrics-server' }, selector: { 'k8s-app': 'metrics-server' }, ports: [{ port: 443, targetPort: 'main-port' }] }), ms.pods);
      const spec = podSpec(s, [container('php-apache', 'k8s.gcr.io/hpa-example', { ports: [80], resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '200m', memory: '128Mi' } } })]);
      const d = deployment(s, 'dev', 'php-apache', { labels: { app: 'php-apache' }, spec, age: 86400, replicas: 3, pods: [0, 1, 0].map((i) => ({ node: nodes[i].metadata.name, age: 86000 })) });
      endpoints(s, service(s, 'dev', 'php-apache', { selector: { app: 'php-apache' }, ports: [{ port: 80 }] }), d.pods);
      const msg = 'unable to get metrics for resource memory: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)';
      const hpa = obj(s, 'HorizontalPodAutoscaler', 'dev', 'php-apache', {
        spec: { maxReplicas: 10, metrics: [{ resource: { name: 'memory', target: { averageUtilization: 70, type: 'Utilization' } }, type: 'Resource' }], minReplicas: 3, scaleTargetRef: { apiVersion: 'extensions/v1beta1', kind: 'Deployment', name: 'php-apache' } },
        status: { conditions: [{ lastTransitionTime: s.t(85000), message: 'the HPA controller was able to get the target\'s current scale', reason: 'SucceededGetScale', status: 'True', type: 'AbleToScale' }, { lastTransitionTime: s.t(85000), message: `the HPA was unable to compute the replica count: ${msg}`, reason: 'FailedGetResourceMetric', status: 'False', type: 'ScalingActive' }], currentMetrics: null, currentReplicas: 3, desiredReplicas: 0 },
      }, 85100);
      event(s, hpa, { reason: 'FailedGetResourceMetric', type: 'Warning', component: 'horizontal-pod-autoscaler', message: msg, first: 85000, last: 14, count: 5600 });
      event(s, hpa, { reason: 'FailedComputeMetricsReplicas', type: 'Warning', component: 'horizontal-pod-autoscaler', message: `failed to get memory utilization: ${msg}`, first: 85000, last: 14, count: 5600 });
      this.symptom = ref('HorizontalPodAutoscaler', 'dev', 'php-apache');
      this.rootCause = [ref('Deployment', 'kube-system', 'metrics-server'), ref('Service', 'kube-system', 'metrics-server'), ref('APIService', undefined, 'v1beta1.metrics.k8s.io')];
      return s;
    },
  },
  {
    dir: '052-job-active-deadline-exceeded',
    source: 'https://github.com/kubernetes/kubernetes/issues/90550',
    summary: 'job-test-deadline sets activeDeadlineSeconds 40 but its container sleeps 120 s, so the Job controller kills it and marks the Job Failed with DeadlineExceeded.',
    symptom: null, category: 'job', hops: 0,
    build() {
      const s = new Snapshot(this.dir, '2020-04-28T03:22:40Z', 14);
      const nodes = ['node-1', 'node-2'].map((n) => node(s, n, { kubelet: 'v1.14.6', runtime: 'docker://18.9.7' }));
      background(s, nodes);
      healthyApp(s, 'default', 'tomcat', ['node-2'], { image: 'tomcat:8.5.39', port: 8080 });
      const spec = podSpec(s, [container('container0', 'registry.local:30012/library/tomcat:8.5.39', { command: ['bin/bash', '-c', 'sleep 120s'], pullPolicy: 'IfNotPresent' })], { restartPolicy: 'Never' });
      const j = job(s, 'default', 'job-test-deadline', { spec, age: 95, activeDeadlineSeconds: 40, pods: [], status: { conditions: [{ lastProbeTime: s.t(54), lastTransitionTime: s.t(54), message: 'Job was active longer than specified deadline', reason: 'DeadlineExceeded', status: 'True', type: 'Failed' }], failed: 1, startTime: s.t(95) } });
      event(s, j.job, { reason: 'SuccessfulCreate', component: 'job-controller', message: 'Created pod: job-test-deadline-8ktzr', first: 95 });
      event(s, j.job, { reason: 'SuccessfulDelete', component: 'job-controller', message: 'Deleted pod: job-test-deadline-8ktzr', first: 54 });
      event(s, j.job, { reason: 'DeadlineExceeded', type: 'Warning', component: 'job-controller', message: 'Job was active longer than specified deadline', first: 54 });
      event(s, nodes[0], { reason: 'NodeHasSufficientMemory', message: 'Node node-1 status is now: NodeHasSufficientMemory', first: 2, host: 'node-1' });
      this.symptom = ref('Job', 'default', 'job-test-deadline');
      this.rootCause = [ref('Job', 'default', 'job-test-deadline')];
      return s;
    },
  },
  {
    dir: '053-scheduling-hostport-replicas-exceed-nodes',
    source: 'https://github.com/kubernetes/examples/issues/384',
    summary: 'The storm worker Deployment asks for 2 replicas with fixed hostPorts on a single-node cluster; only one pod can hold the ports, so the second stays Pending ("didn\'t have free ports for the requested pod ports").',
    symptom: null, category: 'scheduling', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2020-05-25T13:02:18Z', 18);
      const n = node(s, 'minikube', { cpu: '4', memory: '8163640Ki', kubelet: 'v1.18.2', runtime: 'docker://19.3.8', labels: { 'node-role.kubernetes.io/master': '' }, podCIDR: null });
      background(s, [n], { dnsNodes: ['minikube', 'minikube'] });
      const zkSpec = podSpec(s, [container('zookeeper', 'zookeeper:3.4', { ports: [2181] })]);
      const zk = deployment(s, 'default', 'zookeeper', { labels: { name: 'zookeeper' }, spec: zkSpec, age: 1500, pods: [{ node: 'minikube', age: 1490 }] });
      endpoints(s, service(s, 'default', 'zookeeper', { selector: { name: 'zookeeper' }, ports: [{ port: 2181 }] }), zk.pods);
      const nimbusSpec = podSpec(s, [container('nimbus', 'storm:1.2', { command: ['storm', 'nimbus'], ports: [6627] })]);
      const nimbus = deployment(s, 'default', 'nimbus', { labels: { name: 'nimbus' }, spec: nimbusSpec, age: 1400, pods: [{ node: 'minikube', age: 1390 }] });
      endpoints(s, service(s, 'default', 'nimbus', { selector: { name: 'nimbus' }, ports: [{ port: 6627 }] }), nimbus.pods);
      const ports = [6700, 6701, 6702, 6703].map((p) => ({ containerPort: p, hostPort: p }));
      const spec = podSpec(s, [container('storm-worker', 'storm:1.2', { command: ['storm', 'supervisor'], ports, resources: { limits: { cpu: '200m' } } })]);
      const msg = '0/1 nodes are available: 1 node(s) didn\'t have free ports for the requested pod ports.';
      const d = deployment(s, 'default', 'storm-worker-controller', { labels: { name: 'storm-worker' }, spec, age: 1300, replicas: 2, unavailableSince: 1290, pods: [{ node: 'minikube', age: 1295 }, { age: 1295, phase: 'Pending', unschedulableMessage: msg }] });
      event(s, d.pods[1], { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: msg, first: 1294, last: 20, count: 22 });
      this.symptom = ref('Pod', 'default', d.pods[1].metadata.name);
      this.rootCause = [ref('Deployment', 'default', 'storm-worker-controller')];
      return s;
    },
  },
  {
    dir: '054-admission-webhook-unreachable-from-control-plane',
    source: 'https://github.com/open-policy-agent/gatekeeper/issues/733',
    summary: 'On a private GKE cluster the control plane may not reach node port 8443, so calls to the Gatekeeper validating webhook time out ("context deadline exceeded"); with failurePolicy Fail every pod creation in the cluster is refused although the Gatekeeper pods are healthy.',
    symptom: null, category: 'admission', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2020-08-28T10:11:45Z', 16);
      const nodes = ['gke-private-default-pool-6f2c1d0b-2k1x', 'gke-private-default-pool-6f2c1d0b-9mzq', 'gke-private-default-pool-6f2c1d0b-tq4w'].map((n) => node(s, n, { instanceType: 'e2-standard-4', zone: 'europe-west4-a', kubelet: 'v1.16.13-gke.1', runtime: 'docker://19.3.1' }));
      background(s, nodes, { namespaces: ['gatekeeper-system', 'shop'] });
      serviceAccount(s, 'gatekeeper-system', 'gatekeeper-admin');
      const gkSpec = podSpec(s, [container('manager', 'openpolicyagent/gatekeeper:v3.1.0-beta.12', { args: ['--port=8443', '--logtostderr', '--exempt-namespace=gatekeeper-system', '--operation=webhook'], ports: [{ containerPort: 8443, name: 'webhook-server' }, { containerPort: 9090, name: 'healthz' }], readinessProbe: { httpGet: { path: '/readyz', port: 9090, scheme: 'HTTP' } } })], { serviceAccountName: 'gatekeeper-admin' });
      const gk = deployment(s, 'gatekeeper-system', 'gatekeeper-controller-manager', { labels: { 'control-plane': 'controller-manager', 'gatekeeper.sh/operation': 'webhook' }, spec: gkSpec, age: 5400, pods: [{ node: nodes[0].metadata.name, age: 5390 }, { node: nodes[1].metadata.name, age: 5390 }, { node: nodes[2].metadata.name, age: 5390 }] });
      endpoints(s, service(s, 'gatekeeper-system', 'gatekeeper-webhook-service', { selector: { 'control-plane': 'controller-manager', 'gatekeeper.sh/operation': 'webhook' }, ports: [{ port: 443, targetPort: 8443 }] }), gk.pods);
      const spec = podSpec(s, [container('cart', 'gcr.io/acme-shop/cart:1.9.2', { ports: [{ containerPort: 8080, name: 'http' }] })]);
      const cart = deployment(s, 'shop', 'cart', { spec, age: 86400 * 30, revision: 6, rsAge: 1200, replicas: 2, pods: [], oldRs: { spec, pods: [{ node: nodes[2].metadata.name, age: 86400 * 4 }, { node: nodes[0].metadata.name, age: 86400 * 4 }] } });
      endpoints(s, service(s, 'shop', 'cart', { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }), cart.oldPods);
      const msg = 'Error creating: Internal error occurred: failed calling webhook "validation.gatekeeper.sh": Post https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?timeout=3s: context deadline exceeded';
      event(s, cart.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: msg, first: 1190, last: 12, count: 19 });
      this.symptom = ref('Deployment', 'shop', 'cart');
      this.rootCause = [ref('ValidatingWebhookConfiguration', undefined, 'gatekeeper-validating-webhook-configuration'), ref('Service', 'gatekeeper-system', 'gatekeeper-webhook-service'), ref('Deployment', 'gatekeeper-system', 'gatekeeper-controller-manager')];
      return s;
    },
  },
];
