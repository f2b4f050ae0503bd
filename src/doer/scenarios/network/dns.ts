/**
 * Applications that crash or fail because names do not resolve, traced to the cluster DNS
 * (CoreDNS/kube-dns) being down: the app is the symptom, the DNS workload the cause.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { refOf } from '../../../cluster/state.js';
import type { ObjectRef, Pod } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { containersOf, groupByWorkload, isActivePod, isPodReady, kubectl, label, statusLine } from '../util.js';
import { selectorServices } from './lookup.js';
import { isClusterDns, readyEndpointCount } from './services.js';

/** How Go, glibc, musl, Node.js, Java and curl report a failed lookup. */
const LOOKUP_FAILED =
  /no such host|Temporary failure in name resolution|Name or service not known|Name does not resolve|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|UnknownHostException|Could not resolve host|server misbehaving|lookup \S+ on [\d.:[\]a-f]+:53: .*(?:i\/o timeout|connection refused)/i;

/** The container's last words that show a failed lookup, if any. */
function lookupFailure(pod: Pod): { container: string; text: string } | undefined {
  for (const c of containersOf(pod)) {
    const t = c.status?.state?.terminated ?? c.status?.lastState?.terminated;
    const text = t?.message ?? c.status?.state?.waiting?.message;
    const match = text ? LOOKUP_FAILED.exec(text) : null;
    if (match) return { container: c.name, text: text!.slice(Math.max(0, match.index - 120), match.index + match[0].length + 60).trim() };
  }
  return undefined;
}

/** The DNS workload when cluster DNS has no ready endpoints, with the line that proves it. */
function dnsDown(state: ClusterState): { workload: ObjectRef; line: string } | undefined {
  const dns = selectorServices(state).find((s) => isClusterDns(s.service));
  if (dns) {
    if (readyEndpointCount(state, dns.service, dns.active) > 0) return undefined;
    const workload = dns.active[0] ? state.workloadOf(dns.active[0]) : { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' };
    return { workload, line: `${label(dns.service)}: 0 ready endpoints (${dns.active.filter(isPodReady).length}/${dns.active.length} DNS pods ready)` };
  }
  const deployment = state.deployments.find((d) => d.metadata.namespace === 'kube-system' && (d.metadata.name === 'coredns' || d.metadata.name === 'kube-dns'));
  if (!deployment || (deployment.status?.availableReplicas ?? 0) > 0) return undefined;
  return { workload: refOf(deployment), line: `${label(deployment)}: status.availableReplicas=0 of spec.replicas=${deployment.spec?.replicas ?? 1}` };
}

const appsFailDns: Scenario = {
  id: 'network.apps-fail-name-resolution',
  category: 'network',
  severity: 'critical',
  hops: 2,
  needs: ['Pod'],
  title: 'Applications fail because cluster DNS is down',
  description:
    'Containers exit or fail with name-resolution errors ("dial tcp: lookup db on 10.96.0.10:53: ... i/o timeout", "no ' +
    'such host", "Temporary failure in name resolution", UnknownHostException) while the cluster DNS (kube-system/kube-dns, ' +
    'served by CoreDNS) has no ready pod. The applications are symptoms; the DNS workload is the cause. Evidence: the ' +
    'containers\' termination messages and the kube-dns endpoints. Fix CoreDNS (its own finding says why it is down).',
  detect(state) {
    const down = dnsDown(state);
    if (!down) return [];
    const failing: Array<{ pod: Pod; container: string; text: string }> = [];
    for (const pod of state.pods) {
      if (!isActivePod(pod) || pod.metadata.namespace === 'kube-system') continue;
      const failure = lookupFailure(pod);
      if (failure) failing.push({ pod, ...failure });
    }
    if (failing.length === 0) return [];
    const groups = groupByWorkload(state, failing);
    return [{
      resource: refOf(failing[0].pod),
      rootCause: down.workload,
      affected: [...groups.map((g) => g.workload), ...failing.slice(1).map((f) => refOf(f.pod))],
      title: `Cluster DNS is down (${label(down.workload)}): ${groups.length} workload(s) fail to resolve names`,
      explanation:
        `${groups.map((g) => label(g.workload)).join(', ')} fail on DNS lookups, and the cluster DNS has no ready pod, so every ` +
        `in-cluster name fails to resolve. Fixing ${label(down.workload)} fixes them.`,
      evidence: [
        `${label(failing[0].pod)}: lookup failed ← Service kube-system/kube-dns: no ready endpoints ← ${label(down.workload)}`,
        down.line,
        ...failing.slice(0, 4).map((f) => statusLine(f.pod, `container ${f.container}: …${f.text}…`)),
      ],
      remediation: [kubectl('kube-system', `get pods -l k8s-app=kube-dns -o wide`), kubectl(down.workload.namespace, `describe ${down.workload.kind.toLowerCase()}/${down.workload.name}`)],
      confidence: 0.95,
    } satisfies Detection];
  },
};

export const dnsScenarios: Scenario[] = [appsFailDns];
