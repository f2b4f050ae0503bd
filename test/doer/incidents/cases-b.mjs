/** Incident cases 021–042 (node, network, quota, security, rollout, job, autoscaling, accelerator, admission). */
import { Snapshot, node, container, podSpec, pod, st, deployment, statefulSet, daemonSet, service, endpoints, serviceAccount, obj, job, cronJob, event, background, healthyApp } from './lib.mjs';

const ref = (kind, namespace, name) => (namespace ? { kind, namespace, name } : { kind, name });

const notReadyConditions = (since, heartbeat, extra = {}) => Object.fromEntries(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((t) => [t, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', since, heartbeat }]).concat(Object.entries(extra)));

export const casesB = [
  {
    dir: '021-node-kubelet-stopped-posting-status',
    source: 'https://github.com/kubernetes/kubernetes/issues/43516',
    summary: 'The kubelet on gke-dev-default-pool-efca0068-6srl stopped reporting: every condition is Unknown ("Kubelet stopped posting node status."), the node is NotReady and its pods are being evicted.',
    symptom: null, category: 'node', hops: 0,
    build() {
      const s = new Snapshot(this.dir, '2017-04-23T05:02:11Z', 9);
      const names = ['gke-dev-default-pool-efca0068-6srl', 'gke-dev-default-pool-efca0068-9dlq', 'gke-dev-default-pool-efca0068-r7ck'];
      const bad = node(s, names[0], { instanceType: 'n1-highmem-8', cpu: '8', memory: '53588024Ki', zone: 'europe-west1-b', kubelet: 'v1.6.1', runtime: 'docker://1.11.2', conditions: notReadyConditions(3244, 3285, { OutOfDisk: { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', since: 3244, heartbeat: 3285 }, NetworkUnavailable: { status: 'False', reason: 'RouteCreated', message: 'RouteController created a route', since: 86400 } }), taints: [{ effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', timeAdded: s.t(3244) }, { effect: 'NoSchedule', key: 'node.kubernetes.io/unreachable', timeAdded: s.t(3244) }] });
      const good = names.slice(1).map((n) => node(s, n, { instanceType: 'n1-highmem-8', cpu: '8', memory: '53588024Ki', zone: 'europe-west1-b', kubelet: 'v1.6.1', runtime: 'docker://1.11.2', conditions: { OutOfDisk: { status: 'False', reason: 'KubeletHasSufficientDisk', message: 'kubelet has sufficient disk space available' }, NetworkUnavailable: { status: 'False', reason: 'RouteCreated', message: 'RouteController created a route', since: 86400 } } }));
      background(s, [bad, ...good], { namespaces: ['dev'], dnsNodes: [names[1], names[2]], proxyNodes: names.map((n) => ({ node: n, age: 86400 })) });
      const spec = podSpec(s, [container('api', 'eu.gcr.io/dev/api:2017-04-21', { ports: [8080], resources: { requests: { cpu: '500m', memory: '1Gi' } } })]);
      const d = deployment(s, 'dev', 'api', { spec, age: 86400 * 20, replicas: 2, pods: [
        { node: names[0], age: 86400, deletionTimestamp: s.t(2944), readySince: s.t(3244), containers: { api: { ready: false } } },
        { node: names[1], age: 2930 },
      ] });
      d.pods[0].status.conditions.find((c) => c.type === 'Ready').status = 'False';
      const svc = service(s, 'dev', 'api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
      endpoints(s, svc, d.pods);
      event(s, bad, { reason: 'NodeNotReady', component: 'node-controller', message: `Node ${names[0]} status is now: NodeNotReady`, first: 3244 });
      event(s, d.pods[0], { reason: 'NodeControllerEviction', component: 'node-controller', message: `Marking for deletion Pod ${d.pods[0].metadata.name} from Node ${names[0]}`, first: 2944 });
      event(s, d.rs, { reason: 'SuccessfulCreate', component: 'replicaset-controller', message: `Created pod: ${d.pods[1].metadata.name}`, first: 2931 });
      event(s, good[0], { reason: 'NodeHasSufficientDisk', message: `Node ${names[1]} status is now: NodeHasSufficientDisk`, first: 20, host: names[1] });
      this.symptom = ref('Node', undefined, names[0]);
      this.rootCause = [ref('Node', undefined, names[0])];
      return s;
    },
  },
  {
    dir: '022-node-disk-pressure-evicts-pods',
    source: 'https://github.com/operate-first/apps/issues/1352',
    summary: 'Node oct-03-09-compute is under DiskPressure (image garbage collection cannot free enough), so the kubelet keeps evicting pods such as cdi-apiserver ("The node was low on resource: ephemeral-storage").',
    symptom: null, category: 'node', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2021-10-13T15:20:45Z', 21);
      const names = ['oct-03-03-compute', 'oct-03-09-compute', 'oct-03-11-compute'];
      const bad = node(s, names[1], { cpu: '48', memory: '394991112Ki', kubelet: 'v1.21.1+a620f50', runtime: 'cri-o://1.21.2-15.rhaos4.8.gitcc5d8a1.el8', labels: { 'node-role.kubernetes.io/worker': '' }, conditions: { DiskPressure: { status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', since: 5400 } }, taints: [{ effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', timeAdded: s.t(5400) }] });
      const good = [names[0], names[2]].map((n) => node(s, n, { cpu: '48', memory: '394991112Ki', kubelet: 'v1.21.1+a620f50', runtime: 'cri-o://1.21.2-15.rhaos4.8.gitcc5d8a1.el8', labels: { 'node-role.kubernetes.io/worker': '' } }));
      background(s, [good[0], bad, good[1]], { namespaces: ['openshift-cnv'], dnsNodes: [names[0], names[2]] });
      const spec = podSpec(s, [container('cdi-apiserver', 'registry.redhat.io/container-native-virtualization/virt-cdi-apiserver:v4.8.2', { ports: [8443], resources: { requests: { cpu: '10m', memory: '150Mi' } }, readinessProbe: { httpGet: { path: '/healthz', port: 8443, scheme: 'HTTPS' }, initialDelaySeconds: 2 } })], { serviceAccountName: 'cdi-apiserver' });
      serviceAccount(s, 'openshift-cnv', 'cdi-apiserver');
      const evicted = (i, reasonMsg, ago) => ({ name: `cdi-apiserver-5b4cfb4d57-${['99b44', 'cj466', 'kqzt4', 'ndvnj'][i]}`, node: names[1], age: ago + 600, phase: 'Failed', reason: 'Evicted', message: reasonMsg, podIP: null, conditions: [], containers: { 'cdi-apiserver': { state: st.terminated('ContainerStatusUnknown', 137, s.t(ago + 590), s.t(ago), 'The container could not be located when the pod was terminated'), ready: false } } });
      const d = deployment(s, 'openshift-cnv', 'cdi-apiserver', { labels: { 'cdi.kubevirt.io': 'cdi-apiserver' }, spec, age: 86400 * 30, replicas: 1, pods: [
        evicted(0, 'Pod The node had condition: [DiskPressure]. ', 4800),
        evicted(1, 'Pod The node had condition: [DiskPressure]. ', 4100),
        evicted(2, 'The node was low on resource: ephemeral-storage. Container cdi-apiserver was using 68Ki, which exceeds its request of 0. ', 3300),
        evicted(3, 'Pod The node had condition: [DiskPressure]. ', 2500),
        { node: names[2], age: 2480 },
      ] });
      for (const p of d.pods.slice(0, 4)) delete p.status.containerStatuses;
      const svc = service(s, 'openshift-cnv', 'cdi-api', { selector: { 'cdi.kubevirt.io': 'cdi-apiserver' }, ports: [{ port: 443, targetPort: 8443 }] });
      endpoints(s, svc, d.pods);
      event(s, bad, { reason: 'NodeHasDiskPressure', message: `Node ${names[1]} status is now: NodeHasDiskPressure`, first: 5400, host: names[1] });
      event(s, bad, { reason: 'EvictionThresholdMet', type: 'Warning', message: 'Attempting to reclaim ephemeral-storage', first: 5400, last: 40, count: 61, host: names[1] });
      event(s, bad, { reason: 'FreeDiskSpaceFailed', type: 'Warning', message: 'failed to garbage collect required amount of images. Wanted to free 38473236889 bytes, but freed 0 bytes', first: 5300, last: 12, count: 64, host: names[1] });
      for (const p of d.pods.slice(0, 4)) event(s, p, { reason: 'Evicted', type: 'Warning', message: p.status.message.includes('ephemeral') ? 'The node was low on resource: ephemeral-storage. Container cdi-apiserver was using 68Ki, which exceeds its request of 0. ' : 'The node had condition: [DiskPressure]. ', first: Date.parse(s.t(0)) / 1000 - Date.parse(p.status.containerStatuses?.[0]?.state?.terminated?.finishedAt ?? s.t(3000)) / 1000 || 3000, host: names[1] });
      this.symptom = ref('Pod', 'openshift-cnv', 'cdi-apiserver-5b4cfb4d57-kqzt4');
      this.rootCause = [ref('Node', undefined, names[1])];
      return s;
    },
  },
  {
    dir: '023-node-no-cni-plugin-installed-notready',
    source: 'https://github.com/kubernetes/kubeadm/issues/1031',
    summary: 'kubeadm init/join succeeded but no pod network add-on was ever applied: both nodes report "network plugin is not ready: cni config uninitialized", stay NotReady, and CoreDNS cannot be scheduled.',
    symptom: null, category: 'node', hops: 0,
    build() {
      const s = new Snapshot(this.dir, '2018-08-02T07:31:40Z', 11);
      const cni = { Ready: { status: 'False', reason: 'KubeletNotReady', message: 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized', since: 480 } };
      const master = node(s, 'cncftest.io', { ageDays: 0.006, cpu: '48', memory: '263943352Ki', kubelet: 'v1.11.1', runtime: 'docker://17.3.2', labels: { 'node-role.kubernetes.io/master': '' }, conditions: cni, taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }, { effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready' }], ip: '147.75.97.234' });
      const worker = node(s, 'devstats.cncf.io', { ageDays: 0.004, cpu: '48', memory: '263943352Ki', kubelet: 'v1.11.1', runtime: 'docker://17.3.2', conditions: { Ready: { ...cni.Ready, since: 330 } }, taints: [{ effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready' }], ip: '147.75.205.79' });
      serviceAccount(s, 'default'); serviceAccount(s, 'kube-system'); serviceAccount(s, 'kube-system', 'coredns');
      const dnsSpec = podSpec(s, [container('coredns', 'k8s.gcr.io/coredns:1.1.3', { args: ['-conf', '/etc/coredns/Corefile'], ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }] })], { serviceAccountName: 'coredns', tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] });
      const msg = '0/2 nodes are available: 2 node(s) had taints that the pod didn\'t tolerate.';
      const dns = deployment(s, 'kube-system', 'coredns', { labels: { 'k8s-app': 'kube-dns' }, spec: dnsSpec, age: 470, unavailableSince: 470, pods: [{ age: 465, phase: 'Pending', unschedulableMessage: msg }, { age: 465, phase: 'Pending', unschedulableMessage: msg }] });
      for (const p of dns.pods) event(s, p, { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: msg, first: 460, last: 15, count: 30 });
      const proxySpec = podSpec(s, [container('kube-proxy', 'k8s.gcr.io/kube-proxy-amd64:v1.11.1', { command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'], securityContext: { privileged: true } })], { hostNetwork: true, serviceAccountName: 'kube-proxy', tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { operator: 'Exists' }] });
      serviceAccount(s, 'kube-system', 'kube-proxy');
      daemonSet(s, 'kube-system', 'kube-proxy', { labels: { 'k8s-app': 'kube-proxy' }, spec: proxySpec, age: 470, nodes: [{ node: 'cncftest.io', age: 465 }, { node: 'devstats.cncf.io', age: 320 }] });
      for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) pod(s, { namespace: 'kube-system', name: `${name}-cncftest.io`, labels: { component: name, tier: 'control-plane' }, spec: podSpec(s, [container(name, `k8s.gcr.io/${name}-amd64:${name === 'etcd' ? '3.2.18' : 'v1.11.1'}`, { command: [name] })], { hostNetwork: true }), node: 'cncftest.io', age: 420 });
      const svc = service(s, 'kube-system', 'kube-dns', { labels: { 'k8s-app': 'kube-dns' }, selector: { 'k8s-app': 'kube-dns' }, clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }], age: 470 });
      endpoints(s, svc, dns.pods);
      service(s, 'default', 'kubernetes', { labels: { component: 'apiserver', provider: 'kubernetes' }, clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }], age: 475 });
      event(s, master, { reason: 'Starting', message: 'Starting kubelet.', first: 485, host: 'cncftest.io' });
      event(s, master, { reason: 'NodeAllocatableEnforced', message: 'Updated Node Allocatable limit across pods', first: 484, host: 'cncftest.io' });
      event(s, worker, { reason: 'Starting', message: 'Starting kubelet.', first: 335, host: 'devstats.cncf.io' });
      event(s, worker, { reason: 'NodeHasSufficientMemory', message: 'Node devstats.cncf.io status is now: NodeHasSufficientMemory', first: 334, last: 334, count: 2, host: 'devstats.cncf.io' });
      this.symptom = ref('Node', undefined, 'cncftest.io');
      this.rootCause = [ref('Node', undefined, 'cncftest.io')];
      return s;
    },
  },
  {
    dir: '024-network-ingress-backend-port-not-on-service',
    source: 'https://github.com/kubernetes/ingress-nginx/issues/5544',
    summary: 'The grafana Ingress routes to servicePort 3000 of Service monitoring/grafana, which only exposes port 80 (targetPort 3000); ingress-nginx finds no endpoint for that service port and answers 503.',
    symptom: null, category: 'network', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2020-05-12T03:21:08Z', 18);
      const nodes = ['k8s-master-01', 'k8s-node-01', 'k8s-node-02'].map((n, i) => node(s, n, { cpu: '8', memory: '16265960Ki', kubelet: 'v1.18.2', runtime: 'docker://19.3.8', labels: i === 0 ? { 'node-role.kubernetes.io/master': '' } : {}, taints: i === 0 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] : undefined }));
      background(s, nodes, { namespaces: ['monitoring', 'ingress-nginx'], dnsNodes: ['k8s-master-01', 'k8s-master-01'] });
      serviceAccount(s, 'ingress-nginx', 'ingress-nginx');
      const ctrlSpec = podSpec(s, [container('controller', 'quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.32.0', { args: ['/nginx-ingress-controller', '--configmap=$(POD_NAMESPACE)/nginx-configuration', '--publish-service=$(POD_NAMESPACE)/ingress-nginx', '--annotations-prefix=nginx.ingress.kubernetes.io'], ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], readinessProbe: { httpGet: { path: '/healthz', port: 10254, scheme: 'HTTP' } } })], { serviceAccountName: 'ingress-nginx' });
      const ctrl = deployment(s, 'ingress-nginx', 'nginx-ingress-controller', { labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/part-of': 'ingress-nginx' }, spec: ctrlSpec, age: 86400 * 20, pods: [{ node: 'k8s-node-01', age: 86400 * 4 }] });
      const csvc = service(s, 'ingress-nginx', 'ingress-nginx', { selector: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/part-of': 'ingress-nginx' }, type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 80, nodePort: 30080 }, { name: 'https', port: 443, targetPort: 443, nodePort: 30443 }] });
      endpoints(s, csvc, ctrl.pods);
      const gSpec = podSpec(s, [container('grafana', 'grafana/grafana:6.7.3', { ports: [{ containerPort: 3000, name: 'http' }], readinessProbe: { httpGet: { path: '/api/health', port: 3000, scheme: 'HTTP' } }, resources: { limits: { cpu: '200m', memory: '200Mi' }, requests: { cpu: '100m', memory: '100Mi' } } })], { securityContext: { fsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 } });
      const g = deployment(s, 'monitoring', 'grafana', { spec: gSpec, age: 86400 * 10, pods: [{ node: 'k8s-node-02', age: 86400 * 2 }] });
      const gsvc = service(s, 'monitoring', 'grafana', { selector: { app: 'grafana' }, ports: [{ name: 'http', port: 80, targetPort: 3000 }] });
      endpoints(s, gsvc, g.pods);
      const pSpec = podSpec(s, [container('prometheus', 'quay.io/prometheus/prometheus:v2.17.2', { ports: [{ containerPort: 9090, name: 'web' }] })]);
      const pr = deployment(s, 'monitoring', 'prometheus', { spec: pSpec, age: 86400 * 10, pods: [{ node: 'k8s-node-01', age: 86400 * 2 }] });
      const psvc = service(s, 'monitoring', 'prometheus', { selector: { app: 'prometheus' }, ports: [{ name: 'web', port: 9090, targetPort: 'web' }] });
      endpoints(s, psvc, pr.pods);
      const ing = obj(s, 'Ingress', 'monitoring', 'grafana', { spec: { rules: [{ host: 'grafana.k8s.local', http: { paths: [{ backend: { serviceName: 'grafana', servicePort: 3000 }, path: '/', pathType: 'ImplementationSpecific' }] } }] }, status: { loadBalancer: { ingress: [{ ip: '192.168.1.21' }] } } }, 3600, { annotations: { 'kubernetes.io/ingress.class': 'nginx' } });
      obj(s, 'Ingress', 'monitoring', 'prometheus', { spec: { rules: [{ host: 'prometheus.k8s.local', http: { paths: [{ backend: { serviceName: 'prometheus', servicePort: 9090 }, path: '/', pathType: 'ImplementationSpecific' }] } }] }, status: { loadBalancer: { ingress: [{ ip: '192.168.1.21' }] } } }, 86400 * 9, { annotations: { 'kubernetes.io/ingress.class': 'nginx' } });
      event(s, ing, { reason: 'CREATE', component: 'nginx-ingress-controller', message: 'Ingress monitoring/grafana', first: 3590 });
      event(s, ing, { reason: 'UPDATE', component: 'nginx-ingress-controller', message: 'Ingress monitoring/grafana', first: 3540, last: 25, count: 2 });
      this.symptom = ref('Ingress', 'monitoring', 'grafana');
      this.rootCause = [ref('Ingress', 'monitoring', 'grafana'), ref('Service', 'monitoring', 'grafana')];
      return s;
    },
  },
  {
    dir: '025-network-service-targetport-points-at-exporter',
    source: 'https://github.com/amaizfinance/redis-operator/issues/2',
    summary: 'The operator-generated Service redis-example exposes port 6379 ("redis") but targets 9121, the metrics exporter\'s port, so redis clients connecting through the Service are not reaching redis.',
    symptom: null, category: 'network', hops: 0,
    build() {
      const s = new Snapshot(this.dir, '2019-05-16T13:44:19Z', 14);
      const nodes = ['kind-control-plane', 'kind-worker', 'kind-worker2'].map((n, i) => node(s, n, { cpu: '4', memory: '8167920Ki', kubelet: 'v1.14.2', runtime: 'containerd://1.2.6-0ubuntu1', labels: i === 0 ? { 'node-role.kubernetes.io/master': '' } : {}, taints: i === 0 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] : undefined }));
      background(s, nodes, { dnsNodes: ['kind-control-plane', 'kind-control-plane'] });
      serviceAccount(s, 'default', 'redis-operator');
      const opSpec = podSpec(s, [container('redis-operator', 'amaizfinance/redis-operator:v0.1.0', { env: [{ name: 'WATCH_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }] })], { serviceAccountName: 'redis-operator' });
      deployment(s, 'default', 'redis-operator', { labels: { name: 'redis-operator' }, spec: opSpec, age: 900, pods: [{ node: 'kind-worker', age: 890 }] });
      const labels = { redis: 'example' };
      const spec = podSpec(s, [
        container('redis', 'redis:5-alpine', { ports: [{ containerPort: 6379, name: 'redis' }], readinessProbe: { exec: { command: ['redis-cli', 'ping'] } } }),
        container('metrics', 'oliver006/redis_exporter:v1.0.0', { ports: [{ containerPort: 9121, name: 'metrics' }] }),
      ]);
      const sts = statefulSet(s, 'default', 'redis-example', { labels, spec, age: 433, serviceName: 'redis-example-headless', pods: [{ node: 'kind-worker', age: 430 }, { node: 'kind-worker2', age: 400 }, { node: 'kind-worker', age: 370 }] });
      for (const p of sts.pods) p.metadata.labels.role = p.metadata.name.endsWith('-0') ? 'master' : 'replica';
      const main = service(s, 'default', 'redis-example', { labels, selector: labels, ports: [{ name: 'redis', port: 6379, targetPort: 9121 }], age: 433 });
      const head = service(s, 'default', 'redis-example-headless', { labels, selector: labels, clusterIP: 'None', ports: [{ name: 'redis', port: 6379, targetPort: 6379 }], age: 433 });
      const master = service(s, 'default', 'redis-example-master', { labels, selector: { ...labels, role: 'master' }, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }], age: 433 });
      for (const svc of [main, head, master]) endpoints(s, svc, sts.pods);
      for (const p of sts.pods) event(s, p, { reason: 'Started', message: 'Started container metrics', first: p === sts.pods[2] ? 8 : 360, fieldPath: 'spec.containers{metrics}', host: p.spec.nodeName });
      this.symptom = ref('Service', 'default', 'redis-example');
      this.rootCause = [ref('Service', 'default', 'redis-example'), ref('Deployment', 'default', 'redis-operator')];
      return s;
    },
  },
  {
    dir: '026-network-named-targetport-not-declared-by-pods',
    source: 'https://github.com/clickvisual/clickvisual/pull/414',
    summary: 'Service clickvisual targets the named ports "server" and "governor", but the Deployment\'s container names its ports differently, so the endpoints controller finds no matching port and the Service has no endpoints.',
    symptom: null, category: 'network', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2022-06-20T02:10:55Z', 23);
      const nodes = ['cv-node-1', 'cv-node-2'].map((n) => node(s, n, { cpu: '8', memory: '16265960Ki', kubelet: 'v1.23.6', runtime: 'containerd://1.6.4' }));
      background(s, nodes, { namespaces: ['clickvisual'] });
      const spec = podSpec(s, [container('clickvisual', 'clickvisual/clickvisual:latest', { command: ['/bin/sh', '-c', './clickvisual server --config=configs/default.toml'], ports: [{ containerPort: 19001, name: 'http' }, { containerPort: 19011, name: 'metrics' }], volumeMounts: [{ mountPath: '/clickvisual/configs', name: 'config' }] })], { volumes: [{ configMap: { defaultMode: 420, name: 'clickvisual' }, name: 'config' }] });
      obj(s, 'ConfigMap', 'clickvisual', 'clickvisual', { data: { 'default.toml': '[app]\nsecretKey = "secretKey"\n' } }, 1800);
      const sel = { 'app.kubernetes.io/instance': 'clickvisual', 'app.kubernetes.io/name': 'clickvisual' };
      const d = deployment(s, 'clickvisual', 'clickvisual', { labels: sel, spec, age: 1800, pods: [{ node: 'cv-node-1', age: 1790 }] });
      const svc = service(s, 'clickvisual', 'clickvisual', { labels: { ...sel, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'clickvisual-0.0.1' }, selector: sel, ports: [{ name: 'server', port: 19001, targetPort: 'server' }, { name: 'governor', port: 19011, targetPort: 'governor' }], age: 1800 });
      endpoints(s, svc, d.pods);
      healthyApp(s, 'clickvisual', 'clickhouse-proxy', ['cv-node-2'], { image: 'nginx:1.21', port: 8123 });
      event(s, d.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled up replica set ${d.rs.metadata.name} to 1`, first: 1800 });
      event(s, d.pods[0], { reason: 'Started', message: 'Started container clickvisual', first: 1780, fieldPath: 'spec.containers{clickvisual}', host: 'cv-node-1' });
      event(s, nodes[1], { reason: 'NodeHasSufficientMemory', message: 'Node cv-node-2 status is now: NodeHasSufficientMemory', first: 6, host: 'cv-node-2' });
      this.symptom = ref('Service', 'clickvisual', 'clickvisual');
      this.rootCause = [ref('Service', 'clickvisual', 'clickvisual'), ref('Deployment', 'clickvisual', 'clickvisual')];
      return s;
    },
  },
  {
    dir: '027-quota-limits-exhausted-blocks-rolling-update',
    source: 'https://github.com/ministryofjustice/cloud-platform/issues/590',
    summary: 'The namespace quota caps limits.cpu=6 / limits.memory=12Gi and the old pods already use all of it, so the rolling update of allocation-manager cannot create its new pods ("exceeded quota: namespace-quota") and stays one-third done.',
    // Issue 4 lists "surge blocked by quota" under rollout: the quota is full only because old pods still count.
    symptom: null, category: 'rollout', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2019-01-10T11:52:30Z', 11);
      const nodes = ['ip-172-20-85-100.eu-west-1.compute.internal', 'ip-172-20-40-12.eu-west-1.compute.internal', 'ip-172-20-100-7.eu-west-1.compute.internal'].map((n, i) => node(s, n, { instanceType: 'r5.xlarge', zone: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'][i], kubelet: 'v1.10.11', runtime: 'docker://17.3.2', labels: { 'kubernetes.io/role': 'node' } }));
      const ns = 'offender-management-staging';
      background(s, nodes, { namespaces: [ns] });
      const res = { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '10m', memory: '500Mi' } };
      const mk = (name, tag) => podSpec(s, [container(name, `926803513772.dkr.ecr.eu-west-1.amazonaws.com/offender-management/${name}:${tag}`, { ports: [{ containerPort: 3000, name: 'http' }], resources: res, readinessProbe: { httpGet: { path: '/health', port: 3000, scheme: 'HTTP' }, initialDelaySeconds: 10 } })]);
      const api = deployment(s, ns, 'allocation-api', { spec: mk('allocation-api', 'b2b9c6b'), age: 86400 * 20, pods: [0, 1, 2].map((i) => ({ node: nodes[i].metadata.name, age: 86400 * 6 })) });
      const msg = `(combined from similar events): Error creating: pods "allocation-manager-6597bc46dc-2wm8j" is forbidden: exceeded quota: namespace-quota, requested: limits.cpu=1,limits.memory=2Gi, used: limits.cpu=6,limits.memory=12Gi, limited: limits.cpu=6,limits.memory=12Gi`;
      const mgr = deployment(s, ns, 'allocation-manager', { spec: mk('allocation-manager', 'a41f0de'), age: 86400 * 20, revision: 7, rsAge: 86400 * 6, replicas: 3, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' },
        pods: [{ node: nodes[0].metadata.name, age: 3540 }], rsReplicas: 2,
        oldRs: { spec: mk('allocation-manager', '5d1c2e9'), pods: [{ node: nodes[1].metadata.name, age: 86400 * 7 }, { node: nodes[2].metadata.name, age: 86400 * 7 }] },
        rsFailure: { since: 3530, message: 'pods "allocation-manager-6597bc46dc-2wm8j" is forbidden: exceeded quota: namespace-quota, requested: limits.cpu=1,limits.memory=2Gi, used: limits.cpu=6,limits.memory=12Gi, limited: limits.cpu=6,limits.memory=12Gi' },
        progress: (rs) => ({ lastTransitionTime: s.t(2940), lastUpdateTime: s.t(2940), message: `ReplicaSet "${rs}" has timed out progressing.`, reason: 'ProgressDeadlineExceeded', status: 'False', type: 'Progressing' }) });
      obj(s, 'ResourceQuota', ns, 'namespace-quota', { spec: { hard: { 'limits.cpu': '6', 'limits.memory': '12Gi' } }, status: { hard: { 'limits.cpu': '6', 'limits.memory': '12Gi' }, used: { 'limits.cpu': '6', 'limits.memory': '12Gi' } } }, 86400 * 30);
      obj(s, 'LimitRange', ns, 'limitrange', { spec: { limits: [{ default: { cpu: '1', memory: '1000Mi' }, defaultRequest: { cpu: '10m', memory: '100Mi' }, type: 'Container' }] } }, 86400 * 30);
      for (const [n, d] of [['allocation-api', api], ['allocation-manager', mgr]]) { const svc = service(s, ns, n, { selector: { app: n }, ports: [{ name: 'http', port: 80, targetPort: 3000 }] }); endpoints(s, svc, [...d.pods, ...d.oldPods]); }
      event(s, mgr.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled down replica set ${mgr.oldRs.metadata.name} to 2`, first: 3545 });
      event(s, mgr.rs, { reason: 'SuccessfulCreate', component: 'replicaset-controller', message: `Created pod: ${mgr.pods[0].metadata.name}`, first: 3541 });
      event(s, mgr.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: msg, first: 86400 * 6, last: 3535, count: 124 });
      event(s, mgr.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: msg.replace('(combined from similar events): ', '').replace('2wm8j', 'x7kqp'), first: 20, last: 20, count: 1 });
      this.symptom = ref('Deployment', ns, 'allocation-manager');
      this.rootCause = [ref('ResourceQuota', ns, 'namespace-quota'), ref('Deployment', ns, 'allocation-manager')];
      return s;
    },
  },
  {
    dir: '028-quota-limitrange-max-below-model-limit',
    source: 'https://github.com/harn3ss/open-infra/issues/9',
    summary: 'The namespace LimitRange allows at most 4Gi of memory per container, but the Ollama model Deployment sets an 8Gi limit, so admission rejects every pod ("maximum memory usage per Container is 4Gi, but limit is 8Gi").',
    symptom: null, category: 'quota', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2026-06-20T19:02:48Z', 33);
      const nodes = ['talos-cp-1', 'talos-w-1', 'talos-gpu-1'].map((n, i) => node(s, n, { cpu: i === 2 ? '16' : '8', memory: i === 2 ? '65776452Ki' : '16265960Ki', kubelet: 'v1.33.1', runtime: 'containerd://2.0.5', labels: i === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : i === 2 ? { 'nvidia.com/gpu.present': 'true' } : {}, taints: i === 0 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] : undefined, extraCapacity: i === 2 ? { 'nvidia.com/gpu': '1' } : undefined }));
      background(s, nodes, { namespaces: ['demo'], dnsNodes: ['talos-w-1', 'talos-w-1'] });
      obj(s, 'LimitRange', 'demo', 'app-limits', { spec: { limits: [{ default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, max: { cpu: '4', memory: '4Gi' }, type: 'Container' }] } }, 86400 * 3);
      obj(s, 'ResourceQuota', 'demo', 'app-quota', { spec: { hard: { 'limits.memory': '32Gi', pods: '20', 'requests.cpu': '8' } }, status: { hard: { 'limits.memory': '32Gi', pods: '20', 'requests.cpu': '8' }, used: { 'limits.memory': '1Gi', pods: '2', 'requests.cpu': '200m' } } }, 86400 * 3);
      healthyApp(s, 'demo', 'demo-web', ['talos-w-1', 'talos-w-1'], { image: 'ghcr.io/harn3ss/demo-web:0.4.1', port: 3000 });
      const spec = podSpec(s, [container('ollama', 'ollama/ollama:0.9.2', { ports: [{ containerPort: 11434, name: 'http' }], resources: { limits: { memory: '8Gi', 'nvidia.com/gpu': '1' }, requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' } }, volumeMounts: [{ mountPath: '/root/.ollama', name: 'models' }] })], { volumes: [{ emptyDir: {}, name: 'models' }] });
      const d = deployment(s, 'demo', 'demo-chat', { spec, age: 1500, revision: 2, rsAge: 1460, replicas: 1, unavailableSince: 1460, pods: [], rsFailure: { since: 1455, message: 'pods "demo-chat-7c9d5b6f4-4xkfp" is forbidden: maximum memory usage per Container is 4Gi, but limit is 8Gi' } });
      d.dep.status.conditions.push({ lastTransitionTime: s.t(1455), lastUpdateTime: s.t(1455), message: `pods "demo-chat-7c9d5b6f4-4xkfp" is forbidden: maximum memory usage per Container is 4Gi, but limit is 8Gi`, reason: 'FailedCreate', status: 'True', type: 'ReplicaFailure' });
      const svc = service(s, 'demo', 'demo-chat', { selector: { app: 'demo-chat' }, ports: [{ name: 'http', port: 11434, targetPort: 'http' }] });
      endpoints(s, svc, []);
      event(s, d.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: 'Error creating: pods "demo-chat-7c9d5b6f4-4xkfp" is forbidden: maximum memory usage per Container is 4Gi, but limit is 8Gi', first: 1455 });
      event(s, d.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: '(combined from similar events): Error creating: pods "demo-chat-7c9d5b6f4-b8r2m" is forbidden: maximum memory usage per Container is 4Gi, but limit is 8Gi', first: 1400, last: 17, count: 18 });
      this.symptom = ref('Deployment', 'demo', 'demo-chat');
      this.rootCause = [ref('LimitRange', 'demo', 'app-limits'), ref('Deployment', 'demo', 'demo-chat')];
      return s;
    },
  },
  {
    dir: '029-security-podsecurity-restricted-rejects-controller',
    source: 'https://github.com/tektoncd/triggers/pull/1477',
    summary: 'tekton-pipelines enforces the restricted Pod Security level, but the triggers controller pod template sets no seccompProfile, runAsNonRoot or capabilities drop, so the ReplicaSet cannot create any pod.',
    symptom: null, category: 'security', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2022-09-14T10:22:04Z', 25);
      const nodes = ['kind-control-plane', 'kind-worker'].map((n, i) => node(s, n, { cpu: '8', memory: '16265960Ki', kubelet: 'v1.25.0', runtime: 'containerd://1.6.7', labels: i === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}, taints: i === 0 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] : undefined }));
      background(s, nodes, { namespaces: ['tekton-pipelines'], dnsNodes: ['kind-control-plane', 'kind-control-plane'] });
      const restrictedCtx = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
      for (const n of ['tekton-pipelines-controller', 'tekton-pipelines-webhook']) {
        serviceAccount(s, 'tekton-pipelines', n);
        const spec = podSpec(s, [container(n.replace('tekton-pipelines-', ''), `gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/${n.replace('tekton-pipelines-', '')}:v0.39.0`, { ports: [{ containerPort: 9090, name: 'metrics' }], securityContext: restrictedCtx })], { serviceAccountName: n });
        deployment(s, 'tekton-pipelines', n, { labels: { 'app.kubernetes.io/name': n.replace('tekton-pipelines-', ''), 'app.kubernetes.io/part-of': 'tekton-pipelines' }, spec, age: 86400 * 2, pods: [{ node: 'kind-worker', age: 86400 * 2 - 30 }] });
      }
      serviceAccount(s, 'tekton-pipelines', 'tekton-triggers-controller');
      const spec = podSpec(s, [container('tekton-triggers-controller', 'gcr.io/tekton-releases/github.com/tektoncd/triggers/cmd/controller:v0.20.2', { args: ['-logtostderr', '-stderrthreshold', 'INFO', '-el-image', 'gcr.io/tekton-releases/github.com/tektoncd/triggers/cmd/eventlistenersink:v0.20.2'], ports: [{ containerPort: 9000, name: 'metrics' }], securityContext: { allowPrivilegeEscalation: false, runAsUser: 65532, runAsGroup: 65532 } })], { serviceAccountName: 'tekton-triggers-controller' });
      const msg = 'pods "tekton-triggers-controller-7887549bc5-74px6" is forbidden: violates PodSecurity "restricted:latest": unrestricted capabilities (container "tekton-triggers-controller" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "tekton-triggers-controller" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "tekton-triggers-controller" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
      const d = deployment(s, 'tekton-pipelines', 'tekton-triggers-controller', { labels: { 'app.kubernetes.io/name': 'controller', 'app.kubernetes.io/part-of': 'tekton-triggers' }, spec, age: 1500, replicas: 1, unavailableSince: 1500, pods: [], rsFailure: { since: 1495, message: msg } });
      event(s, d.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: `Error creating: ${msg}`, first: 1495 });
      event(s, d.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: `(combined from similar events): Error creating: ${msg.replace('74px6', 'htzd7')}`, first: 1480, last: 50, count: 16 });
      event(s, d.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled up replica set ${d.rs.metadata.name} to 1`, first: 1500 });
      event(s, nodes[1], { reason: 'NodeHasSufficientPID', message: 'Node kind-worker status is now: NodeHasSufficientPID', first: 4, host: 'kind-worker' });
      this.symptom = ref('Deployment', 'tekton-pipelines', 'tekton-triggers-controller');
      this.rootCause = [ref('Deployment', 'tekton-pipelines', 'tekton-triggers-controller')];
      return s;
    },
  },
  {
    dir: '030-security-runasnonroot-image-user-root',
    source: 'https://github.com/kubernetes-sigs/external-dns/issues/4003',
    summary: 'external-dns v0.13.6 is built with ko and its image declares no non-root user, while the Deployment requires runAsNonRoot without a runAsUser, so the kubelet refuses to start it (CreateContainerConfigError).',
    symptom: null, category: 'security', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2023-10-24T08:12:39Z', 27);
      const nodes = ['ip-10-1-8-51.eu-central-1.compute.internal', 'ip-10-1-22-7.eu-central-1.compute.internal', 'ip-10-1-40-200.eu-central-1.compute.internal'].map((n, i) => node(s, n, { instanceType: 'm5.xlarge', zone: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'][i], kubelet: 'v1.27.6-eks-a5df82a', runtime: 'containerd://1.6.19' }));
      background(s, nodes, { namespaces: ['ingress'] });
      healthyApp(s, 'ingress', 'nginx-internal', [nodes[0].metadata.name, nodes[2].metadata.name], { image: 'registry.k8s.io/ingress-nginx/controller:v1.8.2', port: 80, path: '/healthz' });
      serviceAccount(s, 'kube-system', 'external-dns');
      const spec = podSpec(s, [container('external-dns', 'registry.k8s.io/external-dns/external-dns:v0.13.6', { args: ['--interval=5m', '--events', '--service-type-filter=LoadBalancer', '--source=service', '--source=ingress', '--ingress-class=nginx-cluster', '--ingress-class=nginx-internal', '--domain-filter=redacted', '--aws-zones-cache-duration=1h', '--provider=aws', '--registry=txt', '--txt-owner-id=prod'], resources: { limits: { memory: '256Mi' }, requests: { cpu: '10m', memory: '64Mi' } }, securityContext: { readOnlyRootFilesystem: true } })], { serviceAccountName: 'external-dns', securityContext: { fsGroup: 65534, runAsNonRoot: true } });
      const d = deployment(s, 'kube-system', 'external-dns', { spec, age: 86400 * 200, revision: 9, rsAge: 640, replicas: 1, strategy: { type: 'Recreate' }, unavailableSince: 640, pods: [{ name: 'external-dns-5bf5f97c4-bw7mg', node: nodes[1].metadata.name, age: 635, phase: 'Pending', containers: { 'external-dns': { state: st.waiting('CreateContainerConfigError', 'container has runAsNonRoot and image will run as root (pod: "external-dns-5bf5f97c4-bw7mg_kube-system(d7ec6cb8-d04d-4c40-b333-1b51c5b69219)", container: external-dns)'), ready: false, pulled: true } } }] });
      const p = d.pods[0];
      p.metadata.uid = 'd7ec6cb8-d04d-4c40-b333-1b51c5b69219';
      event(s, p, { reason: 'Pulled', message: 'Container image "registry.k8s.io/external-dns/external-dns:v0.13.6" already present on machine', first: 620, last: 9, count: 52, fieldPath: 'spec.containers{external-dns}', host: p.spec.nodeName });
      event(s, p, { reason: 'Failed', type: 'Warning', message: 'Error: container has runAsNonRoot and image will run as root (pod: "external-dns-5bf5f97c4-bw7mg_kube-system(d7ec6cb8-d04d-4c40-b333-1b51c5b69219)", container: external-dns)', first: 620, last: 9, count: 52, fieldPath: 'spec.containers{external-dns}', host: p.spec.nodeName });
      this.symptom = ref('Pod', 'kube-system', 'external-dns-5bf5f97c4-bw7mg');
      this.rootCause = [ref('Deployment', 'kube-system', 'external-dns')];
      return s;
    },
  },
  {
    dir: '031-rollout-two-pdbs-select-same-pods-drain-stuck',
    source: 'https://github.com/kubernetes/kubernetes/issues/75957',
    summary: 'Node pool-b-7 is cordoned for an upgrade but cannot be drained: the checkout pods are selected by two PodDisruptionBudgets (checkout and checkout-legacy), and the eviction API refuses pods with more than one PDB.',
    symptom: null, category: 'rollout', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2019-04-01T16:30:12Z', 13);
      const names = ['pool-b-5', 'pool-b-6', 'pool-b-7'];
      const nodes = names.map((n, i) => node(s, n, { cpu: '8', memory: '32863364Ki', kubelet: 'v1.13.4', runtime: 'docker://18.6.2', unschedulable: i === 2, taints: i === 2 ? [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', timeAdded: s.t(1800) }] : undefined }));
      background(s, nodes, { namespaces: ['shop'], dnsNodes: ['pool-b-5', 'pool-b-6'] });
      healthyApp(s, 'shop', 'catalog', ['pool-b-5', 'pool-b-6']);
      const spec = podSpec(s, [container('checkout', 'registry.example.com/shop/checkout:3.12.0', { ports: [{ containerPort: 8080, name: 'http' }], resources: { requests: { cpu: '250m', memory: '512Mi' } }, readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' } } })]);
      const d = deployment(s, 'shop', 'checkout', { spec, age: 86400 * 30, pods: [{ node: 'pool-b-7', age: 86400 * 4 }, { node: 'pool-b-5', age: 86400 * 4 }] });
      const svc = service(s, 'shop', 'checkout', { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
      endpoints(s, svc, d.pods);
      const pdb = (name, specBody, age) => obj(s, 'PodDisruptionBudget', 'shop', name, { spec: { ...specBody, selector: { matchLabels: { app: 'checkout' } } }, status: { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2, observedGeneration: 1 } }, age, { generation: 1 });
      pdb('checkout', { minAvailable: 1 }, 86400 * 30);
      pdb('checkout-legacy', { maxUnavailable: 1 }, 86400 * 200);
      for (const p of d.pods) event(s, p, { reason: 'MultiplePodDisruptionBudgets', type: 'Warning', component: 'controllermanager', message: `Pod "shop"/"${p.metadata.name}" matches multiple PodDisruptionBudgets.  Chose "checkout" arbitrarily.`, first: 86400 * 4 - 5, last: 30, count: 140 });
      event(s, nodes[2], { reason: 'NodeNotSchedulable', message: 'Node pool-b-7 status is now: NodeNotSchedulable', first: 1800, host: 'pool-b-7' });
      this.symptom = ref('Node', undefined, 'pool-b-7');
      this.rootCause = [ref('PodDisruptionBudget', 'shop', 'checkout'), ref('PodDisruptionBudget', 'shop', 'checkout-legacy')];
      return s;
    },
  },
  {
    dir: '032-rollout-statefulset-stuck-on-pod-from-bad-revision',
    source: 'https://github.com/kubernetes/kubernetes/issues/141095',
    summary: 'nginx-sts was updated to a broken image (nginx:1.7.9-a), then fixed to nginx:1.8.1; the StatefulSet controller waits for the broken nginx-sts-2 (still on the bad revision, ImagePullBackOff) to become Ready and never rolls the fix out until that pod is deleted.',
    symptom: null, category: 'rollout', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2026-08-01T06:20:33Z', 33);
      const nodes = ['worker-1', 'worker-2', 'worker-3'].map((n) => node(s, n, { kubelet: 'v1.33.2', runtime: 'containerd://2.0.5' }));
      background(s, nodes);
      const mk = (image) => podSpec(s, [container('nginx', image, { ports: [{ containerPort: 80, name: 'web' }] })]);
      const revA = `nginx-sts-${s.suffix(10, 'A')}`; const revB = `nginx-sts-${s.suffix(10, 'B')}`; const revC = `nginx-sts-${s.suffix(10, 'C')}`;
      const img = 'nginx:1.7.9-a';
      const pullMsg = `Failed to pull image "${img}": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/${img}": failed to resolve reference "docker.io/library/${img}": docker.io/library/${img}: not found`;
      const sts = statefulSet(s, 'default', 'nginx-sts', { labels: { app: 'nginx' }, spec: mk('nginx:1.8.1'), age: 900, generation: 3, serviceName: 'nginx', currentRevision: revA, updateRevision: revC, pods: [
        { node: 'worker-1', age: 890, revision: revA, spec: mk('nginx:1.7.9') },
        { node: 'worker-2', age: 886, revision: revA, spec: mk('nginx:1.7.9') },
        { node: 'worker-3', age: 780, revision: revB, spec: mk(img), phase: 'Pending', containers: { nginx: { state: st.waiting('ImagePullBackOff', `Back-off pulling image "${img}"`), ready: false } } },
      ] });
      const p = sts.pods[2];
      const svc = service(s, 'default', 'nginx', { selector: { app: 'nginx' }, clusterIP: 'None', ports: [{ name: 'web', port: 80 }] });
      endpoints(s, svc, sts.pods);
      event(s, sts.sts, { reason: 'SuccessfulDelete', component: 'statefulset-controller', message: 'delete Pod nginx-sts-2 in StatefulSet nginx-sts successful', first: 781 });
      event(s, sts.sts, { reason: 'SuccessfulCreate', component: 'statefulset-controller', message: 'create Pod nginx-sts-2 in StatefulSet nginx-sts successful', first: 780 });
      event(s, p, { reason: 'Pulling', message: `Pulling image "${img}"`, first: 778, last: 320, count: 6, fieldPath: 'spec.containers{nginx}', host: 'worker-3' });
      event(s, p, { reason: 'Failed', type: 'Warning', message: pullMsg, first: 777, last: 319, count: 6, fieldPath: 'spec.containers{nginx}', host: 'worker-3' });
      event(s, p, { reason: 'Failed', type: 'Warning', message: 'Error: ErrImagePull', first: 777, last: 319, count: 6, fieldPath: 'spec.containers{nginx}', host: 'worker-3' });
      event(s, p, { reason: 'BackOff', message: `Back-off pulling image "${img}"`, first: 776, last: 6, count: 60, fieldPath: 'spec.containers{nginx}', host: 'worker-3' });
      event(s, p, { reason: 'Failed', type: 'Warning', message: 'Error: ImagePullBackOff', first: 776, last: 6, count: 60, fieldPath: 'spec.containers{nginx}', host: 'worker-3' });
      this.symptom = ref('StatefulSet', 'default', 'nginx-sts');
      this.rootCause = [ref('StatefulSet', 'default', 'nginx-sts'), ref('Pod', 'default', 'nginx-sts-2')];
      return s;
    },
  },
  {
    dir: '033-job-cronjob-forbid-blocked-by-hung-job',
    source: 'https://github.com/harn3ss/open-infra/issues/104',
    summary: 'The grant-revoke reconciler CronJob uses concurrencyPolicy Forbid; one run has hung for 12 hours (its pod never finishes and the Job has no activeDeadlineSeconds), so every later schedule is skipped ("JobAlreadyActive").',
    symptom: null, category: 'job', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2026-08-18T21:15:04Z', 33);
      const nodes = ['talos-w-1', 'talos-w-2', 'talos-w-3'].map((n) => node(s, n, { cpu: '8', memory: '16265960Ki', kubelet: 'v1.33.1', runtime: 'containerd://2.0.5' }));
      background(s, nodes, { namespaces: ['govt'] });
      serviceAccount(s, 'govt', 'grant-reconciler');
      const spec = podSpec(s, [container('reconcile', 'ghcr.io/harn3ss/govt-reconciler:1.8.0', { args: ['revoke-expired-grants'], resources: { limits: { memory: '128Mi' }, requests: { cpu: '50m', memory: '64Mi' } } })], { restartPolicy: 'Never', serviceAccountName: 'grant-reconciler' });
      const cj = cronJob(s, 'govt', 'grant-revoke-reconciler', { schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', spec, age: 86400 * 40, status: { lastScheduleTime: s.t(43500), lastSuccessfulTime: s.t(43800) } });
      const hung = job(s, 'govt', 'grant-revoke-reconciler-29260535', { owner: cj, spec, age: 43500, pods: [{ node: 'talos-w-2', age: 43499 }], status: { active: 1, ready: 1, startTime: s.t(43500), terminating: 0, uncountedTerminatedPods: {} } });
      const done = job(s, 'govt', 'grant-revoke-reconciler-29260530', { owner: cj, spec, age: 43800, pods: [{ node: 'talos-w-1', age: 43799, phase: 'Succeeded', containers: { reconcile: { state: st.terminated('Completed', 0, s.t(43795), s.t(43790)), ready: false } } }], status: { completionTime: s.t(43788), conditions: [{ lastProbeTime: s.t(43788), lastTransitionTime: s.t(43788), status: 'True', type: 'SuccessCriteriaMet' }, { lastProbeTime: s.t(43788), lastTransitionTime: s.t(43788), status: 'True', type: 'Complete' }], ready: 0, startTime: s.t(43800), succeeded: 1, terminating: 0, uncountedTerminatedPods: {} } });
      void done;
      cj.status.active = [{ apiVersion: 'batch/v1', kind: 'Job', name: hung.job.metadata.name, namespace: 'govt', resourceVersion: hung.job.metadata.resourceVersion, uid: hung.job.metadata.uid }];
      event(s, cj, { reason: 'SuccessfulCreate', component: 'cronjob-controller', message: `Created job ${hung.job.metadata.name}`, first: 43500 });
      event(s, cj, { reason: 'JobAlreadyActive', component: 'cronjob-controller', message: 'Not starting job because prior execution is running and concurrency policy is Forbid', first: 43200, last: 4, count: 144 });
      event(s, hung.pods[0], { reason: 'Started', message: 'Started container reconcile', first: 43495, fieldPath: 'spec.containers{reconcile}', host: 'talos-w-2' });
      this.symptom = ref('CronJob', 'govt', 'grant-revoke-reconciler');
      this.rootCause = [ref('CronJob', 'govt', 'grant-revoke-reconciler'), ref('Job', 'govt', hung.job.metadata.name)];
      return s;
    },
  },
  {
    dir: '034-job-backoff-limit-exceeded',
    source: 'https://github.com/kubernetes/kubernetes/issues/92245',
    summary: 'The demo Job\'s container always exits 1; after five failed pods the Job controller gives up with BackoffLimitExceeded and the Job is Failed.',
    symptom: null, category: 'job', hops: 0,
    build() {
      const s = new Snapshot(this.dir, '2020-06-18T06:40:03Z', 18);
      const nodes = ['node-1', 'node-2'].map((n) => node(s, n, { kubelet: 'v1.18.3', runtime: 'docker://19.3.11' }));
      background(s, nodes);
      healthyApp(s, 'default', 'web', ['node-1', 'node-2']);
      const spec = podSpec(s, [container('nginx', 'nginx', { command: ['sh', '-c', 'exit 1'], pullPolicy: 'IfNotPresent' })], { restartPolicy: 'Never' });
      const failedAt = [2040, 2025, 1990, 1930, 1810];
      const j = job(s, 'default', 'demo', { spec, age: 2050, backoffLimit: 6, pods: failedAt.map((t, i) => ({ node: nodes[i % 2].metadata.name, age: t + 2, phase: 'Failed', containers: { nginx: { state: st.terminated('Error', 1, s.t(t), s.t(t - 1)), ready: false } } })), status: { conditions: [{ lastProbeTime: s.t(1515), lastTransitionTime: s.t(1515), message: 'Job has reached the specified backoff limit', reason: 'BackoffLimitExceeded', status: 'True', type: 'Failed' }], failed: 5, startTime: s.t(2050) } });
      for (const p of j.pods) event(s, j.job, { reason: 'SuccessfulCreate', component: 'job-controller', message: `Created pod: ${p.metadata.name}`, first: Math.round((s.nowMs - Date.parse(p.metadata.creationTimestamp)) / 1000) });
      event(s, j.job, { reason: 'BackoffLimitExceeded', type: 'Warning', component: 'job-controller', message: 'Job has reached the specified backoff limit', first: 1515 });
      event(s, nodes[0], { reason: 'NodeHasSufficientMemory', message: 'Node node-1 status is now: NodeHasSufficientMemory', first: 3, host: 'node-1' });
      this.symptom = ref('Job', 'default', 'demo');
      this.rootCause = [ref('Job', 'default', 'demo')];
      return s;
    },
  },
  {
    dir: '035-autoscaling-hpa-statefulset-without-cpu-request',
    source: 'https://github.com/kubernetes/kubernetes/issues/79365',
    summary: 'HPA backend-hpa scales StatefulSet biz4x-backend on CPU utilisation, but the StatefulSet\'s container declares no CPU request, so the controller cannot compute utilisation ("missing request for cpu").',
    symptom: null, category: 'autoscaling', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2019-09-04T04:31:27Z', 14);
      const nodes = ['biz4x-node-1', 'biz4x-node-2', 'biz4x-node-3'].map((n) => node(s, n, { kubelet: 'v1.14.6', runtime: 'docker://18.9.7' }));
      background(s, nodes, { namespaces: ['biz4x'] });
      serviceAccount(s, 'kube-system', 'metrics-server');
      const msSpec = podSpec(s, [container('metrics-server', 'k8s.gcr.io/metrics-server-amd64:v0.3.3', { args: ['--kubelet-preferred-address-types=InternalIP'], ports: [{ containerPort: 443, name: 'main-port' }] })], { serviceAccountName: 'metrics-server' });
      const ms = deployment(s, 'kube-system', 'metrics-server', { labels: { 'k8s-app': 'metrics-server' }, spec: msSpec, age: 86400 * 30, pods: [{ node: 'biz4x-node-1', age: 86400 * 10 }] });
      const mssvc = service(s, 'kube-system', 'metrics-server', { selector: { 'k8s-app': 'metrics-server' }, ports: [{ port: 443, targetPort: 'main-port' }] });
      endpoints(s, mssvc, ms.pods);
      const spec = podSpec(s, [container('backend', 'registry.biz4x.com/biz4x/backend:2.8.1', { ports: [{ containerPort: 8080, name: 'http' }], resources: { limits: { memory: '2Gi' }, requests: { memory: '1Gi' } }, readinessProbe: { httpGet: { path: '/actuator/health', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 30 } })]);
      const sts = statefulSet(s, 'biz4x', 'biz4x-backend', { spec, age: 86400 * 12, pods: [{ node: 'biz4x-node-2', age: 86400 * 2 }, { node: 'biz4x-node-3', age: 86400 * 2 - 60 }] });
      const svc = service(s, 'biz4x', 'biz4x-backend', { selector: { app: 'biz4x-backend' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
      endpoints(s, svc, sts.pods);
      const hpa = obj(s, 'HorizontalPodAutoscaler', 'biz4x', 'backend-hpa', {
        spec: { maxReplicas: 6, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 75, type: 'Utilization' } }, type: 'Resource' }], minReplicas: 2, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'biz4x-backend' } },
        status: { conditions: [{ lastTransitionTime: s.t(86400 * 5), message: 'the HPA controller was able to get the target\'s current scale', reason: 'SucceededGetScale', status: 'True', type: 'AbleToScale' }, { lastTransitionTime: s.t(86400 * 5), message: 'the HPA was unable to compute the replica count: missing request for cpu', reason: 'FailedGetResourceMetric', status: 'False', type: 'ScalingActive' }], currentMetrics: null, currentReplicas: 2, desiredReplicas: 2 },
      }, 86400 * 5);
      event(s, hpa, { reason: 'FailedGetResourceMetric', type: 'Warning', component: 'horizontal-pod-autoscaler', message: 'missing request for cpu', first: 86400 * 5, last: 12, count: 28000 });
      event(s, hpa, { reason: 'FailedComputeMetricsReplicas', type: 'Warning', component: 'horizontal-pod-autoscaler', message: 'failed to get cpu utilization: missing request for cpu', first: 86400 * 5, last: 12, count: 28000 });
      this.symptom = ref('HorizontalPodAutoscaler', 'biz4x', 'backend-hpa');
      this.rootCause = [ref('StatefulSet', 'biz4x', 'biz4x-backend')];
      return s;
    },
  },
  {
    dir: '036-autoscaling-hpa-targets-renamed-deployment',
    source: 'https://github.com/mastodon/mastodon/issues/20691',
    summary: 'The chart\'s HPA targets Deployment "mastodon", but the web Deployment is rendered as "mastodon-web", so the HPA cannot read its target\'s scale and the web tier never scales.',
    symptom: null, category: 'autoscaling', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2022-11-14T20:40:18Z', 25);
      const nodes = ['pool-mastodon-7k2x1', 'pool-mastodon-7k2x2', 'pool-mastodon-7k2x3'].map((n) => node(s, n, { cpu: '4', memory: '8149460Ki', kubelet: 'v1.25.4', runtime: 'containerd://1.6.9' }));
      background(s, nodes, { namespaces: ['mastodon'] });
      serviceAccount(s, 'kube-system', 'metrics-server');
      const msSpec = podSpec(s, [container('metrics-server', 'registry.k8s.io/metrics-server/metrics-server:v0.6.1', { args: ['--cert-dir=/tmp', '--secure-port=4443', '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname'], ports: [{ containerPort: 4443, name: 'https' }], readinessProbe: { httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' } } })], { serviceAccountName: 'metrics-server' });
      const ms = deployment(s, 'kube-system', 'metrics-server', { labels: { 'k8s-app': 'metrics-server' }, spec: msSpec, age: 86400 * 60, pods: [{ node: nodes[0].metadata.name, age: 86400 * 6 }] });
      endpoints(s, service(s, 'kube-system', 'metrics-server', { selector: { 'k8s-app': 'metrics-server' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] }), ms.pods);
      const res = { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } };
      const mk = (name, args, port) => podSpec(s, [container(name, 'tootsuite/mastodon:v4.0.2', { command: args, ...(port ? { ports: [{ containerPort: port, name: 'http' }] } : {}), resources: res })]);
      const sel = (c) => ({ 'app.kubernetes.io/component': c, 'app.kubernetes.io/instance': 'mastodon', 'app.kubernetes.io/name': 'mastodon' });
      const web = deployment(s, 'mastodon', 'mastodon-web', { labels: sel('web'), spec: mk('mastodon-web', ['bundle', 'exec', 'puma', '-C', 'config/puma.rb'], 3000), age: 3300, pods: [{ node: nodes[1].metadata.name, age: 3290 }] });
      deployment(s, 'mastodon', 'mastodon-sidekiq-all-queues', { labels: sel('sidekiq-all-queues'), spec: mk('mastodon', ['bundle', 'exec', 'sidekiq', '-c', '25']), age: 3300, pods: [{ node: nodes[2].metadata.name, age: 3290 }] });
      endpoints(s, service(s, 'mastodon', 'mastodon-web', { selector: sel('web'), ports: [{ name: 'http', port: 3000, targetPort: 'http' }] }), web.pods);
      const hpa = obj(s, 'HorizontalPodAutoscaler', 'mastodon', 'mastodon', {
        spec: { maxReplicas: 10, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 80, type: 'Utilization' } }, type: 'Resource' }], minReplicas: 2, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'mastodon' } },
        status: { conditions: [{ lastTransitionTime: s.t(3270), message: 'the HPA controller was unable to get the target\'s current scale: deployments/scale.apps "mastodon" not found', reason: 'FailedGetScale', status: 'False', type: 'AbleToScale' }], currentMetrics: null, currentReplicas: 0, desiredReplicas: 0 },
      }, 3300);
      event(s, hpa, { reason: 'FailedGetScale', type: 'Warning', component: 'horizontal-pod-autoscaler', message: 'deployments/scale.apps "mastodon" not found', first: 3280, last: 10, count: 218 });
      this.symptom = ref('HorizontalPodAutoscaler', 'mastodon', 'mastodon');
      this.rootCause = [ref('HorizontalPodAutoscaler', 'mastodon', 'mastodon')];
      return s;
    },
  },
  {
    dir: '037-accelerator-mig-profile-not-exposed-by-node',
    source: 'https://github.com/kai-scheduler/KAI-Scheduler/issues/1876',
    summary: 'The vLLM decode worker requests nvidia.com/mig-1g.5gb, but the GPU node\'s MIG config is all-disabled, so with the mixed strategy it only advertises whole nvidia.com/gpu and no node offers the MIG profile.',
    symptom: null, category: 'accelerator', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2026-07-09T15:12:44Z', 33);
      const cpuNodes = ['cpu-node-1', 'cpu-node-2'].map((n) => node(s, n, { cpu: '16', memory: '65776452Ki', kubelet: 'v1.33.2', runtime: 'containerd://2.0.5' }));
      const gpuLabels = { 'nvidia.com/gpu.present': 'true', 'nvidia.com/gpu.count': '2', 'nvidia.com/gpu.product': 'NVIDIA-A100-PCIE-40GB', 'nvidia.com/gpu.memory': '40960', 'nvidia.com/gpu.machine': 'PowerEdge-R7525', 'nvidia.com/gpu.family': 'ampere', 'nvidia.com/mig.capable': 'true', 'nvidia.com/mig.strategy': 'mixed', 'nvidia.com/mig.config': 'all-disabled', 'nvidia.com/mig.config.state': 'success' };
      const gpu = node(s, 'gpu-r7525-01', { cpu: '128', memory: '528184848Ki', kubelet: 'v1.33.2', runtime: 'containerd://2.0.5', labels: gpuLabels, extraCapacity: { 'nvidia.com/gpu': '2', 'rdma/shared_mlx5': '1000' } });
      background(s, [...cpuNodes, gpu], { namespaces: ['dynamo', 'gpu-operator'] });
      serviceAccount(s, 'gpu-operator', 'nvidia-device-plugin');
      const dp = podSpec(s, [container('nvidia-device-plugin', 'nvcr.io/nvidia/k8s-device-plugin:v0.17.2', { env: [{ name: 'MIG_STRATEGY', value: 'mixed' }] })], { serviceAccountName: 'nvidia-device-plugin', nodeSelector: { 'nvidia.com/gpu.present': 'true' }, priorityClassName: 'system-node-critical', priority: 2000001000 });
      daemonSet(s, 'gpu-operator', 'nvidia-device-plugin-daemonset', { labels: { app: 'nvidia-device-plugin-daemonset' }, spec: dp, nodes: ['gpu-r7525-01'] });
      const mm = podSpec(s, [container('nvidia-mig-manager', 'nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.12.1', { env: [{ name: 'DEFAULT_MIG_CONFIG', value: 'all-disabled' }] })], { nodeSelector: { 'nvidia.com/gpu.deploy.mig-manager': 'true' } });
      daemonSet(s, 'gpu-operator', 'nvidia-mig-manager', { labels: { app: 'nvidia-mig-manager' }, spec: mm, nodes: ['gpu-r7525-01'] });
      const spec = podSpec(s, [container('main', 'nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.3.1', { command: ['python3', '-m', 'dynamo.vllm', '--model', 'Qwen/Qwen3-Embedding-0.6B'], resources: { limits: { 'nvidia.com/mig-1g.5gb': '1', 'rdma/shared_mlx5': '1000' }, requests: { cpu: '2', memory: '6Gi', 'nvidia.com/mig-1g.5gb': '1', 'rdma/shared_mlx5': '1000' } } })]);
      const msg = '0/3 nodes are available: 3 Insufficient nvidia.com/mig-1g.5gb. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
      const d = deployment(s, 'dynamo', 'qwen3-embedding-0-vllmdecodeworker', { labels: { 'nvidia.com/dynamo-component': 'VllmDecodeWorker', 'nvidia.com/dynamo-graph-deployment-name': 'qwen3-embedding-0' }, spec, age: 700, replicas: 1, unavailableSince: 690, pods: [{ name: 'qwen3-embedding-0-vllmdecodeworker-4p8dk', age: 690, phase: 'Pending', unschedulableMessage: msg }] });
      event(s, d.pods[0], { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: msg, first: 688, last: 14, count: 12 });
      event(s, gpu, { reason: 'NodeHasSufficientMemory', message: 'Node gpu-r7525-01 status is now: NodeHasSufficientMemory', first: 900, host: 'gpu-r7525-01' });
      this.symptom = ref('Pod', 'dynamo', 'qwen3-embedding-0-vllmdecodeworker-4p8dk');
      this.rootCause = [ref('Node', undefined, 'gpu-r7525-01'), ref('Deployment', 'dynamo', 'qwen3-embedding-0-vllmdecodeworker')];
      return s;
    },
  },
  {
    dir: '038-accelerator-nccl-watchdog-timeout-in-worker',
    source: 'https://github.com/pytorch/pytorch/issues/118369',
    summary: 'A PyTorchJob worker aborts after the NCCL watchdog times out an ALLREDUCE ("Watchdog caught collective operation timeout ... ran for 25625251 milliseconds"), restarting the distributed training.',
    symptom: null, category: 'accelerator', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2024-02-17T11:45:02Z', 28);
      const gpuCap = { 'nvidia.com/gpu': '8' };
      const nodes = [1, 2, 3, 4].map((i) => node(s, `a100-node-${i}`, { cpu: '96', memory: '1056508544Ki', kubelet: 'v1.28.5', runtime: 'containerd://1.7.11', extraCapacity: gpuCap, labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB', 'nvidia.com/gpu.count': '8' } }));
      background(s, nodes, { namespaces: ['training', 'kubeflow'] });
      const ptj = { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'llm-pretrain', uid: s.uid('PyTorchJob', 'training', 'llm-pretrain') } };
      const spec = podSpec(s, [container('pytorch', 'registry.example.com/ml/megatron-train:24.01', { command: ['torchrun', '--nnodes=4', '--nproc_per_node=8', 'pretrain_gpt.py'], env: [{ name: 'NCCL_DEBUG', value: 'WARN' }, { name: 'NCCL_SOCKET_IFNAME', value: 'eth0' }], ports: [{ containerPort: 23456, name: 'pytorchjob-port' }], resources: { limits: { 'nvidia.com/gpu': '8' }, requests: { cpu: '64', memory: '800Gi', 'nvidia.com/gpu': '8' } }, terminationMessagePolicy: 'FallbackToLogsOnError', volumeMounts: [{ mountPath: '/dev/shm', name: 'dshm' }] })], { restartPolicy: 'OnFailure', volumes: [{ emptyDir: { medium: 'Memory', sizeLimit: '64Gi' }, name: 'dshm' }] });
      const nccl = '[E ProcessGroupNCCL.cpp:458] [Rank 7] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=64088, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 25625251 milliseconds before timing out.\n[E ProcessGroupNCCL.cpp:474] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.\n[E ProcessGroupNCCL.cpp:480] To avoid data inconsistency, we are taking the entire process down.\n';
      const mkPod = (role, i, nodeName, extra = {}) => pod(s, { namespace: 'training', name: `llm-pretrain-${role}-${i}`, owner: ptj, labels: { 'training.kubeflow.org/job-name': 'llm-pretrain', 'training.kubeflow.org/operator-name': 'pytorchjob-controller', 'training.kubeflow.org/replica-index': String(i), 'training.kubeflow.org/replica-type': role }, spec, node: nodeName, age: 86400, ...extra });
      mkPod('master', 0, 'a100-node-1');
      mkPod('worker', 0, 'a100-node-2');
      const bad = mkPod('worker', 1, 'a100-node-3', { containers: { pytorch: { restarts: 2, startedAgo: 240, lastState: st.terminated('Error', 134, s.t(26000), s.t(250), nccl) } } });
      mkPod('worker', 2, 'a100-node-4');
      const dp = podSpec(s, [container('nvidia-device-plugin-ctr', 'nvcr.io/nvidia/k8s-device-plugin:v0.14.3')], { priorityClassName: 'system-node-critical', priority: 2000001000, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] });
      daemonSet(s, 'kube-system', 'nvidia-device-plugin-daemonset', { labels: { name: 'nvidia-device-plugin-ds' }, spec: dp, nodes: nodes.map((n) => n.metadata.name) });
      serviceAccount(s, 'kubeflow', 'training-operator');
      deployment(s, 'kubeflow', 'training-operator', { labels: { 'control-plane': 'kubeflow-training-operator' }, spec: podSpec(s, [container('training-operator', 'kubeflow/training-operator:v1-855e096', { ports: [8080] })], { serviceAccountName: 'training-operator' }), age: 86400 * 50, pods: [{ node: 'a100-node-1', age: 86400 * 9 }] });
      event(s, bad, { reason: 'Pulled', message: 'Container image "registry.example.com/ml/megatron-train:24.01" already present on machine', first: 86400 - 60, last: 245, count: 3, fieldPath: 'spec.containers{pytorch}', host: 'a100-node-3' });
      event(s, bad, { reason: 'Started', message: 'Started container pytorch', first: 86400 - 58, last: 240, count: 3, fieldPath: 'spec.containers{pytorch}', host: 'a100-node-3' });
      event(s, nodes[0], { reason: 'NodeHasSufficientMemory', message: 'Node a100-node-1 status is now: NodeHasSufficientMemory', first: 5, host: 'a100-node-1' });
      this.symptom = ref('Pod', 'training', 'llm-pretrain-worker-1');
      this.rootCause = [ref('PyTorchJob', 'training', 'llm-pretrain'), ref('Pod', 'training', 'llm-pretrain-worker-1')];
      return s;
    },
  },
  {
    dir: '039-accelerator-cuda-driver-older-than-runtime',
    source: 'https://github.com/NVIDIA/gpu-operator/issues/343',
    summary: 'The vectoradd sample pod gets its GPU but cannot allocate device memory: the driver on the node is older than the CUDA runtime in the image ("CUDA driver version is insufficient for CUDA runtime version").',
    symptom: null, category: 'accelerator', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2022-04-28T12:17:52Z', 23);
      const ctrl = node(s, 'k8s-ctrl-01', { cpu: '4', memory: '8148204Ki', kubelet: 'v1.23.5', runtime: 'containerd://1.5.11', labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] });
      const gpu = node(s, 'k8s-gpu-01', { cpu: '32', memory: '263842216Ki', kubelet: 'v1.23.5', runtime: 'containerd://1.5.11', extraCapacity: { 'nvidia.com/gpu': '4' }, labels: { 'nvidia.com/gpu.present': 'true', 'nvidia.com/gpu.count': '4', 'nvidia.com/gpu.product': 'Tesla-V100-SXM2-16GB', 'nvidia.com/cuda.driver.major': '418', 'nvidia.com/cuda.driver.minor': '226', 'nvidia.com/cuda.runtime.major': '10', 'nvidia.com/cuda.runtime.minor': '1' } });
      background(s, [ctrl, gpu], { namespaces: ['gpu-operator'], dnsNodes: ['k8s-ctrl-01', 'k8s-ctrl-01'] });
      const dp = podSpec(s, [container('nvidia-device-plugin', 'nvcr.io/nvidia/k8s-device-plugin:v0.11.0-ubi8')], { nodeSelector: { 'nvidia.com/gpu.deploy.device-plugin': 'true' }, priorityClassName: 'system-node-critical', priority: 2000001000 });
      daemonSet(s, 'gpu-operator', 'nvidia-device-plugin-daemonset', { labels: { app: 'nvidia-device-plugin-daemonset' }, spec: dp, nodes: ['k8s-gpu-01'] });
      const spec = podSpec(s, [container('cuda-vectoradd', 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.6.0', { resources: { limits: { 'nvidia.com/gpu': '1' } }, terminationMessagePolicy: 'FallbackToLogsOnError' })], { restartPolicy: 'OnFailure' });
      const out = '[Vector addition of 50000 elements]\nFailed to allocate device vector A (error code CUDA driver version is insufficient for CUDA runtime version)!\n';
      const p = pod(s, { namespace: 'default', name: 'cuda-vectoradd', spec, node: 'k8s-gpu-01', age: 900, containers: { 'cuda-vectoradd': { state: st.waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=cuda-vectoradd pod=cuda-vectoradd_default(' + s.uid('Pod', 'default', 'cuda-vectoradd') + ')'), ready: false, restarts: 6, lastState: st.terminated('Error', 1, s.t(160), s.t(159), out) } } });
      event(s, p, { reason: 'Pulled', message: 'Container image "nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.6.0" already present on machine', first: 880, last: 161, count: 7, fieldPath: 'spec.containers{cuda-vectoradd}', host: 'k8s-gpu-01' });
      event(s, p, { reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container', first: 860, last: 12, count: 40, fieldPath: 'spec.containers{cuda-vectoradd}', host: 'k8s-gpu-01' });
      this.symptom = ref('Pod', 'default', 'cuda-vectoradd');
      this.rootCause = [ref('Node', undefined, 'k8s-gpu-01'), ref('Pod', 'default', 'cuda-vectoradd')];
      return s;
    },
  },
  {
    dir: '040-admission-injector-webhook-has-no-endpoints',
    source: 'https://github.com/1Password/kubernetes-secrets-injector/issues/56',
    summary: 'The 1Password secrets-injector mutating webhook also intercepts its own pods; once its pod died, every pod creation in the namespace (its own included) fails calling the webhook: no endpoints available for service "secrets-injector".',
    symptom: null, category: 'admission', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2025-02-13T09:31:25Z', 30);
      const nodes = ['gke-main-pool-2f1a9c3b-1xk9', 'gke-main-pool-2f1a9c3b-8dqw'].map((n) => node(s, n, { instanceType: 'e2-standard-4', zone: 'us-central1-a', kubelet: 'v1.30.9-gke.1009000', runtime: 'containerd://1.7.24' }));
      background(s, nodes, { namespaces: ['payments'] });
      healthyApp(s, 'payments', 'ledger', [nodes[0].metadata.name]);
      serviceAccount(s, 'default', 'secrets-injector');
      const spec = podSpec(s, [container('secrets-injector', '1password/kubernetes-secrets-injector:1.1.0', { args: ['-tls-port=8443', '-tls-cert-file=/etc/webhook/certs/cert.pem', '-tls-key-file=/etc/webhook/certs/key.pem'], ports: [{ containerPort: 8443, name: 'https' }] })], { serviceAccountName: 'secrets-injector' });
      const msg = (pod) => `Error creating: Internal error occurred: failed calling webhook "secrets-injector.1password.com": failed to call webhook: Post "https://secrets-injector.default.svc:443/inject?timeout=10s": no endpoints available for service "secrets-injector"`.replace('POD', pod);
      const inj = deployment(s, 'default', 'secrets-injector', { labels: { app: 'secrets-injector' }, spec, age: 86400 * 2, replicas: 1, unavailableSince: 3600, revision: 1, pods: [] });
      const isvc = service(s, 'default', 'secrets-injector', { selector: { app: 'secrets-injector' }, ports: [{ name: 'https', port: 443, targetPort: 8443 }] });
      endpoints(s, isvc, []);
      const appSpec = podSpec(s, [container('web', 'ghcr.io/acme/web:5.2.0', { ports: [{ containerPort: 8080, name: 'http' }] })]);
      const web = deployment(s, 'default', 'web', { spec: appSpec, templateAnnotations: { 'operator.1password.io/inject': 'web' }, age: 86400 * 20, revision: 4, rsAge: 900, replicas: 2, pods: [], oldRs: { spec: appSpec, pods: [{ node: nodes[1].metadata.name, age: 86400 * 3 }] }, unavailableSince: 880 });
      const wsvc = service(s, 'default', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
      endpoints(s, wsvc, web.oldPods);
      event(s, inj.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: msg(), first: 3590, last: 565, count: 40 });
      event(s, web.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: msg(), first: 890, last: 25, count: 18 });
      this.symptom = ref('Deployment', 'default', 'secrets-injector');
      this.rootCause = [ref('MutatingWebhookConfiguration', undefined, 'secrets-injector-webhook-config'), ref('Deployment', 'default', 'secrets-injector'), ref('Service', 'default', 'secrets-injector')];
      return s;
    },
  },
  {
    dir: '041-admission-policy-webhook-denies-statefulset-pods',
    source: 'https://github.com/open-policy-agent/gatekeeper/pull/94',
    summary: 'A Gatekeeper constraint requires every Pod to carry the label "gatekeeper"; the gatekeeper StatefulSet\'s own pod template lacks it, so scaling to 2 fails: admission webhook "validation.gatekeeper.sh" denied the request.',
    symptom: null, category: 'admission', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2019-04-20T18:42:51Z', 14);
      const nodes = ['aks-agentpool-13249856-0', 'aks-agentpool-13249856-1'].map((n) => node(s, n, { instanceType: 'Standard_DS2_v2', kubelet: 'v1.13.5', runtime: 'docker://3.0.4' }));
      background(s, nodes, { namespaces: ['gatekeeper-system'] });
      serviceAccount(s, 'gatekeeper-system', 'gatekeeper-admin');
      const spec = podSpec(s, [container('manager', 'quay.io/open-policy-agent/gatekeeper:v3.0.4-beta.0', { args: ['--auditInterval=30', '--port=8443', '--logtostderr'], ports: [{ containerPort: 8443, name: 'webhook-server' }], resources: { limits: { cpu: '100m', memory: '512Mi' }, requests: { cpu: '100m', memory: '256Mi' } } })], { serviceAccountName: 'gatekeeper-admin' });
      const sts = statefulSet(s, 'gatekeeper-system', 'gatekeeper-controller-manager', { labels: { 'control-plane': 'controller-manager', 'controller-tools.k8s.io': '1.0' }, spec, age: 86400, replicas: 2, generation: 2, pods: [{ node: nodes[0].metadata.name, age: 86300 }] });
      const svc = service(s, 'gatekeeper-system', 'gatekeeper-controller-manager-service', { selector: { 'control-plane': 'controller-manager', 'controller-tools.k8s.io': '1.0' }, ports: [{ port: 443, targetPort: 8443 }] });
      endpoints(s, svc, sts.pods);
      event(s, sts.sts, { reason: 'FailedCreate', type: 'Warning', component: 'statefulset-controller', message: 'create Pod gatekeeper-controller-manager-1 in StatefulSet gatekeeper-controller-manager failed error: admission webhook "validation.gatekeeper.sh" denied the request: you must provide labels: {"gatekeeper"}', first: 240, last: 18, count: 23 });
      this.symptom = ref('StatefulSet', 'gatekeeper-system', 'gatekeeper-controller-manager');
      this.rootCause = [ref('StatefulSet', 'gatekeeper-system', 'gatekeeper-controller-manager'), ref('K8sRequiredLabels', undefined, 'pod-must-have-gk'), ref('ValidatingWebhookConfiguration', undefined, 'validation.gatekeeper.sh'), ref('ValidatingWebhookConfiguration', undefined, 'gatekeeper-validating-webhook-configuration')];
      return s;
    },
  },
  {
    dir: '042-admission-injector-webhook-points-to-wrong-namespace',
    source: 'https://github.com/istio/istio/issues/16481',
    summary: 'The istio-sidecar-injector MutatingWebhookConfiguration still points at service istio-sidecar-injector in namespace istio-control (left from another installer), while the injector runs in istio-system, so pod creation in injected namespaces fails: service "istio-sidecar-injector" not found.',
    symptom: null, category: 'admission', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2019-08-24T12:10:05Z', 14);
      const nodes = ['gke-istio-default-pool-3f1d2c1e-0x7n', 'gke-istio-default-pool-3f1d2c1e-k2pq', 'gke-istio-default-pool-3f1d2c1e-w9zt'].map((n) => node(s, n, { instanceType: 'n1-standard-2', zone: 'europe-west1-b', kubelet: 'v1.14.3-gke.11', runtime: 'docker://18.9.7' }));
      background(s, nodes, { namespaces: ['istio-system'] });
      serviceAccount(s, 'istio-system', 'istio-sidecar-injector-service-account');
      const injSpec = podSpec(s, [container('sidecar-injector-webhook', 'docker.io/istio/sidecar_injector:1.2.3', { args: ['--caCertFile=/etc/istio/certs/root-cert.pem', '--tlsCertFile=/etc/istio/certs/cert-chain.pem', '--tlsKeyFile=/etc/istio/certs/key.pem', '--injectConfig=/etc/istio/inject/config', '--meshConfig=/etc/istio/config/mesh', '--healthCheckInterval=2s', '--healthCheckFile=/health'] })], { serviceAccountName: 'istio-sidecar-injector-service-account' });
      const inj = deployment(s, 'istio-system', 'istio-sidecar-injector', { labels: { app: 'sidecarInjectorWebhook', istio: 'sidecar-injector' }, spec: injSpec, age: 86400, pods: [{ node: nodes[0].metadata.name, age: 86000 }] });
      endpoints(s, service(s, 'istio-system', 'istio-sidecar-injector', { selector: { istio: 'sidecar-injector' }, ports: [{ port: 443, targetPort: 9443 }] }), inj.pods);
      const pilot = podSpec(s, [container('discovery', 'docker.io/istio/pilot:1.2.3', { ports: [8080, 15010] })]);
      deployment(s, 'istio-system', 'istio-pilot', { labels: { app: 'pilot', istio: 'pilot' }, spec: pilot, age: 86400, pods: [{ node: nodes[1].metadata.name, age: 86000 }] });
      const msg = 'Error creating: Internal error occurred: failed calling admission webhook "sidecar-injector.istio.io": Post https://istio-sidecar-injector.istio-control.svc:443/inject?timeout=30s: service "istio-sidecar-injector" not found';
      const apps = {};
      for (const app of ['details', 'productpage', 'ratings']) {
        const spec = podSpec(s, [container(app, `istio/examples-bookinfo-${app}-v1:1.13.0`, { ports: [9080] })]);
        const d = deployment(s, 'default', `${app}-v1`, { labels: { app, version: 'v1' }, spec, age: 600, replicas: 1, unavailableSince: 600, pods: [], rsFailure: { since: 598, message: msg.replace('Error creating: ', '') } });
        endpoints(s, service(s, 'default', app, { selector: { app }, ports: [{ name: 'http', port: 9080 }] }), []);
        event(s, d.rs, { reason: 'FailedCreate', type: 'Warning', component: 'replicaset-controller', message: msg, first: 598, last: 8, count: 16 });
        apps[app] = d;
      }
      this.symptom = ref('Deployment', 'default', 'details-v1');
      // The configuration is not in the snapshot; the Service it names (in the wrong namespace) is absent, which is the fault too.
      this.rootCause = [ref('MutatingWebhookConfiguration', undefined, 'istio-sidecar-injector'), ref('Service', 'istio-control', 'istio-sidecar-injector')];
      return s;
    },
  },
];
