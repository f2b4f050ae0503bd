/** NetworkPolicies that cut pods off from their clients or from cluster DNS. */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import { formatSelector, matchesSelector } from '../../../cluster/selectors.js';
import type { NetworkPolicy, ObjectRef, Pod } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { isActivePod, kubectl, label } from '../util.js';
import { ingressesRoutingTo, pushTo, selectorServices } from './lookup.js';

type Direction = 'Ingress' | 'Egress';

/** policyTypes as the API server defaults them: Ingress always, Egress when egress rules are given. */
function directions(policy: NetworkPolicy): Direction[] {
  const types = policy.spec?.policyTypes as Direction[] | undefined;
  if (types?.length) return types;
  return policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

const policyCache = new WeakMap<ClusterState, Map<string, NetworkPolicy[]>>();

/** NetworkPolicies by namespace (most namespaces have none, so most pods are never examined). */
function policiesByNamespace(state: ClusterState): Map<string, NetworkPolicy[]> {
  let index = policyCache.get(state);
  if (!index) {
    index = new Map();
    for (const p of state.networkPolicies) pushTo(index, p.metadata.namespace ?? 'default', p);
    policyCache.set(state, index);
  }
  return index;
}

function policiesFor(state: ClusterState, pod: Pod, direction: Direction): NetworkPolicy[] {
  return (policiesByNamespace(state).get(pod.metadata.namespace ?? 'default') ?? []).filter(
    (p) => directions(p).includes(direction) && matchesSelector(p.spec?.podSelector ?? {}, pod.metadata.labels),
  );
}

function policyLine(policy: NetworkPolicy): string {
  const spec = policy.spec;
  return (
    `${label(policy)}: podSelector ${formatSelector(spec?.podSelector ?? {})}, policyTypes [${directions(policy).join(', ')}], ` +
    `${(spec?.ingress ?? []).length} ingress rule(s), ${(spec?.egress ?? []).length} egress rule(s)`
  );
}

/** The policy to change: the one with fewest rules (the default-deny), newest on ties. */
function denyPolicy(policies: NetworkPolicy[], direction: Direction): NetworkPolicy {
  const rules = (p: NetworkPolicy) => (direction === 'Ingress' ? p.spec?.ingress : p.spec?.egress)?.length ?? 0;
  return [...policies].sort((a, b) => rules(a) - rules(b) || Date.parse(b.metadata.creationTimestamp ?? '') - Date.parse(a.metadata.creationTimestamp ?? ''))[0];
}

const ingressDenied: Scenario = {
  id: 'network.networkpolicy-denies-service-traffic',
  category: 'network',
  severity: 'warning',
  hops: 2,
  needs: ['NetworkPolicy', 'Service', 'Pod'],
  title: 'NetworkPolicy isolates the pods a Service routes to',
  description:
    'The pods behind a Service are selected by NetworkPolicies of type Ingress, none of which has an ingress rule (a ' +
    'default deny with no matching allow policy), so every connection to them — from other pods, the ingress ' +
    'controller, or kubelet-external clients — is dropped and times out. Evidence: the Service, its pods\' labels and ' +
    'the policies selecting them. Fix: add a policy that allows ingress from the intended clients (or remove the deny).',
  detect(state) {
    const detections: Detection[] = [];
    const withPolicies = policiesByNamespace(state);
    for (const { service, active } of selectorServices(state)) {
      const ns = service.metadata.namespace ?? 'default';
      const pod = active[0];
      if (!pod || !withPolicies.has(ns)) continue;
      const policies = policiesFor(state, pod, 'Ingress');
      if (policies.length === 0 || policies.some((p) => (p.spec?.ingress ?? []).length > 0)) continue;
      const deny = denyPolicy(policies, 'Ingress');
      const svc = refOf(service);
      const ingresses = ingressesRoutingTo(state, ns, service.metadata.name).map(refOf);
      detections.push({
        resource: ingresses[0] ?? svc,
        rootCause: refOf(deny),
        affected: [svc, ...ingresses.slice(1), state.workloadOf(pod)],
        title: `NetworkPolicy ${displayName(refOf(deny))} blocks all traffic to the pods of Service ${svc.name}`,
        explanation:
          `The pods selected by Service ${svc.name} (labels ${formatSelector(pod.metadata.labels)}) are isolated for ingress by ${policies.map((p) => p.metadata.name).join(', ')}, ` +
          'and no policy allows any ingress to them, so connections to the Service are dropped.',
        evidence: [
          `${ingresses[0] ? `${label(ingresses[0])} → ` : ''}${label(svc)} → ${label(state.workloadOf(pod))} ← ${label(deny)}: ingress denied`,
          ...policies.map(policyLine),
        ],
        remediation: [
          `${kubectl(ns, `apply -f -`)} <<EOF\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-${svc.name}\nspec:\n  podSelector:\n    matchLabels: ${JSON.stringify(service.spec?.selector ?? {})}\n  ingress:\n  - from:\n    - namespaceSelector: {}\nEOF`,
        ],
        confidence: ingresses.length ? 0.75 : 0.6,
      });
    }
    return detections;
  },
};

/** A rule allows DNS when it names no ports (all ports) or port 53 / a dns-named port. */
function allowsDns(policy: NetworkPolicy): boolean {
  return (policy.spec?.egress ?? []).some((rule) => !rule.ports?.length || rule.ports.some((p) => p.port === 53 || p.port === '53' || (typeof p.port === 'string' && /dns/i.test(p.port))));
}

const egressBlocksDns: Scenario = {
  id: 'network.networkpolicy-blocks-dns',
  category: 'network',
  severity: 'warning',
  hops: 2,
  needs: ['NetworkPolicy', 'Pod'],
  title: 'Egress NetworkPolicy blocks DNS',
  description:
    'Pods are selected by NetworkPolicies of type Egress and none of their egress rules allows port 53, so lookups of ' +
    'Service names time out ("dial tcp: lookup x on 10.96.0.10:53: i/o timeout") even where the target itself is ' +
    'allowed. Evidence: the egress policies selecting the pods. Fix: add an egress rule to kube-dns (UDP and TCP 53).',
  detect(state) {
    const byPolicy = new Map<string, { deny: NetworkPolicy; policies: NetworkPolicy[]; workloads: ObjectRef[] }>();
    const seenWorkloads = new Set<string>();
    const pods = [...policiesByNamespace(state).keys()].flatMap((ns) => state.podsInNamespace(ns));
    for (const pod of pods) {
      if (!isActivePod(pod) || pod.spec?.hostNetwork) continue;
      const workload = state.workloadOf(pod);
      const key = `${workload.kind}/${workload.namespace}/${workload.name}`;
      if (seenWorkloads.has(key)) continue;
      seenWorkloads.add(key);
      const policies = policiesFor(state, pod, 'Egress');
      if (policies.length === 0 || policies.some(allowsDns)) continue;
      const deny = denyPolicy(policies, 'Egress');
      const entry = byPolicy.get(`${deny.metadata.namespace}/${deny.metadata.name}`) ?? { deny, policies, workloads: [] };
      entry.workloads.push(workload);
      byPolicy.set(`${deny.metadata.namespace}/${deny.metadata.name}`, entry);
    }
    return [...byPolicy.values()].map(({ deny, policies, workloads }): Detection => {
      const ref = refOf(deny);
      return {
        resource: workloads[0],
        rootCause: ref,
        affected: workloads.slice(1),
        title: `NetworkPolicy ${displayName(ref)} blocks DNS for ${workloads.length} workload(s)`,
        explanation: `${workloads.map((w) => label(w)).join(', ')} may only send traffic allowed by ${policies.map((p) => p.metadata.name).join(', ')}, and none of those allows port 53, so name resolution fails.`,
        evidence: [`${label(workloads[0])} → DNS (kube-system/kube-dns:53) ← ${label(ref)}: egress without port 53`, ...policies.map(policyLine)],
        remediation: [
          `${kubectl(ref.namespace, 'apply -f -')} <<EOF\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels: {kubernetes.io/metadata.name: kube-system}\n    ports:\n    - {protocol: UDP, port: 53}\n    - {protocol: TCP, port: 53}\nEOF`,
        ],
        confidence: 0.7,
      };
    });
  },
};

export const policyScenarios: Scenario[] = [ingressDenied, egressBlocksDns];
