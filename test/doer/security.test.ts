import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj, runningStatus } from './fixtures.js';
import { crashLooping, podIn, recovered, refusedDeployment, waiting } from './infra-fixtures.js';

// ---- refusals by admission plugins (serviceaccount, pod-security-admission, PSP, SCC, validation) ----

interface RefusalCase {
  id: string;
  message: string;
  extra?: KubeObject[];
  rootCause: { kind: string; name: string };
  evidence: string;
}

const refusals: RefusalCase[] = [
  {
    id: 'security.serviceaccount-missing',
    message: 'pods "web-7d9f8b6c5d-" is forbidden: error looking up service account shop/web-sa: serviceaccount "web-sa" not found',
    extra: [obj('ServiceAccount', 'v1', 'web-sa', 'default'), obj('ServiceAccount', 'v1', 'default', 'shop')],
    rootCause: { kind: 'ServiceAccount', name: 'web-sa' },
    evidence: 'ServiceAccount default/web-sa exists (other namespace)',
  },
  {
    id: 'security.serviceaccount-token-missing',
    message: 'pods "web-7d9f8b6c5d-" is forbidden: no API token found for service account "default", retry after the token is automatically created and added to the service account',
    rootCause: { kind: 'ServiceAccount', name: 'default' },
    evidence: 'ServiceAccount shop/default: no token Secret',
  },
  {
    id: 'security.pod-security-violation',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'violates PodSecurity "restricted:latest"',
  },
  {
    id: 'security.pod-security-policy-denied',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: unable to validate against any pod security policy: [spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]',
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'unable to validate against any pod security policy',
  },
  {
    id: 'security.scc-denied',
    message: 'pods "web-7d9f8b6c5d-x2x9q" is forbidden: unable to validate against any security context constraint: [provider "anyuid": Forbidden: not usable by user or serviceaccount, spec.containers[0].securityContext.runAsUser: Invalid value: 0: must be in the ranges: [1000680000, 1000689999]]',
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'security context constraint',
  },
  {
    id: 'security.privileged-disallowed',
    message: 'Pod "web-7d9f8b6c5d-x2x9q" is invalid: spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy',
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'disallowed by cluster policy',
  },
];

describe.each(refusals)('$id', (c) => {
  it('names the object to fix and quotes the refusal', () => {
    const r = refusedDeployment('web', c.message, { namespace: 'shop' });
    const [d, ...rest] = detect(c.id, [...healthyNodes(), ...r.all, ...(c.extra ?? [])]);
    expect(rest).toEqual([]);
    expect(d.rootCause).toEqual({ ...c.rootCause, namespace: 'shop' });
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.evidence.join('\n')).toContain(c.evidence);
  });

  it('stays quiet once the pods are created', () => {
    expect(detect(c.id, [...healthyNodes(), ...recovered(refusedDeployment('web', c.message, { namespace: 'shop' })), ...(c.extra ?? [])])).toEqual([]);
  });
});

it('a privileged pod refused by cluster policy is one security finding, not also a config one', () => {
  const r = refusedDeployment('web', refusals.find((c) => c.id === 'security.privileged-disallowed')!.message, { namespace: 'shop' });
  const report = diagnoseObjects([...healthyNodes(), ...r.all]);
  expect(report.findings.map((f) => f.scenario)).toEqual(['security.privileged-disallowed']);
});

// ---- the kubelet's securityContext checks and app-level denials ----------------------------------

const IMAGE = 'ghcr.io/acme/web:2.3.1';

interface PodCase {
  id: string;
  status: Record<string, unknown>;
  eventMessage?: string;
  eventReason?: string;
  podSpec?: Record<string, unknown>;
  extra?: KubeObject[];
  rootCause: { kind: string; name: string };
  evidence: string;
}

const podSpec = (extra: Record<string, unknown> = {}) => ({ containers: [{ name: 'app', image: IMAGE }], serviceAccountName: 'web', ...extra });
const forbidden = 'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:shop:web" cannot list resource "pods" in API group "" in the namespace "shop"';

const podCases: PodCase[] = [
  {
    id: 'security.run-as-non-root-image-is-root',
    status: waiting('app', IMAGE, 'CreateContainerConfigError', 'container has runAsNonRoot and image will run as root (pod: "web-7d9f8b6c5d-abcde_shop(5c1f)", container: app)'),
    eventMessage: 'Error: container has runAsNonRoot and image will run as root (pod: "web-7d9f8b6c5d-abcde_shop(5c1f)", container: app)',
    podSpec: podSpec({ securityContext: { runAsNonRoot: true } }),
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'Warning Failed (x12): Error: container has runAsNonRoot and image will run as root',
  },
  {
    id: 'security.run-as-non-root-non-numeric-user',
    status: waiting('app', IMAGE, 'CreateContainerConfigError', 'container has runAsNonRoot and image has non-numeric user (appuser), cannot verify user is non-root (pod: "web-7d9f8b6c5d-abcde_shop(5c1f)", container: app)'),
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'non-numeric user (appuser)',
  },
  {
    id: 'security.sysctl-forbidden',
    status: { phase: 'Failed', reason: 'SysctlForbidden', message: 'Pod forbidden sysctl: "net.core.somaxconn" not allowlisted' },
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'status.reason=SysctlForbidden',
  },
  {
    id: 'security.apparmor-profile-not-loaded',
    status: { phase: 'Pending', reason: 'AppArmor', message: 'Cannot enforce AppArmor: profile "k8s-apparmor-example-deny-write" is not loaded' },
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'is not loaded',
  },
  {
    id: 'security.seccomp-profile-missing',
    status: waiting('app', IMAGE, 'CreateContainerError', 'failed to create containerd container: cannot load seccomp profile "/var/lib/kubelet/seccomp/profiles/audit.json": open /var/lib/kubelet/seccomp/profiles/audit.json: no such file or directory'),
    rootCause: { kind: 'Deployment', name: 'web' },
    evidence: 'cannot load seccomp profile',
  },
  {
    id: 'security.api-token-not-mounted',
    status: crashLooping('app', IMAGE, 'panic: open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory'),
    extra: [obj('ServiceAccount', 'v1', 'web', 'shop', { automountServiceAccountToken: false })],
    rootCause: { kind: 'ServiceAccount', name: 'web' },
    evidence: 'serviceaccount/token: no such file or directory',
  },
  {
    id: 'security.serviceaccount-deleted',
    status: waiting('app', IMAGE, 'ContainerCreating', ''),
    eventMessage: 'MountVolume.SetUp failed for volume "kube-api-access-7x9ql" : failed to fetch token: serviceaccounts "web" not found',
    eventReason: 'FailedMount',
    rootCause: { kind: 'ServiceAccount', name: 'web' },
    evidence: 'token volume not mounted ← ServiceAccount shop/web not found',
  },
  {
    id: 'security.rbac-forbidden',
    status: crashLooping('app', IMAGE, forbidden),
    extra: [obj('ServiceAccount', 'v1', 'web', 'shop')],
    rootCause: { kind: 'ServiceAccount', name: 'web' },
    evidence: 'cannot list resource "pods"',
  },
  {
    id: 'security.rolebinding-role-missing',
    status: crashLooping('app', IMAGE, forbidden),
    extra: [
      obj('ServiceAccount', 'v1', 'web', 'shop'),
      obj('RoleBinding', 'rbac.authorization.k8s.io/v1', 'web-pod-reader', 'shop', { subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' } }),
      obj('Role', 'rbac.authorization.k8s.io/v1', 'config-reader', 'shop', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }),
    ],
    rootCause: { kind: 'Role', name: 'pod-reader' },
    evidence: 'bound Role shop/pod-reader (not found)',
  },
];

function podCase(c: PodCase, status = c.status) {
  const app = podIn('web', status, { namespace: 'shop', podSpec: c.podSpec ?? podSpec() });
  const events = c.eventMessage && status === c.status ? [event(app.pod, 'Warning', c.eventReason ?? 'Failed', c.eventMessage, { count: 12 })] : [];
  return [...healthyNodes(), ...app.all, ...events, ...(c.extra ?? [])];
}

describe.each(podCases)('$id', (c) => {
  it('names the object to fix with the kubelet/app evidence', () => {
    const [d, ...rest] = detect(c.id, podCase(c));
    expect(rest).toEqual([]);
    expect(d.rootCause).toEqual({ ...c.rootCause, namespace: 'shop' });
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.evidence.join('\n')).toContain(c.evidence);
  });

  it('stays quiet for the same workload running and ready', () => {
    expect(detect(c.id, podCase(c, runningStatus(c.podSpec ?? podSpec())))).toEqual([]);
  });
});

describe('RBAC denials', () => {
  it('quotes denials from Warning events about any object, and suggests a scoped Role', () => {
    const cr = obj('Kafka', 'kafka.strimzi.io/v1beta2', 'events', 'shop');
    const warning = event(cr, 'Warning', 'ReconcileFailed', 'kafkas.kafka.strimzi.io "events" is forbidden: User "system:serviceaccount:shop:operator" cannot update resource "kafkas/status" in API group "kafka.strimzi.io" in the namespace "shop"', { component: 'strimzi-cluster-operator' });
    const [d] = detect('security.rbac-forbidden', [cr, warning]);
    expect(d.rootCause).toEqual({ kind: 'ServiceAccount', namespace: 'shop', name: 'operator' });
    expect(d.remediation[0]).toContain('--verb=update --resource=kafkas/status');
  });

  it('a binding to an existing Role leaves the denial to rbac-forbidden', () => {
    const c = podCases.find((p) => p.id === 'security.rolebinding-role-missing')!;
    const role = obj('Role', 'rbac.authorization.k8s.io/v1', 'pod-reader', 'shop', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] });
    expect(detect('security.rolebinding-role-missing', [...podCase(c), role])).toEqual([]);
    expect(detect('security.rbac-forbidden', [...podCase(c), role])).toHaveLength(1);
  });

  it('names the bound Role that lacks the denied rule, and asks for a ClusterRoleBinding for cluster-scope requests', () => {
    const c = podCases.find((p) => p.id === 'security.rolebinding-role-missing')!;
    const role = obj('Role', 'rbac.authorization.k8s.io/v1', 'pod-reader', 'shop', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
    const [d] = detect('security.rbac-forbidden', [...podCase(c), role]);
    expect(d.rootCause).toEqual({ kind: 'Role', namespace: 'shop', name: 'pod-reader' });
    expect(d.remediation[0]).toContain('verbs: [list]');
    const cluster = { ...c, status: crashLooping('app', IMAGE, 'nodes is forbidden: User "system:serviceaccount:shop:web" cannot list resource "nodes" in API group "" at the cluster scope') };
    const [scoped] = detect('security.rbac-forbidden', [...podCase(cluster), role]);
    expect(scoped.rootCause).toEqual({ kind: 'ServiceAccount', namespace: 'shop', name: 'web' });
    expect(scoped.remediation[0]).toContain('kubectl create clusterrole web-access --verb=list --resource=nodes');
  });

  it('without Roles in the input a missing Role is not inferred', () => {
    const c = podCases.find((p) => p.id === 'security.rolebinding-role-missing')!;
    const withoutRoles = podCase(c).filter((o) => o.kind !== 'Role');
    expect(detect('security.rolebinding-role-missing', withoutRoles)).toEqual([]);
  });
});

describe('security in a full diagnosis', () => {
  it('a ServiceAccount applied to the wrong namespace is the first finding for the Deployment', () => {
    const r = refusedDeployment('web', refusals[0].message, { namespace: 'shop' });
    const report = diagnoseObjects([...healthyNodes(), ...r.all, ...(refusals[0].extra ?? [])]);
    const finding = firstFindingFor(report, 'Deployment', 'web');
    expect(finding).toMatchObject({ category: 'security', severity: 'critical', rootCause: { kind: 'ServiceAccount', namespace: 'shop', name: 'web-sa' } });
    expect(finding?.remediation[0]).toBe('kubectl -n shop create serviceaccount web-sa');
  });
});
