import type { Pod } from '../../cluster/types.js';
import { InputError } from '../../errors.js';
import { rfc3339 } from '../clock.js';
import { namespaceUsage } from '../controllers/quota.js';
import { podRequests } from '../controllers/resources.js';
import { emitEvent, type SimContext } from '../controllers/runtime.js';
import { resourceTypes } from '../store/resource-types.js';
import type { KubeObject, ResourceType, StoredObject } from '../store/types.js';
import { inScope, type ActiveFault, type FaultRegistry, type FaultScope } from './registry.js';
import type { Fault, FaultOf } from './schema.js';

/** Workload kinds a target may name; their pods are selected through the workload's selector. */
const WORKLOADS: Record<string, ResourceType> = {
  Deployment: resourceTypes.deployments,
  StatefulSet: resourceTypes.statefulsets,
  DaemonSet: resourceTypes.daemonsets,
  ReplicaSet: resourceTypes.replicasets,
  Job: resourceTypes.jobs,
  CronJob: resourceTypes.cronjobs,
};

type Template = { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> & { containers?: Array<Record<string, unknown>> } };

interface Workload {
  type: ResourceType;
  obj: StoredObject;
  /** Path to the pod template inside the object. */
  template: (obj: KubeObject) => Template;
}

function templateOf(kind: string): (obj: KubeObject) => Template {
  if (kind === 'CronJob') return (o) => ((o.spec as { jobTemplate: { spec: { template: Template } } }).jobTemplate.spec.template);
  return (o) => (o.spec as { template: Template }).template;
}

class FaultApplier {
  readonly undo: Array<() => void> = [];

  constructor(readonly ctx: SimContext, readonly id: string, readonly fault: Fault) {}

  fail(message: string): never {
    throw new InputError(`fault ${this.id}: ${message}`);
  }

  get namespace(): string {
    return this.fault.target.namespace ?? 'default';
  }

  workload(required = true): Workload | undefined {
    const { kind, name } = this.fault.target;
    const type = kind ? WORKLOADS[kind] : undefined;
    if (!type || !name) {
      if (required) this.fail(`target must name a workload (kind: ${Object.keys(WORKLOADS).join('|')}, name)`);
      return undefined;
    }
    const obj = this.ctx.store.get(type, this.namespace, name);
    if (!obj) return this.fail(`${kind} ${this.namespace}/${name} not found`);
    return { type, obj, template: templateOf(kind!) };
  }

  /** Pods of the target: through a workload's selector, or by namespace, name and labels. */
  scope(): FaultScope {
    const w = this.workload(false);
    const t = this.fault.target;
    if (!w) return { namespace: t.namespace, name: t.kind === 'Pod' || !t.kind ? t.name : undefined, labels: t.labels };
    const selector = (w.obj.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
    const labels = selector ?? w.template(w.obj as KubeObject).metadata?.labels ?? {};
    return { namespace: this.namespace, labels: { ...labels, ...t.labels } };
  }

  nodeScope(): FaultScope {
    const t = this.fault.target;
    return { name: t.name, labels: t.labels };
  }

  nodes(): StoredObject[] {
    const scope = this.nodeScope();
    const nodes = this.ctx.store.list(resourceTypes.nodes).items.filter((n) => inScope(scope, n));
    if (!nodes.length) this.fail('target matches no node');
    return nodes;
  }

  /** Changes an object and remembers how to put the changed fields back. */
  mutate(type: ResourceType, obj: StoredObject, fn: (o: KubeObject) => void): void {
    const before = structuredClone(obj) as KubeObject;
    this.ctx.store.mutate(type, obj.metadata.namespace, obj.metadata.name!, fn);
    this.undo.push(() => {
      if (!this.ctx.store.get(type, obj.metadata.namespace, obj.metadata.name!)) return;
      this.ctx.store.mutate(type, obj.metadata.namespace, obj.metadata.name!, (o) => {
        o.spec = before.spec;
        for (const field of ['data', 'binaryData', 'stringData'] as const) if (before[field] !== undefined) o[field] = before[field];
        o.metadata.labels = before.metadata.labels;
        o.metadata.annotations = before.metadata.annotations;
      });
    });
  }

  /** Deletes an object and remembers how to recreate it. */
  remove(type: ResourceType, obj: StoredObject): void {
    const copy = structuredClone(obj) as KubeObject;
    this.ctx.store.delete(type, obj.metadata.namespace, obj.metadata.name!);
    this.undo.push(() => {
      if (this.ctx.store.get(type, copy.metadata.namespace, copy.metadata.name!)) return;
      const { name, namespace, labels, annotations } = copy.metadata;
      this.ctx.store.create(type, { ...copy, metadata: { name, namespace, labels, annotations } });
    });
  }

  create(type: ResourceType, obj: KubeObject): void {
    const created = this.ctx.store.create(type, obj);
    this.undo.push(() => {
      if (this.ctx.store.get(type, created.metadata.namespace, created.metadata.name!)) this.ctx.store.delete(type, created.metadata.namespace, created.metadata.name!);
    });
  }

  /** Deletes matching running pods so their controllers recreate them under the fault. */
  restartPods(predicate: (pod: Pod) => boolean, includeJobPods = false): void {
    for (const obj of this.ctx.store.list(resourceTypes.pods).items) {
      const pod = obj as unknown as Pod;
      // Only pods a controller replaces are restarted; Job pods are left alone unless asked,
      // since losing them changes the Job's outcome.
      const owner = pod.metadata.ownerReferences?.find((o) => o.controller)?.kind;
      if (pod.metadata.deletionTimestamp || !owner || (owner === 'Job' && !includeJobPods) || !predicate(pod)) continue;
      this.ctx.store.delete(resourceTypes.pods, pod.metadata.namespace, pod.metadata.name);
    }
  }

  editTemplate(w: Workload, fn: (t: Template) => void): void {
    this.mutate(w.type, w.obj, (o) => fn(w.template(o)));
  }
}

function referencesConfig(pod: Pod, kind: 'configMap' | 'secret', name: string): boolean {
  const spec = pod.spec;
  const inVolumes = (spec?.volumes ?? []).some((v) => (kind === 'configMap' ? v.configMap?.name : v.secret?.secretName) === name);
  const inEnv = (spec?.containers ?? []).some((c) =>
    (c.envFrom ?? []).some((e) => (kind === 'configMap' ? e.configMapRef?.name : e.secretRef?.name) === name) ||
    (c.env ?? []).some((e) => (kind === 'configMap' ? e.valueFrom?.configMapKeyRef?.name : e.valueFrom?.secretKeyRef?.name) === name));
  return inVolumes || inEnv;
}

type Handler<T extends Fault['type']> = (a: FaultApplier, fault: FaultOf<T>) => FaultScope;

const handlers: { [T in Fault['type']]: Handler<T> } = {
  'image-pull': (a) => {
    const scope = a.scope();
    a.restartPods((p) => inScope(scope, p));
    return scope;
  },
  'crash-loop': (a) => a.scope(),
  'oom-kill': (a) => a.scope(),
  'probe-failure': (a) => a.scope(),
  'missing-config': (a, f) => {
    const kind = f.configMap ? 'configMap' : 'secret';
    const name = (f.configMap ?? f.secret)!;
    const type = kind === 'configMap' ? resourceTypes.configmaps : resourceTypes.secrets;
    const obj = a.ctx.store.get(type, a.namespace, name);
    if (!obj) return a.fail(`${kind === 'configMap' ? 'ConfigMap' : 'Secret'} ${a.namespace}/${name} not found`);
    if (f.key) {
      a.mutate(type, obj, (o) => {
        for (const field of ['data', 'binaryData'] as const) {
          const data = o[field] as Record<string, unknown> | undefined;
          if (data) delete data[f.key!];
        }
      });
    } else a.remove(type, obj);
    a.restartPods((p) => p.metadata.namespace === a.namespace && referencesConfig(p, kind, name));
    return { namespace: a.namespace };
  },
  unschedulable: (a, f) => {
    const w = a.workload()!;
    a.editTemplate(w, (t) => {
      if (f.mode === 'node-selector') {
        t.spec = { ...t.spec, nodeSelector: { ...(t.spec?.nodeSelector as object | undefined), ...f.nodeSelector } };
        return;
      }
      const container = t.spec?.containers?.[0];
      if (!container) return;
      const resources = (container.resources ?? {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
      resources.requests = { ...resources.requests, ...f.requests };
      if (resources.limits) for (const [k, v] of Object.entries(f.requests)) if (k in resources.limits) resources.limits[k] = v;
      container.resources = resources;
    });
    return a.scope();
  },
  'node-taint': (a, f) => {
    for (const node of a.nodes()) {
      a.mutate(resourceTypes.nodes, node, (o) => {
        const spec = (o.spec ??= {}) as { taints?: object[] };
        spec.taints = [...(spec.taints ?? []), { ...f.taint, ...(f.taint.effect === 'NoExecute' ? { timeAdded: rfc3339(a.ctx.clock.now()) } : {}) }];
      });
    }
    return a.nodeScope();
  },
  'volume-provisioning': (a, f) => {
    if (f.mode === 'class-missing') {
      const sc = a.ctx.store.get(resourceTypes.storageclasses, undefined, f.storageClass);
      if (sc) a.remove(resourceTypes.storageclasses, sc);
    }
    return { namespace: a.fault.target.namespace };
  },
  'node-down': (a) => {
    a.nodes();
    return a.nodeScope();
  },
  'node-pressure': (a) => {
    a.nodes();
    return a.nodeScope();
  },
  'service-no-endpoints': (a) => {
    const name = a.fault.target.name;
    if (!name) return a.fail('target must name a Service (name)');
    const svc = a.ctx.store.get(resourceTypes.services, a.namespace, name);
    if (!svc) return a.fail(`Service ${a.namespace}/${name} not found`);
    a.mutate(resourceTypes.services, svc, (o) => {
      const spec = o.spec as { selector?: Record<string, string> };
      const [key, value] = Object.entries(spec.selector ?? { app: name })[0];
      // A typo'd selector value, the usual way a Service loses its endpoints.
      spec.selector = { ...spec.selector, [key]: `${value}-v2` };
    });
    return { namespace: a.namespace, name };
  },
  'cni-failure': (a) => {
    const nodes = new Set(a.nodes().map((n) => n.metadata.name));
    a.restartPods((p) => nodes.has(p.spec?.nodeName ?? ''));
    return a.nodeScope();
  },
  'quota-exceeded': (a, f) => {
    const scope = a.scope();
    const pods = a.ctx.store.list(resourceTypes.pods, { namespace: a.namespace }).items as unknown as Pod[];
    // Usage left once the target's pods are gone: their replacements will not fit.
    const used = namespaceUsage(pods.filter((p) => !inScope(scope, p)));
    const hard = f.hard ?? {
      'requests.cpu': `${used['requests.cpu'] ?? 0}m`,
      'requests.memory': String(used['requests.memory'] ?? 0),
      pods: String(used.pods ?? 0),
    };
    a.create(resourceTypes.resourcequotas, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: f.quotaName, namespace: a.namespace }, spec: { hard } });
    a.restartPods((p) => inScope(scope, p));
    return scope;
  },
  'serviceaccount-missing': (a, f) => {
    const w = a.workload()!;
    const current = (w.template(w.obj as KubeObject).spec?.serviceAccountName as string | undefined) ?? 'default';
    const wanted = f.serviceAccount ?? (current === 'default' ? `${w.obj.metadata.name}-sa` : current);
    if (wanted !== current) a.editTemplate(w, (t) => (t.spec = { ...t.spec, serviceAccountName: wanted }));
    const sa = a.ctx.store.get(resourceTypes.serviceaccounts, a.namespace, wanted);
    if (sa) a.remove(resourceTypes.serviceaccounts, sa);
    const scope = a.scope();
    a.restartPods((p) => inScope(scope, p));
    return scope;
  },
  'rollout-stuck': (a, f) => {
    const w = a.workload()!;
    if (w.type !== resourceTypes.deployments) a.fail('rollout-stuck targets a Deployment');
    a.mutate(w.type, w.obj, (o) => {
      const spec = o.spec as { progressDeadlineSeconds?: number; template: Template };
      spec.progressDeadlineSeconds = f.progressDeadlineSeconds;
      const t = spec.template;
      t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels, 'nakhoda.io/revision': a.id } };
      const container = t.spec?.containers?.[0];
      // The new revision ships a readiness check it never passes.
      if (container && !container.readinessProbe) container.readinessProbe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 };
    });
    return { namespace: a.namespace, labels: { 'nakhoda.io/revision': a.id } };
  },
  'job-failure': (a, f) => {
    const w = a.workload()!;
    if (f.mode === 'deadline' && w.type === resourceTypes.jobs) {
      a.mutate(w.type, w.obj, (o) => ((o.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds = f.activeDeadlineSeconds));
    } else if (f.mode === 'deadline') {
      a.mutate(w.type, w.obj, (o) => {
        ((o.spec as { jobTemplate: { spec: { activeDeadlineSeconds?: number } } }).jobTemplate.spec).activeDeadlineSeconds = f.activeDeadlineSeconds;
      });
    }
    return a.scope();
  },
  'hpa-failure': (a, f) => {
    const hpas = a.ctx.store.list(resourceTypes.horizontalpodautoscalers, { namespace: a.fault.target.namespace }).items.filter((h) => !a.fault.target.name || h.metadata.name === a.fault.target.name);
    if (!hpas.length) a.fail('target matches no HorizontalPodAutoscaler');
    const now = rfc3339(a.ctx.clock.now());
    const noMetrics = 'unable to get metrics for resource cpu: no metrics returned from resource metrics API';
    for (const hpa of hpas) {
      const spec = hpa.spec as { maxReplicas?: number };
      const updated = a.ctx.store.mutate(resourceTypes.horizontalpodautoscalers, hpa.metadata.namespace, hpa.metadata.name!, (o) => {
        const status = (o.status ?? {}) as Record<string, unknown>;
        const current = (status.currentReplicas as number | undefined) ?? 1;
        status.conditions =
          f.mode === 'metrics-unavailable'
            ? [
                { type: 'AbleToScale', status: 'True', lastTransitionTime: now, reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale' },
                { type: 'ScalingActive', status: 'False', lastTransitionTime: now, reason: 'FailedGetResourceMetric', message: `the HPA was unable to compute the replica count: failed to get cpu utilization: ${noMetrics}` },
              ]
            : [
                { type: 'AbleToScale', status: 'True', lastTransitionTime: now, reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
                { type: 'ScalingActive', status: 'True', lastTransitionTime: now, reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
                { type: 'ScalingLimited', status: 'True', lastTransitionTime: now, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' },
              ];
        status.currentReplicas = f.mode === 'max-replicas' ? spec.maxReplicas ?? current : current;
        status.desiredReplicas = status.currentReplicas;
        o.status = status;
      });
      if (f.mode === 'metrics-unavailable') {
        emitEvent(a.ctx, updated, 'Warning', 'FailedGetResourceMetric', `failed to get cpu utilization: ${noMetrics}`, 'horizontal-pod-autoscaler');
        emitEvent(a.ctx, updated, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: ${noMetrics}`, 'horizontal-pod-autoscaler');
      }
    }
    return { namespace: a.fault.target.namespace, name: a.fault.target.name };
  },
  'device-plugin-failure': (a, f) => {
    const nodes = new Set(a.nodes().map((n) => n.metadata.name));
    if (f.restartPods) a.restartPods((p) => nodes.has(p.spec?.nodeName ?? '') && (podRequests(p)[f.resource] ?? 0) > 0, true);
    return a.nodeScope();
  },
  'webhook-failure': (a, f) => {
    const namespace = a.fault.target.namespace;
    const [service, serviceNamespace] = f.service.split('.');
    a.create(resourceTypes.validatingwebhookconfigurations, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: f.webhook.split('.')[0] },
      webhooks: [
        {
          name: f.webhook,
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          failurePolicy: 'Fail',
          clientConfig: { service: { name: service, namespace: serviceNamespace ?? 'default', path: '/validate', port: 443 } },
          rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' }],
          ...(namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } } : {}),
        },
      ],
    });
    const scope = { namespace, labels: a.fault.target.labels };
    a.restartPods((p) => inScope(scope, p));
    return scope;
  },
};

/** Applies one fault: changes objects where the fault is a change, and registers its behaviour. */
export function applyFault(ctx: SimContext, registry: FaultRegistry, id: string, fault: Fault): ActiveFault {
  if (registry.get(id)) clearFault(registry, id);
  const applier = new FaultApplier(ctx, id, fault);
  let scope: FaultScope;
  try {
    scope = (handlers[fault.type] as Handler<typeof fault.type>)(applier, fault as never);
  } catch (err) {
    for (const undo of applier.undo.reverse()) undo();
    throw err;
  }
  const active: ActiveFault = { id, fault, scope, undo: applier.undo };
  registry.add(active);
  return active;
}

/** Removes a fault's behaviour and reverts the objects it changed. */
export function clearFault(registry: FaultRegistry, id: string): boolean {
  const active = registry.remove(id);
  if (!active) return false;
  for (const undo of [...active.undo].reverse()) undo();
  return true;
}
