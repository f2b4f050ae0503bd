/** HorizontalPodAutoscalers that cannot compute or apply a replica count. */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refKey, refOf } from '../../../cluster/state.js';
import type { Container, Event, HorizontalPodAutoscaler, KubeObject, ObjectRef, PodSpec } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, eventLine, kubectl, label } from '../util.js';
import { conditionOf, conditionText, pushTo, type StatusCondition } from '../network/lookup.js';

/** Reasons the HPA controller records when it cannot read a metric or compute replicas. */
const METRIC_FAILURE_REASONS = [
  'FailedGetResourceMetric', 'FailedGetContainerResourceMetric', 'FailedComputeMetricsReplicas',
  'FailedGetPodsMetric', 'FailedGetObjectMetric', 'FailedGetExternalMetric',
];

/**
 * An HPA condition by type: status.conditions (autoscaling/v2), or the JSON annotation in which
 * autoscaling/v1 objects (what older kubectl returns) carry the same conditions.
 */
export function hpaCondition(hpa: HorizontalPodAutoscaler, type: string): StatusCondition | undefined {
  const own = conditionOf(hpa, type);
  if (own) return own;
  const raw = hpa.metadata.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
  if (!raw) return undefined;
  try {
    return (JSON.parse(raw) as StatusCondition[]).find((c) => c.type === type);
  } catch {
    return undefined; // a malformed annotation carries no evidence
  }
}

export function targetRefOf(hpa: HorizontalPodAutoscaler): ObjectRef | undefined {
  const t = hpa.spec?.scaleTargetRef;
  return t ? { kind: t.kind, namespace: hpa.metadata.namespace, name: t.name } : undefined;
}

/**
 * The controller's current complaint: the ScalingActive=False message if set, else the newest
 * metric-failure event. Older events are history (046: "no metrics returned" came before the
 * real, persistent "missing request for cpu").
 */
function currentMetricFailure(state: ClusterState, hpa: HorizontalPodAutoscaler): { text: string; condition?: StatusCondition; event?: Event } | undefined {
  const active = hpaCondition(hpa, 'ScalingActive');
  // ScalingActive=True means the metrics work now; earlier failure events (pod start-up, a
  // metrics-server restart) are history.
  if (active?.status === 'True') return undefined;
  const events = state.eventsFor(refOf(hpa)).filter((e) => METRIC_FAILURE_REASONS.includes(e.reason ?? ''));
  if (active?.status === 'False' && active.message) return { text: active.message, condition: active, event: events[0] };
  if (events[0]) return { text: events[0].message ?? '', event: events[0] };
  return undefined;
}

function hpaEvidence(hpa: HorizontalPodAutoscaler, failure: { condition?: StatusCondition; event?: Event }): string[] {
  return [
    ...(failure.condition ? [`${label(hpa)}: ${conditionText(failure.condition)}`] : []),
    ...(failure.event ? [eventLine(hpa, failure.event)] : []),
  ];
}

function podTemplate(target: KubeObject | undefined): PodSpec | undefined {
  return (target?.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
}

/** Resources the HPA computes as a percentage of requests (Utilization targets). */
function utilizationResources(hpa: HorizontalPodAutoscaler): Array<{ resource: string; container?: string }> {
  const result: Array<{ resource: string; container?: string }> = [];
  for (const m of hpa.spec?.metrics ?? []) {
    // autoscaling/v2beta1 objects say resource.targetAverageUtilization instead of target.type.
    const beta = m.resource as { targetAverageUtilization?: number } | undefined;
    if (m.type === 'Resource' && m.resource && (m.resource.target?.type === 'Utilization' || beta?.targetAverageUtilization !== undefined)) result.push({ resource: m.resource.name });
    if (m.type === 'ContainerResource' && m.containerResource?.target?.type === 'Utilization') result.push({ resource: m.containerResource.name, container: m.containerResource.container });
  }
  // autoscaling/v1 objects read without conversion carry targetCPUUtilizationPercentage.
  const v1 = hpa.spec as { targetCPUUtilizationPercentage?: number } | undefined;
  if (v1?.targetCPUUtilizationPercentage !== undefined && result.length === 0) result.push({ resource: 'cpu' });
  return result;
}

/** Containers the HPA sums requests over (app containers and restartable init "sidecars") that lack the request. */
function containersMissingRequest(spec: PodSpec | undefined, resource: string, only?: string): Container[] {
  if (!spec || spec.resources?.requests?.[resource] !== undefined) return [];
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...(spec.containers ?? []), ...sidecars].filter((c) => (!only || c.name === only) && c.resources?.requests?.[resource] === undefined);
}

const MISSING_REQUEST = /missing request for (\w+)(?: in container "?([^"\s]+)"? of Pod "?([^"\s]+)"?)?/;

const missingRequest: Scenario = {
  id: 'autoscaling.hpa-missing-resource-request',
  category: 'autoscaling',
  severity: 'warning',
  hops: 2,
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA cannot compute utilization: a container has no resource request',
  description:
    'A Utilization target is a percentage of the pods\' requests, so every container (including sidecars) needs a request ' +
    'for that resource; otherwise the HPA reports FailedGetResourceMetric "failed to get cpu utilization: missing request ' +
    'for cpu in container X of Pod Y", shows <unknown> and never scales. Evidence: the HPA condition/events and the ' +
    'container without the request in the target\'s template. Fix: add resources.requests to that container.',
  detect(state) {
    const detections: Detection[] = [];
    for (const hpa of state.hpas) {
      const targetRef = targetRefOf(hpa);
      const target = state.hpaTarget(hpa);
      const failure = currentMetricFailure(state, hpa);
      const reported = failure ? MISSING_REQUEST.exec(failure.text) : null;
      const missing = utilizationResources(hpa).flatMap(({ resource, container }) =>
        containersMissingRequest(podTemplate(target), resource, container).map((c) => ({ resource, container: c.name })),
      );
      if (missing.length === 0 && !reported) continue;
      // The controller computes utilization fine (e.g. pod-level requests cover the container).
      if (hpaCondition(hpa, 'ScalingActive')?.status === 'True') continue;
      // The workload to edit: the target, or the workload of the pod the controller named.
      const reportedPod = reported?.[3] ? state.get('Pod', hpa.metadata.namespace, reported[3]) : undefined;
      const rootCause = target ? refOf(target) : reportedPod ? state.workloadOf(reportedPod) : targetRef;
      if (!rootCause) continue;
      const hpaRef = refOf(hpa);
      const lines = missing.length
        ? missing.map((m) => `${label(rootCause)}: container ${m.container} has no resources.requests.${m.resource}`)
        : [`${label(rootCause)}: container ${reported?.[2] ?? '?'} has no resources.requests.${reported?.[1]}`];
      detections.push({
        resource: hpaRef,
        rootCause,
        affected: [],
        title: `HPA ${displayName(hpaRef)} cannot scale: ${label(rootCause)} has a container without a ${missing[0]?.resource ?? reported?.[1]} request`,
        explanation:
          `The HPA targets ${missing[0]?.resource ?? reported?.[1]} utilization, which is usage divided by the request summed over all containers; ` +
          `${[...new Set(missing.map((m) => m.container))].join(', ') || reported?.[2] || 'a container'} has no request, so utilization is undefined and the HPA cannot scale.`,
        evidence: [`${label(hpaRef)} → ${label(rootCause)}: scaleTargetRef`, ...(failure ? hpaEvidence(hpa, failure) : []), ...lines],
        remediation: [
          kubectl(rootCause.namespace, `set resources ${rootCause.kind.toLowerCase()}/${rootCause.name} -c ${missing[0]?.container ?? reported?.[2] ?? '<container>'} --requests=${missing[0]?.resource ?? reported?.[1]}=50m`),
        ],
        confidence: reported && missing.length ? 0.95 : 0.85,
      });
    }
    return detections;
  },
};

/** The resource metrics API (metrics-server) is absent or not answering. */
const METRICS_API_DOWN = /unable to fetch metrics from resource metrics API|get pods\.metrics\.k8s\.io|no metrics returned from resource metrics API|Metrics API not available/i;

function metricsServer(state: ClusterState): ObjectRef {
  const deployment = state.deployments.find((d) => d.metadata.name === 'metrics-server' || d.metadata.labels?.['k8s-app'] === 'metrics-server');
  return deployment ? refOf(deployment) : { kind: 'APIService', name: 'v1beta1.metrics.k8s.io' };
}

const metricsApiUnavailable: Scenario = {
  id: 'autoscaling.metrics-api-unavailable',
  category: 'autoscaling',
  severity: 'warning',
  needs: ['HorizontalPodAutoscaler'],
  title: 'Resource metrics API (metrics-server) unavailable',
  description:
    'HPAs report FailedGetResourceMetric "unable to get metrics for resource cpu: unable to fetch metrics from resource ' +
    'metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)" (metrics-server not ' +
    'installed) or "the server is currently unable to handle the request" (installed but not serving). No resource-based ' +
    'HPA can scale. Evidence: the HPAs\' conditions and events. Fix: install or repair metrics-server and its APIService ' +
    'v1beta1.metrics.k8s.io.',
  detect(state) {
    const broken: Array<{ hpa: HorizontalPodAutoscaler; lines: string[] }> = [];
    for (const hpa of state.hpas) {
      const failure = currentMetricFailure(state, hpa);
      if (!failure || !METRICS_API_DOWN.test(failure.text) || MISSING_REQUEST.test(failure.text)) continue;
      broken.push({ hpa, lines: hpaEvidence(hpa, failure) });
    }
    if (broken.length === 0) return [];
    const server = metricsServer(state);
    const refs = broken.map((b) => refOf(b.hpa));
    return [{
      resource: refs[0],
      rootCause: server,
      affected: refs.slice(1),
      title: `Resource metrics API unavailable: ${broken.length} HPA(s) cannot read CPU/memory`,
      explanation:
        `${server.kind === 'APIService' ? 'No metrics-server Deployment was found and the' : `${label(server)} is not serving the`} metrics.k8s.io API, ` +
        'so the HPA controller gets no pod CPU/memory usage and cannot scale any resource-based HPA.',
      evidence: broken.flatMap((b) => b.lines).slice(0, 6),
      remediation: [
        'kubectl get apiservice v1beta1.metrics.k8s.io',
        server.kind === 'APIService'
          ? 'kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml'
          : kubectl(server.namespace, `logs deployment/${server.name}`),
      ],
      confidence: 0.85,
    }];
  },
};

const targetMissing: Scenario = {
  id: 'autoscaling.hpa-target-missing',
  category: 'autoscaling',
  severity: 'warning',
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA scale target does not exist',
  description:
    'spec.scaleTargetRef names a workload that is not there (or cannot be scaled): AbleToScale=False FailedGetScale ' +
    '"the HPA controller was unable to get the target\'s current scale: deployments.apps \\"x\\" not found". The HPA does ' +
    'nothing. Evidence: the condition/event and the missing target. Fix scaleTargetRef (name, kind, apiVersion) or ' +
    'delete the leftover HPA.',
  detect(state) {
    const detections: Detection[] = [];
    for (const hpa of state.hpas) {
      const targetRef = targetRefOf(hpa);
      if (!targetRef) continue;
      const able = hpaCondition(hpa, 'AbleToScale');
      const failedGetScale = able?.status === 'False' && able.reason === 'FailedGetScale';
      const absent = state.hasKind(targetRef.kind) && !state.hpaTarget(hpa);
      if (!failedGetScale && !absent) continue;
      const ref = refOf(hpa);
      const events = state.eventsFor(ref).filter((e) => e.reason === 'FailedGetScale').slice(0, 1);
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: [targetRef],
        title: `HPA ${displayName(ref)} targets ${targetRef.kind} ${targetRef.name}, which ${absent ? 'does not exist' : 'cannot be scaled'}`,
        explanation: `The HPA controller cannot read the scale of ${label(targetRef)}, so the HPA never acts.`,
        evidence: [
          `${label(ref)}: spec.scaleTargetRef=${hpa.spec?.scaleTargetRef.apiVersion ?? ''}/${targetRef.kind}/${targetRef.name}`,
          ...(able && failedGetScale ? [`${label(ref)}: ${conditionText(able)}`] : []),
          ...events.map((e) => eventLine(ref, e)),
          ...(absent ? [`${label(targetRef)}: not found in namespace ${targetRef.namespace}`] : []),
        ],
        remediation: [kubectl(ref.namespace, `edit hpa ${ref.name}  # fix spec.scaleTargetRef, or: kubectl -n ${ref.namespace} delete hpa ${ref.name}`)],
        confidence: 0.85,
      });
    }
    return detections;
  },
};

/** Pinned at max for at least this long: a burst is normal, a plateau means under-provisioned. */
const PINNED_SECONDS = 900;

const pinnedAtMax: Scenario = {
  id: 'autoscaling.hpa-pinned-at-max',
  category: 'autoscaling',
  severity: 'warning',
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA is pinned at maxReplicas',
  description:
    'ScalingLimited=True with reason TooManyReplicas ("the desired replica count is more than the maximum replica ' +
    'count") for over 15 minutes: the load needs more pods than maxReplicas allows, so the workload runs hot (latency, ' +
    'throttling, OOM). Evidence: the condition, current/desired replicas and metrics. Fix: raise maxReplicas (and check ' +
    'cluster capacity) or make the pods more efficient.',
  detect(state) {
    const detections: Detection[] = [];
    for (const hpa of state.hpas) {
      const limited = hpaCondition(hpa, 'ScalingLimited');
      if (limited?.status !== 'True' || limited.reason !== 'TooManyReplicas') continue;
      const max = hpa.spec?.maxReplicas;
      if (max === undefined || (hpa.status?.currentReplicas ?? 0) < max) continue;
      if (ageSeconds(state, limited.lastTransitionTime) < PINNED_SECONDS) continue;
      const ref = refOf(hpa);
      const metrics = (hpa.status?.currentMetrics ?? [])
        .map((m) => (m.resource ? `${m.resource.name}=${m.resource.current.averageUtilization ?? m.resource.current.averageValue ?? '?'}${m.resource.current.averageUtilization !== undefined ? '%' : ''}` : m.type))
        .join(', ');
      detections.push({
        resource: ref,
        rootCause: ref,
        affected: targetRefOf(hpa) ? [targetRefOf(hpa)!] : [],
        title: `HPA ${displayName(ref)} has been at maxReplicas=${max} since ${limited.lastTransitionTime}`,
        explanation: `The HPA wants ${hpa.status?.desiredReplicas ?? 'more'} replicas but is capped at ${max}; the workload is running above its target utilization.`,
        evidence: [
          `${label(ref)}: ${conditionText(limited)}`,
          `${label(ref)}: spec.minReplicas=${hpa.spec?.minReplicas ?? 1} maxReplicas=${max} status.currentReplicas=${hpa.status?.currentReplicas} desiredReplicas=${hpa.status?.desiredReplicas}${metrics ? ` currentMetrics: ${metrics}` : ''}`,
        ],
        remediation: [kubectl(ref.namespace, `patch hpa ${ref.name} -p '{"spec":{"maxReplicas":${max * 2}}}'`)],
        confidence: 0.7,
      });
    }
    return detections;
  },
};

const AMBIGUOUS = /are controlled by multiple HPAs/;

const multipleHpas: Scenario = {
  id: 'autoscaling.multiple-hpas-same-target',
  category: 'autoscaling',
  severity: 'warning',
  needs: ['HorizontalPodAutoscaler'],
  title: 'Several HPAs control the same pods',
  description:
    'Two or more HPAs target the same workload (or select overlapping pods): the controller refuses to act, with ' +
    'ScalingActive=False AmbiguousSelector "pods by selector app=x are controlled by multiple HPAs: [ns/a ns/b]" — or, on ' +
    'older versions, the HPAs fight and replicas flap. Evidence: the shared scaleTargetRef and the event. Fix: delete ' +
    'one HPA and merge its metrics into the other.',
  detect(state) {
    const byTarget = new Map<string, HorizontalPodAutoscaler[]>();
    for (const hpa of state.hpas) {
      const t = targetRefOf(hpa);
      if (!t) continue;
      const key = refKey(t);
      pushTo(byTarget, key, hpa);
    }
    for (const hpa of state.hpas) {
      const cond = hpaCondition(hpa, 'ScalingActive');
      const named = AMBIGUOUS.test(cond?.message ?? '') ? /\[([^\]]*)\]/.exec(cond!.message!)?.[1] : undefined;
      if (!named) continue;
      const others = named.split(/\s+/).map((n) => n.split('/')).map(([ns, name]) => state.get<HorizontalPodAutoscaler>('HorizontalPodAutoscaler', ns, name)).filter((h): h is HorizontalPodAutoscaler => !!h);
      if (others.length > 1) byTarget.set(`ambiguous/${named}`, others);
    }
    const detections: Detection[] = [];
    const seen = new Set<string>();
    for (const hpas of byTarget.values()) {
      const unique = [...new Set(hpas)];
      if (unique.length < 2) continue;
      const sorted = [...unique].sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''));
      const newest = refOf(sorted[sorted.length - 1]);
      if (seen.has(refKey(newest))) continue;
      seen.add(refKey(newest));
      const target = targetRefOf(sorted[0]);
      if (!target) continue;
      detections.push({
        resource: newest,
        rootCause: newest,
        affected: [...sorted.slice(0, -1).map(refOf), target],
        title: `${sorted.length} HPAs control ${label(target)}`,
        explanation: `${sorted.map((h) => label(h)).join(', ')} all scale ${label(target)}; the HPA controller refuses ambiguous ownership (or they overwrite each other's replica counts).`,
        evidence: sorted.flatMap((h) => {
          const cond = hpaCondition(h, 'ScalingActive');
          return [
            `${label(h)}: spec.scaleTargetRef=${h.spec?.scaleTargetRef.kind}/${h.spec?.scaleTargetRef.name} created ${h.metadata.creationTimestamp}`,
            ...(cond && AMBIGUOUS.test(cond.message ?? '') ? [`${label(h)}: ${conditionText(cond)}`] : []),
          ];
        }),
        remediation: [kubectl(newest.namespace, `delete hpa ${newest.name}  # after merging its metrics into ${sorted[0].metadata.name}`)],
        confidence: 0.85,
      });
    }
    return detections;
  },
};

interface VerticalPodAutoscaler extends KubeObject {
  spec?: { targetRef?: { kind?: string; name?: string }; updatePolicy?: { updateMode?: string } };
}

const hpaVpaConflict: Scenario = {
  id: 'autoscaling.hpa-vpa-conflict',
  category: 'autoscaling',
  severity: 'warning',
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA and VPA both act on CPU/memory of the same workload',
  description:
    'A VerticalPodAutoscaler in Auto/Recreate/Initial mode changes the requests that the HPA\'s CPU/memory Utilization ' +
    'target divides by; each change moves the HPA\'s utilization and the two loop against each other. Evidence: the VPA ' +
    'and HPA sharing a target, the HPA\'s resource metrics and the VPA update mode. Fix: set the VPA to "Off" ' +
    '(recommendations only), or scale the HPA on a custom/external metric.',
  detect(state) {
    const vpas = state.list<VerticalPodAutoscaler>('VerticalPodAutoscaler');
    if (vpas.length === 0) return [];
    const detections: Detection[] = [];
    for (const vpa of vpas) {
      const mode = vpa.spec?.updatePolicy?.updateMode ?? 'Auto';
      const t = vpa.spec?.targetRef;
      if (mode === 'Off' || !t?.kind || !t.name) continue;
      const hpa = state.hpas.find(
        (h) => h.metadata.namespace === vpa.metadata.namespace && h.spec?.scaleTargetRef.kind === t.kind && h.spec?.scaleTargetRef.name === t.name &&
          (h.spec?.metrics ?? []).some((m) => ['cpu', 'memory'].includes(m.resource?.name ?? m.containerResource?.name ?? '')),
      );
      if (!hpa) continue;
      const ref = refOf(vpa);
      detections.push({
        resource: refOf(hpa),
        rootCause: ref,
        affected: [{ kind: t.kind, namespace: vpa.metadata.namespace, name: t.name }],
        title: `VPA ${displayName(ref)} (${mode}) and HPA ${hpa.metadata.name} both autoscale ${t.kind} ${t.name} on CPU/memory`,
        explanation: 'The VPA rewrites the requests the HPA measures utilization against, so both keep reacting to each other\'s changes.',
        evidence: [
          `${label(ref)}: spec.targetRef=${t.kind}/${t.name} updatePolicy.updateMode=${mode}`,
          `${label(hpa)}: metrics [${(hpa.spec?.metrics ?? []).map((m) => m.resource?.name ?? m.containerResource?.name ?? m.type).join(', ')}] on the same target`,
        ],
        remediation: [kubectl(ref.namespace, `patch vpa ${ref.name} --type=merge -p '{"spec":{"updatePolicy":{"updateMode":"Off"}}}'`)],
        confidence: 0.75,
      });
    }
    return detections;
  },
};

export const hpaScenarios: Scenario[] = [missingRequest, metricsApiUnavailable, targetMissing, pinnedAtMax, multipleHpas, hpaVpaConflict];
