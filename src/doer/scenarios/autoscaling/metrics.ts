/**
 * HPAs failing on custom/external metrics, on unready pods, on updating the scale, and the
 * cluster autoscaler declining to add nodes; plus configurations that disable autoscaling.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { Event, HorizontalPodAutoscaler, ObjectRef, Pod } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { eventLine, groupByWorkload, isActivePod, isPodReady, kubectl, label } from '../util.js';
import { conditionText } from '../network/lookup.js';
import { hpaCondition, targetRefOf } from './hpa.js';

/** The HPA's current complaint for a set of reasons: ScalingActive/AbleToScale message, else the newest event. */
function complaint(state: ClusterState, hpa: HorizontalPodAutoscaler, reasons: string[], pattern: RegExp): { lines: string[]; text: string } | undefined {
  const lines: string[] = [];
  let text = '';
  const working = (type: string) => hpaCondition(hpa, type)?.status === 'True';
  // A condition that is True now outranks any older failure event of the same kind.
  if (reasons.some((r) => r === 'FailedRescale' || r === 'FailedUpdateScale') ? working('AbleToScale') : working('ScalingActive')) return undefined;
  for (const type of ['ScalingActive', 'AbleToScale']) {
    const c = hpaCondition(hpa, type);
    if (c?.status === 'False' && reasons.includes(c.reason ?? '') && pattern.test(c.message ?? '')) {
      lines.push(`${label(hpa)}: ${conditionText(c)}`);
      text ||= c.message ?? '';
    }
  }
  const event = state.eventsFor(refOf(hpa)).find((e) => reasons.includes(e.reason ?? '') && pattern.test(e.message ?? ''));
  // Without a failing condition, only an event newer than the last successful scaling counts.
  if (event && (lines.length > 0 || isNewerThanLastScale(hpa, event))) {
    lines.push(eventLine(hpa, event));
    text ||= event.message ?? '';
  }
  return lines.length ? { lines, text } : undefined;
}

function isNewerThanLastScale(hpa: HorizontalPodAutoscaler, event: Event): boolean {
  const last = Date.parse(hpa.status?.lastScaleTime ?? '') || 0;
  return (Date.parse(event.lastTimestamp ?? event.eventTime ?? '') || 0) > last;
}

/** Adapters that serve custom/external metrics, by the Deployment names their charts use. */
const ADAPTERS = /prometheus-adapter|custom-metrics|keda-operator-metrics-apiserver|metrics-apiserver|stackdriver-adapter|datadog-cluster-agent/;

function metricsApiScenario(api: 'custom' | 'external'): Scenario {
  const reasons = api === 'custom' ? ['FailedGetPodsMetric', 'FailedGetObjectMetric', 'FailedComputeMetricsReplicas'] : ['FailedGetExternalMetric', 'FailedComputeMetricsReplicas'];
  const failure = new RegExp(`unable to fetch metrics from ${api} metrics API|no metrics returned from ${api} metrics API|${api}\\.metrics\\.k8s\\.io`);
  const apiService = `v1beta1.${api}.metrics.k8s.io`;
  return {
    id: `autoscaling.${api}-metrics-unavailable`,
    category: 'autoscaling',
    severity: 'warning',
    needs: ['HorizontalPodAutoscaler'],
    title: `HPA cannot read its ${api} metric`,
    description:
      `The HPA scales on a ${api === 'custom' ? 'Pods/Object (custom.metrics.k8s.io)' : 'External (external.metrics.k8s.io)'} metric and the ` +
      `controller reports "unable to fetch metrics from ${api} metrics API: ...". "the server could not find the requested ` +
      `resource" means no adapter serves the API (APIService ${apiService} missing or its adapter down); "the server could ` +
      'not find the metric X" means the adapter runs but has no rule/series for that metric name. Evidence: the HPA ' +
      'condition and events. Fix: install/repair the metrics adapter, or correct the metric name and adapter rules.',
    detect(state) {
      const apiDown: Array<{ hpa: HorizontalPodAutoscaler; lines: string[] }> = [];
      const detections: Detection[] = [];
      for (const hpa of state.hpas) {
        const found = complaint(state, hpa, reasons, failure);
        if (!found) continue;
        const metricMissing = /could not find the metric ([^\s]+)/.exec(found.text);
        if (!metricMissing) {
          apiDown.push({ hpa, lines: found.lines });
          continue;
        }
        const ref = refOf(hpa);
        detections.push({
          resource: ref,
          rootCause: ref,
          title: `HPA ${displayName(ref)}: the ${api} metrics adapter has no metric ${metricMissing[1]}`,
          explanation: `The ${api} metrics API answers, but serves no metric named ${metricMissing[1]} for this object: the HPA's metric name or the adapter's rules are wrong.`,
          evidence: found.lines,
          remediation: [`kubectl get --raw /apis/${api}.metrics.k8s.io/v1beta1 | jq '.resources[].name'  # metrics the adapter serves`, kubectl(ref.namespace, `edit hpa ${ref.name}`)],
          confidence: 0.8,
        });
      }
      if (apiDown.length) {
        const adapter = state.deployments.find((d) => ADAPTERS.test(d.metadata.name));
        const rootCause: ObjectRef = adapter ? refOf(adapter) : { kind: 'APIService', name: apiService };
        const refs = apiDown.map((b) => refOf(b.hpa));
        detections.push({
          resource: refs[0],
          rootCause,
          affected: refs.slice(1),
          title: `${api === 'custom' ? 'Custom' : 'External'} metrics API unavailable: ${refs.length} HPA(s) cannot scale`,
          explanation: `${adapter ? `${label(rootCause)} does not serve` : `No adapter serves`} ${api}.metrics.k8s.io, so HPAs on ${api} metrics get no values and never scale.`,
          evidence: apiDown.flatMap((b) => b.lines).slice(0, 6),
          remediation: [`kubectl get apiservice ${apiService}`, adapter ? kubectl(rootCause.namespace, `logs deployment/${rootCause.name}`) : `install a ${api} metrics adapter (prometheus-adapter, KEDA, a cloud adapter)`],
          confidence: 0.8,
        });
      }
      return detections;
    },
  };
}

const UNREADY = /did not receive metrics for targeted pods \(pods might be unready\)|did not receive metrics for any ready pods/;

const unreadyPods: Scenario = {
  id: 'autoscaling.hpa-no-metrics-from-unready-pods',
  category: 'autoscaling',
  severity: 'warning',
  consequence: true,
  hops: 2,
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA gets no metrics because the target\'s pods are not ready',
  description:
    'FailedGetResourceMetric "failed to get cpu utilization: did not receive metrics for targeted pods (pods might be ' +
    'unready)": metrics-server has no samples for the pods, usually because they are not running/ready. A consequence: it ' +
    'folds into the finding that explains the pods; on its own it points at the target workload.',
  detect(state) {
    const detections: Detection[] = [];
    for (const hpa of state.hpas) {
      const found = complaint(state, hpa, ['FailedGetResourceMetric', 'FailedComputeMetricsReplicas', 'FailedGetContainerResourceMetric'], UNREADY);
      if (!found) continue;
      const target = state.hpaTarget(hpa);
      const targetRef = target ? refOf(target) : targetRefOf(hpa);
      if (!targetRef) continue;
      const unready = target ? state.podsOf(target).filter((p) => isActivePod(p) && !isPodReady(p)) : [];
      const ref = refOf(hpa);
      detections.push({
        resource: ref,
        rootCause: targetRef,
        affected: unready.map(refOf),
        dependsOn: [targetRef, ...unready.map(refOf)],
        title: `HPA ${displayName(ref)} gets no metrics: ${label(targetRef)} has ${unready.length} unready pod(s)`,
        explanation: `metrics-server returns no samples for the pods of ${label(targetRef)}, which are not ready, so the HPA cannot compute utilization.`,
        evidence: [`${label(ref)} → ${label(targetRef)} → ${unready.length} unready pod(s)`, ...found.lines],
        remediation: [kubectl(targetRef.namespace, `get pods -o wide  # why are the pods of ${targetRef.name} not ready?`)],
        confidence: 0.6,
      });
    }
    return detections;
  },
};

const rescaleFailed: Scenario = {
  id: 'autoscaling.hpa-rescale-failed',
  category: 'autoscaling',
  severity: 'warning',
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA cannot update the target\'s replica count',
  description:
    'The HPA computed a new size but writing the scale subresource failed: FailedRescale "New size: N; reason: ...; ' +
    'error: ..." and AbleToScale=False FailedUpdateScale (RBAC, an admission webhook or policy rejecting the change, a ' +
    'conflicting controller). Evidence: the event and condition. Fix what the error names.',
  detect(state) {
    const detections: Detection[] = [];
    for (const hpa of state.hpas) {
      const found = complaint(state, hpa, ['FailedRescale', 'FailedUpdateScale'], /./);
      if (!found) continue;
      const ref = refOf(hpa);
      const target = targetRefOf(hpa);
      if (!target) continue;
      const error = /error: (.*)$/.exec(found.text)?.[1] ?? found.text;
      detections.push({
        resource: ref,
        rootCause: target,
        affected: [ref],
        title: `HPA ${displayName(ref)} cannot resize ${label(target)}`,
        explanation: `Updating the replica count of ${label(target)} is refused: ${error}`,
        evidence: found.lines,
        remediation: [kubectl(target.namespace, `scale ${target.kind.toLowerCase()}/${target.name} --replicas=${hpa.status?.desiredReplicas ?? '<n>'} --dry-run=server  # reproduces the refusal`)],
        confidence: 0.75,
      });
    }
    return detections;
  },
};

const invalidSelector: Scenario = {
  id: 'autoscaling.hpa-invalid-selector',
  category: 'autoscaling',
  severity: 'warning',
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA cannot select the target\'s pods',
  description:
    'ScalingActive=False with reason InvalidSelector: the target\'s scale subresource reports no usable pod selector ' +
    '(common with custom resources whose CRD does not declare scale.labelSelectorPath). The HPA cannot find pods to ' +
    'measure. Evidence: the condition. Fix the CRD\'s scale subresource (labelSelectorPath) or target a workload with a selector.',
  detect(state) {
    return state.hpas
      .filter((h) => hpaCondition(h, 'ScalingActive')?.status === 'False' && hpaCondition(h, 'ScalingActive')?.reason === 'InvalidSelector')
      .flatMap((h): Detection[] => {
        const ref = refOf(h);
        const target = targetRefOf(h);
        if (!target) return [];
        return [{
          resource: ref,
          rootCause: target,
          affected: [ref],
          title: `HPA ${displayName(ref)}: ${label(target)} exposes no usable pod selector`,
          explanation: 'Without a selector on the target\'s scale subresource the HPA cannot tell which pods to measure.',
          evidence: [`${label(ref)}: ${conditionText(hpaCondition(h, 'ScalingActive')!)}`],
          remediation: [`kubectl get --raw /apis/<group>/<version>/namespaces/${target.namespace}/${target.kind.toLowerCase()}s/${target.name}/scale  # status.selector must be set`],
          confidence: 0.8,
        }];
      });
  },
};

/** cluster-autoscaler's NotTriggerScaleUp: "pod didn't trigger scale-up: <reasons>". */
const NO_SCALE_UP = /pod didn't trigger scale-up/;

const clusterAutoscalerNoScaleUp: Scenario = {
  id: 'autoscaling.cluster-autoscaler-no-scale-up',
  category: 'autoscaling',
  severity: 'warning',
  needs: ['Pod', 'Event'],
  title: 'Cluster autoscaler will not add a node for pending pods',
  description:
    'Pending pods carry NotTriggerScaleUp "pod didn\'t trigger scale-up: ..." from cluster-autoscaler: no node group ' +
    'could fit them ("it wouldn\'t fit if a new node is added"), groups are at their maximum ("max node group size ' +
    'reached"), or in backoff after failed scale-ups. Evidence: the events with their reasons. Fix: lower the pods\' ' +
    'requests or constraints, raise the node group maximum, or add a node group that fits.',
  detect(state) {
    const stuck: Array<{ pod: Pod; event: Event }> = [];
    const seen = new Set<Pod>();
    for (const e of state.events) {
      if (e.reason !== 'NotTriggerScaleUp' || !NO_SCALE_UP.test(e.message ?? '') || e.involvedObject?.kind !== 'Pod') continue;
      const pod = state.get<Pod>('Pod', e.involvedObject.namespace, e.involvedObject.name ?? '');
      if (!pod || pod.status?.phase !== 'Pending' || seen.has(pod)) continue;
      seen.add(pod);
      stuck.push({ pod, event: e });
    }
    return groupByWorkload(state, stuck).map(({ workload, items }): Detection => {
      const message = items[0].event.message ?? '';
      const maxed = /max node group size reached/.test(message);
      return {
        resource: refOf(items[0].pod),
        rootCause: workload,
        affected: items.slice(1).map((i) => refOf(i.pod)),
        title: `Cluster autoscaler will not scale up for ${label(workload)}${maxed ? ': node groups at maximum size' : ''}`,
        explanation: `cluster-autoscaler declined to add nodes for ${items.length} pending pod(s): ${message}`,
        evidence: items.slice(0, 3).map((i) => eventLine(i.pod, i.event)),
        remediation: [
          maxed ? 'raise the node group maximum (cluster-autoscaler --nodes=min:max:group or the cloud node pool max)' : kubectl(workload.namespace, `edit ${workload.kind.toLowerCase()}/${workload.name}  # requests/selectors/tolerations that no node group can satisfy`),
          'kubectl -n kube-system get configmap cluster-autoscaler-status -o yaml',
        ],
        confidence: 0.75,
      };
    });
  },
};

const minEqualsMax: Scenario = {
  id: 'autoscaling.hpa-min-equals-max',
  category: 'autoscaling',
  severity: 'info',
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA cannot scale: minReplicas equals maxReplicas',
  description:
    'spec.minReplicas equals spec.maxReplicas, so the HPA pins the replica count and never reacts to load. Evidence: ' +
    'the two fields. Fix: widen the range, or drop the HPA and set replicas on the workload.',
  detect(state) {
    return state.hpas
      .filter((h) => (h.spec?.minReplicas ?? 1) === h.spec?.maxReplicas)
      .map((h): Detection => {
        const ref = refOf(h);
        return {
          resource: ref,
          rootCause: ref,
          title: `HPA ${displayName(ref)} has minReplicas = maxReplicas = ${h.spec!.maxReplicas}`,
          explanation: 'The allowed range has a single value, so autoscaling is effectively off.',
          evidence: [`${label(ref)}: spec.minReplicas=${h.spec?.minReplicas ?? 1} spec.maxReplicas=${h.spec!.maxReplicas}`],
          remediation: [kubectl(ref.namespace, `patch hpa ${ref.name} -p '{"spec":{"maxReplicas":${h.spec!.maxReplicas * 2}}}'`)],
          confidence: 0.9,
        };
      });
  },
};

const scalingDisabled: Scenario = {
  id: 'autoscaling.hpa-disabled-target-at-zero',
  category: 'autoscaling',
  severity: 'info',
  needs: ['HorizontalPodAutoscaler'],
  title: 'HPA is idle because its target is scaled to zero',
  description:
    'ScalingActive=False ScalingDisabled "scaling is disabled since the replica count of the target is zero": the HPA ' +
    'does nothing until someone scales the workload above zero. Usually deliberate; worth knowing when the workload ' +
    'was expected to serve. Evidence: the condition.',
  detect(state) {
    return state.hpas
      .filter((h) => hpaCondition(h, 'ScalingActive')?.reason === 'ScalingDisabled')
      .flatMap((h): Detection[] => {
        const ref = refOf(h);
        const target = targetRefOf(h);
        if (!target) return [];
        return [{
          resource: ref,
          rootCause: target,
          affected: [ref],
          title: `HPA ${displayName(ref)} is idle: ${label(target)} has 0 replicas`,
          explanation: 'An HPA never scales a workload up from zero replicas.',
          evidence: [`${label(ref)}: ${conditionText(hpaCondition(h, 'ScalingActive')!)}`],
          remediation: [kubectl(target.namespace, `scale ${target.kind.toLowerCase()}/${target.name} --replicas=${h.spec?.minReplicas ?? 1}`)],
          confidence: 0.9,
        }];
      });
  },
};

export const metricScenarios: Scenario[] = [
  metricsApiScenario('custom'),
  metricsApiScenario('external'),
  unreadyPods,
  rescaleFailed,
  invalidSelector,
  clusterAutoscalerNoScaleUp,
  minEqualsMax,
  scalingDisabled,
];
