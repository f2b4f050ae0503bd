/** Incident cases 001–021 (image, crash, oom, config, probe, scheduling, storage). */
import { Snapshot, node, container, podSpec, pod, st, deployment, statefulSet, daemonSet, service, endpoints, serviceAccount, configMap, obj, job, cronJob, pvc, pv, storageClass, event, background, healthyApp } from './lib.mjs';

const ref = (kind, namespace, name) => (namespace ? { kind, namespace, name } : { kind, name });

export const casesA = [
  {
    dir: '001-image-cronjob-tag-manifest-unknown',
    source: 'https://github.com/lachie83/k8s-kubectl/issues/157',
    summary: 'The nightly cleanup CronJob runs lachlanevenson/k8s-kubectl:v1.18.20, a tag that was never pushed (its build failed), so every Job pod fails to pull: manifest unknown.',
    symptom: null, category: 'image', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2021-08-05T09:12:40Z', 20);
      const nodes = ['aks-nodepool1-31718369-vmss000000', 'aks-nodepool1-31718369-vmss000001', 'aks-nodepool1-31718369-vmss000002'].map((n) => node(s, n, { instanceType: 'Standard_DS2_v2', zone: 'westeurope-1', runtime: 'containerd://1.4.4+azure', kubelet: 'v1.20.7' }));
      background(s, nodes, { namespaces: ['ops', 'shop'] });
      healthyApp(s, 'shop', 'storefront', [nodes[0].metadata.name, nodes[1].metadata.name]);
      serviceAccount(s, 'ops', 'job-cleaner');
      const image = 'lachlanevenson/k8s-kubectl:v1.18.20';
      const spec = podSpec(s, [container('kubectl', image, { command: ['/bin/sh', '-c', 'kubectl delete jobs --field-selector status.successful=1 -A'] })], { restartPolicy: 'OnFailure', serviceAccountName: 'job-cleaner' });
      const cj = cronJob(s, 'ops', 'cleanup-finished-jobs', { schedule: '0 */2 * * *', spec, concurrencyPolicy: 'Forbid', status: { active: [], lastScheduleTime: s.t(760) } });
      const j = job(s, 'ops', 'cleanup-finished-jobs-27137760', { owner: cj, spec, age: 760, pods: [{ node: nodes[2].metadata.name, age: 759, containers: { kubectl: { state: st.waiting('ImagePullBackOff', `Back-off pulling image "${image}"`), ready: false } } }], status: { active: 1, startTime: s.t(760) } });
      cj.status.active = [{ apiVersion: 'batch/v1', kind: 'Job', name: j.job.metadata.name, namespace: 'ops', resourceVersion: j.job.metadata.resourceVersion, uid: j.job.metadata.uid }];
      const p = j.pods[0];
      p.status.phase = 'Pending';
      const host = nodes[2].metadata.name;
      event(s, cj, { reason: 'SuccessfulCreate', component: 'cronjob-controller', message: `Created job ${j.job.metadata.name}`, first: 760 });
      event(s, j.job, { reason: 'SuccessfulCreate', component: 'job-controller', message: `Created pod: ${p.metadata.name}`, first: 760 });
      event(s, p, { reason: 'Scheduled', component: 'default-scheduler', message: `Successfully assigned ops/${p.metadata.name} to ${host}`, first: 759 });
      event(s, p, { reason: 'Pulling', message: `Pulling image "${image}"`, first: 757, last: 320, count: 5, fieldPath: 'spec.containers{kubectl}', host });
      event(s, p, { reason: 'Failed', type: 'Warning', message: `Failed to pull image "${image}": rpc error: code = Unknown desc = Error response from daemon: manifest for ${image} not found: manifest unknown: manifest unknown`, first: 756, last: 319, count: 5, fieldPath: 'spec.containers{kubectl}', host });
      event(s, p, { reason: 'Failed', type: 'Warning', message: 'Error: ErrImagePull', first: 756, last: 319, count: 5, fieldPath: 'spec.containers{kubectl}', host });
      event(s, p, { reason: 'BackOff', message: `Back-off pulling image "${image}"`, first: 755, last: 8, count: 31, fieldPath: 'spec.containers{kubectl}', host });
      event(s, p, { reason: 'Failed', type: 'Warning', message: 'Error: ImagePullBackOff', first: 755, last: 8, count: 31, fieldPath: 'spec.containers{kubectl}', host });
      this.symptom = ref('Pod', 'ops', p.metadata.name);
      this.rootCause = [ref('CronJob', 'ops', 'cleanup-finished-jobs'), ref('Job', 'ops', j.job.metadata.name)];
      return s;
    },
  },
  {
    dir: '002-image-private-repo-no-pull-secret',
    source: 'https://github.com/kubernetes/minikube/issues/3077',
    summary: 'fedora-apache pulls wolfeman2120/fedora-apache:0.01 from a private Docker Hub repository, but neither the pod nor its ServiceAccount has an imagePullSecret, so the pull is denied.',
    symptom: null, category: 'image', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2018-08-15T15:09:02Z', 11);
      const n = node(s, 'minikube', { cpu: '2', memory: '2038624Ki', kubelet: 'v1.10.0', runtime: 'docker://17.12.1-ce', labels: { 'node-role.kubernetes.io/master': '' }, podCIDR: null });
      background(s, [n], { dnsNodes: ['minikube'] });
      const spec = podSpec(s, [container('fedora-apache', 'wolfeman2120/fedora-apache:0.01', { ports: [80] })]);
      const d = deployment(s, 'default', 'fedora-apache', { spec, age: 960, replicas: 1, unavailableSince: 940, pods: [{ node: 'minikube', age: 942, phase: 'Pending', containers: { 'fedora-apache': { state: st.waiting('ImagePullBackOff', 'Back-off pulling image "wolfeman2120/fedora-apache:0.01"'), ready: false } } }] });
      const p = d.pods[0];
      const msg = 'Failed to pull image "wolfeman2120/fedora-apache:0.01": rpc error: code = Unknown desc = Error response from daemon: pull access denied for wolfeman2120/fedora-apache, repository does not exist or may require \'docker login\'';
      event(s, d.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled up replica set ${d.rs.metadata.name} to 1`, first: 960 });
      event(s, p, { reason: 'Scheduled', component: 'default-scheduler', message: `Successfully assigned ${p.metadata.name} to minikube`, first: 942 });
      event(s, p, { reason: 'SuccessfulMountVolume', message: 'MountVolume.SetUp succeeded for volume "default-token-gp5kr"', first: 942, host: 'minikube' });
      event(s, p, { reason: 'Pulling', message: 'pulling image "wolfeman2120/fedora-apache:0.01"', first: 940, last: 600, count: 4, fieldPath: 'spec.containers{fedora-apache}', host: 'minikube' });
      event(s, p, { reason: 'Failed', type: 'Warning', message: msg, first: 938, last: 598, count: 4, fieldPath: 'spec.containers{fedora-apache}', host: 'minikube' });
      event(s, p, { reason: 'Failed', type: 'Warning', message: 'Error: ErrImagePull', first: 938, last: 598, count: 4, fieldPath: 'spec.containers{fedora-apache}', host: 'minikube' });
      event(s, p, { reason: 'BackOff', message: 'Back-off pulling image "wolfeman2120/fedora-apache:0.01"', first: 937, last: 12, count: 40, fieldPath: 'spec.containers{fedora-apache}', host: 'minikube' });
      event(s, p, { reason: 'Failed', type: 'Warning', message: 'Error: ImagePullBackOff', first: 937, last: 12, count: 40, fieldPath: 'spec.containers{fedora-apache}', host: 'minikube' });
      this.symptom = ref('Pod', 'default', p.metadata.name);
      this.rootCause = [ref('Deployment', 'default', 'fedora-apache'), ref('ServiceAccount', 'default', 'default')];
      return s;
    },
  },
  {
    dir: '003-image-arm64-only-sidecar-exec-format-error',
    source: 'https://github.com/combor/k8s-mongo-labeler-sidecar/issues/14',
    summary: 'The new release of the mongo-labeler sidecar image only contains an ARM aarch64 binary; on the amd64 nodes it dies at exec with "exec format error", so every mongo pod is CrashLoopBackOff on that container.',
    symptom: null, category: 'image', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2022-08-09T11:40:05Z', 23);
      const nodes = ['gke-prod-pool-1-4c1f2a9b-7xkq', 'gke-prod-pool-1-4c1f2a9b-m2ds', 'gke-prod-pool-1-4c1f2a9b-zq8w'].map((n, i) => node(s, n, { instanceType: 'e2-standard-4', zone: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'][i], runtime: 'containerd://1.5.13', kubelet: 'v1.23.8-gke.1900' }));
      background(s, nodes, { namespaces: ['db', 'web'] });
      healthyApp(s, 'web', 'frontend', nodes.map((n) => n.metadata.name));
      serviceAccount(s, 'db', 'mongo');
      const spec = podSpec(s, [
        container('mongo', 'mongo:4.4.15', { command: ['mongod', '--replSet', 'rs0', '--bind_ip_all'], ports: [{ containerPort: 27017, name: 'mongo' }], resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } }, volumeMounts: [{ mountPath: '/data/db', name: 'data' }] }),
        container('mongo-labeler', 'combor/k8s-mongo-labeler-sidecar:latest', { env: [{ name: 'LABEL_SELECTOR', value: 'app=mongo' }, { name: 'NAMESPACE', value: 'db' }], terminationMessagePolicy: 'FallbackToLogsOnError' }),
      ], { serviceAccountName: 'mongo' });
      const pods = [0, 1, 2].map((i) => ({
        node: nodes[i].metadata.name, age: 2400 - i * 40,
        containers: { 'mongo-labeler': { state: st.waiting('CrashLoopBackOff', `back-off 5m0s restarting failed container=mongo-labeler pod=mongo-${i}_db(${s.uid('Pod', 'db', `mongo-${i}`)})`), ready: false, restarts: 9 - i, lastState: st.terminated('Error', 1, s.t(200 + i * 30), s.t(200 + i * 30), 'standard_init_linux.go:228: exec user process caused: exec format error\n') } },
      }));
      const sts = statefulSet(s, 'db', 'mongo', { spec, age: 86400 * 60, pods, serviceName: 'mongo', volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { creationTimestamp: null, name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }] });
      for (const p of sts.pods) {
        p.spec.volumes.unshift({ name: 'data', persistentVolumeClaim: { claimName: `data-${p.metadata.name}` } });
        const c = pvc(s, 'db', `data-${p.metadata.name}`, { storageClassName: 'standard-rwo', bound: true, size: '20Gi', volumeName: `pvc-${s.uid('pv', p.metadata.name)}`, age: 86400 * 60, labels: { app: 'mongo' } });
        pv(s, `pvc-${s.uid('pv', p.metadata.name)}`, { claim: c, storageClassName: 'standard-rwo', size: '20Gi', age: 86400 * 60, source: { csi: { driver: 'pd.csi.storage.gke.io', fsType: 'ext4', volumeHandle: `projects/prod/zones/europe-west1-b/disks/pvc-${s.uid('pv', p.metadata.name)}` } } });
      }
      storageClass(s, 'standard-rwo', { provisioner: 'pd.csi.storage.gke.io', volumeBindingMode: 'WaitForFirstConsumer', isDefault: true, parameters: { type: 'pd-balanced' } });
      const svc = service(s, 'db', 'mongo', { selector: { app: 'mongo' }, clusterIP: 'None', ports: [{ name: 'mongo', port: 27017 }] });
      endpoints(s, svc, sts.pods);
      for (const p of sts.pods) {
        event(s, p, { reason: 'Pulled', message: 'Container image "combor/k8s-mongo-labeler-sidecar:latest" already present on machine', first: 2300, last: 200, count: 9, fieldPath: 'spec.containers{mongo-labeler}', host: p.spec.nodeName });
        event(s, p, { reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container mongo-labeler in pod ${p.metadata.name}_db(${p.metadata.uid})`, first: 2280, last: 15, count: 150, fieldPath: 'spec.containers{mongo-labeler}', host: p.spec.nodeName });
      }
      this.symptom = ref('Pod', 'db', 'mongo-1');
      this.rootCause = [ref('StatefulSet', 'db', 'mongo')];
      return s;
    },
  },
  {
    dir: '004-crash-script-without-exec-bit-exit-126',
    source: 'https://github.com/luksa/kubernetes-in-action/pull/15',
    summary: 'The fortune pod\'s html-generator image copies fortuneloop.sh without the executable bit, so /bin/sh exits 126 "Permission denied" at every start and the container is in CrashLoopBackOff (the web-server container is fine).',
    symptom: null, category: 'crash', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2019-09-01T10:22:31Z', 15);
      const nodes = ['gke-kubia-default-pool-b46381f1-opc5', 'gke-kubia-default-pool-b46381f1-xwko', 'gke-kubia-default-pool-b46381f1-zwrc'].map((n) => node(s, n, { instanceType: 'n1-standard-1', cpu: '1', memory: '3786904Ki', zone: 'europe-west1-d', kubelet: 'v1.15.2-gke.7', runtime: 'docker://18.9.7' }));
      background(s, nodes);
      healthyApp(s, 'default', 'kubia', [nodes[0].metadata.name, nodes[2].metadata.name], { image: 'luksa/kubia:v1', port: 8080 });
      const spec = podSpec(s, [
        container('html-generator', 'luksa/fortune', { volumeMounts: [{ mountPath: '/var/htdocs', name: 'html' }] }),
        container('web-server', 'nginx:alpine', { ports: [80], volumeMounts: [{ mountPath: '/usr/share/nginx/html', name: 'html', readOnly: true }] }),
      ], { volumes: [{ emptyDir: {}, name: 'html' }] });
      const p = pod(s, { namespace: 'default', name: 'fortune', spec, node: nodes[1].metadata.name, age: 1500, containers: { 'html-generator': { state: st.waiting('CrashLoopBackOff', 'Back-off 5m0s restarting failed container=html-generator pod=fortune_default(' + s.uid('Pod', 'default', 'fortune') + ')'), ready: false, restarts: 7, lastState: st.terminated('Error', 126, s.t(140), s.t(140)) } } });
      const host = nodes[1].metadata.name;
      event(s, p, { reason: 'Scheduled', component: 'default-scheduler', message: `Successfully assigned default/fortune to ${host}`, first: 1500 });
      event(s, p, { reason: 'Pulled', message: 'Container image "nginx:alpine" already present on machine', first: 1495, fieldPath: 'spec.containers{web-server}', host });
      event(s, p, { reason: 'Pulling', message: 'Pulling image "luksa/fortune"', first: 1497, last: 145, count: 8, fieldPath: 'spec.containers{html-generator}', host });
      event(s, p, { reason: 'Started', message: 'Started container html-generator', first: 1490, last: 141, count: 8, fieldPath: 'spec.containers{html-generator}', host });
      event(s, p, { reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container', first: 1480, last: 10, count: 62, fieldPath: 'spec.containers{html-generator}', host });
      this.symptom = ref('Pod', 'default', 'fortune');
      this.rootCause = [ref('Pod', 'default', 'fortune')];
      return s;
    },
  },
  {
    dir: '005-crash-starterror-binary-not-executable-dex',
    source: 'https://github.com/argoproj/argo-cd/issues/21870',
    summary: 'argocd-dex-server runs /shared/argocd-dex, a binary its init container copies into an emptyDir; on this cluster the copy is not executable, so runc fails at exec with "permission denied" (StartError, exit 128) and dex crash-loops.',
    symptom: null, category: 'crash', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2025-02-06T14:31:10Z', 31);
      const nodes = ['worker-01', 'worker-02', 'worker-03'].map((n) => node(s, n, { runtime: 'containerd://1.7.24', kubelet: 'v1.31.4' }));
      background(s, nodes, { namespaces: ['argo-cd'] });
      for (const [name, i] of [['argocd-application-controller', 0], ['argocd-repo-server', 1], ['argocd-server', 2]]) healthyApp(s, 'argo-cd', name, [nodes[i].metadata.name], { image: 'quay.io/argoproj/argocd:v2.14.2', port: 8080, path: '/healthz' });
      serviceAccount(s, 'argo-cd', 'argocd-dex-server');
      const spec = podSpec(s, [container('dex', 'ghcr.io/dexidp/dex:v2.41.1', { command: ['/shared/argocd-dex', 'rundex'], ports: [{ containerPort: 5556, name: 'http' }, { containerPort: 5557, name: 'grpc' }], volumeMounts: [{ mountPath: '/shared', name: 'static-files' }, { mountPath: '/tmp', name: 'dexconfig' }] })], {
        serviceAccountName: 'argocd-dex-server',
        initContainers: [container('copyutil', 'quay.io/argoproj/argocd:v2.14.2', { command: ['/bin/cp', '-n', '/usr/local/bin/argocd', '/shared/argocd-dex'], volumeMounts: [{ mountPath: '/shared', name: 'static-files' }] })],
        volumes: [{ emptyDir: {}, name: 'static-files' }, { emptyDir: {}, name: 'dexconfig' }],
      });
      const msg = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "/shared/argocd-dex": permission denied: unknown';
      const d = deployment(s, 'argo-cd', 'argocd-dex-server', { labels: { 'app.kubernetes.io/name': 'argocd-dex-server' }, spec, age: 86400 * 5, rsAge: 1740, revision: 2, replicas: 1, unavailableSince: 1700, pods: [{ node: nodes[1].metadata.name, age: 1740, containers: { dex: { state: st.waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=dex pod='), ready: false, restarts: 10, lastState: st.terminated('StartError', 128, '1970-01-01T00:00:00Z', s.t(165), msg) } } }] });
      const p = d.pods[0];
      p.status.containerStatuses[0].state.waiting.message += `${p.metadata.name}_argo-cd(${p.metadata.uid})`;
      const host = p.spec.nodeName;
      event(s, p, { reason: 'Pulled', message: 'Container image "ghcr.io/dexidp/dex:v2.41.1" already present on machine', first: 1700, last: 166, count: 11, fieldPath: 'spec.containers{dex}', host });
      event(s, p, { reason: 'Created', message: 'Created container dex', first: 1700, last: 166, count: 11, fieldPath: 'spec.containers{dex}', host });
      event(s, p, { reason: 'Failed', type: 'Warning', message: `Error: ${msg}`, first: 1699, last: 165, count: 11, fieldPath: 'spec.containers{dex}', host });
      event(s, p, { reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container dex in pod ${p.metadata.name}_argo-cd(${p.metadata.uid})`, first: 1690, last: 20, count: 160, fieldPath: 'spec.containers{dex}', host });
      this.symptom = ref('Pod', 'argo-cd', p.metadata.name);
      this.rootCause = [ref('Deployment', 'argo-cd', 'argocd-dex-server')];
      return s;
    },
  },
  {
    dir: '006-oom-jvm-heap-percentage-too-high-for-limit',
    source: 'https://github.com/virtualcell/vcell/pull/1899',
    summary: 'The api JVM runs with MaxRAMPercentage=80 under a 2000Mi limit: 1600Mi of heap plus ~700Mi of non-heap does not fit, so the kernel OOM-kills the container (exit 137) every few hours.',
    symptom: null, category: 'oom', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2026-08-12T16:05:00Z', 30);
      const nodes = ['vcell-node-1', 'vcell-node-2', 'vcell-node-3'].map((n) => node(s, n, { cpu: '8', memory: '32863364Ki', runtime: 'containerd://1.7.27', kubelet: 'v1.30.11' }));
      background(s, nodes, { namespaces: ['prod'] });
      const javaSpec = (name, limit) => podSpec(s, [container(name, `ghcr.io/virtualcell/vcell-${name}:7.7.0.50`, { env: [{ name: 'JAVA_TOOL_OPTIONS', value: '-XX:MaxRAMPercentage=80 -XX:+UseG1GC' }], ports: [{ containerPort: 8080, name: 'http' }], resources: { limits: { memory: limit }, requests: { cpu: '500m', memory: limit } }, readinessProbe: { httpGet: { path: '/health', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 30, periodSeconds: 15 } })]);
      const db = deployment(s, 'prod', 'db', { spec: javaSpec('db', '2000Mi'), age: 86400 * 90, pods: [{ node: nodes[0].metadata.name, age: 86400 * 83 }] });
      const api = deployment(s, 'prod', 'api', { spec: javaSpec('api', '2000Mi'), age: 86400 * 200, pods: [{ node: nodes[1].metadata.name, age: 86400 * 2, containers: { api: { restarts: 11, startedAgo: 2100, lastState: st.terminated('OOMKilled', 137, s.t(14800), s.t(2110)) } } }] });
      for (const [n, d] of [['db', db], ['api', api]]) { const svc = service(s, 'prod', n, { selector: { app: n }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }); endpoints(s, svc, d.pods); }
      const p = api.pods[0];
      const host = p.spec.nodeName;
      event(s, p, { reason: 'Pulled', message: 'Container image "ghcr.io/virtualcell/vcell-api:7.7.0.50" already present on machine', first: 86400 * 2 - 60, last: 2105, count: 12, fieldPath: 'spec.containers{api}', host });
      event(s, p, { reason: 'Started', message: 'Started container api', first: 86400 * 2 - 58, last: 2100, count: 12, fieldPath: 'spec.containers{api}', host });
      event(s, p, { reason: 'Unhealthy', type: 'Warning', message: `Readiness probe failed: Get "http://${p.status.podIP}:8080/health": dial tcp ${p.status.podIP}:8080: connect: connection refused`, first: 86400 * 2 - 50, last: 2080, count: 24, fieldPath: 'spec.containers{api}', host });
      event(s, nodes[1], { reason: 'SystemOOM', type: 'Warning', message: 'System OOM encountered, victim process: java, pid: 2716648', first: 2112, component: 'kubelet', host });
      event(s, db.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled up replica set ${db.rs.metadata.name} to 1`, first: 30 });
      this.symptom = ref('Pod', 'prod', p.metadata.name);
      this.rootCause = [ref('Deployment', 'prod', 'api')];
      return s;
    },
  },
  {
    dir: '007-oom-gpu-init-container-stuck-podinitializing',
    source: 'https://github.com/NVIDIA/nvidia-container-toolkit/issues/30',
    summary: 'The second init container (the GPU step, app2) uses more RAM than its limit and is OOM-killed (reported with exit code 0), so gpu-pod never gets past initialisation and sits in PodInitializing.',
    symptom: null, category: 'oom', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2022-08-30T03:14:00Z', 23);
      const gpu = { 'nvidia.com/gpu': '1' };
      const n = node(s, 'gpu-server-01', { cpu: '32', memory: '263842216Ki', kubelet: 'v1.23.7', runtime: 'containerd://1.6.2', extraCapacity: gpu, labels: { 'node-role.kubernetes.io/control-plane': '', 'nvidia.com/gpu.present': 'true' }, podCIDR: '10.244.0.0/24' });
      background(s, [n], { dnsNodes: ['gpu-server-01', 'gpu-server-01'] });
      const dpSpec = podSpec(s, [container('nvidia-device-plugin-ctr', 'nvcr.io/nvidia/k8s-device-plugin:v0.12.2', { env: [{ name: 'FAIL_ON_INIT_ERROR', value: 'false' }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, volumeMounts: [{ mountPath: '/var/lib/kubelet/device-plugins', name: 'device-plugin' }] })], { priorityClassName: 'system-node-critical', tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], volumes: [{ hostPath: { path: '/var/lib/kubelet/device-plugins', type: '' }, name: 'device-plugin' }] });
      daemonSet(s, 'kube-system', 'nvidia-device-plugin-daemonset', { labels: { name: 'nvidia-device-plugin-ds' }, spec: dpSpec, nodes: ['gpu-server-01'] });
      const spec = podSpec(s, [container('app3', 'registry.local/pipeline/app3:1.4', { resources: { limits: { memory: '4Gi' }, requests: { cpu: '1', memory: '4Gi' } } })], {
        restartPolicy: 'Never',
        initContainers: [
          container('app1', 'registry.local/pipeline/app1:1.4', { resources: { limits: { memory: '2Gi' }, requests: { cpu: '1', memory: '2Gi' } } }),
          container('app2', 'registry.local/pipeline/app2:1.4', { resources: { limits: { memory: '8Gi', 'nvidia.com/gpu': '1' }, requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' } } }),
        ],
      });
      const p = pod(s, { namespace: 'default', name: 'gpu-pod', spec, node: 'gpu-server-01', age: 83 * 60, phase: 'Pending',
        initContainers: { app1: { state: st.terminated('Completed', 0, s.t(83 * 60 - 10), s.t(83 * 60 - 16)) }, app2: { state: st.terminated('OOMKilled', 0, s.t(83 * 60 - 18), s.t(83 * 60 - 95)), ready: false } },
        containers: { app3: { state: st.waiting('PodInitializing'), ready: false } } });
      event(s, p, { reason: 'Scheduled', component: 'default-scheduler', message: 'Successfully assigned default/gpu-pod to gpu-server-01', first: 83 * 60 });
      event(s, p, { reason: 'Started', message: 'Started container app1', first: 83 * 60 - 10, fieldPath: 'spec.initContainers{app1}', host: 'gpu-server-01' });
      event(s, p, { reason: 'Started', message: 'Started container app2', first: 83 * 60 - 18, fieldPath: 'spec.initContainers{app2}', host: 'gpu-server-01' });
      event(s, n, { reason: 'SystemOOM', type: 'Warning', message: 'System OOM encountered, victim process: python3, pid: 1873302', first: 83 * 60 - 95, host: 'gpu-server-01' });
      event(s, n, { reason: 'NodeHasSufficientMemory', message: 'Node gpu-server-01 status is now: NodeHasSufficientMemory', first: 40 });
      this.symptom = ref('Pod', 'default', 'gpu-pod');
      this.rootCause = [ref('Pod', 'default', 'gpu-pod')];
      return s;
    },
  },
  {
    dir: '008-config-secret-key-renamed-postgresql-password',
    source: 'https://github.com/sentry-kubernetes/charts/issues/1433',
    summary: 'The sentry Deployments read POSTGRES_PASSWORD from key postgresql-password of Secret my-postgresql, but the external PostgreSQL chart now stores it under a different key, so web, worker and cron pods are stuck in CreateContainerConfigError.',
    symptom: null, category: 'config', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2024-09-07T12:44:51Z', 29);
      const nodes = ['k8s-w1', 'k8s-w2', 'k8s-w3'].map((n) => node(s, n, { cpu: '8', memory: '32863364Ki', runtime: 'containerd://1.7.20', kubelet: 'v1.29.7' }));
      background(s, nodes, { namespaces: ['test'] });
      const pgSpec = podSpec(s, [container('postgresql', 'docker.io/bitnami/postgresql:16.4.0-debian-12-r2', { ports: [{ containerPort: 5432, name: 'tcp-postgresql' }], env: [{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { key: 'postgres-password', name: 'my-postgresql' } } }], readinessProbe: { exec: { command: ['/bin/sh', '-c', '-e', 'exec pg_isready -U "postgres" -h 127.0.0.1 -p 5432'] }, initialDelaySeconds: 5 } })]);
      const pg = statefulSet(s, 'test', 'my-postgresql', { labels: { 'app.kubernetes.io/instance': 'my-postgresql', 'app.kubernetes.io/name': 'postgresql' }, spec: pgSpec, age: 86400 * 3, pods: [{ node: nodes[0].metadata.name, age: 86400 * 3 - 20 }] });
      const pgSvc = service(s, 'test', 'my-postgresql', { selector: { 'app.kubernetes.io/instance': 'my-postgresql', 'app.kubernetes.io/name': 'postgresql' }, ports: [{ name: 'tcp-postgresql', port: 5432, targetPort: 'tcp-postgresql' }] });
      endpoints(s, pgSvc, pg.pods);
      const rmqSpec = podSpec(s, [container('rabbitmq', 'docker.io/bitnami/rabbitmq:3.12.2-debian-11-r8', { ports: [{ containerPort: 5672, name: 'amqp' }], readinessProbe: { exec: { command: ['sh', '-ec', 'rabbitmq-diagnostics -q check_running && rabbitmq-diagnostics -q check_local_alarms'] }, initialDelaySeconds: 10, periodSeconds: 30, timeoutSeconds: 20 } })]);
      const rmq = statefulSet(s, 'test', 'sentry-rabbitmq', { labels: { 'app.kubernetes.io/instance': 'sentry', 'app.kubernetes.io/name': 'rabbitmq' }, spec: rmqSpec, age: 1300, pods: [{ node: nodes[2].metadata.name, age: 1290, readySince: s.t(1100) }] });
      event(s, rmq.pods[0], { reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: Error:\nunable to perform an operation on node \'rabbit@sentry-rabbitmq-0.sentry-rabbitmq-headless.test.svc.cluster.local\'. Please see diagnostics information and suggestions below.', first: 1250, last: 1200, count: 3, fieldPath: 'spec.containers{rabbitmq}', host: nodes[2].metadata.name });
      const envFor = [{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { key: 'postgresql-password', name: 'my-postgresql' } } }, { name: 'SENTRY_SECRET_KEY', valueFrom: { secretKeyRef: { key: 'key', name: 'sentry-sentry-secret' } } }];
      let webPod;
      for (const [i, role] of ['web', 'worker', 'cron'].entries()) {
        const spec = podSpec(s, [container(`sentry-${role}`, 'getsentry/sentry:24.8.0', { args: role === 'web' ? ['run', 'web'] : role === 'worker' ? ['run', 'worker'] : ['run', 'cron'], env: envFor, ...(role === 'web' ? { ports: [{ containerPort: 9000 }] } : {}) })]);
        const name = `sentry-${role}`;
        const podName = { web: 'sentry-web-75dd588596-q7sp8', worker: 'sentry-worker-5bdb4445f8-wnbxq', cron: 'sentry-cron-5986567d77-t2kpm' }[role];
        const d = deployment(s, 'test', name, { labels: { app: 'sentry', role }, spec, age: 1300, replicas: 1, unavailableSince: 1290, pods: [{ name: podName, node: nodes[i].metadata.name, age: 1290, phase: 'Pending', containers: { [name]: { state: st.waiting('CreateContainerConfigError', "couldn't find key postgresql-password in Secret test/my-postgresql"), ready: false, pulled: true } } }] });
        const p = d.pods[0];
        event(s, p, { reason: 'Pulled', message: 'Container image "getsentry/sentry:24.8.0" already present on machine', first: 1280, last: 4, count: 110, fieldPath: `spec.containers{${name}}`, host: p.spec.nodeName });
        event(s, p, { reason: 'Failed', type: 'Warning', message: "Error: couldn't find key postgresql-password in Secret test/my-postgresql", first: 1280, last: 3, count: 110, fieldPath: `spec.containers{${name}}`, host: p.spec.nodeName });
        if (role === 'web') webPod = p;
      }
      this.symptom = ref('Pod', 'test', webPod.metadata.name);
      this.rootCause = [ref('Secret', 'test', 'my-postgresql'), ref('Deployment', 'test', 'sentry-web')];
      return s;
    },
  },
  {
    dir: '009-config-daemonset-secret-missing-key-cloud-controller',
    source: 'https://github.com/hetznercloud/csi-driver/issues/1389',
    summary: 'After a control-plane reboot the hcloud-cloud-controller-manager DaemonSet pod cannot start: its HCLOUD_NETWORK env reads key network from Secret kube-system/hcloud, which only holds token (CreateContainerConfigError).',
    symptom: null, category: 'config', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2026-06-03T07:52:19Z', 33);
      const cp = [1, 2, 3].map((i) => node(s, `qgis-cloud-v3-k8s-control-${i}`, { cpu: '4', memory: '7935712Ki', kubelet: 'v1.33.1+k3s1', runtime: 'containerd://2.0.5-k3s1', instanceType: 'cpx31', zone: 'fsn1-dc14', region: 'fsn1', labels: { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/etcd': 'true' }, taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }], ip: `10.3.0.${6 + i}` }));
      const workers = [1, 2].map((i) => node(s, `qgis-cloud-v3-k8s-worker-${i}`, { cpu: '8', memory: '16132176Ki', kubelet: 'v1.33.1+k3s1', runtime: 'containerd://2.0.5-k3s1', instanceType: 'cpx41', zone: 'fsn1-dc14', region: 'fsn1', ip: `10.3.0.${20 + i}` }));
      background(s, [...cp, ...workers], { namespaces: ['qgis'], dnsNodes: [workers[0].metadata.name, workers[1].metadata.name] });
      healthyApp(s, 'qgis', 'qgis-server', workers.map((w) => w.metadata.name), { image: 'camptocamp/qgis-server:3.40', port: 8080 });
      serviceAccount(s, 'kube-system', 'cloud-controller-manager');
      const spec = podSpec(s, [container('hcloud-cloud-controller-manager', 'docker.io/hetznercloud/hcloud-cloud-controller-manager:v1.26.0', {
        args: ['--allow-untagged-cloud', '--cloud-provider=hcloud', '--route-reconciliation-period=30s', '--webhook-secure-port=0', '--allocate-node-cidrs=true', '--cluster-cidr=10.244.0.0/16', '--leader-elect=false'],
        env: [{ name: 'HCLOUD_TOKEN', valueFrom: { secretKeyRef: { key: 'token', name: 'hcloud' } } }, { name: 'HCLOUD_NETWORK', valueFrom: { secretKeyRef: { key: 'network', name: 'hcloud' } } }, { name: 'ROBOT_PASSWORD', valueFrom: { secretKeyRef: { key: 'robot-password', name: 'hcloud', optional: true } } }],
        ports: [{ containerPort: 8233, name: 'metrics' }], resources: { requests: { cpu: '100m', memory: '50Mi' } },
      })], { serviceAccountName: 'cloud-controller-manager', hostNetwork: true, priorityClassName: 'system-cluster-critical', priority: 2000000000, nodeSelector: { 'node-role.kubernetes.io/control-plane': 'true' }, tolerations: [{ effect: 'NoSchedule', key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] });
      const msg = "couldn't find key network in Secret kube-system/hcloud";
      const ds = daemonSet(s, 'kube-system', 'hcloud-cloud-controller-manager', { labels: { app: 'hcloud-cloud-controller-manager' }, spec, nodes: cp.map((c, i) => ({ node: c.metadata.name, age: 1180 - i * 10, phase: 'Pending', containers: { 'hcloud-cloud-controller-manager': { state: st.waiting('CreateContainerConfigError', msg), ready: false, pulled: true } } })) });
      for (const p of ds.pods) {
        event(s, p, { reason: 'Pulled', message: 'Container image "docker.io/hetznercloud/hcloud-cloud-controller-manager:v1.26.0" already present on machine', first: 1170, last: 6, count: 100, fieldPath: 'spec.containers{hcloud-cloud-controller-manager}', host: p.spec.nodeName });
        event(s, p, { reason: 'Failed', type: 'Warning', message: `Error: ${msg}`, first: 1170, last: 6, count: 100, fieldPath: 'spec.containers{hcloud-cloud-controller-manager}', host: p.spec.nodeName });
      }
      event(s, cp[0], { reason: 'Rebooted', type: 'Warning', message: `Node ${cp[0].metadata.name} has been rebooted, boot id: ${cp[0].status.nodeInfo.bootID}`, first: 1250 });
      this.symptom = ref('Pod', 'kube-system', ds.pods[0].metadata.name);
      this.rootCause = [ref('Secret', 'kube-system', 'hcloud'), ref('DaemonSet', 'kube-system', 'hcloud-cloud-controller-manager')];
      return s;
    },
  },
  {
    dir: '010-config-daemonset-configmap-volume-missing',
    source: 'https://github.com/grafana/helm-charts/issues/2216',
    summary: 'After a host reboot the loki-stack promtail DaemonSet pods stay in ContainerCreating: their "config" volume is ConfigMap loki-stack-promtail, which no longer exists in the namespace.',
    symptom: null, category: 'config', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2023-02-16T18:20:44Z', 25);
      const nodes = ['homelab-1', 'homelab-2', 'homelab-3'].map((n) => node(s, n, { cpu: '6', memory: '16260744Ki', runtime: 'containerd://1.6.15-k3s1', kubelet: 'v1.25.6+k3s1' }));
      background(s, nodes, { namespaces: ['loki'] });
      serviceAccount(s, 'loki', 'loki-stack-promtail');
      serviceAccount(s, 'loki', 'loki-stack');
      configMap(s, 'loki', 'loki-stack', { 'loki.yaml': 'auth_enabled: false\nserver:\n  http_listen_port: 3100\n' }, 86400 * 30);
      configMap(s, 'loki', 'loki-stack-test', { 'test.sh': '#!/usr/bin/env bash\n' }, 86400 * 30);
      const lokiSpec = podSpec(s, [container('loki', 'grafana/loki:2.6.1', { args: ['-config.file=/etc/loki/loki.yaml'], ports: [{ containerPort: 3100, name: 'http-metrics' }], readinessProbe: { httpGet: { path: '/ready', port: 'http-metrics', scheme: 'HTTP' }, initialDelaySeconds: 45 }, volumeMounts: [{ mountPath: '/etc/loki', name: 'config' }] })], { serviceAccountName: 'loki-stack', volumes: [{ configMap: { defaultMode: 420, name: 'loki-stack' }, name: 'config' }] });
      const loki = statefulSet(s, 'loki', 'loki-stack', { labels: { app: 'loki', release: 'loki-stack' }, spec: lokiSpec, age: 86400 * 30, pods: [{ node: nodes[0].metadata.name, age: 900 }] });
      const lokiSvc = service(s, 'loki', 'loki-stack', { selector: { app: 'loki', release: 'loki-stack' }, ports: [{ name: 'http-metrics', port: 3100, targetPort: 'http-metrics' }] });
      endpoints(s, lokiSvc, loki.pods);
      const spec = podSpec(s, [container('promtail', 'docker.io/grafana/promtail:2.7.0', { args: ['-config.file=/etc/promtail/promtail.yaml'], env: [{ name: 'HOSTNAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }], ports: [{ containerPort: 3101, name: 'http-metrics' }], readinessProbe: { httpGet: { path: '/ready', port: 'http-metrics', scheme: 'HTTP' }, failureThreshold: 5 }, volumeMounts: [{ mountPath: '/etc/promtail', name: 'config' }, { mountPath: '/run/promtail', name: 'run' }, { mountPath: '/var/lib/docker/containers', name: 'containers', readOnly: true }, { mountPath: '/var/log/pods', name: 'pods', readOnly: true }] })], { serviceAccountName: 'loki-stack-promtail', tolerations: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Exists' }], volumes: [{ configMap: { defaultMode: 420, name: 'loki-stack-promtail' }, name: 'config' }, { hostPath: { path: '/run/promtail', type: '' }, name: 'run' }, { hostPath: { path: '/var/lib/docker/containers', type: '' }, name: 'containers' }, { hostPath: { path: '/var/log/pods', type: '' }, name: 'pods' }] });
      const ds = daemonSet(s, 'loki', 'loki-stack-promtail', { labels: { 'app.kubernetes.io/instance': 'loki-stack', 'app.kubernetes.io/name': 'promtail' }, spec, nodes: nodes.map((n) => ({ node: n.metadata.name, age: 880, phase: 'Pending', podIP: null, containers: { promtail: { state: st.waiting('ContainerCreating'), ready: false } } })) });
      for (const p of ds.pods) {
        event(s, p, { reason: 'FailedMount', type: 'Warning', message: 'MountVolume.SetUp failed for volume "config" : configmap "loki-stack-promtail" not found', first: 870, last: 9, count: 22, host: p.spec.nodeName });
        event(s, p, { reason: 'FailedMount', type: 'Warning', message: `Unable to attach or mount volumes: unmounted volumes=[config], unattached volumes=[run containers pods ${p.spec.volumes.at(-1).name} config]: timed out waiting for the condition`, first: 750, last: 60, count: 6, host: p.spec.nodeName });
      }
      event(s, nodes[0], { reason: 'Rebooted', type: 'Warning', message: `Node homelab-1 has been rebooted, boot id: ${nodes[0].status.nodeInfo.bootID}`, first: 960 });
      this.symptom = ref('Pod', 'loki', ds.pods[1].metadata.name);
      this.rootCause = [ref('ConfigMap', 'loki', 'loki-stack-promtail'), ref('DaemonSet', 'loki', 'loki-stack-promtail')];
      return s;
    },
  },
  {
    dir: '011-probe-liveness-initial-delay-shorter-than-startup',
    source: 'https://github.com/redhat-scholars/istio-tutorial/issues/71',
    summary: 'The customer service (Spring Boot) needs more than 10 s to start, but its liveness probe starts after initialDelaySeconds 10 with a 5 s period, so the kubelet kills it before it is up (exit 143) and it never stays running.',
    symptom: null, category: 'probe', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2018-04-18T08:31:27Z', 10);
      const nodes = ['minishift'].map((n) => node(s, n, { cpu: '4', memory: '8175148Ki', kubelet: 'v1.9.1+a0ce1bc657', runtime: 'docker://1.13.1', podCIDR: null }));
      background(s, nodes, { namespaces: ['tutorial', 'istio-system'], dnsNodes: ['minishift', 'minishift'] });
      const sidecar = container('istio-proxy', 'docker.io/istio/proxy:0.7.1', { args: ['proxy', 'sidecar', '--configPath', '/etc/istio/proxy', '--serviceCluster', 'customer'], securityContext: { privileged: false, readOnlyRootFilesystem: true, runAsUser: 1337 } });
      const mk = (name, image, delay) => podSpec(s, [container(name, image, { env: [{ name: 'JAVA_OPTIONS', value: '-Xms15m -Xmx15m -Xmn15m' }], ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 8778, name: 'jolokia' }], livenessProbe: { exec: { command: ['curl', 'localhost:8080/health'] }, initialDelaySeconds: delay, periodSeconds: 5, timeoutSeconds: 1 }, readinessProbe: { exec: { command: ['curl', 'localhost:8080/health'] }, initialDelaySeconds: delay, periodSeconds: 5, timeoutSeconds: 1 }, securityContext: { privileged: false } }), sidecar], { initContainers: [container('istio-init', 'docker.io/istio/proxy_init:0.7.1', { args: ['-p', '15001', '-u', '1337'], securityContext: { capabilities: { add: ['NET_ADMIN'] }, privileged: true } })] });
      const rec = deployment(s, 'tutorial', 'recommendation-v1', { labels: { app: 'recommendation', version: 'v1' }, spec: mk('recommendation', 'example/recommendation:v1', 20), age: 3600, pods: [{ node: 'minishift', age: 3500 }] });
      const pref = deployment(s, 'tutorial', 'preference-v1', { labels: { app: 'preference', version: 'v1' }, spec: mk('preference', 'example/preference:v1', 20), age: 3300, pods: [{ node: 'minishift', age: 3200 }] });
      const cust = deployment(s, 'tutorial', 'customer-v1', { labels: { app: 'customer', version: 'v1' }, spec: mk('customer', 'example/customer:v1', 10), age: 1500, replicas: 1, unavailableSince: 1480, pods: [{ node: 'minishift', age: 1480, containers: { customer: { state: st.waiting('CrashLoopBackOff', 'Back-off 5m0s restarting failed container=customer pod=' + 'customer-v1'), ready: false, restarts: 8, lastState: st.terminated('Error', 143, s.t(230), s.t(212)) } } }] });
      cust.pods[0].status.containerStatuses[0].state.waiting.message = `Back-off 5m0s restarting failed container=customer pod=${cust.pods[0].metadata.name}_tutorial(${cust.pods[0].metadata.uid})`;
      for (const [n, d] of [['customer', cust], ['preference', pref], ['recommendation', rec]]) { const svc = service(s, 'tutorial', n, { selector: { app: n }, ports: [{ name: 'http', port: 8080 }] }); endpoints(s, svc, d.pods); }
      const p = cust.pods[0];
      event(s, p, { reason: 'Unhealthy', type: 'Warning', message: 'Liveness probe failed: % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0curl: (7) Failed to connect to localhost port 8080: Connection refused\n', first: 1465, last: 215, count: 24, fieldPath: 'spec.containers{customer}', host: 'minishift' });
      event(s, p, { reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0curl: (7) Failed to connect to localhost port 8080: Connection refused\n', first: 1465, last: 215, count: 24, fieldPath: 'spec.containers{customer}', host: 'minishift' });
      event(s, p, { reason: 'Killing', message: 'Killing container with id docker://customer:Container failed liveness probe.. Container will be killed and recreated.', first: 1455, last: 213, count: 8, fieldPath: 'spec.containers{customer}', host: 'minishift' });
      event(s, p, { reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container', first: 1300, last: 11, count: 40, fieldPath: 'spec.containers{customer}', host: 'minishift' });
      this.symptom = ref('Pod', 'tutorial', p.metadata.name);
      this.rootCause = [ref('Deployment', 'tutorial', 'customer-v1')];
      return s;
    },
  },
  {
    dir: '012-probe-readiness-port-the-server-does-not-listen-on',
    source: 'https://github.com/gitpod-io/gitpod/issues/4382',
    summary: 'The dashboard Deployment probes readiness at :8080/ready, but its nginx serves on port 80 (and has no /ready), so the pod never becomes Ready and the dashboard Service has no ready endpoint.',
    symptom: null, category: 'probe', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2021-06-02T17:48:12Z', 20);
      const nodes = ['k3s-server', 'k3s-agent-1'].map((n, i) => node(s, n, { cpu: '8', memory: '32795020Ki', kubelet: 'v1.20.7+k3s1', runtime: 'containerd://1.4.4-k3s1', podCIDR: `10.42.${i}.0/24`, labels: i === 0 ? { 'node-role.kubernetes.io/master': 'true' } : {} }));
      background(s, nodes, { namespaces: ['gitpod'] });
      for (const [n, i] of [['server', 0], ['proxy', 1]]) healthyApp(s, 'gitpod', n, [nodes[i].metadata.name], { image: `gcr.io/gitpod-io/self-hosted/${n}:0.8.0`, port: 3000 });
      const spec = podSpec(s, [container('dashboard', 'gcr.io/gitpod-io/self-hosted/dashboard:0.8.0', { ports: [{ containerPort: 80, name: 'http' }], readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 5 }, resources: { requests: { cpu: '100m', memory: '32Mi' } } })]);
      const d = deployment(s, 'gitpod', 'dashboard', { labels: { app: 'gitpod', component: 'dashboard' }, spec, age: 420, replicas: 1, unavailableSince: 410, pods: [{ node: 'k3s-agent-1', age: 415, podIP: '10.42.1.48', containers: { dashboard: { ready: false } } }] });
      const svc = service(s, 'gitpod', 'dashboard', { labels: { app: 'gitpod', component: 'dashboard' }, selector: { app: 'gitpod', component: 'dashboard' }, ports: [{ name: 'http', port: 3001, targetPort: 80 }] });
      endpoints(s, svc, d.pods);
      const p = d.pods[0];
      event(s, p, { reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: Get "http://10.42.1.48:8080/ready": dial tcp 10.42.1.48:8080: connect: connection refused', first: 405, last: 5, count: 41, fieldPath: 'spec.containers{dashboard}', host: 'k3s-agent-1' });
      this.symptom = ref('Pod', 'gitpod', p.metadata.name);
      this.rootCause = [ref('Deployment', 'gitpod', 'dashboard')];
      return s;
    },
  },
  {
    dir: '013-probe-readiness-path-404-never-ready',
    source: 'https://github.com/nightscout/nocturne/issues/974',
    summary: 'The Helm demo Deployment probes readiness on /ready, an endpoint the service never maps (only /health and /alive), so every probe returns 404, the pod stays NotReady and its Service has no endpoint.',
    symptom: null, category: 'probe', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2026-08-24T10:03:33Z', 34);
      const nodes = ['kind-control-plane', 'kind-worker', 'kind-worker2'].map((n, i) => node(s, n, { cpu: '8', memory: '16297236Ki', kubelet: 'v1.34.0', runtime: 'containerd://2.1.3', labels: i === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}, taints: i === 0 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] : undefined }));
      background(s, nodes, { namespaces: ['nocturne'], proxyNodes: nodes.map((n) => n.metadata.name), dnsNodes: ['kind-worker', 'kind-worker2'] });
      const apiSpec = podSpec(s, [container('api', 'ghcr.io/nightscout/nocturne-api:0.9.2', { ports: [{ containerPort: 8080, name: 'http' }], livenessProbe: { httpGet: { path: '/alive', port: 'http', scheme: 'HTTP' } }, readinessProbe: { httpGet: { path: '/health', port: 'http', scheme: 'HTTP' } } })]);
      const api = deployment(s, 'nocturne', 'nocturne-api', { labels: { 'app.kubernetes.io/component': 'api', 'app.kubernetes.io/instance': 'nocturne' }, spec: apiSpec, age: 3000, pods: [{ node: 'kind-worker', age: 2990 }, { node: 'kind-worker2', age: 2990 }] });
      const demoSpec = podSpec(s, [container('demo', 'ghcr.io/nightscout/nocturne-demo:0.9.2', { ports: [{ containerPort: 8080, name: 'http' }], livenessProbe: { httpGet: { path: '/alive', port: 'http', scheme: 'HTTP' } }, readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 10 } })]);
      const demo = deployment(s, 'nocturne', 'nocturne-demo', { labels: { 'app.kubernetes.io/component': 'demo', 'app.kubernetes.io/instance': 'nocturne' }, spec: demoSpec, age: 3000, replicas: 1, unavailableSince: 2980, pods: [{ node: 'kind-worker2', age: 2985, containers: { demo: { ready: false } } }] });
      for (const [n, d] of [['nocturne-api', api], ['nocturne-demo', demo]]) { const svc = service(s, 'nocturne', n, { selector: d.dep.spec.selector.matchLabels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }); endpoints(s, svc, d.pods); }
      const p = demo.pods[0];
      event(s, p, { reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404', first: 2970, last: 3, count: 298, fieldPath: 'spec.containers{demo}', host: 'kind-worker2' });
      this.symptom = ref('Pod', 'nocturne', p.metadata.name);
      this.rootCause = [ref('Deployment', 'nocturne', 'nocturne-demo')];
      return s;
    },
  },
  {
    dir: '014-scheduling-single-node-control-plane-taint',
    source: 'https://github.com/kubernetes/kubernetes/issues/116133',
    summary: 'A fresh single-node kubeadm cluster: the only node keeps the node-role.kubernetes.io/control-plane:NoSchedule taint, and the apache Deployment does not tolerate it, so its pod stays Pending.',
    symptom: null, category: 'scheduling', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2023-02-28T14:07:22Z', 26);
      const n = node(s, 'debian-k8s', { cpu: '4', memory: '8148204Ki', kubelet: 'v1.26.1', runtime: 'containerd://1.6.18', labels: { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }, taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }], ageDays: 1 });
      background(s, [n], { dnsNodes: ['debian-k8s', 'debian-k8s'] });
      const cp = (name, image) => pod(s, { namespace: 'kube-system', name: `${name}-debian-k8s`, labels: { component: name, tier: 'control-plane' }, annotations: { 'kubernetes.io/config.source': 'file' }, spec: podSpec(s, [container(name, image, { command: [name] })], { hostNetwork: true, priorityClassName: 'system-node-critical', priority: 2000001000 }), node: 'debian-k8s', age: 86000 });
      cp('etcd', 'registry.k8s.io/etcd:3.5.6-0');
      cp('kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.26.1');
      cp('kube-controller-manager', 'registry.k8s.io/kube-controller-manager:v1.26.1');
      cp('kube-scheduler', 'registry.k8s.io/kube-scheduler:v1.26.1');
      const spec = podSpec(s, [container('httpd', 'httpd:2.4', { ports: [80] })]);
      const msg = '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..';
      const d = deployment(s, 'default', 'apache', { spec, age: 385, replicas: 1, unavailableSince: 385, pods: [{ name: 'apache-7f6fddb7df-q229r', age: 383, phase: 'Pending', unschedulableMessage: msg }] });
      const p = d.pods[0];
      event(s, p, { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: msg, first: 383, last: 61, count: 2 });
      event(s, d.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled up replica set ${d.rs.metadata.name} to 1`, first: 385 });
      this.symptom = ref('Pod', 'default', p.metadata.name);
      this.rootCause = [ref('Node', undefined, 'debian-k8s'), ref('Deployment', 'default', 'apache')];
      return s;
    },
  },
  {
    dir: '015-scheduling-statefulset-volume-in-other-zone',
    source: 'https://github.com/kubernetes-sigs/cluster-api-provider-aws/issues/1331',
    summary: 'All workers run in us-east-2b, but the default StorageClass binds immediately, so the EBS volume for web-1 was provisioned in us-east-2a; web-1 can never be scheduled (volume node affinity conflict).',
    symptom: null, category: 'scheduling', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2019-11-06T12:41:09Z', 16);
      const cps = ['ip-10-0-0-161.us-east-2.compute.internal', 'ip-10-0-1-22.us-east-2.compute.internal'].map((n, i) => node(s, n, { instanceType: 't3.large', zone: ['us-east-2a', 'us-east-2b'][i], kubelet: 'v1.16.2', runtime: 'containerd://1.3.0', labels: { 'node-role.kubernetes.io/master': '' }, taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] }));
      const workers = ['ip-10-0-1-84.us-east-2.compute.internal', 'ip-10-0-1-143.us-east-2.compute.internal', 'ip-10-0-1-207.us-east-2.compute.internal'].map((n) => node(s, n, { instanceType: 't3.large', zone: 'us-east-2b', kubelet: 'v1.16.2', runtime: 'containerd://1.3.0' }));
      background(s, [...cps, ...workers], { dnsNodes: [workers[0].metadata.name, workers[1].metadata.name] });
      storageClass(s, 'default', { provisioner: 'kubernetes.io/aws-ebs', isDefault: true, parameters: { type: 'gp2' } });
      const spec = podSpec(s, [container('nginx', 'k8s.gcr.io/nginx-slim:0.8', { ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ mountPath: '/usr/share/nginx/html', name: 'www' }] })]);
      const vct = [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { creationTimestamp: null, name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }];
      const msg = '0/5 nodes are available: 2 node(s) had taints that the pod didn\'t tolerate, 3 node(s) had volume node affinity conflict.';
      const sts = statefulSet(s, 'default', 'web', { labels: { app: 'nginx' }, spec, age: 1900, replicas: 3, volumeClaimTemplates: vct, serviceName: 'nginx', pods: [{ node: workers[0].metadata.name, age: 1890 }, { age: 1840, phase: 'Pending', unschedulableMessage: msg }] });
      for (const [i, p] of sts.pods.entries()) {
        p.spec.volumes.unshift({ name: 'www', persistentVolumeClaim: { claimName: `www-web-${i}` } });
        const zone = i === 0 ? 'us-east-2b' : 'us-east-2a';
        const volName = `pvc-${s.uid('pv', String(i))}`;
        const c = pvc(s, 'default', `www-web-${i}`, { storageClassName: 'default', bound: true, size: '1Gi', volumeName: volName, age: 1890 - i * 50, labels: { app: 'nginx' }, annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.beta.kubernetes.io/storage-provisioner': 'kubernetes.io/aws-ebs' } });
        pv(s, volName, { claim: c, storageClassName: 'default', size: '1Gi', age: 1888 - i * 50, labels: { 'failure-domain.beta.kubernetes.io/region': 'us-east-2', 'failure-domain.beta.kubernetes.io/zone': zone }, annotations: { 'kubernetes.io/createdby': 'aws-ebs-dynamic-provisioner', 'pv.kubernetes.io/bound-by-controller': 'yes', 'pv.kubernetes.io/provisioned-by': 'kubernetes.io/aws-ebs' }, source: { awsElasticBlockStore: { fsType: 'ext4', volumeID: `aws://${zone}/vol-0${s.hash('vol', String(i)).slice(0, 16)}` } }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'failure-domain.beta.kubernetes.io/zone', operator: 'In', values: [zone] }, { key: 'failure-domain.beta.kubernetes.io/region', operator: 'In', values: ['us-east-2'] }] }] } } });
      }
      const svc = service(s, 'default', 'nginx', { selector: { app: 'nginx' }, clusterIP: 'None', ports: [{ name: 'web', port: 80 }] });
      endpoints(s, svc, sts.pods);
      event(s, sts.sts, { reason: 'SuccessfulCreate', component: 'statefulset-controller', message: 'create Claim www-web-1 Pod web-1 in StatefulSet web success', first: 1842 });
      event(s, sts.sts, { reason: 'SuccessfulCreate', component: 'statefulset-controller', message: 'create Pod web-1 in StatefulSet web successful', first: 1841 });
      event(s, sts.pods[1], { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: msg, first: 1830, last: 14, count: 33 });
      this.symptom = ref('Pod', 'default', 'web-1');
      this.rootCause = [ref('StorageClass', undefined, 'default'), ref('PersistentVolumeClaim', 'default', 'www-web-1'), ref('PersistentVolume', undefined, `pvc-${s.uid('pv', '1')}`), ref('StatefulSet', 'default', 'web')];
      return s;
    },
  },
  {
    dir: '016-scheduling-pinned-node-out-of-cpu-requests',
    source: 'https://github.com/kiwix/operations/issues/245',
    summary: 'zimfarm-api is pinned to the single "services" node, whose CPU is fully requested; on restart the rolling update\'s surge pod needs 1 more CPU that only that node could give, so it stays Pending.',
    symptom: null, category: 'scheduling', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2024-09-05T08:36:50Z', 29);
      const roles = ['services', 'storage', 'bastion', 'stats', 'mirrors'];
      const nodes = roles.map((r, i) => node(s, `k8s-${r}-${['a1', 'b2', 'c3', 'd4', 'e5'][i]}`, { cpu: '4', memory: '16386492Ki', kubelet: 'v1.29.6', runtime: 'containerd://1.7.18', labels: { 'k8s.kiwix.org/role': r } }));
      background(s, nodes, { namespaces: ['zimfarm', 'cms'], dnsNodes: [nodes[1].metadata.name, nodes[2].metadata.name] });
      const svcNode = nodes[0].metadata.name;
      const pinned = { 'k8s.kiwix.org/role': 'services' };
      const heavy = (name, cpu) => deployment(s, 'cms', name, { spec: podSpec(s, [container(name, `ghcr.io/kiwix/${name}:latest`, { ports: [8080], resources: { requests: { cpu, memory: '1Gi' } } })], { nodeSelector: pinned }), age: 86400 * 100, pods: [{ node: svcNode, age: 86400 * 20 }] });
      heavy('cms-backend', '1');
      heavy('library-backend', '1200m');
      const spec = podSpec(s, [container('api', 'ghcr.io/openzim/zimfarm-backend:latest', { ports: [{ containerPort: 8000, name: 'http' }], resources: { requests: { cpu: '1', memory: '1Gi' } } })], { nodeSelector: pinned });
      const msg = '0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn\'t match Pod\'s node affinity/selector. preemption: 0/5 nodes are available: 1 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.';
      const d = deployment(s, 'zimfarm', 'zimfarm-api', { spec, age: 86400 * 300, revision: 14, rsAge: 212, replicas: 1, pods: [{ age: 212, phase: 'Pending', unschedulableMessage: msg }], oldRs: { spec, pods: [{ node: svcNode, age: 86400 * 6 }] }, progress: (rs) => ({ lastTransitionTime: s.t(212), lastUpdateTime: s.t(212), message: `ReplicaSet "${rs}" is progressing.`, reason: 'ReplicaSetUpdated', status: 'True', type: 'Progressing' }) });
      const svc = service(s, 'zimfarm', 'zimfarm-api', { selector: { app: 'zimfarm-api' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
      endpoints(s, svc, [...d.pods, ...d.oldPods]);
      event(s, d.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled up replica set ${d.rs.metadata.name} to 1`, first: 212 });
      event(s, d.pods[0], { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: msg, first: 211, last: 200, count: 1 });
      event(s, d.pods[0], { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: msg, first: 200, last: 9, count: 3 });
      this.symptom = ref('Pod', 'zimfarm', d.pods[0].metadata.name);
      this.rootCause = [ref('Deployment', 'zimfarm', 'zimfarm-api'), ref('Node', undefined, svcNode)];
      return s;
    },
  },
  {
    dir: '017-storage-volumeclaimtemplate-storageclass-not-found',
    source: 'https://github.com/ZP-AlwaysWin/K8S-FastDFS/issues/6',
    summary: 'The FastDFS storage StatefulSet asks for StorageClass "fast" in its volumeClaimTemplate, but no such class exists, so the claim stays Pending (ProvisioningFailed) and the pod cannot be scheduled.',
    symptom: null, category: 'storage', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2019-07-15T09:41:26Z', 14);
      const nodes = ['k8s-master', 'k8s-node1', 'k8s-node2'].map((n, i) => node(s, n, { cpu: '4', memory: '8009180Ki', kubelet: 'v1.14.1', runtime: 'docker://18.9.6', labels: i === 0 ? { 'node-role.kubernetes.io/master': '' } : {}, taints: i === 0 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] : undefined }));
      background(s, nodes, { dnsNodes: ['k8s-master', 'k8s-master'] });
      storageClass(s, 'local-storage', { provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer', age: 86400 * 20 });
      const trackerSpec = podSpec(s, [container('tracker', 'season/fastdfs:1.2', { args: ['tracker'], ports: [{ containerPort: 22122, name: 'tracker' }] })]);
      const tracker = statefulSet(s, 'default', 'fastdfs-group0-tracker', { labels: { app: 'fastdfs-group0-tracker' }, spec: trackerSpec, age: 4400, pods: [{ node: 'k8s-node1', age: 4390 }] });
      const tsvc = service(s, 'default', 'fastdfs-group0-tracker', { selector: { app: 'fastdfs-group0-tracker' }, clusterIP: 'None', ports: [{ name: 'tracker', port: 22122 }] });
      endpoints(s, tsvc, tracker.pods);
      const spec = podSpec(s, [container('storage', 'season/fastdfs:1.2', { args: ['storage'], env: [{ name: 'TRACKER_SERVER', value: 'fastdfs-group0-tracker-0.fastdfs-group0-tracker:22122' }], ports: [{ containerPort: 23000, name: 'storage' }], volumeMounts: [{ mountPath: '/var/fdfs', name: 'storage0-data' }] })]);
      const vct = [{ metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' }, creationTimestamp: null, name: 'storage0-data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }];
      const sts = statefulSet(s, 'default', 'fastdfs-group0-storage0', { labels: { app: 'fastdfs-group0-storage0' }, spec, age: 4300, volumeClaimTemplates: vct, replicas: 1, pods: [{ age: 4290, phase: 'Pending', unschedulableMessage: 'pod has unbound immediate PersistentVolumeClaims (repeated 3 times)' }] });
      const p = sts.pods[0];
      p.spec.volumes.unshift({ name: 'storage0-data', persistentVolumeClaim: { claimName: 'storage0-data-fastdfs-group0-storage0-0' } });
      const c = pvc(s, 'default', 'storage0-data-fastdfs-group0-storage0-0', { age: 4290, size: '20Gi', labels: { app: 'fastdfs-group0-storage0' }, annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' } });
      event(s, c, { reason: 'ProvisioningFailed', type: 'Warning', component: 'persistentvolume-controller', message: 'storageclass.storage.k8s.io "fast" not found', first: 4280, last: 11, count: 39 });
      event(s, p, { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: 'pod has unbound immediate PersistentVolumeClaims (repeated 3 times)', first: 4285, last: 30, count: 280 });
      this.symptom = ref('Pod', 'default', p.metadata.name);
      this.rootCause = [ref('StorageClass', undefined, 'fast'), ref('PersistentVolumeClaim', 'default', 'storage0-data-fastdfs-group0-storage0-0'), ref('StatefulSet', 'default', 'fastdfs-group0-storage0')];
      return s;
    },
  },
  {
    dir: '018-storage-ebs-csi-driver-missing-after-upgrade',
    source: 'https://github.com/jonashackt/tekton-argocd-eks/issues/118',
    summary: 'After the EKS upgrade to 1.23 the in-tree gp2 class is served by CSI migration, but the EBS CSI driver add-on is not installed: the claim waits forever for external provisioner "ebs.csi.aws.com" and the build pod cannot bind its volume.',
    symptom: null, category: 'storage', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2022-12-08T09:58:02Z', 23);
      const nodes = ['ip-192-168-20-93.eu-central-1.compute.internal', 'ip-192-168-51-171.eu-central-1.compute.internal'].map((n, i) => node(s, n, { instanceType: 't2.medium', cpu: '2', memory: '4026680Ki', zone: ['eu-central-1a', 'eu-central-1b'][i], kubelet: 'v1.23.13-eks-fb459a0', runtime: 'docker://20.10.17', labels: { 'eks.amazonaws.com/nodegroup': 'tekton-ng', 'eks.amazonaws.com/capacityType': 'ON_DEMAND' } }));
      background(s, nodes, { namespaces: ['tekton-pipelines'] });
      const awsNode = podSpec(s, [container('aws-node', '602401143452.dkr.ecr.eu-central-1.amazonaws.com/amazon-k8s-cni:v1.11.4-eksbuild.1', { ports: [{ containerPort: 61678, name: 'metrics' }], resources: { requests: { cpu: '25m' } }, securityContext: { capabilities: { add: ['NET_ADMIN'] } } })], { hostNetwork: true, serviceAccountName: 'aws-node', priorityClassName: 'system-node-critical', priority: 2000001000, tolerations: [{ operator: 'Exists' }] });
      serviceAccount(s, 'kube-system', 'aws-node');
      daemonSet(s, 'kube-system', 'aws-node', { labels: { 'k8s-app': 'aws-node' }, spec: awsNode, nodes: nodes.map((n) => n.metadata.name) });
      for (const [n, i] of [['tekton-pipelines-controller', 0], ['tekton-pipelines-webhook', 1]]) healthyApp(s, 'tekton-pipelines', n, [nodes[i].metadata.name], { image: `gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/${n.replace('tekton-pipelines-', '')}:v0.42.0`, port: 9090 });
      storageClass(s, 'gp2', { provisioner: 'kubernetes.io/aws-ebs', volumeBindingMode: 'WaitForFirstConsumer', isDefault: true, parameters: { fsType: 'ext4', type: 'gp2' }, age: 86400 * 200 });
      const c = pvc(s, 'default', 'buildpacks-source-pvc', { storageClassName: 'gp2', size: '500Mi', age: 105, annotations: { 'volume.beta.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com', 'volume.kubernetes.io/selected-node': nodes[1].metadata.name, 'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com' } });
      const spec = podSpec(s, [container('step-clone', 'gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/git-init:v0.40.2', { volumeMounts: [{ mountPath: '/workspace/source', name: 'ws-source' }] })], { restartPolicy: 'Never', volumes: [{ name: 'ws-source', persistentVolumeClaim: { claimName: 'buildpacks-source-pvc' } }] });
      const p = pod(s, { namespace: 'default', name: 'buildpacks-test-pipeline-run-fetch-repository-pod', labels: { 'app.kubernetes.io/managed-by': 'tekton-pipelines', 'tekton.dev/pipelineRun': 'buildpacks-test-pipeline-run', 'tekton.dev/task': 'git-clone' }, spec, age: 104, phase: 'Pending', unschedulableMessage: 'running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition' });
      p.status.conditions[0].reason = 'SchedulerError';
      event(s, c, { reason: 'WaitForFirstConsumer', component: 'persistentvolume-controller', message: 'waiting for first consumer to be created before binding', first: 105 });
      event(s, c, { reason: 'ExternalProvisioning', component: 'persistentvolume-controller', message: 'waiting for a volume to be created, either by external provisioner "ebs.csi.aws.com" or manually created by system administrator', first: 101, last: 14, count: 8 });
      event(s, p, { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: 'running PreBind plugin "VolumeBinding": binding volumes: timed out waiting for the condition', first: 4, count: 1 });
      this.symptom = ref('PersistentVolumeClaim', 'default', 'buildpacks-source-pvc');
      this.rootCause = [ref('StorageClass', undefined, 'gp2'), ref('PersistentVolumeClaim', 'default', 'buildpacks-source-pvc')];
      return s;
    },
  },
  {
    dir: '019-storage-nfs-mount-helper-missing-on-node',
    source: 'https://github.com/nacos-group/nacos-k8s/issues/30',
    summary: 'The nfs-client-provisioner pod mounts its NFS export directly, but the node lacks the NFS mount helper (mount: wrong fs type, bad option ... exit status 32), so the provisioner never starts and the nacos claims wait for it.',
    symptom: null, category: 'storage', hops: 1,
    build() {
      const s = new Snapshot(this.dir, '2019-04-28T06:15:40Z', 13);
      const nodes = ['k8s-master', 'k8s-node-1', 'k8s-node-2'].map((n, i) => node(s, n, { cpu: '4', memory: '8010120Ki', kubelet: 'v1.13.5', runtime: 'docker://18.6.3', labels: i === 0 ? { 'node-role.kubernetes.io/master': '' } : {}, taints: i === 0 ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master' }] : undefined, ip: `172.17.79.${i + 1}` }));
      background(s, nodes, { dnsNodes: ['k8s-master', 'k8s-master'] });
      serviceAccount(s, 'default', 'nfs-client-provisioner');
      storageClass(s, 'managed-nfs-storage', { provisioner: 'fuseim.pri/ifs', parameters: { archiveOnDelete: 'false' }, age: 900 });
      const spec = podSpec(s, [container('nfs-client-provisioner', 'quay.io/external_storage/nfs-client-provisioner:latest', { env: [{ name: 'PROVISIONER_NAME', value: 'fuseim.pri/ifs' }, { name: 'NFS_SERVER', value: '172.17.79.3' }, { name: 'NFS_PATH', value: '/data/nfs-share' }], volumeMounts: [{ mountPath: '/persistentvolumes', name: 'nfs-client-root' }] })], { serviceAccountName: 'nfs-client-provisioner', volumes: [{ name: 'nfs-client-root', nfs: { path: '/data/nfs-share', server: '172.17.79.3' } }] });
      const d = deployment(s, 'default', 'nfs-client-provisioner', { labels: { app: 'nfs-client-provisioner' }, spec, age: 900, replicas: 1, strategy: { type: 'Recreate' }, unavailableSince: 890, pods: [{ node: 'k8s-node-1', age: 895, phase: 'Pending', podIP: null, containers: { 'nfs-client-provisioner': { state: st.waiting('ContainerCreating'), ready: false } } }] });
      const p = d.pods[0];
      const dir = `/var/lib/kubelet/pods/${p.metadata.uid}/volumes/kubernetes.io~nfs/nfs-client-root`;
      const mountMsg = `MountVolume.SetUp failed for volume "nfs-client-root" : mount failed: exit status 32\nMounting command: systemd-run\nMounting arguments: --description=Kubernetes transient mount for ${dir} --scope -- mount -t nfs 172.17.79.3:/data/nfs-share ${dir}\nOutput: Running scope as unit run-10287.scope.\nmount: wrong fs type, bad option, bad superblock on 172.17.79.3:/data/nfs-share,\n       missing codepage or helper program, or other error\n       (for several filesystems (e.g. nfs, cifs) you might\n       need a /sbin/mount.<type> helper program)\n\n       In some cases useful info is found in syslog - try\n       dmesg | tail or so.\n`;
      event(s, p, { reason: 'Scheduled', component: 'default-scheduler', message: `Successfully assigned default/${p.metadata.name} to k8s-node-1`, first: 895 });
      event(s, p, { reason: 'FailedMount', type: 'Warning', message: mountMsg, first: 890, last: 22, count: 14, host: 'k8s-node-1' });
      event(s, p, { reason: 'FailedMount', type: 'Warning', message: `Unable to mount volumes for pod "${p.metadata.name}_default(${p.metadata.uid})": timeout expired waiting for volumes to attach or mount for pod "default"/"${p.metadata.name}". list of unmounted volumes=[nfs-client-root]. list of unattached volumes=[nfs-client-root nfs-client-provisioner-token-${s.suffix(5, 'tok', 'nfs-client-provisioner')}]`, first: 770, last: 80, count: 6, host: 'k8s-node-1' });
      const nacosSpec = podSpec(s, [container('nacos', 'nacos/nacos-server:latest', { ports: [{ containerPort: 8848, name: 'client-port' }], volumeMounts: [{ mountPath: '/home/nacos/data', name: 'datadir' }] })]);
      const vct = [{ metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'managed-nfs-storage' }, creationTimestamp: null, name: 'datadir' }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }];
      const nacos = statefulSet(s, 'default', 'nacos', { labels: { app: 'nacos' }, spec: nacosSpec, age: 600, volumeClaimTemplates: vct, replicas: 3, pods: [{ age: 595, phase: 'Pending', unschedulableMessage: 'pod has unbound immediate PersistentVolumeClaims (repeated 2 times)' }] });
      nacos.pods[0].spec.volumes.unshift({ name: 'datadir', persistentVolumeClaim: { claimName: 'datadir-nacos-0' } });
      const c = pvc(s, 'default', 'datadir-nacos-0', { accessModes: ['ReadWriteMany'], size: '5Gi', age: 596, labels: { app: 'nacos' }, annotations: { 'volume.beta.kubernetes.io/storage-class': 'managed-nfs-storage', 'volume.beta.kubernetes.io/storage-provisioner': 'fuseim.pri/ifs' } });
      event(s, c, { reason: 'ExternalProvisioning', component: 'persistentvolume-controller', message: 'waiting for a volume to be created, either by external provisioner "fuseim.pri/ifs" or manually created by system administrator', first: 595, last: 5, count: 40 });
      event(s, nacos.pods[0], { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: 'pod has unbound immediate PersistentVolumeClaims (repeated 2 times)', first: 594, last: 40, count: 20 });
      this.symptom = ref('Pod', 'default', p.metadata.name);
      this.rootCause = [ref('Node', undefined, 'k8s-node-1'), ref('Deployment', 'default', 'nfs-client-provisioner')];
      return s;
    },
  },
  {
    dir: '020-storage-claim-without-class-no-default-class',
    source: 'https://github.com/kubevious/helm/issues/6',
    summary: 'The kubevious-mysql volumeClaimTemplate sets no storageClassName and the cluster has no default StorageClass (only "slow"), so the claim never binds ("no persistent volumes available for this claim and no storage class is set") and mysql stays Pending.',
    symptom: null, category: 'storage', hops: 2,
    build() {
      const s = new Snapshot(this.dir, '2020-06-08T09:14:57Z', 18);
      const nodes = ['node-01', 'node-02', 'node-03'].map((n) => node(s, n, { cpu: '4', memory: '8167920Ki', kubelet: 'v1.18.3', runtime: 'docker://19.3.11' }));
      background(s, nodes, { namespaces: ['kubevious'] });
      storageClass(s, 'slow', { provisioner: 'kubernetes.io/glusterfs', parameters: { resturl: 'http://heketi.storage.svc:8080' }, age: 86400 * 90 });
      const mysqlSpec = podSpec(s, [container('mysql', 'mysql:8.0.20', { env: [{ name: 'MYSQL_ROOT_PASSWORD', valueFrom: { secretKeyRef: { key: 'MYSQL_ROOT_PASSWORD', name: 'kubevious-mysql-secret-root' } } }], ports: [{ containerPort: 3306, name: 'mysql' }], volumeMounts: [{ mountPath: '/var/lib/mysql', name: 'data' }] })]);
      const vct = [{ metadata: { creationTimestamp: null, name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }];
      const sts = statefulSet(s, 'kubevious', 'kubevious-mysql', { labels: { 'k8s-app': 'kubevious-mysql' }, spec: mysqlSpec, age: 86400 * 3 - 600, volumeClaimTemplates: vct, replicas: 1, pods: [{ age: 86400 * 3 - 610, phase: 'Pending', unschedulableMessage: '0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims.' }] });
      const p = sts.pods[0];
      p.spec.volumes.unshift({ name: 'data', persistentVolumeClaim: { claimName: 'data-kubevious-mysql-0' } });
      const c = pvc(s, 'kubevious', 'data-kubevious-mysql-0', { age: 86400 * 3 - 610, labels: { 'k8s-app': 'kubevious-mysql' } });
      event(s, c, { reason: 'FailedBinding', component: 'persistentvolume-controller', message: 'no persistent volumes available for this claim and no storage class is set', first: 86400 * 3 - 600, last: 7, count: 16624 });
      event(s, p, { reason: 'FailedScheduling', type: 'Warning', component: 'default-scheduler', message: '0/3 nodes are available: 3 pod has unbound immediate PersistentVolumeClaims.', first: 86400 * 3 - 600, last: 95, count: 3000 });
      const uiSpec = podSpec(s, [container('kubevious', 'kubevious/kubevious:0.5.9', { env: [{ name: 'MYSQL_HOST', value: 'kubevious-mysql-0.kubevious-mysql-svc' }], ports: [{ containerPort: 4000, name: 'http' }] })]);
      const ui = deployment(s, 'kubevious', 'kubevious', { spec: uiSpec, age: 86400 * 3 - 600, pods: [{ node: 'node-02', age: 86400 * 3 - 605, containers: { kubevious: { ready: false, restarts: 412, state: st.waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=kubevious pod=kubevious'), lastState: st.terminated('Error', 1, s.t(420), s.t(300)) } } }] });
      ui.pods[0].status.containerStatuses[0].state.waiting.message = `back-off 5m0s restarting failed container=kubevious pod=${ui.pods[0].metadata.name}_kubevious(${ui.pods[0].metadata.uid})`;
      event(s, ui.pods[0], { reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container', first: 86400 * 3 - 500, last: 40, count: 9000, fieldPath: 'spec.containers{kubevious}', host: 'node-02' });
      const svc = service(s, 'kubevious', 'kubevious-mysql-svc', { selector: { 'k8s-app': 'kubevious-mysql' }, clusterIP: 'None', ports: [{ name: 'mysql', port: 3306 }] });
      endpoints(s, svc, sts.pods);
      this.symptom = ref('Pod', 'kubevious', 'kubevious-mysql-0');
      this.rootCause = [ref('PersistentVolumeClaim', 'kubevious', 'data-kubevious-mysql-0'), ref('StatefulSet', 'kubevious', 'kubevious-mysql'), ref('StorageClass', undefined, 'slow')];
      return s;
    },
  },
];
