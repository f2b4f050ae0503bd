/**
 * How Services and pods are addressed: LoadBalancers without an address, ExternalName
 * mistakes, StatefulSets without their headless Service, pod resolv.conf limits.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { Event, ObjectRef, Service, StatefulSet } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, eventLine, eventsMatching, kubectl, label } from '../util.js';
import { pushTo } from './lookup.js';

/** A cloud load balancer normally gets its address within a few minutes. */
const LB_GRACE_SECONDS = 600;

const loadBalancerPending: Scenario = {
  id: 'network.loadbalancer-pending',
  category: 'network',
  severity: 'warning',
  needs: ['Service'],
  title: 'LoadBalancer Service has no external address',
  description:
    'A type: LoadBalancer Service has no status.loadBalancer.ingress after ten minutes (EXTERNAL-IP <pending>). Either ' +
    'the cloud provider refuses (SyncLoadBalancerFailed "Error syncing load balancer: failed to ensure load balancer: ' +
    '..." — quota, subnets, security groups, permissions) or no load-balancer controller runs (bare metal without ' +
    'MetalLB). Evidence: the Service status and service-controller events. Fix what the error names, or install a ' +
    'load-balancer implementation / use NodePort.',
  detect(state) {
    const detections: Detection[] = [];
    for (const service of state.services) {
      if (service.spec?.type !== 'LoadBalancer' || (service.status?.loadBalancer?.ingress ?? []).length > 0) continue;
      const failures = eventsMatching(state, service, 'SyncLoadBalancerFailed');
      if (failures.length === 0 && ageSeconds(state, service.metadata.creationTimestamp) < LB_GRACE_SECONDS) continue;
      const ref = refOf(service);
      detections.push({
        resource: ref,
        rootCause: ref,
        title: `LoadBalancer Service ${displayName(ref)} has no external address`,
        explanation: failures.length
          ? `The service controller cannot create the cloud load balancer: ${failures[0].message ?? ''}`
          : 'No load-balancer controller has assigned an address; the cluster may have no cloud provider or MetalLB-like implementation.',
        evidence: [
          `${label(ref)}: spec.type=LoadBalancer status.loadBalancer.ingress=[] (created ${service.metadata.creationTimestamp ?? '?'})`,
          ...failures.slice(0, 2).map((e) => eventLine(ref, e)),
        ],
        remediation: [kubectl(ref.namespace, `describe service ${ref.name}`), 'fix the cloud error quoted above, or use type: NodePort / install a load-balancer controller'],
        confidence: failures.length ? 0.9 : 0.55,
      });
    }
    return detections;
  },
};

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function externalNameProblem(name: string): string | undefined {
  if (IPV4.test(name) || (name.includes(':') && /^[0-9a-f:]+$/i.test(name))) return 'is an IP address; ExternalName creates a DNS CNAME, which must point to a host name';
  if (name.includes('://')) return 'contains a URL scheme; it must be a bare DNS name';
  if (/[:/]/.test(name)) return 'contains a port or path; it must be a bare DNS name';
  return undefined;
}

const externalNameInvalid: Scenario = {
  id: 'network.externalname-invalid',
  category: 'network',
  severity: 'warning',
  needs: ['Service'],
  title: 'ExternalName Service points at something that is not a DNS name',
  description:
    'spec.externalName must be a DNS host name: cluster DNS answers the Service name with a CNAME to it. An IP address ' +
    '(a CNAME to "10.0.0.5" resolves to nothing), a URL or a host:port never resolves. Evidence: the externalName value. ' +
    'Fix: use a host name, or for an IP a selector-less Service with an Endpoints/EndpointSlice object.',
  detect(state) {
    return state.services
      .filter((s) => s.spec?.type === 'ExternalName' && s.spec.externalName && externalNameProblem(s.spec.externalName))
      .map((s): Detection => {
        const ref = refOf(s);
        const why = externalNameProblem(s.spec!.externalName!)!;
        return {
          resource: ref,
          rootCause: ref,
          title: `ExternalName Service ${displayName(ref)}: "${s.spec!.externalName}" ${why.split(';')[0]}`,
          explanation: `spec.externalName "${s.spec!.externalName}" ${why}, so lookups of ${ref.name}.${ref.namespace}.svc fail.`,
          evidence: [`${label(ref)}: spec.type=ExternalName spec.externalName=${s.spec!.externalName}`],
          remediation: [kubectl(ref.namespace, `patch service ${ref.name} -p '{"spec":{"externalName":"<host name>"}}'`)],
          confidence: 0.85,
        };
      });
  },
};

function governingService(state: ClusterState, set: StatefulSet): { ref: ObjectRef; service?: Service } | undefined {
  const name = set.spec?.serviceName;
  if (!name) return undefined;
  const ref: ObjectRef = { kind: 'Service', namespace: set.metadata.namespace, name };
  return { ref, service: state.get<Service>('Service', set.metadata.namespace, name) };
}

function statefulSetServiceScenario(kind: 'missing' | 'not-headless'): Scenario {
  return {
    id: kind === 'missing' ? 'network.statefulset-service-missing' : 'network.statefulset-service-not-headless',
    category: 'network',
    // Info: many workloads never use the per-pod names, and exported snapshots often omit the
    // headless Service; the finding matters when peers fail to find each other.
    severity: 'info',
    needs: ['StatefulSet', 'Service'],
    title: kind === 'missing' ? 'StatefulSet\'s governing Service does not exist' : 'StatefulSet\'s governing Service is not headless',
    description:
      'A StatefulSet\'s pods get stable DNS names (<pod>.<serviceName>.<ns>.svc) only through the headless Service ' +
      'named in spec.serviceName. ' +
      (kind === 'missing'
        ? 'That Service does not exist, so peers cannot find each other (clustered databases fail to form). Fix: create it with clusterIP: None.'
        : 'That Service has a cluster IP, so no per-pod records are published. Fix: recreate it with clusterIP: None (clusterIP is immutable).'),
    detect(state) {
      const detections: Detection[] = [];
      for (const set of state.statefulSets) {
        const governing = governingService(state, set);
        if (!governing) continue;
        const problem = !governing.service ? 'missing' : governing.service.spec?.clusterIP && governing.service.spec.clusterIP !== 'None' ? 'not-headless' : undefined;
        if (problem !== kind) continue;
        const setRef = refOf(set);
        detections.push({
          resource: setRef,
          rootCause: governing.ref,
          affected: [],
          title: kind === 'missing'
            ? `Service ${displayName(governing.ref)} governing StatefulSet ${set.metadata.name} does not exist`
            : `Service ${displayName(governing.ref)} governing StatefulSet ${set.metadata.name} has clusterIP ${governing.service!.spec!.clusterIP}`,
          explanation: `Pods ${set.metadata.name}-0..${(set.spec?.replicas ?? 1) - 1} have no DNS names like ${set.metadata.name}-0.${governing.ref.name}.${governing.ref.namespace}.svc, which stateful clusters use to find their peers.`,
          evidence: [
            `${label(setRef)}: spec.serviceName=${governing.ref.name}`,
            kind === 'missing' ? `${label(governing.ref)}: not found` : `${label(governing.ref)}: spec.clusterIP=${governing.service!.spec!.clusterIP} (not None)`,
          ],
          remediation: [kubectl(governing.ref.namespace, `create service clusterip ${governing.ref.name} --clusterip=None --tcp=<port>:<port>  # selector must match the StatefulSet's pods`)],
          confidence: 0.8,
        });
      }
      return detections;
    },
  };
}

/** kubelet (pkg/kubelet/network/dns): more than 3 nameservers or too long a search line in the node's resolv.conf. */
const DNS_LIMITS = /Nameserver limits were exceeded|Search Line limits were exceeded/;

const dnsConfigLimits: Scenario = {
  id: 'network.dns-config-limits-exceeded',
  category: 'network',
  severity: 'info',
  needs: ['Event'],
  title: 'Node resolv.conf exceeds pod DNS limits',
  description:
    'The kubelet warns DNSConfigForming "Nameserver limits were exceeded, some nameservers have been omitted, the ' +
    'applied nameserver line is: ..." (or Search Line limits) because the node\'s resolv.conf lists more than three ' +
    'nameservers or too many search domains; pods silently lose the extra ones. Evidence: the events, grouped by node. ' +
    'Fix: trim the node\'s resolv.conf or point the kubelet\'s --resolv-conf at a shorter file.',
  detect(state) {
    const byNode = new Map<string, Event[]>();
    for (const e of state.events) {
      if (e.reason !== 'DNSConfigForming' || !DNS_LIMITS.test(e.message ?? '')) continue;
      const pod = e.involvedObject?.kind === 'Pod' ? state.get('Pod', e.involvedObject.namespace, e.involvedObject.name ?? '') : undefined;
      const nodeName = (pod?.spec as { nodeName?: string } | undefined)?.nodeName ?? e.source?.host ?? 'unknown';
      pushTo(byNode, nodeName, e);
    }
    return [...byNode.entries()].map(([nodeName, events]): Detection => {
      const first = events[0].involvedObject!;
      const podRef: ObjectRef = { kind: first.kind ?? 'Pod', namespace: first.namespace, name: first.name ?? '' };
      return {
        resource: podRef,
        rootCause: { kind: 'Node', name: nodeName },
        title: `Node ${nodeName}: resolv.conf has more nameservers or search domains than pods can use`,
        explanation: 'The kubelet dropped nameservers or search domains beyond the pod limits, so resolution through the omitted ones never happens.',
        evidence: events.slice(0, 2).map((e) => eventLine({ kind: e.involvedObject!.kind ?? 'Pod', namespace: e.involvedObject!.namespace, name: e.involvedObject!.name ?? '' }, e)),
        remediation: [`on ${nodeName}: keep at most 3 nameserver lines in the resolv.conf the kubelet reads (--resolv-conf)`],
        confidence: 0.9,
      };
    });
  },
};

export const addressingScenarios: Scenario[] = [
  loadBalancerPending,
  externalNameInvalid,
  statefulSetServiceScenario('missing'),
  statefulSetServiceScenario('not-headless'),
  dnsConfigLimits,
];
