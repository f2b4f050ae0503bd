/**
 * Services that route nowhere or to the wrong place: no ready endpoints, a selector that
 * matches nothing or the wrong workload, a targetPort no container declares.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import { formatSelector, matchesMap } from '../../../cluster/selectors.js';
import type { Endpoints, ObjectRef, Pod, Service } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, containersOf, isPodReady, kubectl, kubectlRef, label, statusLine } from '../util.js';
import { ingressesRoutingTo, selectorServices, templateWorkloads, type TemplateWorkload } from './lookup.js';

/** Pods younger than this are still starting; a Service without endpoints to them is normal. */
const STARTUP_GRACE_SECONDS = 120;

export function isClusterDns(service: Service): boolean {
  return (
    service.metadata.namespace === 'kube-system' &&
    (service.metadata.name === 'kube-dns' || service.metadata.labels?.['k8s-app'] === 'kube-dns')
  );
}

/** Ready addresses as the endpoints controller published them, or pod readiness when Endpoints were not read. */
export function readyEndpointCount(state: ClusterState, service: Service, activePods: Pod[]): number {
  const endpoints = state.endpointsFor(service);
  if (endpoints) return (endpoints.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  if (state.hasKind('Endpoints')) return 0;
  return activePods.filter(isPodReady).length;
}

function endpointsLine(service: Service, endpoints: Endpoints | undefined): string | undefined {
  if (!endpoints) return undefined;
  const ready = (endpoints.subsets ?? []).flatMap((s) => s.addresses ?? []);
  const notReady = (endpoints.subsets ?? []).flatMap((s) => s.notReadyAddresses ?? []);
  const who = (a: { ip: string; targetRef?: { name?: string } }) => (a.targetRef?.name ? `${a.ip} (Pod ${a.targetRef.name})` : a.ip);
  const parts = [`subsets.addresses=[${ready.map(who).join(', ')}]`];
  if (notReady.length) parts.push(`notReadyAddresses=[${notReady.map(who).join(', ')}]`);
  return `${label({ kind: 'Endpoints', namespace: service.metadata.namespace, name: service.metadata.name })}: ${parts.join(' ')}`;
}

function ingressLines(state: ClusterState, service: Service): { refs: ObjectRef[]; lines: string[] } {
  const ns = service.metadata.namespace ?? 'default';
  const ingresses = ingressesRoutingTo(state, ns, service.metadata.name);
  return {
    refs: ingresses.map(refOf),
    lines: ingresses.map((i) => {
      const routes = state.ingressBackends(i).filter((b) => b.serviceName === service.metadata.name);
      const hosts = [...new Set(routes.map((b) => `${b.host ?? '*'}${b.path ?? ''}`))].join(', ');
      return `${label(i)}: ${hosts} → Service ${service.metadata.name}:${routes[0]?.port ?? ''}`;
    }),
  };
}

/** Workloads in the namespace whose pod template the Service's selector matches. */
function workloadsSelectedBy(state: ClusterState, service: Service): TemplateWorkload[] {
  return templateWorkloads(state, service.metadata.namespace ?? 'default').filter((w) => matchesMap(service.spec?.selector, w.labels));
}

// ---- Service without ready endpoints (a consequence: folds into the pods' own cause) ------------

function noEndpointsDetections(state: ClusterState, wantDns: boolean): Detection[] {
  const detections: Detection[] = [];
  for (const { service, all, active } of selectorServices(state)) {
    if (isClusterDns(service) !== wantDns) continue;
    const ns = service.metadata.namespace ?? 'default';
    const svcRef = refOf(service);
    let dependsOn: ObjectRef[];
    let rootCause: ObjectRef;
    const evidence: string[] = [];
    if (active.length === 0) {
      // No pods at all: only a symptom when a workload is supposed to run them.
      const wanted = workloadsSelectedBy(state, service).filter((w) => w.replicas === undefined || w.replicas > 0);
      if (wanted.length === 0 || all.length > 0) continue;
      rootCause = wanted[0].ref;
      dependsOn = wanted.map((w) => w.ref);
      evidence.push(...wanted.map((w) => `${label(w.ref)}: wants ${w.replicas ?? 'one per node'} pod(s) labelled ${formatSelector(service.spec?.selector)}, none exist`));
    } else {
      if (readyEndpointCount(state, service, active) > 0) continue;
      if (active.every((p) => ageSeconds(state, p.metadata.creationTimestamp) < STARTUP_GRACE_SECONDS)) continue;
      const owners = [...new Map(active.map((p) => {
        const w = state.workloadOf(p);
        return [`${w.kind}/${w.name}`, w] as const;
      })).values()];
      rootCause = owners[0];
      // The pods, not their workload: a finding about the workload that does not explain the
      // pods (a paused rollout, say) must not absorb this.
      dependsOn = active.map(refOf);
      for (const pod of active.slice(0, 5)) {
        const waiting = containersOf(pod).find((c) => c.status?.state?.waiting)?.status?.state?.waiting;
        evidence.push(statusLine(pod, `phase=${pod.status?.phase ?? 'Unknown'} Ready=${isPodReady(pod) ? 'True' : 'False'}${waiting ? ` waiting: ${waiting.reason ?? ''}` : ''}`));
      }
    }
    const ingress = ingressLines(state, service);
    const endpointsEvidence = endpointsLine(service, state.endpointsFor(service));
    detections.push({
      resource: svcRef,
      rootCause,
      affected: [...ingress.refs],
      dependsOn,
      title: wantDns ? `Cluster DNS (Service ${displayName(svcRef)}) has no ready endpoints` : `Service ${displayName(svcRef)} has no ready endpoints`,
      explanation: wantDns
        ? `The cluster DNS Service has no ready CoreDNS/kube-dns pod behind it, so every pod in the cluster fails to resolve names. ` +
          `The DNS pods themselves are what must be fixed (${label(rootCause)}).`
        : `Service ${displayName(svcRef)} selects ${active.length || 'no'} pod(s) but none is ready, so connections to it are refused` +
          `${ingress.refs.length ? ' and the Ingresses routing to it answer 502/503' : ''}. The cause is in the pods of ${label(rootCause)}.`,
      evidence: [
        `${label(svcRef)}: spec.selector ${formatSelector(service.spec?.selector)} → ${active.length} pod(s), 0 ready`,
        ...(endpointsEvidence ? [endpointsEvidence] : []),
        ...evidence,
        ...ingress.lines,
      ],
      remediation: [
        kubectl(ns, `get pods -l ${formatSelector(service.spec?.selector)} -o wide`),
        kubectl(rootCause.namespace, `describe ${kubectlRef(rootCause)}`),
        'Fix why the pods are not Ready (see the finding for their workload); the Service recovers by itself.',
      ],
      confidence: 0.7,
    });
  }
  return detections;
}

const serviceNoEndpoints: Scenario = {
  id: 'network.service-no-endpoints',
  category: 'network',
  severity: 'critical',
  consequence: true,
  hops: 2,
  needs: ['Service', 'Pod'],
  title: 'Service has no ready endpoints',
  description:
    'A Service selects pods but none of them is Ready (or its workload has created none), so the Service has no ' +
    'ready endpoints and clients and Ingresses get connection refused / 503. Evidence: the Endpoints object with no ' +
    'addresses and the selected pods\' phase and readiness. This is a consequence: it is folded into the finding ' +
    'that explains why the pods are not ready; on its own it points at their workload.',
  detect: (state) => noEndpointsDetections(state, false),
};

const clusterDnsDown: Scenario = {
  id: 'network.cluster-dns-down',
  category: 'network',
  severity: 'critical',
  consequence: true,
  hops: 2,
  needs: ['Service', 'Pod'],
  title: 'Cluster DNS (kube-system/kube-dns) has no ready endpoints',
  description:
    'The kube-dns Service in kube-system (served by CoreDNS) has no ready pods behind it, so name resolution fails ' +
    'cluster-wide ("no such host", "i/o timeout" on 10.96.0.10:53). Evidence: the kube-dns Endpoints and the CoreDNS ' +
    'pods\' state. Fix the CoreDNS pods (their own finding explains why they are down) or scale the Deployment up.',
  detect: (state) => noEndpointsDetections(state, true),
};

// ---- Selector matches nothing --------------------------------------------------------------

/** Workloads that look like the intended target: same name, or a label key the selector uses. */
function nearMisses(state: ClusterState, service: Service): TemplateWorkload[] {
  const selector = service.spec?.selector ?? {};
  return templateWorkloads(state, service.metadata.namespace ?? 'default').filter(
    (w) => w.ref.name === service.metadata.name || Object.keys(selector).some((k) => k in w.labels && w.labels[k] !== selector[k] && Object.keys(selector).length === 1),
  );
}

const serviceSelectorNoMatch: Scenario = {
  id: 'network.service-selector-matches-nothing',
  category: 'network',
  severity: 'warning',
  needs: ['Service', 'Pod'],
  title: 'Service selector matches no pods',
  description:
    'A Service\'s spec.selector matches no pod and no workload template in its namespace, so it never gets endpoints ' +
    '(usually a typo or a label changed on one side). Evidence: the selector, the empty Endpoints and workloads with ' +
    'similar labels or the same name. Fix the selector (or the pod template labels) so they agree.',
  detect(state) {
    const detections: Detection[] = [];
    for (const { service, all } of selectorServices(state)) {
      if (all.length > 0 || ageSeconds(state, service.metadata.creationTimestamp) < STARTUP_GRACE_SECONDS) continue;
      if (workloadsSelectedBy(state, service).length > 0) continue;
      const svcRef = refOf(service);
      const ns = svcRef.namespace ?? 'default';
      const near = nearMisses(state, service);
      const ingress = ingressLines(state, service);
      const endpointsEvidence = endpointsLine(service, state.endpointsFor(service));
      detections.push({
        resource: svcRef,
        rootCause: svcRef,
        affected: ingress.refs,
        title: `Service ${displayName(svcRef)} selects no pods`,
        explanation:
          `No pod or workload in namespace ${ns} carries the labels ${formatSelector(service.spec?.selector)}, so the Service has no endpoints` +
          `${near.length ? `; ${near.map((w) => label(w.ref)).join(', ')} looks like the intended target` : ''}.`,
        evidence: [
          `${label(svcRef)}: spec.selector ${formatSelector(service.spec?.selector)} matches 0 pods`,
          ...(endpointsEvidence ? [endpointsEvidence] : []),
          ...near.map((w) => `${label(w.ref)}: pod template labels ${formatSelector(w.labels)}`),
          ...ingress.lines,
        ],
        remediation: [
          near.length
            ? kubectl(ns, `patch service ${svcRef.name} -p '{"spec":{"selector":${JSON.stringify(near[0].labels)}}}'`)
            : kubectl(ns, `edit service ${svcRef.name}  # make spec.selector match the pods' labels`),
          kubectl(ns, 'get pods --show-labels'),
        ],
        confidence: near.length ? 0.85 : 0.7,
        severity: ingress.refs.length ? 'critical' : undefined,
      });
    }
    return detections;
  },
};

// ---- Ports: targetPort vs what the selected pods declare -------------------------------------

interface PortProblem {
  service: Service;
  port: { port: number; target: number | string; name?: string };
  pods: Pod[];
  declared: string[];
  /** Unselected workload whose pods declare the wanted port: the Service selects the wrong app. */
  intended?: TemplateWorkload;
  /** The Service port's name is a container port of the pods, but targetPort is another of their ports. */
  crossed?: { namedPort: number; targetName: string };
}

function targetOf(port: { port: number; targetPort?: number | string }): number | string {
  const t = port.targetPort ?? port.port;
  return typeof t === 'string' && /^\d+$/.test(t) ? Number(t) : t;
}

function declaresPort(spec: { containers?: Array<{ ports?: Array<{ containerPort: number; name?: string }> }> } | undefined, target: number | string): boolean {
  return (spec?.containers ?? []).some((c) => (c.ports ?? []).some((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target)));
}

/**
 * A Service port named like one container port (`redis`) whose numeric targetPort is a different,
 * differently named port of the same pods (`9121/metrics`): traffic meant for one server reaches another.
 */
function crossedPort(pods: Pod[], portName: string | undefined, target: number | string): PortProblem['crossed'] {
  if (!portName || typeof target !== 'number') return undefined;
  const ports = pods.flatMap((p) => (p.spec?.containers ?? []).flatMap((c) => c.ports ?? []));
  const named = ports.find((cp) => cp.name === portName);
  const targetName = ports.find((cp) => cp.containerPort === target)?.name;
  if (!named || named.containerPort === target || !targetName || targetName === portName) return undefined;
  return { namedPort: named.containerPort, targetName };
}

const portProblemCache = new WeakMap<ClusterState, PortProblem[]>();

/** Port mismatches of every Service, computed once per state for the three port scenarios. */
function portProblems(state: ClusterState): PortProblem[] {
  const known = portProblemCache.get(state);
  if (known) return known;
  const problems: PortProblem[] = [];
  for (const { service, active } of selectorServices(state)) {
    if (active.length === 0) continue;
    const declared = [...new Set(active.flatMap((p) => (p.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((cp) => (cp.name ? `${cp.containerPort}/${cp.name}` : `${cp.containerPort}`)))))];
    const ports = service.spec?.ports ?? [];
    // Containers often leave secondary ports (metrics, admin) undeclared; a numeric mismatch is only
    // evidence when none of the Service's numeric ports is declared by the pods.
    // A container that declares no ports (a sidecar, an exporter) may be the one listening.
    const hasUndeclaringContainer = active.some((p) => (p.spec?.containers ?? []).some((c) => !c.ports?.length));
    const anyNumericDeclared = ports.some((sp) => typeof targetOf(sp) === 'number' && active.some((p) => declaresPort(p.spec, targetOf(sp))));
    for (const sp of ports) {
      const target = targetOf(sp);
      if (active.some((p) => declaresPort(p.spec, target))) {
        const crossed = crossedPort(active, sp.name, target);
        if (crossed) problems.push({ service, port: { port: sp.port, target, name: sp.name }, pods: active, declared, crossed });
        continue;
      }
      if (typeof target === 'number' && (declared.length === 0 || anyNumericDeclared || hasUndeclaringContainer)) continue;
      const intended = templateWorkloads(state, service.metadata.namespace ?? 'default').find(
        (w) => !matchesMap(service.spec?.selector, w.labels) && declaresPort(w.podSpec, target) && (w.replicas === undefined || w.replicas > 0),
      );
      problems.push({ service, port: { port: sp.port, target, name: sp.name }, pods: active, declared, intended });
    }
  }
  portProblemCache.set(state, problems);
  return problems;
}

function portEvidence(state: ClusterState, p: PortProblem): string[] {
  const svc = refOf(p.service);
  const lines = [
    `${label(svc)}: spec.selector ${formatSelector(p.service.spec?.selector)}, port ${p.port.port}${p.port.name ? ` (${p.port.name})` : ''} → targetPort ${p.port.target}`,
  ];
  const endpointsEvidence = endpointsLine(p.service, state.endpointsFor(p.service));
  if (endpointsEvidence) lines.push(endpointsEvidence);
  const owners = [...new Set(p.pods.map((pod) => label(state.workloadOf(pod))))];
  lines.push(p.crossed
    ? `${owners.join(', ')}: selected pods declare port ${p.crossed.namedPort}/${p.port.name} and ${p.port.target}/${p.crossed.targetName}: targetPort ${p.port.target} is their ${p.crossed.targetName} port, not ${p.port.name}`
    : `${owners.join(', ')}: selected pods declare container ports [${p.declared.join(', ') || 'none'}], not ${p.port.target}`);
  if (p.intended) {
    lines.push(`${label(p.intended.ref)}: pods labelled ${formatSelector(p.intended.labels)} declare containerPort ${p.port.target} but the selector does not match them`);
  }
  return [...lines, ...ingressLines(state, p.service).lines];
}

function portScenario(kind: 'wrong-pods' | 'target-port' | 'named-port'): Scenario {
  const meta = {
    'wrong-pods': {
      id: 'network.service-selects-wrong-pods',
      severity: 'critical' as const,
      hops: 2,
      title: 'Service selects the pods of another workload',
      description:
        'The Service\'s selector matches pods of a different application: its targetPort is declared by none of the ' +
        'selected pods but by an unselected workload in the same namespace. Traffic (and any Ingress in front) reaches ' +
        'the wrong app and fails with connection refused / 502. Evidence: selector, Endpoints, the selected pods\' ports ' +
        'and the workload that declares the port. Fix the Service selector.',
    },
    'target-port': {
      id: 'network.service-target-port-mismatch',
      severity: 'warning' as const,
      hops: 1,
      title: 'Service targetPort is not a port the pods declare',
      description:
        'A numeric targetPort (or the port itself when targetPort is omitted) matches no containerPort of the selected ' +
        'pods, which declare other ports; connections through the Service are refused. Evidence: the Service ports and ' +
        'the pods\' container ports. Fix targetPort in the Service (or the container port in the workload).',
    },
    'named-port': {
      id: 'network.service-named-port-missing',
      severity: 'critical' as const,
      hops: 1,
      title: 'Service targetPort names a port no container has',
      description:
        'The Service\'s targetPort is a port name, and no container of the selected pods has a port of that name, so the ' +
        'endpoints controller publishes no endpoint for them. Evidence: the named targetPort, the pods\' named ports and the ' +
        'empty Endpoints. Fix targetPort (or name the container port).',
    },
  }[kind];
  return {
    ...meta,
    category: 'network',
    needs: ['Service', 'Pod'],
    detect(state) {
      const detections: Detection[] = [];
      for (const p of portProblems(state)) {
        const isNamed = typeof p.port.target === 'string';
        if (kind === 'named-port' ? !isNamed : isNamed) continue;
        if (kind === 'wrong-pods' && !p.intended) continue;
        if (kind === 'target-port' && p.intended) continue;
        const svc = refOf(p.service);
        const ns = svc.namespace ?? 'default';
        const ingress = ingressLines(state, p.service);
        const remediation =
          kind === 'wrong-pods' && p.intended
            ? kubectl(ns, `patch service ${svc.name} -p '{"spec":{"selector":${JSON.stringify(p.intended.labels)}}}'`)
            : p.crossed
              ? kubectl(ns, `edit service ${svc.name}  # port ${p.port.name}: set targetPort to ${p.crossed.namedPort} (or ${p.port.name})`)
              : kubectl(ns, `edit service ${svc.name}  # set targetPort to one of: ${p.declared.join(', ') || 'the container\'s port'}`);
        detections.push({
          resource: ingress.refs[0] ?? svc,
          rootCause: svc,
          affected: [svc, ...ingress.refs, ...p.pods.map(refOf)],
          title:
            kind === 'wrong-pods'
              ? `Service ${displayName(svc)} selects pods of ${label(state.workloadOf(p.pods[0]))} instead of ${label(p.intended!.ref)}`
              : p.crossed
                ? `Service ${displayName(svc)} port ${p.port.name} targets ${p.port.target}, the pods' ${p.crossed.targetName} port`
                : `Service ${displayName(svc)} targets port ${p.port.target}, which its pods do not declare`,
          explanation:
            kind === 'wrong-pods'
              ? `The selector ${formatSelector(p.service.spec?.selector)} picks pods that do not serve port ${p.port.target}; ` +
                `${label(p.intended!.ref)} does, so the selector names the wrong app.`
              : p.crossed
                ? `Connections to port ${p.port.port} (${p.port.name}) are forwarded to ${p.port.target}, where the pods serve ` +
                  `${p.crossed.targetName}; their ${p.port.name} port is ${p.crossed.namedPort}.`
                : `Connections to port ${p.port.port} are forwarded to ${p.port.target} on the pods, but their containers declare ` +
                  `[${p.declared.join(', ') || 'no ports'}]${isNamed ? ', so the endpoints controller lists no endpoint for them' : ''}.`,
          evidence: portEvidence(state, p),
          remediation: [remediation, kubectl(ns, `get endpoints ${svc.name} -o wide`)],
          confidence: kind === 'wrong-pods' ? 0.9 : isNamed ? 0.9 : 0.7,
        });
      }
      return detections;
    },
  };
}

export const serviceScenarios: Scenario[] = [
  serviceNoEndpoints,
  clusterDnsDown,
  serviceSelectorNoMatch,
  portScenario('wrong-pods'),
  portScenario('target-port'),
  portScenario('named-port'),
];
