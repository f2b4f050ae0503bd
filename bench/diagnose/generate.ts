/**
 * Synthetic cluster for the diagnose benchmark: NODES nodes and PODS pods in Deployments of
 * REPLICAS pods (with their ReplicaSets, Services and Endpoints), startup events for a share of
 * pods, and about 1% faulty pods across categories with the kubelet's and scheduler's real
 * messages. Written as one `kubectl get -o json`-style List, streamed to disk.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface GenerateOptions { nodes: number; pods: number; replicas: number; faultyShare: number; seed: number }

const NOW = Date.parse('2026-11-28T10:00:00Z');
const iso = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let uidCounter = 0;
const uid = () => `6c0a${(++uidCounter).toString(16).padStart(8, '0')}-1f2e-4d3c-8b7a-${uidCounter.toString(16).padStart(12, '0')}`;

type Fault = 'image' | 'crash' | 'oom' | 'config' | 'scheduling' | 'probe';
const FAULTS: Fault[] = ['image', 'crash', 'oom', 'config', 'scheduling', 'probe'];

export async function generateCluster(path: string, o: GenerateOptions): Promise<{ bytes: number; objects: number }> {
  const random = rng(o.seed);
  const out = createWriteStream(path);
  let bytes = 0;
  let objects = 0;
  let first = true;
  const write = async (obj: unknown) => {
    const text = `${first ? '' : ',\n'}${JSON.stringify(obj)}`;
    first = false;
    bytes += Buffer.byteLength(text);
    objects += 1;
    if (!out.write(text)) await once(out, 'drain');
  };
  out.write('{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[\n');

  const nodeNames = Array.from({ length: o.nodes }, (_, i) => `worker-${String(i).padStart(5, '0')}`);
  const notReady = new Set(nodeNames.filter(() => random() < 0.002));
  for (const name of nodeNames) await write(node(name, notReady.has(name)));

  const namespaces = Array.from({ length: Math.max(1, Math.round(o.pods / 1500)) }, (_, i) => `team-${i}`);
  for (const ns of namespaces) await write({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, uid: uid(), creationTimestamp: iso(864000) }, status: { phase: 'Active' } });

  const deployments = Math.ceil(o.pods / o.replicas);
  let podIndex = 0;
  for (let d = 0; d < deployments && podIndex < o.pods; d++) {
    const ns = namespaces[d % namespaces.length];
    const app = `svc-${d}`;
    const hash = (0x5f000000 + d).toString(16).slice(-8);
    const replicas = Math.min(o.replicas, o.pods - podIndex);
    const fault: Fault | undefined = random() < o.faultyShare * 3 ? FAULTS[Math.floor(random() * FAULTS.length)] : undefined;
    // A faulty Deployment has a third of its pods broken: about faultyShare of all pods overall.
    const brokenPods = fault ? Math.max(1, Math.round(replicas / 3)) : 0;
    const depUid = uid();
    const rsUid = uid();
    const labels = { app, tier: 'backend' };
    const template = podSpec(app, fault);
    const ready = replicas - brokenPods;
    await write({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: ns, uid: depUid, generation: 1, creationTimestamp: iso(86400), labels, annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: template }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, progressDeadlineSeconds: 600, revisionHistoryLimit: 10 },
      status: { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: ready, availableReplicas: ready, ...(brokenPods ? { unavailableReplicas: brokenPods } : {}),
        conditions: [
          { type: 'Available', status: brokenPods ? 'False' : 'True', reason: brokenPods ? 'MinimumReplicasUnavailable' : 'MinimumReplicasAvailable', message: brokenPods ? 'Deployment does not have minimum availability.' : 'Deployment has minimum availability.', lastUpdateTime: iso(3000), lastTransitionTime: iso(3000) },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${app}-${hash}" has successfully progressed.`, lastUpdateTime: iso(3000), lastTransitionTime: iso(86400) },
        ] },
    });
    await write({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${app}-${hash}`, namespace: ns, uid: rsUid, creationTimestamp: iso(86400), labels: { ...labels, 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: depUid, controller: true, blockOwnerDeletion: true }] },
      spec: { replicas, selector: { matchLabels: { ...labels, 'pod-template-hash': hash } }, template: { metadata: { labels: { ...labels, 'pod-template-hash': hash } }, spec: template } },
      status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 },
    });
    const addresses: Array<{ ip: string; nodeName: string; targetRef: unknown }> = [];
    const notReadyAddresses: typeof addresses = [];
    for (let r = 0; r < replicas; r++, podIndex++) {
      const broken = r < brokenPods ? fault : undefined;
      const name = `${app}-${hash}-${(podIndex * 7919).toString(36).padStart(5, 'x').slice(-5)}`;
      const nodeName = broken === 'scheduling' ? undefined : nodeNames[Math.floor(random() * nodeNames.length)];
      const podUid = uid();
      const ip = `10.${(podIndex >> 16) & 255}.${(podIndex >> 8) & 255}.${podIndex & 255}`;
      const pod = {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name, generateName: `${app}-${hash}-`, namespace: ns, uid: podUid, resourceVersion: String(100000 + podIndex), creationTimestamp: iso(7200), labels: { ...labels, 'pod-template-hash': hash },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: rsUid, controller: true, blockOwnerDeletion: true }] },
        spec: { ...template, ...(nodeName ? { nodeName } : {}) },
        status: podStatus(app, broken, ip),
      };
      await write(pod);
      if (nodeName) (broken ? notReadyAddresses : addresses).push({ ip, nodeName, targetRef: { kind: 'Pod', namespace: ns, name, uid: podUid } });
      for (const e of podEvents(pod.metadata, broken, nodeName, random, o.nodes)) await write(e);
    }
    await write({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns, uid: uid(), creationTimestamp: iso(86400), labels }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], type: 'ClusterIP', clusterIP: `172.20.${(d >> 8) & 255}.${d & 255}` } });
    await write({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: app, namespace: ns, uid: uid(), creationTimestamp: iso(86400), labels }, subsets: [{ addresses, ...(notReadyAddresses.length ? { notReadyAddresses } : {}), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] });
    if (fault === 'config') {
      // The ConfigMap the template references is missing on purpose; others exist.
    } else {
      await write({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-settings`, namespace: ns, uid: uid(), creationTimestamp: iso(86400) }, data: { LOG_LEVEL: 'info' } });
    }
  }
  out.write('\n]}\n');
  out.end();
  await once(out, 'finish');
  return { bytes, objects };
}

function node(name: string, notReady: boolean) {
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: iso(notReady ? 900 : 20), lastTransitionTime: iso(notReady ? 800 : 864000) });
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, uid: uid(), creationTimestamp: iso(864000), labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'm6i.4xlarge', 'topology.kubernetes.io/zone': `zone-${name.charCodeAt(name.length - 1) % 3}` } },
    spec: { podCIDR: '10.244.0.0/24', providerID: `aws:///zone/i-${name}`, ...(notReady ? { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAddedToNode: iso(800) }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAddedToNode: iso(790) }] } : {}) },
    status: {
      capacity: { cpu: '16', memory: '65023712Ki', pods: '110', 'ephemeral-storage': '203056560Ki' },
      allocatable: { cpu: '15890m', memory: '63562976Ki', pods: '110', 'ephemeral-storage': '187136245761' },
      conditions: notReady
        ? ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((t) => cond(t, 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'))
        : [cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'), cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'), cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'), cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: name }],
      nodeInfo: { kubeletVersion: 'v1.31.2', containerRuntimeVersion: 'containerd://1.7.22', osImage: 'Ubuntu 22.04.4 LTS', kernelVersion: '5.15.0-122-generic', architecture: 'amd64', operatingSystem: 'linux' },
    },
  };
}

function podSpec(app: string, fault: Fault | undefined) {
  const container = {
    name: app, image: fault === 'image' ? `registry.example.com/team/${app}:v9.9.9-missing` : `registry.example.com/team/${app}:v1.4.2`,
    // Trimmed to what diagnosis reads, so 150,000 pods stay under V8's 512 MiB string limit for (a).
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [{ name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: fault === 'config' ? `${app}-config` : `${app}-settings`, key: 'LOG_LEVEL' } } }],
    resources: { requests: { cpu: fault === 'scheduling' ? '64' : '250m', memory: '256Mi' }, limits: { memory: fault === 'oom' ? '64Mi' : '512Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: fault === 'probe' ? 9090 : 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
  };
  return {
    containers: [container], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default', schedulerName: 'default-scheduler',
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  };
}

function podStatus(app: string, fault: Fault | undefined, ip: string) {
  const cond = (type: string, status: string) => ({ type, status, lastTransitionTime: iso(7000) });
  if (fault === 'scheduling') {
    return { phase: 'Pending', qosClass: 'Burstable', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/5000 nodes are available: 5000 Insufficient cpu. preemption: 0/5000 nodes are available: 5000 No preemption victims found for incoming pod.', lastProbeTime: null, lastTransitionTime: iso(7000) }] };
  }
  const image = `registry.example.com/team/${app}:${fault === 'image' ? 'v9.9.9-missing' : 'v1.4.2'}`;
  const base = { name: app, image, imageID: fault === 'image' || fault === 'config' ? '' : `${image}@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`, containerID: fault === 'image' || fault === 'config' ? undefined : `containerd://${'a'.repeat(64)}`, started: false };
  let cs: Record<string, unknown>;
  switch (fault) {
    case 'image': cs = { ...base, ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } }, lastState: {} }; break;
    case 'config': cs = { ...base, ready: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError', message: `configmap "${app}-config" not found` } }, lastState: {} }; break;
    case 'crash': cs = { ...base, ready: false, restartCount: 23, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${app} pod=${app}` } }, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: iso(400), finishedAt: iso(398), containerID: `containerd://${'b'.repeat(64)}` } } }; break;
    case 'oom': cs = { ...base, ready: false, restartCount: 17, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${app} pod=${app}` } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: iso(400), finishedAt: iso(380), containerID: `containerd://${'c'.repeat(64)}` } } }; break;
    case 'probe': cs = { ...base, ready: false, started: true, restartCount: 0, state: { running: { startedAt: iso(6900) } }, lastState: {} }; break;
    default: cs = { ...base, ready: true, started: true, restartCount: 0, state: { running: { startedAt: iso(6900) } }, lastState: {} };
  }
  const ready = fault === undefined;
  return {
    phase: fault === 'image' || fault === 'config' ? 'Pending' : 'Running', qosClass: 'Burstable', hostIP: '10.0.0.1', podIP: ip, startTime: iso(7000),
    conditions: [cond('PodReadyToStartContainers', 'True'), cond('Initialized', 'True'), cond('Ready', ready ? 'True' : 'False'), cond('ContainersReady', ready ? 'True' : 'False'), cond('PodScheduled', 'True')],
    containerStatuses: [cs],
  };
}

function podEvents(meta: { name: string; namespace: string; uid: string }, fault: Fault | undefined, nodeName: string | undefined, random: () => number, nodes: number) {
  const events: unknown[] = [];
  const ev = (type: string, reason: string, message: string, component: string, count = 1) => {
    events.push({
      apiVersion: 'v1', kind: 'Event', metadata: { name: `${meta.name}.${(0x17f000000 + events.length).toString(16)}`, namespace: meta.namespace, uid: uid(), creationTimestamp: iso(60) },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: meta.name, namespace: meta.namespace, uid: meta.uid, ...(component === 'kubelet' ? { fieldPath: `spec.containers{${meta.name.split('-').slice(0, 2).join('-')}}` } : {}) },
      reason, message, type, count, source: { component, ...(nodeName ? { host: nodeName } : {}) }, firstTimestamp: iso(7000), lastTimestamp: iso(30), reportingComponent: component, reportingInstance: nodeName ?? '',
    });
  };
  const app = meta.name.split('-').slice(0, 2).join('-');
  switch (fault) {
    case 'image': {
      const image = `registry.example.com/team/${app}:v9.9.9-missing`;
      ev('Normal', 'Pulling', `Pulling image "${image}"`, 'kubelet', 25);
      ev('Warning', 'Failed', `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`, 'kubelet', 25);
      ev('Warning', 'Failed', 'Error: ErrImagePull', 'kubelet', 25);
      ev('Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet', 400);
      break;
    }
    case 'config': ev('Warning', 'Failed', `Error: configmap "${app}-config" not found`, 'kubelet', 30); break;
    case 'crash':
    case 'oom': ev('Warning', 'BackOff', `Back-off restarting failed container ${app} in pod ${meta.name}_${meta.namespace}(${meta.uid})`, 'kubelet', 300); break;
    case 'probe': ev('Warning', 'Unhealthy', 'Readiness probe failed: Get "http://10.0.0.1:9090/healthz": dial tcp 10.0.0.1:9090: connect: connection refused', 'kubelet', 700); break;
    case 'scheduling': ev('Warning', 'FailedScheduling', `0/${nodes} nodes are available: ${nodes} Insufficient cpu. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`, 'default-scheduler', 40); break;
    default:
      // Start-up events for a share of healthy pods, as a real cluster keeps for an hour.
      if (random() < 0.1) {
        ev('Normal', 'Scheduled', `Successfully assigned ${meta.namespace}/${meta.name} to ${nodeName}`, 'default-scheduler');
        ev('Normal', 'Pulled', `Container image "registry.example.com/team/${app}:v1.4.2" already present on machine`, 'kubelet');
        ev('Normal', 'Created', `Created container ${app}`, 'kubelet');
        ev('Normal', 'Started', `Started container ${app}`, 'kubelet');
      }
  }
  return events;
}
