/**
 * Builders for the incident corpus: each case in cases.mjs describes one real public incident
 * (its `source`), and these helpers turn it into the `kubectl get ... -A -o json` List a user
 * would have captured, with the unrelated healthy objects and old events a real cluster has.
 * Event and status messages are always passed in by the case, copied from the report; the
 * builders only fill in structure (uids, timestamps, owner references, standard conditions).
 */
import { createHash } from 'node:crypto';

export class Snapshot {
  /** @param {string} id @param {string} now ISO instant of the capture @param {number} minor Kubernetes 1.x minor version */
  constructor(id, now, minor) {
    this.id = id;
    this.nowMs = Date.parse(now);
    this.minor = minor;
    this.items = [];
    this.rv = 1000 + (parseInt(this.hash('rv').slice(0, 6), 16) % 900000);
  }

  hash(...parts) {
    return createHash('sha1').update([this.id, ...parts].join('/')).digest('hex');
  }

  uid(...parts) {
    const h = this.hash('uid', ...parts);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A pod-template-hash / generated-name style suffix. */
  suffix(len, ...parts) {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    const h = this.hash('sfx', ...parts);
    let out = '';
    for (let i = 0; i < len; i++) out += alphabet[parseInt(h.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
    return out;
  }

  t(agoSeconds) {
    return new Date(this.nowMs - agoSeconds * 1000).toISOString().replace('.000Z', 'Z');
  }

  nextRv() {
    this.rv += 7;
    return String(this.rv);
  }

  add(...objs) {
    for (const o of objs.flat()) this.items.push(o);
    return objs.length === 1 ? objs[0] : objs;
  }

  meta(kind, namespace, name, ageSeconds, extra = {}) {
    const m = { creationTimestamp: this.t(ageSeconds), name, resourceVersion: this.nextRv(), uid: this.uid(kind, namespace ?? '', name) };
    if (namespace) m.namespace = namespace;
    return { ...m, ...extra };
  }

  api(kind) {
    const m = this.minor;
    switch (kind) {
      case 'Deployment': case 'ReplicaSet': case 'DaemonSet': case 'StatefulSet':
        return m >= 16 ? 'apps/v1' : 'extensions/v1beta1';
      case 'Ingress': return m >= 19 ? 'networking.k8s.io/v1' : 'extensions/v1beta1';
      case 'CronJob': return m >= 21 ? 'batch/v1' : 'batch/v1beta1';
      case 'HorizontalPodAutoscaler': return m >= 23 ? 'autoscaling/v2' : 'autoscaling/v2beta2';
      case 'PodDisruptionBudget': return m >= 21 ? 'policy/v1' : 'policy/v1beta1';
      case 'Job': return 'batch/v1';
      case 'StorageClass': return 'storage.k8s.io/v1';
      case 'NetworkPolicy': return 'networking.k8s.io/v1';
      default: return 'v1';
    }
  }

  ownerRef(owner) {
    return { apiVersion: owner.apiVersion, blockOwnerDeletion: true, controller: true, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid };
  }

  list() {
    return { apiVersion: 'v1', items: this.items, kind: 'List', metadata: { resourceVersion: '' } };
  }
}

// ---------- nodes ----------

const NODE_CONDITION_DEFAULTS = {
  MemoryPressure: ['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  DiskPressure: ['False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  PIDPressure: ['False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  Ready: ['True', 'KubeletReady', 'kubelet is posting ready status'],
};

/**
 * @param {Snapshot} s
 * @param {string} name
 * @param {{ ageDays?: number, cpu?: string, memory?: string, pods?: string, extraCapacity?: Record<string,string>, extraAllocatable?: Record<string,string>,
 *   labels?: Record<string,string>, taints?: object[], unschedulable?: boolean, conditions?: Record<string, {status:string, reason:string, message:string, since?:number, heartbeat?:number}>,
 *   kubelet?: string, runtime?: string, ip?: string, zone?: string, region?: string, instanceType?: string, podCIDR?: string|null, arch?: string, heartbeat?: number, annotations?: Record<string,string> }} o
 */
export function node(s, name, o = {}) {
  const age = (o.ageDays ?? 40) * 86400;
  const hb = o.heartbeat ?? 12;
  const conditions = [];
  const all = { ...NODE_CONDITION_DEFAULTS };
  for (const [type, [status, reason, message]] of Object.entries(all)) {
    const over = o.conditions?.[type];
    const since = over?.since ?? age - 60;
    conditions.push({
      lastHeartbeatTime: s.t(over?.heartbeat ?? hb), lastTransitionTime: s.t(since),
      message: over?.message ?? message, reason: over?.reason ?? reason, status: over?.status ?? status, type,
    });
  }
  for (const [type, over] of Object.entries(o.conditions ?? {})) {
    if (type in all) continue;
    conditions.unshift({ lastHeartbeatTime: s.t(over.heartbeat ?? hb), lastTransitionTime: s.t(over.since ?? age - 60), message: over.message, reason: over.reason, status: over.status, type });
  }
  const arch = o.arch ?? 'amd64';
  const labels = {
    'beta.kubernetes.io/arch': arch, 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux',
    ...(o.instanceType ? { 'beta.kubernetes.io/instance-type': o.instanceType, 'node.kubernetes.io/instance-type': o.instanceType } : {}),
    ...(o.zone ? { 'failure-domain.beta.kubernetes.io/region': o.region ?? o.zone.replace(/-?[a-z]$/, ''), 'failure-domain.beta.kubernetes.io/zone': o.zone, 'topology.kubernetes.io/region': o.region ?? o.zone.replace(/-?[a-z]$/, ''), 'topology.kubernetes.io/zone': o.zone } : {}),
    ...o.labels,
  };
  const cpu = o.cpu ?? '4';
  const memory = o.memory ?? '16393932Ki';
  const capacity = { cpu, 'ephemeral-storage': '101430960Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory, pods: o.pods ?? '110', ...o.extraCapacity };
  const allocatable = { cpu: o.allocCpu ?? (cpu.endsWith('m') ? cpu : `${Number(cpu) * 1000 - 100}m`), 'ephemeral-storage': '93478772582', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: o.allocMemory ?? memory.replace(/^(\d+)Ki$/, (_, n) => `${Number(n) - 372736}Ki`), pods: o.pods ?? '110', ...(o.extraAllocatable ?? o.extraCapacity) };
  const ip = o.ip ?? `10.0.${(parseInt(s.hash('ip', name).slice(0, 2), 16) % 200) + 1}.${(parseInt(s.hash('ip', name).slice(2, 4), 16) % 250) + 2}`;
  const spec = {};
  const cidr = o.podCIDR === undefined ? `10.244.${parseInt(s.hash('cidr', name).slice(0, 2), 16) % 250}.0/24` : o.podCIDR;
  if (cidr) { spec.podCIDR = cidr; spec.podCIDRs = [cidr]; }
  if (o.taints) spec.taints = o.taints;
  if (o.unschedulable) spec.unschedulable = true;
  return s.add({
    apiVersion: 'v1', kind: 'Node',
    metadata: s.meta('Node', undefined, name, age, { annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', ...o.annotations }, labels }),
    spec,
    status: {
      addresses: [{ address: ip, type: 'InternalIP' }, { address: name, type: 'Hostname' }],
      allocatable, capacity, conditions,
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: arch, bootID: s.uid('boot', name), containerRuntimeVersion: o.runtime ?? (s.minor >= 24 ? 'containerd://1.6.8' : 'docker://19.3.15'),
        kernelVersion: '5.4.0-1089-aws', kubeProxyVersion: o.kubelet ?? `v1.${s.minor}.6`, kubeletVersion: o.kubelet ?? `v1.${s.minor}.6`,
        machineID: s.hash('machine', name).slice(0, 32), operatingSystem: 'linux', osImage: 'Ubuntu 20.04.5 LTS', systemUUID: s.uid('sys', name),
      },
    },
  });
}

// ---------- containers and pods ----------

/** @returns {object} a container spec with the defaults the API server fills in */
export function container(name, image, o = {}) {
  const c = { name, image, imagePullPolicy: o.pullPolicy ?? (image.endsWith(':latest') || !image.includes(':') ? 'Always' : 'IfNotPresent') };
  if (o.command) c.command = o.command;
  if (o.args) c.args = o.args;
  if (o.env) c.env = o.env;
  if (o.envFrom) c.envFrom = o.envFrom;
  if (o.ports) c.ports = o.ports.map((p) => (typeof p === 'number' ? { containerPort: p, protocol: 'TCP' } : { protocol: 'TCP', ...p }));
  c.resources = o.resources ?? {};
  if (o.livenessProbe) c.livenessProbe = probe(o.livenessProbe);
  if (o.readinessProbe) c.readinessProbe = probe(o.readinessProbe);
  if (o.startupProbe) c.startupProbe = probe(o.startupProbe);
  if (o.securityContext) c.securityContext = o.securityContext;
  c.terminationMessagePath = '/dev/termination-log';
  c.terminationMessagePolicy = o.terminationMessagePolicy ?? 'File';
  if (o.volumeMounts) c.volumeMounts = o.volumeMounts;
  return c;
}

function probe(p) {
  return { failureThreshold: 3, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1, ...p };
}

/** Pod spec with the API defaults; adds the service-account token volume the admission plugin adds. */
export function podSpec(s, containers, o = {}) {
  const sa = o.serviceAccountName ?? 'default';
  const spec = {
    containers: containers.map((c) => ({ ...c })),
    dnsPolicy: 'ClusterFirst', enableServiceLinks: true, priority: o.priority ?? 0, restartPolicy: o.restartPolicy ?? 'Always', schedulerName: o.schedulerName ?? 'default-scheduler',
    securityContext: o.securityContext ?? {}, serviceAccount: sa, serviceAccountName: sa, terminationGracePeriodSeconds: o.terminationGracePeriodSeconds ?? 30,
    tolerations: [
      ...(o.tolerations ?? []),
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
    ],
    volumes: [...(o.volumes ?? [])],
  };
  if (o.initContainers) spec.initContainers = o.initContainers;
  if (o.nodeSelector) spec.nodeSelector = o.nodeSelector;
  if (o.affinity) spec.affinity = o.affinity;
  if (o.imagePullSecrets) spec.imagePullSecrets = o.imagePullSecrets;
  if (o.hostNetwork) spec.hostNetwork = true;
  if (o.priorityClassName) spec.priorityClassName = o.priorityClassName;
  if (o.noToken) return spec;
  return spec;
}

/** Adds the token volume and mounts to a concrete pod's spec (templates do not carry them). */
function withToken(s, spec, podName) {
  const out = structuredClone(spec);
  const vol = s.minor >= 21
    ? { name: `kube-api-access-${s.suffix(5, 'tok', podName)}`, projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } }, { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } }] } }
    : { name: `${spec.serviceAccountName}-token-${s.suffix(5, 'tok', spec.serviceAccountName)}`, secret: { defaultMode: 420, secretName: `${spec.serviceAccountName}-token-${s.suffix(5, 'tok', spec.serviceAccountName)}` } };
  out.volumes = [...(out.volumes ?? []), vol];
  for (const c of [...out.containers, ...(out.initContainers ?? [])]) c.volumeMounts = [...(c.volumeMounts ?? []), { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: vol.name, readOnly: true }];
  return out;
}

function qosOf(spec) {
  const cs = spec.containers;
  const has = cs.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!has) return 'BestEffort';
  const guaranteed = cs.every((c) => c.resources?.limits?.cpu && c.resources?.limits?.memory && (!c.resources.requests || (c.resources.requests.cpu === c.resources.limits.cpu && c.resources.requests.memory === c.resources.limits.memory)));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The digest reference a runtime reports for an image (Docker Hub names get their docker.io/library prefix). */
function imageIdOf(s, image) {
  const repo = image.replace(/:[^/:]+$/, '');
  const first = repo.split('/')[0];
  const full = repo.includes('/') && (first.includes('.') || first.includes(':')) ? repo : `docker.io/${repo.includes('/') ? '' : 'library/'}${repo}`;
  return `${full}@sha256:${s.hash('img', image)}${s.hash('img2', image).slice(0, 24)}`;
}

/** Container state shorthands. */
export const st = {
  running: (startedAgo) => ({ running: { startedAt: startedAgo } }),
  waiting: (reason, message) => ({ waiting: message ? { message, reason } : { reason } }),
  terminated: (reason, exitCode, startedAt, finishedAt, message) => ({ terminated: { containerID: undefined, exitCode, finishedAt, ...(message ? { message } : {}), reason, startedAt } }),
};

/**
 * A concrete pod. `containers` gives each container's status: { state, lastState, ready, restarts, started }.
 * Defaults: every container running and ready since the pod started.
 */
export function pod(s, o) {
  const { namespace, name, owner, labels = {}, node: nodeName, age = 3600 } = o;
  const spec = withToken(s, o.spec, name);
  if (nodeName) spec.nodeName = nodeName;
  const started = s.t(age - 5);
  const phase = o.phase ?? 'Running';
  const statuses = spec.containers.map((c) => {
    const cs = o.containers?.[c.name] ?? {};
    const running = cs.state === undefined;
    const state = cs.state ?? st.running(s.t(cs.startedAgo ?? age - 8));
    const status = {
      containerID: state.waiting && !cs.restarts ? undefined : `containerd://${s.hash('cid', name, c.name, JSON.stringify(state)).slice(0, 64)}`,
      image: c.image, imageID: cs.imageID === null || (state.waiting && !cs.restarts && !cs.pulled) ? '' : (cs.imageID ?? imageIdOf(s, c.image)),
      lastState: cs.lastState ?? {}, name: c.name, ready: cs.ready ?? (running && phase === 'Running'), restartCount: cs.restarts ?? 0, started: cs.started ?? running, state,
    };
    if (state.terminated) state.terminated.containerID = status.containerID;
    if (status.lastState.terminated) status.lastState.terminated.containerID = `containerd://${s.hash('lcid', name, c.name).slice(0, 64)}`;
    for (const v of [state, status.lastState]) if (v.terminated && v.terminated.containerID === undefined) delete v.terminated.containerID;
    if (!status.containerID) delete status.containerID;
    return status;
  });
  const initStatuses = (spec.initContainers ?? []).map((c) => {
    const cs = o.initContainers?.[c.name] ?? {};
    const state = cs.state ?? st.terminated('Completed', 0, s.t(age - 6), s.t(age - 7));
    const status = { containerID: `containerd://${s.hash('icid', name, c.name).slice(0, 64)}`, image: c.image, imageID: imageIdOf(s, c.image), lastState: cs.lastState ?? {}, name: c.name, ready: cs.ready ?? Boolean(state.terminated && state.terminated.exitCode === 0), restartCount: cs.restarts ?? 0, state };
    if (state.terminated) state.terminated.containerID = status.containerID;
    return status;
  });
  const allReady = statuses.every((c) => c.ready) && phase === 'Running';
  const cond = (type, status, extra = {}) => ({ lastProbeTime: null, lastTransitionTime: extra.at ?? started, status, type, ...extra.more });
  let conditions;
  if (o.conditions) conditions = o.conditions;
  else if (!nodeName) conditions = [cond('PodScheduled', 'False', { more: { message: o.unschedulableMessage, reason: 'Unschedulable' }, at: s.t(age - 1) })];
  else {
    const notReady = statuses.filter((c) => !c.ready).map((c) => c.name);
    const initDone = initStatuses.every((c) => c.ready);
    const readyExtra = notReady.length ? { more: { message: `containers with unready status: [${notReady.join(' ')}]`, reason: 'ContainersNotReady' }, at: o.readySince ?? started } : { at: o.readySince ?? s.t(age - 20) };
    conditions = [
      cond('Initialized', initDone ? 'True' : 'False', initDone ? { at: s.t(age - 2) } : { more: { message: `containers with incomplete status: [${initStatuses.filter((c) => !c.ready).map((c) => c.name).join(' ')}]`, reason: 'ContainersNotInitialized' }, at: s.t(age - 2) }),
      cond('Ready', allReady ? 'True' : 'False', readyExtra),
      cond('ContainersReady', allReady ? 'True' : 'False', readyExtra),
      cond('PodScheduled', 'True', { at: s.t(age - 1) }),
    ];
  }
  const status = { conditions, phase, qosClass: qosOf(spec) };
  if (nodeName) {
    const ip = o.hostIP ?? s.items.find((n) => n.kind === 'Node' && n.metadata.name === nodeName)?.status.addresses[0].address ?? '10.0.0.10';
    status.hostIP = ip;
    if (o.podIP !== null) {
      status.podIP = o.podIP ?? (spec.hostNetwork ? ip : `10.244.${parseInt(s.hash('pip', name).slice(0, 2), 16) % 250}.${(parseInt(s.hash('pip', name).slice(2, 4), 16) % 250) + 2}`);
      status.podIPs = [{ ip: status.podIP }];
    }
    status.startTime = started;
    status.containerStatuses = statuses;
    if (initStatuses.length) status.initContainerStatuses = initStatuses;
  }
  if (o.reason) status.reason = o.reason;
  if (o.message) status.message = o.message;
  const meta = s.meta('Pod', namespace, name, age, {
    ...(o.generateName ? { generateName: o.generateName } : {}),
    labels, ...(o.annotations ? { annotations: o.annotations } : {}),
    ...(owner ? { ownerReferences: [s.ownerRef(owner)] } : {}),
  });
  if (o.deletionTimestamp) { meta.deletionTimestamp = o.deletionTimestamp; meta.deletionGracePeriodSeconds = 30; }
  return s.add({ apiVersion: 'v1', kind: 'Pod', metadata: meta, spec, status });
}

// ---------- workloads ----------

function template(labels, spec, annotations) {
  return { metadata: { creationTimestamp: null, labels, ...(annotations ? { annotations } : {}) }, spec };
}

/**
 * Deployment + its ReplicaSet(s) + pods. `pods` lists each pod: { node, ...pod options } (status per container).
 * `oldRs` optional: { spec, pods, replicas } for the previous revision still present.
 */
export function deployment(s, namespace, name, o) {
  const labels = o.labels ?? { app: name };
  const replicas = o.replicas ?? o.pods.length;
  const age = o.age ?? 86400 * 7;
  const revision = o.revision ?? 1;
  const depMeta = s.meta('Deployment', namespace, name, age, { annotations: { 'deployment.kubernetes.io/revision': String(revision), ...o.annotations }, generation: o.generation ?? revision, labels: o.objectLabels ?? labels });
  const dep = { apiVersion: s.api('Deployment'), kind: 'Deployment', metadata: depMeta };
  const strategy = o.strategy ?? { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' };
  dep.spec = { progressDeadlineSeconds: 600, replicas, revisionHistoryLimit: 10, selector: { matchLabels: labels }, strategy, template: template(labels, o.spec, o.templateAnnotations) };
  if (o.paused) dep.spec.paused = true;
  const sets = [];
  const mkRs = (spec, rev, pods, rsReplicas, rsAge) => {
    const hash = s.suffix(10, 'rs', namespace, name, String(rev)).slice(0, 10);
    const rsLabels = { ...labels, 'pod-template-hash': hash };
    const rs = { apiVersion: s.api('ReplicaSet'), kind: 'ReplicaSet', metadata: s.meta('ReplicaSet', namespace, `${name}-${hash}`, rsAge, { annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1), 'deployment.kubernetes.io/revision': String(rev) }, generation: 1, labels: rsLabels, ownerReferences: [s.ownerRef(dep)] }) };
    rs.spec = { replicas: rsReplicas, selector: { matchLabels: rsLabels }, template: template(rsLabels, spec, o.templateAnnotations) };
    const made = pods.map((p, i) => pod(s, { namespace, name: p.name ?? `${name}-${hash}-${s.suffix(5, 'pod', namespace, name, String(rev), String(i))}`, generateName: `${name}-${hash}-`, owner: rs, labels: rsLabels, spec: p.spec ?? spec, age: p.age ?? rsAge - 2, ...p }));
    const ready = made.filter((p) => p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    rs.status = { availableReplicas: ready, fullyLabeledReplicas: made.length, observedGeneration: 1, readyReplicas: ready, replicas: made.length };
    for (const k of ['availableReplicas', 'readyReplicas']) if (!rs.status[k]) delete rs.status[k];
    if (o.rsFailure && rev === revision) rs.status.conditions = [{ lastTransitionTime: s.t(o.rsFailure.since), message: o.rsFailure.message, reason: 'FailedCreate', status: 'True', type: 'ReplicaFailure' }];
    if (!made.length && !rsReplicas) delete rs.status.fullyLabeledReplicas;
    sets.push(rs);
    return { rs, pods: made, ready };
  };
  const cur = mkRs(o.spec, revision, o.pods, o.rsReplicas ?? replicas, o.rsAge ?? age);
  let oldReady = 0; let oldCount = 0; let old;
  if (o.oldRs) { old = mkRs(o.oldRs.spec, revision - 1, o.oldRs.pods, o.oldRs.pods.length, age); oldReady = old.ready; oldCount = old.pods.length; }
  const total = cur.pods.length + oldCount;
  const available = cur.ready + oldReady;
  const conds = o.conditions ?? [
    available >= replicas - Math.floor(replicas / 4)
      ? { lastTransitionTime: s.t(age - 60), lastUpdateTime: s.t(age - 60), message: 'Deployment has minimum availability.', reason: 'MinimumReplicasAvailable', status: 'True', type: 'Available' }
      : { lastTransitionTime: s.t(o.unavailableSince ?? 1800), lastUpdateTime: s.t(o.unavailableSince ?? 1800), message: 'Deployment does not have minimum availability.', reason: 'MinimumReplicasUnavailable', status: 'False', type: 'Available' },
    o.progress ?? { lastTransitionTime: s.t(age - 30), lastUpdateTime: s.t(o.rsAge ?? age - 60), message: `ReplicaSet "${cur.rs.metadata.name}" has successfully progressed.`, reason: 'NewReplicaSetAvailable', status: 'True', type: 'Progressing' },
  ];
  if (typeof o.progress === 'function') conds[1] = o.progress(cur.rs.metadata.name);
  dep.status = { availableReplicas: available, conditions: conds, observedGeneration: dep.metadata.generation, readyReplicas: available, replicas: total, updatedReplicas: cur.pods.length };
  if (available < replicas) dep.status.unavailableReplicas = replicas - available;
  for (const k of ['availableReplicas', 'readyReplicas', 'replicas', 'updatedReplicas']) if (!dep.status[k]) delete dep.status[k];
  s.add(dep, ...sets);
  return { dep, rs: cur.rs, pods: cur.pods, oldRs: old?.rs, oldPods: old?.pods ?? [] };
}

export function statefulSet(s, namespace, name, o) {
  const labels = o.labels ?? { app: name };
  const age = o.age ?? 86400 * 7;
  const replicas = o.replicas ?? o.pods.length;
  const sts = { apiVersion: s.api('StatefulSet'), kind: 'StatefulSet', metadata: s.meta('StatefulSet', namespace, name, age, { generation: o.generation ?? 1, labels: o.objectLabels ?? labels, ...(o.annotations ? { annotations: o.annotations } : {}) }) };
  sts.spec = { podManagementPolicy: o.podManagementPolicy ?? 'OrderedReady', replicas, revisionHistoryLimit: 10, selector: { matchLabels: labels }, serviceName: o.serviceName ?? name, template: template(labels, o.spec), updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' } };
  if (o.volumeClaimTemplates) sts.spec.volumeClaimTemplates = o.volumeClaimTemplates;
  const currentRevision = o.currentRevision ?? `${name}-${s.suffix(10, 'rev', namespace, name, '1')}`;
  const updateRevision = o.updateRevision ?? currentRevision;
  const pods = o.pods.map((p, i) => pod(s, { namespace, name: `${name}-${i}`, generateName: `${name}-`, owner: sts, labels: { ...labels, 'controller-revision-hash': p.revision ?? currentRevision, 'statefulset.kubernetes.io/pod-name': `${name}-${i}` }, spec: p.spec ?? o.spec, age: p.age ?? age - 10 - i * 30, ...p }));
  const ready = pods.filter((p) => p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  sts.status = { availableReplicas: ready, collisionCount: 0, currentReplicas: pods.filter((p) => p.metadata.labels['controller-revision-hash'] === currentRevision).length, currentRevision, observedGeneration: sts.metadata.generation, readyReplicas: ready, replicas: pods.length, updateRevision, updatedReplicas: pods.filter((p) => p.metadata.labels['controller-revision-hash'] === updateRevision).length };
  if (s.minor < 22) delete sts.status.availableReplicas;
  for (const k of ['readyReplicas', 'availableReplicas', 'currentReplicas', 'updatedReplicas']) if (!sts.status[k]) delete sts.status[k];
  s.add(sts);
  return { sts, pods };
}

export function daemonSet(s, namespace, name, o) {
  const labels = o.labels ?? { app: name };
  const age = o.age ?? 86400 * 30;
  const ds = { apiVersion: s.api('DaemonSet'), kind: 'DaemonSet', metadata: s.meta('DaemonSet', namespace, name, age, { annotations: { 'deprecated.daemonset.template.generation': '1' }, generation: 1, labels: o.objectLabels ?? labels }) };
  ds.spec = { revisionHistoryLimit: 10, selector: { matchLabels: labels }, template: template(labels, o.spec), updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' } };
  const hash = s.suffix(10, 'ds', namespace, name);
  const pods = o.nodes.map((n, i) => {
    const p = typeof n === 'string' ? { node: n } : n;
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.node] }] }] } } };
    const spec = { ...(p.spec ?? o.spec), affinity };
    spec.tolerations = [...(spec.tolerations ?? []).filter((t) => !t.key?.startsWith('node.kubernetes.io/')), { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' }, { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }];
    return pod(s, { namespace, name: `${name}-${s.suffix(5, 'dspod', namespace, name, String(i))}`, generateName: `${name}-`, owner: ds, labels: { ...labels, 'controller-revision-hash': hash, 'pod-template-generation': '1' }, age: p.age ?? age - 30, ...p, spec });
  });
  const ready = pods.filter((p) => p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  const desired = o.desired ?? pods.length;
  ds.status = { currentNumberScheduled: pods.length, desiredNumberScheduled: desired, numberAvailable: ready, numberMisscheduled: 0, numberReady: ready, observedGeneration: 1, updatedNumberScheduled: pods.length };
  if (ready < desired) ds.status.numberUnavailable = desired - ready;
  if (!ready) delete ds.status.numberAvailable;
  s.add(ds);
  return { ds, pods };
}

export function service(s, namespace, name, o) {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: s.meta('Service', namespace, name, o.age ?? 86400 * 7, { labels: o.labels ?? { app: name } }) };
  const clusterIP = o.clusterIP ?? `10.${o.cidr ?? 96}.${parseInt(s.hash('cip', namespace, name).slice(0, 2), 16)}.${(parseInt(s.hash('cip', namespace, name).slice(2, 4), 16) % 250) + 2}`;
  svc.spec = { clusterIP, ...(clusterIP !== 'None' ? { clusterIPs: [clusterIP] } : { clusterIPs: ['None'] }), internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: o.ports.map((p) => ({ protocol: 'TCP', ...p, targetPort: p.targetPort ?? p.port })), sessionAffinity: 'None', type: o.type ?? 'ClusterIP' };
  if (s.minor < 20) { delete svc.spec.clusterIPs; delete svc.spec.ipFamilies; delete svc.spec.ipFamilyPolicy; delete svc.spec.internalTrafficPolicy; }
  if (o.selector) svc.spec.selector = o.selector;
  svc.status = { loadBalancer: {} };
  s.add(svc);
  return svc;
}

/** Endpoints as the endpoints controller writes them for `svc` over `pods` (named target ports resolved per pod). */
export function endpoints(s, svc, pods) {
  const sel = svc.spec.selector ?? {};
  const selected = pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v) && p.status.podIP && !p.metadata.deletionTimestamp && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed');
  const subsets = [];
  const bucket = new Map();
  for (const p of selected) {
    const ready = p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    const ports = [];
    let ok = true;
    for (const sp of svc.spec.ports) {
      let port = sp.targetPort;
      if (typeof port === 'string') {
        const found = p.spec.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === port);
        if (!found) { ok = false; break; }
        port = found.containerPort;
      }
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    if (!ok) continue;
    const key = JSON.stringify(ports);
    if (!bucket.has(key)) bucket.set(key, { ports, addresses: [], notReadyAddresses: [] });
    const addr = { ip: p.status.podIP, nodeName: p.spec.nodeName, targetRef: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid } };
    bucket.get(key)[ready ? 'addresses' : 'notReadyAddresses'].push(addr);
  }
  for (const b of bucket.values()) {
    const sub = { ports: b.ports };
    if (b.addresses.length) sub.addresses = b.addresses;
    if (b.notReadyAddresses.length) sub.notReadyAddresses = b.notReadyAddresses;
    subsets.push(sub);
  }
  const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: s.meta('Endpoints', svc.metadata.namespace, svc.metadata.name, 3600, { labels: svc.metadata.labels }) };
  if (subsets.length) ep.subsets = subsets;
  s.add(ep);
  return ep;
}

export function serviceAccount(s, namespace, name = 'default', age = 86400 * 40) {
  const existing = s.items.find((o) => o.kind === 'ServiceAccount' && o.metadata.namespace === namespace && o.metadata.name === name);
  if (existing) return existing;
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: s.meta('ServiceAccount', namespace, name, age) };
  if (s.minor < 24) sa.secrets = [{ name: `${name}-token-${s.suffix(5, 'tok', name)}` }];
  return s.add(sa);
}

export function configMap(s, namespace, name, data, age = 86400 * 10) {
  return s.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: s.meta('ConfigMap', namespace, name, age), data });
}

export function obj(s, kind, namespace, name, body, age = 86400 * 10, metaExtra = {}) {
  return s.add({ apiVersion: body.apiVersion ?? s.api(kind), kind, metadata: s.meta(kind, namespace, name, age, metaExtra), ...Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'apiVersion')) });
}

export function job(s, namespace, name, o) {
  const age = o.age ?? 3600;
  const labels = { 'controller-uid': s.uid('Job', namespace, name), 'job-name': name, ...(s.minor >= 27 ? { 'batch.kubernetes.io/controller-uid': s.uid('Job', namespace, name), 'batch.kubernetes.io/job-name': name } : {}) };
  const j = { apiVersion: 'batch/v1', kind: 'Job', metadata: s.meta('Job', namespace, name, age, { labels: { ...labels, ...o.labels }, ...(o.owner ? { ownerReferences: [s.ownerRef(o.owner)] } : {}), ...(o.annotations ? { annotations: o.annotations } : {}) }) };
  j.spec = { backoffLimit: o.backoffLimit ?? 6, completionMode: 'NonIndexed', completions: o.completions ?? 1, parallelism: o.parallelism ?? 1, selector: { matchLabels: { 'controller-uid': labels['controller-uid'] } }, suspend: false, template: template(labels, o.spec) };
  if (o.activeDeadlineSeconds) j.spec.activeDeadlineSeconds = o.activeDeadlineSeconds;
  if (s.minor < 21) { delete j.spec.completionMode; delete j.spec.suspend; }
  const pods = (o.pods ?? []).map((p, i) => pod(s, { namespace, name: `${name}-${s.suffix(5, 'jpod', namespace, name, String(i))}`, generateName: `${name}-`, owner: j, labels, spec: o.spec, age: p.age ?? age - 2, ...p }));
  j.status = o.status ?? {};
  s.add(j);
  return { job: j, pods };
}

export function cronJob(s, namespace, name, o) {
  const cj = { apiVersion: s.api('CronJob'), kind: 'CronJob', metadata: s.meta('CronJob', namespace, name, o.age ?? 86400 * 30) };
  cj.spec = { concurrencyPolicy: o.concurrencyPolicy ?? 'Allow', failedJobsHistoryLimit: 1, jobTemplate: { metadata: { creationTimestamp: null }, spec: { backoffLimit: o.backoffLimit ?? 6, template: template({}, o.spec), ...(o.activeDeadlineSeconds ? { activeDeadlineSeconds: o.activeDeadlineSeconds } : {}) } }, schedule: o.schedule, successfulJobsHistoryLimit: 3, suspend: o.suspend ?? false };
  if (o.startingDeadlineSeconds) cj.spec.startingDeadlineSeconds = o.startingDeadlineSeconds;
  cj.status = o.status ?? {};
  s.add(cj);
  return cj;
}

export function pvc(s, namespace, name, o) {
  const c = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: s.meta('PersistentVolumeClaim', namespace, name, o.age ?? 3600, { annotations: o.annotations ?? {}, finalizers: ['kubernetes.io/pvc-protection'], ...(o.labels ? { labels: o.labels } : {}) }) };
  c.spec = { accessModes: o.accessModes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '10Gi' } }, volumeMode: 'Filesystem' };
  if (o.storageClassName !== undefined) c.spec.storageClassName = o.storageClassName;
  if (o.volumeName) c.spec.volumeName = o.volumeName;
  c.status = o.bound ? { accessModes: c.spec.accessModes, capacity: { storage: o.size ?? '10Gi' }, phase: 'Bound' } : { phase: 'Pending' };
  s.add(c);
  return c;
}

export function pv(s, name, o) {
  const v = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: s.meta('PersistentVolume', undefined, name, o.age ?? 3600, { annotations: o.annotations ?? {}, finalizers: ['kubernetes.io/pv-protection'], ...(o.labels ? { labels: o.labels } : {}) }) };
  v.spec = { accessModes: o.accessModes ?? ['ReadWriteOnce'], capacity: { storage: o.size ?? '10Gi' }, persistentVolumeReclaimPolicy: o.reclaim ?? 'Delete', volumeMode: 'Filesystem', ...o.source };
  if (o.storageClassName) v.spec.storageClassName = o.storageClassName;
  if (o.claim) v.spec.claimRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: o.claim.metadata.name, namespace: o.claim.metadata.namespace, resourceVersion: o.claim.metadata.resourceVersion, uid: o.claim.metadata.uid };
  if (o.nodeAffinity) v.spec.nodeAffinity = o.nodeAffinity;
  v.status = { phase: o.phase ?? (o.claim ? 'Bound' : 'Available') };
  s.add(v);
  return v;
}

export function storageClass(s, name, o) {
  return s.add({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: s.meta('StorageClass', undefined, name, o.age ?? 86400 * 60, { ...(o.isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) }), provisioner: o.provisioner, reclaimPolicy: o.reclaimPolicy ?? 'Delete', volumeBindingMode: o.volumeBindingMode ?? 'Immediate', ...(o.parameters ? { parameters: o.parameters } : {}), ...(o.allowVolumeExpansion ? { allowVolumeExpansion: true } : {}) });
}

/**
 * An event about `about` (an object built above). `first`/`last` are seconds ago.
 * Node events live in the default namespace, as the kubelet records them.
 */
export function event(s, about, o) {
  const ns = about.metadata.namespace ?? 'default';
  const inv = { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, resourceVersion: about.metadata.resourceVersion, uid: about.kind === 'Node' ? about.metadata.name : about.metadata.uid };
  if (about.metadata.namespace) inv.namespace = about.metadata.namespace;
  if (o.fieldPath) inv.fieldPath = o.fieldPath;
  const first = o.first ?? o.last ?? 60;
  const last = o.last ?? first;
  const ev = {
    apiVersion: 'v1', count: o.count ?? 1, eventTime: null, firstTimestamp: s.t(first), involvedObject: inv, kind: 'Event', lastTimestamp: s.t(last), message: o.message,
    metadata: { creationTimestamp: s.t(first), name: `${about.metadata.name}.${s.hash('ev', about.metadata.name, o.reason, o.message, String(first)).slice(0, 16)}`, namespace: ns, resourceVersion: s.nextRv(), uid: s.uid('ev', about.metadata.name, o.reason, o.message, String(first)) },
    reason: o.reason, source: { component: o.component ?? 'kubelet', ...(o.host ? { host: o.host } : {}) }, type: o.type ?? 'Normal',
  };
  if (s.minor >= 19) { ev.reportingComponent = o.component === 'kubelet' || !o.component ? 'kubelet' : o.component; ev.reportingInstance = o.host ?? ''; }
  return s.add(ev);
}

// ---------- the unrelated healthy parts of a cluster ----------

/**
 * kube-system (CoreDNS, kube-proxy), the default/kubernetes Service, default ServiceAccounts and
 * one unrelated healthy application, with the routine events such a cluster shows.
 */
export function background(s, nodes, o = {}) {
  const nodeNames = nodes.map((n) => n.metadata.name);
  const ready = nodes.filter((n) => n.status.conditions.find((c) => c.type === 'Ready')?.status === 'True').map((n) => n.metadata.name);
  const namespaces = new Set(['default', 'kube-system', ...(o.namespaces ?? [])]);
  for (const ns of namespaces) serviceAccount(s, ns);
  const dnsImage = s.minor >= 22 ? 'registry.k8s.io/coredns/coredns:v1.8.6' : 'k8s.gcr.io/coredns:1.7.0';
  const dnsSpec = podSpec(s, [container('coredns', dnsImage, { args: ['-conf', '/etc/coredns/Corefile'], ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp' }, { containerPort: 9153, name: 'metrics' }], resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } }, livenessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, failureThreshold: 5 }, readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } }, volumeMounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }] })], { serviceAccountName: 'coredns', priorityClassName: 'system-cluster-critical', priority: 2000000000, volumes: [{ configMap: { defaultMode: 420, items: [{ key: 'Corefile', path: 'Corefile' }], name: 'coredns' }, name: 'config-volume' }], tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] });
  serviceAccount(s, 'kube-system', 'coredns');
  serviceAccount(s, 'kube-system', 'kube-proxy');
  configMap(s, 'kube-system', 'coredns', { Corefile: '.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n' }, 86400 * 40);
  configMap(s, 'kube-system', 'kube-proxy', { 'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n' }, 86400 * 40);
  const dnsNodes = o.dnsNodes ?? [ready[0] ?? nodeNames[0], ready[1] ?? ready[0] ?? nodeNames[0]];
  const dns = deployment(s, 'kube-system', 'coredns', { labels: { 'k8s-app': 'kube-dns' }, spec: dnsSpec, age: 86400 * 40, pods: dnsNodes.map((n) => ({ node: n, age: 86400 * 12 })), strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 }, type: 'RollingUpdate' } });
  const dnsSvc = service(s, 'kube-system', 'kube-dns', { labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' }, selector: { 'k8s-app': 'kube-dns' }, clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, targetPort: 53 }, { name: 'metrics', port: 9153, targetPort: 9153 }], age: 86400 * 40 });
  endpoints(s, dnsSvc, dns.pods);
  const proxyImage = `${s.minor >= 22 ? 'registry.k8s.io' : 'k8s.gcr.io'}/kube-proxy:v1.${s.minor}.6`;
  const proxySpec = podSpec(s, [container('kube-proxy', proxyImage, { command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'], env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }], securityContext: { privileged: true }, volumeMounts: [{ mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' }, { mountPath: '/run/xtables.lock', name: 'xtables-lock' }, { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true }] })], { serviceAccountName: 'kube-proxy', hostNetwork: true, priorityClassName: 'system-node-critical', priority: 2000001000, nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }], volumes: [{ configMap: { defaultMode: 420, name: 'kube-proxy' }, name: 'kube-proxy' }, { hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' }, name: 'xtables-lock' }, { hostPath: { path: '/lib/modules', type: '' }, name: 'lib-modules' }] });
  daemonSet(s, 'kube-system', 'kube-proxy', { labels: { 'k8s-app': 'kube-proxy' }, spec: proxySpec, age: 86400 * 40, nodes: (o.proxyNodes ?? nodeNames).map((n) => (typeof n === 'string' ? { node: n, age: 86400 * 12 } : n)) });
  const k8sSvc = service(s, 'default', 'kubernetes', { labels: { component: 'apiserver', provider: 'kubernetes' }, clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: 6443 }], age: 86400 * 40 });
  s.add({ apiVersion: 'v1', kind: 'Endpoints', metadata: s.meta('Endpoints', 'default', 'kubernetes', 86400 * 40, { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }), subsets: [{ addresses: [{ ip: o.apiserverIP ?? '10.0.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
  void k8sSvc;
  // Routine noise: CoreDNS reported not-ready once while its node restarted, long ago.
  event(s, dns.pods[0], { reason: 'Unhealthy', type: 'Warning', message: `Readiness probe failed: Get "http://${dns.pods[0].status.podIP}:8181/ready": dial tcp ${dns.pods[0].status.podIP}:8181: connect: connection refused`, first: 86400 * 12 - 20, last: 86400 * 12 - 15, count: 2, fieldPath: 'spec.containers{coredns}', host: dns.pods[0].spec.nodeName });
  return { dns };
}

/** A small unrelated healthy app (Deployment + Service + Endpoints) in its own namespace. */
export function healthyApp(s, namespace, name, nodes, o = {}) {
  const spec = podSpec(s, [container(name, o.image ?? 'nginx:1.23.3', { ports: [{ containerPort: o.port ?? 80, name: 'http' }], resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } }, readinessProbe: { httpGet: { path: o.path ?? '/', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5 } })]);
  const d = deployment(s, namespace, name, { spec, age: o.age ?? 86400 * 9, pods: nodes.map((n) => ({ node: n, age: o.podAge ?? 86400 * 3 })) });
  const svc = service(s, namespace, name, { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  endpoints(s, svc, d.pods);
  serviceAccount(s, namespace);
  event(s, d.dep, { reason: 'ScalingReplicaSet', component: 'deployment-controller', message: `Scaled up replica set ${d.rs.metadata.name} to ${nodes.length}`, first: (o.podAge ?? 86400 * 3) + 2 });
  return d;
}
