import type { KubeObject, ResourceType } from './types.js';

/** What defaulting needs from the store: unique cluster IPs and node ports. */
export interface DefaultingContext {
  allocateClusterIP(): string;
  allocateNodePort(): number;
}

type Json = Record<string, unknown>;

/**
 * The API server's defaulting (and the admission plugins that always run, such as
 * DefaultTolerationSeconds and ServiceAccount), for the fields clients and controllers read.
 * Changes `obj` in place; values the client set are kept.
 */
export function applyDefaults(type: ResourceType, obj: KubeObject, ctx: DefaultingContext): void {
  const spec = (obj.spec ?? {}) as Json;
  const key = type.group ? `${type.resource}.${type.group}` : type.resource;
  switch (key) {
    case 'pods':
      obj.spec = spec;
      defaultPodSpec(spec, true);
      obj.status ??= { phase: 'Pending', qosClass: qosClass(spec) };
      (obj.status as Json).phase ??= 'Pending';
      break;
    case 'namespaces':
      obj.spec = spec;
      spec.finalizers ??= ['kubernetes'];
      obj.status ??= { phase: 'Active' };
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
      break;
    case 'services':
      obj.spec = spec;
      defaultService(spec, ctx);
      obj.status ??= { loadBalancer: {} };
      break;
    case 'secrets':
      obj.type ??= 'Opaque';
      break;
    case 'persistentvolumeclaims':
      obj.spec = spec;
      spec.volumeMode ??= 'Filesystem';
      obj.status ??= { phase: 'Pending' };
      break;
    case 'persistentvolumes':
      obj.spec = spec;
      spec.persistentVolumeReclaimPolicy ??= 'Retain';
      spec.volumeMode ??= 'Filesystem';
      obj.status ??= { phase: 'Pending' };
      break;
    case 'deployments.apps':
      obj.spec = spec;
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate' };
      if ((spec.strategy as Json).type === 'RollingUpdate') {
        (spec.strategy as Json).rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...((spec.strategy as Json).rollingUpdate as Json) };
      }
      defaultTemplate(spec);
      break;
    case 'replicasets.apps':
    case 'replicationcontrollers':
      obj.spec = spec;
      spec.replicas ??= 1;
      defaultTemplate(spec);
      break;
    case 'statefulsets.apps':
      obj.spec = spec;
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultTemplate(spec);
      break;
    case 'daemonsets.apps':
      obj.spec = spec;
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      defaultTemplate(spec);
      break;
    case 'jobs.batch':
      obj.spec = spec;
      defaultJobSpec(spec, obj);
      break;
    case 'cronjobs.batch': {
      obj.spec = spec;
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      const jobSpec = (spec.jobTemplate as Json | undefined)?.spec as Json | undefined;
      if (jobSpec) defaultTemplate(jobSpec);
      break;
    }
  }
}

function defaultTemplate(spec: Json): void {
  const template = spec.template as Json | undefined;
  if (template?.spec) defaultPodSpec(template.spec as Json, false);
}

function defaultJobSpec(spec: Json, job: KubeObject): void {
  spec.parallelism ??= 1;
  if (spec.completions === undefined && spec.parallelism !== undefined) spec.completions = 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  // The Job's own uid labels its pods unless the user manages the selector.
  const uid = job.metadata.uid;
  if (uid && !spec.manualSelector && !spec.selector) {
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    const template = (spec.template ??= {}) as Json;
    const meta = (template.metadata ??= {}) as Json;
    meta.labels = {
      ...(meta.labels as Json | undefined),
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': job.metadata.name,
      'controller-uid': uid,
      'job-name': job.metadata.name,
    };
  }
  const template = spec.template as Json | undefined;
  if (template?.spec) {
    const podSpec = template.spec as Json;
    podSpec.restartPolicy ??= 'Never';
    defaultPodSpec(podSpec, false);
  }
}

/** Pod spec defaults; `admitted` adds what admission plugins set on pods (not on templates). */
function defaultPodSpec(spec: Json, admitted: boolean): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  for (const list of ['containers', 'initContainers'] as const) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers as Json[]) {
      const image = typeof c.image === 'string' ? c.image : '';
      c.imagePullPolicy ??= imageHasTagOtherThanLatest(image) ? 'IfNotPresent' : 'Always';
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.resources ??= {};
      const resources = c.resources as Json;
      // Requests default to limits when only limits are given.
      if (resources.limits && !resources.requests) resources.requests = { ...(resources.limits as Json) };
      if (Array.isArray(c.ports)) for (const p of c.ports as Json[]) p.protocol ??= 'TCP';
    }
  }
  if (!admitted) return;
  spec.serviceAccountName ??= 'default';
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  // DefaultTolerationSeconds admission: pods tolerate a NotReady/unreachable node for 5 minutes.
  const tolerations = (Array.isArray(spec.tolerations) ? spec.tolerations : []) as Json[];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key || (t.operator === 'Exists' && t.key === undefined))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}

function imageHasTagOtherThanLatest(image: string): boolean {
  if (image.includes('@')) return true;
  const lastPart = image.split('/').pop() ?? '';
  const colon = lastPart.lastIndexOf(':');
  return colon >= 0 && lastPart.slice(colon + 1) !== 'latest';
}

/** The pod's QoS class, from its containers' requests and limits (as the API server computes it). */
function qosClass(spec: Json): string {
  const containers = [...((spec.containers as Json[]) ?? []), ...((spec.initContainers as Json[]) ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const r = (c.resources ?? {}) as { requests?: Json; limits?: Json };
    const requests = r.requests ?? {};
    const limits = r.limits ?? {};
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const res of ['cpu', 'memory']) {
      if (limits[res] === undefined || (requests[res] !== undefined && String(requests[res]) !== String(limits[res]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultService(spec: Json, ctx: DefaultingContext): void {
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName') {
    spec.clusterIP ??= ctx.allocateClusterIP();
    spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports as Json[]) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
      if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort === undefined) p.nodePort = ctx.allocateNodePort();
    }
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
}
