/** Incident cases 050–054 and 058–060 (a second look at quota, autoscaling, job, scheduling, admission, crash and security). */
import { Snapshot, node, container, podSpec, pod, st, deployment, statefulSet, daemonSet, service, endpoints, serviceAccount, obj, job, pvc, storageClass, event, background, healthyApp } from './lib.mjs';

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
  {
    dir: '058-crash-postgres-requires-password-env',
    source: 'https://github.com/mmumshad/kubernetes-example-voting-app/issues/1',
    summary: 'The voting app\'s postgres-pod runs postgres:9.4 with no environment; newer images refuse to initialise without POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD), exit 1 and crash-loop.',
    symptom: null, category: 'crash', hops: 0,
    build() {
      const s = new Snapshot(this.dir, '2020-02-23T16:12:31Z', 15);
      const nodes = ['gke-voting-default-pool-1c2b3a4d-5fgh', 'gke-voting-default-pool-1c2b3a4d-8jkl', 'gke-voting-default-pool-1c2b3a4d-q2rs'].map((n) => node(s, n, { instanceType: 'n1-standard-1', cpu: '1', memory: '3785932Ki', zone: 'us-central1-a', kubelet: 'v1.15.9-gke.9', runtime: 'docker://19.3.1' }));
      background(s, nodes);
      const bare = (name, image, port, nodeName, app, extra = {}) => pod(s, { namespace: 'default', name, labels: { name, app: 'demo-voting-app' }, spec: podSpec(s, [container(app, image, port ? { ports: [port] } : {})]), node: nodeName, age: 1500, ...extra });
      const redis = bare('redis-pod', 'redis', 6379, nodes[0].metadata.name, 'redis');
      const pg = bare('postgres-pod', 'postgres:9.4', 5432, nodes[1].metadata.name, 'postgres', { containers: { postgres: { state: st.waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=postgres pod=postgres-pod_default(' + s.uid('Pod', 'default', 'postgres-pod') + ')'), ready: false, restarts: 7, lastState: st.terminated('Error', 1, s.t(120), s.t(119)) } } });
      const vote = bare('voting-app-pod', 'dockersamples/examplevotingapp_vote', 80, nodes[2].metadata.name, 'voting-app');
      bare('worker-app-pod', 'dockersamples/examplevotingapp_worker', undefined, nodes[0].metadata.name, 'worker-app');
      const result = bare('result-app-pod', 'dockersamples/examplevotingapp_result', 80, nodes[2].metadata.name, 'result-app');
      for (const [svc, p, port] of [['redis', redis, 6379], ['db', pg, 5432], ['voting-service', vote, 80], ['result-service', result, 80]]) endpoints(s, service(s, 'default', svc, { labels: { name: `${svc}-service`, app: 'demo-voting-app' }, selector: { name: p.metadata.name, app: 'demo-voting-app' }, ports: [{ port, targetPort: port }], type: svc.endsWith('-service') ? 'LoadBalancer' : 'ClusterIP' }), [p]);
      event(s, pg, { reason: 'Pulled', message: 'Container image "postgres:9.4" already present on machine', first: 1400, last: 125, count: 8, fieldPath: 'spec.containers{postgres}', host: nodes[1].metadata.name });
      event(s, pg, { reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container', first: 1380, last: 9, count: 60, fieldPath: 'spec.containers{postgres}', host: nodes[1].metadata.name });
      this.symptom = ref('Pod', 'default', 'postgres-pod');
      this.rootCause = [ref('Pod', 'default', 'postgres-pod')];
      return s;
    },
  },
  {
    dir: '059-security-podsecuritypolicy-rejects-daemonset',
    source: 'https://github.com/inovex/illuminatio/issues/67',
    summary: 'The illuminatio runner DaemonSet needs hostPID, hostPath volumes, root and SYS_ADMIN, but the cluster enforces PodSecurityPolicies that allow none of it, so the DaemonSet controller cannot create any pod.',
    symptom: null, category: 'security', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2019-09-10T09:31:12Z', 15);
      const nodes = ['k8s-node-1', 'k8s-node-2', 'k8s-node-3'].map((n) => node(s, n, { kubelet: 'v1.15.3', runtime: 'docker://18.9.8' }));
      background(s, nodes, { namespaces: ['illuminatio'] });
      serviceAccount(s, 'illuminatio', 'illuminatio-runner');
      const spec = podSpec(s, [container('runner', 'inovex/illuminatio-runner:latest', { securityContext: { allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'] }, runAsUser: 0 }, volumeMounts: [{ mountPath: '/var/run/docker.sock', name: 'docker-socket' }, { mountPath: '/var/run/netns', name: 'net-ns' }] })], { serviceAccountName: 'illuminatio-runner', volumes: [{ name: 'cri-socket', hostPath: { path: '/run/containerd/containerd.sock', type: '' } }, { name: 'docker-socket', hostPath: { path: '/var/run/docker.sock', type: '' } }, { name: 'net-ns', hostPath: { path: '/var/run/netns', type: '' } }] });
      spec.hostPID = true;
      const ds = daemonSet(s, 'illuminatio', 'illuminatio-runner', { labels: { 'illuminatio-role': 'cleanup-runner' }, spec, nodes: [], desired: 3, age: 700 });
      event(s, ds.ds, { reason: 'FailedCreate', type: 'Warning', component: 'daemonset-controller', message: 'Error creating: pods "illuminatio-runner-" is forbidden: unable to validate against any pod security policy: [spec.securityContext.hostPID: Invalid value: true: Host PID is not allowed to be used spec.volumes[1]: Invalid value: "hostPath": hostPath volumes are not allowed to be used spec.volumes[2]: Invalid value: "hostPath": hostPath volumes are not allowed to be used spec.containers[0].securityContext.runAsUser: Invalid value: 0: must be in the ranges: [{1 65535}] spec.containers[0].securityContext.capabilities.add: Invalid value: "SYS_ADMIN": capability may not be added spec.containers[0].securityContext.allowPrivilegeEscalation: Invalid value: true: Allowing privilege escalation for containers is not allowed]', first: 690, last: 15, count: 17 });
      this.symptom = ref('DaemonSet', 'illuminatio', 'illuminatio-runner');
      this.rootCause = [ref('DaemonSet', 'illuminatio', 'illuminatio-runner'), ref('PodSecurityPolicy', undefined, 'restricted')];
      return s;
    },
  },
  {
    dir: '060-security-privileged-init-disallowed-by-cluster-policy',
    source: 'https://github.com/kubernetes/kubernetes/issues/84285',
    summary: 'The Elasticsearch StatefulSet\'s init containers (sysctl/chown) run privileged, but the API server runs with --allow-privileged=false, so the controller\'s pod is invalid ("privileged: Forbidden: disallowed by cluster policy") and es-cluster-0 is never created.',
    symptom: null, category: 'security', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2019-10-24T11:52:09Z', 16);
      const nodes = ['k8s-master', 'k8s-worker-1', 'k8s-worker-2'].map((n, i) => node(s, n, { kubelet: 'v1.16.2', runtime: 'docker://18.9.7', labels: i === 0 ? { 'node-role.kubernetes.io/master': '' } : {}, taints: i === 0 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] : undefined }));
      background(s, nodes, { namespaces: ['kube-logging'], dnsNodes: ['k8s-master', 'k8s-master'] });
      storageClass(s, 'do-block-storage', { provisioner: 'dobs.csi.digitalocean.com', isDefault: true });
      const init = (name, command) => container(name, 'busybox', { command, securityContext: { privileged: true } });
      const spec = podSpec(s, [container('elasticsearch', 'docker.elastic.co/elasticsearch/elasticsearch:7.2.0', { ports: [{ containerPort: 9200, name: 'rest' }, { containerPort: 9300, name: 'inter-node' }], resources: { limits: { cpu: '1' }, requests: { cpu: '100m' } }, volumeMounts: [{ mountPath: '/usr/share/elasticsearch/data', name: 'data' }] })], { initContainers: [init('fix-permissions', ['sh', '-c', 'chown -R 1000:1000 /usr/share/elasticsearch/data']), init('increase-vm-max-map', ['sysctl', '-w', 'vm.max_map_count=262144']), init('increase-fd-ulimit', ['sh', '-c', 'ulimit -n 65536'])] });
      const vct = [{ metadata: { creationTimestamp: null, labels: { app: 'elasticsearch' }, name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } }, storageClassName: 'do-block-storage', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }];
      const sts = statefulSet(s, 'kube-logging', 'es-cluster', { labels: { app: 'elasticsearch' }, spec, age: 1510, replicas: 3, serviceName: 'elasticsearch', volumeClaimTemplates: vct, pods: [] });
      pvc(s, 'kube-logging', 'data-es-cluster-0', { storageClassName: 'do-block-storage', size: '100Gi', age: 1505, labels: { app: 'elasticsearch' }, bound: true, volumeName: `pvc-${s.uid('pv', 'es0')}` });
      endpoints(s, service(s, 'kube-logging', 'elasticsearch', { selector: { app: 'elasticsearch' }, clusterIP: 'None', ports: [{ name: 'rest', port: 9200 }, { name: 'inter-node', port: 9300 }] }), []);
      event(s, sts.sts, { reason: 'SuccessfulCreate', component: 'statefulset-controller', message: 'create Claim data-es-cluster-0 Pod es-cluster-0 in StatefulSet es-cluster success', first: 1500 });
      event(s, sts.sts, { reason: 'FailedCreate', type: 'Warning', component: 'statefulset-controller', message: 'create Pod es-cluster-0 in StatefulSet es-cluster failed error: Pod "es-cluster-0" is invalid: [spec.initContainers[0].securityContext.privileged: Forbidden: disallowed by cluster policy, spec.initContainers[1].securityContext.privileged: Forbidden: disallowed by cluster policy, spec.initContainers[2].securityContext.privileged: Forbidden: disallowed by cluster policy]', first: 1500, last: 22, count: 67 });
      this.symptom = ref('StatefulSet', 'kube-logging', 'es-cluster');
      this.rootCause = [ref('StatefulSet', 'kube-logging', 'es-cluster'), ref('Pod', 'kube-system', 'kube-apiserver-k8s-master')];
      return s;
    },
  },
];
