/**
 * Identity and policy: ServiceAccounts, RBAC, Pod Security admission (and its predecessors
 * PodSecurityPolicy and OpenShift SCCs), and the kubelet's own securityContext checks.
 * Messages are those of plugin/pkg/admission/serviceaccount, pod-security-admission, the RBAC
 * authorizer and kubelet (kuberuntime_container / security_context / sysctl / apparmor).
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName } from '../../cluster/state.js';
import type { ClusterRole, ClusterRoleBinding, KubeObject, ObjectRef, Pod, Role, RoleBinding, ServiceAccount } from '../../cluster/types.js';
import type { Detection, Scenario } from '../types.js';
import { refusalScenario } from './create-failures.js';
import type { MatchedPodFailure } from './pod-failures.js';
import { podFailureScenario, podsOf } from './pod-failures.js';
import { eventLine, isPodReady, kubectl, kubectlRef } from './util.js';

// ---- ServiceAccount missing --------------------------------------------------------------------

// `error looking up service account kube-system/kube-stresscheck: serviceaccount "kube-stresscheck" not found`
// (older API servers: `service account kube-system/x was not found, retry after the service account is created`)
const SA_LOOKUP = /(?:error looking up service account|service account) ([^/\s]+)\/([^:\s]+)(?::| was not found)/i;

const serviceAccountMissing = refusalScenario({
  id: 'security.serviceaccount-missing',
  category: 'security',
  severity: 'critical',
  hops: 2,
  title: 'Pods refused: the ServiceAccount they run as does not exist',
  description:
    'The ServiceAccount admission plugin refuses every pod whose serviceAccountName does not exist in the pod\'s namespace ' +
    '("error looking up service account ns/sa: serviceaccount \\"sa\\" not found"), so the controller creates no pods at all. ' +
    'A frequent cause is a ServiceAccount manifest without a namespace, applied to another namespace. Evidence: the ' +
    'controller\'s FailedCreate events. Fix: create the ServiceAccount in the workload\'s namespace (or fix the name).',
  pattern: SA_LOOKUP,
  rootCauseOf: (_state, _failure, match) => (/not found/i.test(match.input) ? { kind: 'ServiceAccount', namespace: match[1], name: match[2] } : undefined),
  report(state, sa, failures) {
    const workloads = [...new Set(failures.map(({ failure }) => `${failure.workload.kind} ${displayName(failure.workload)}`))];
    const elsewhere = state.list<ServiceAccount>('ServiceAccount').filter((s) => s.metadata.name === sa.name && s.metadata.namespace !== sa.namespace);
    return {
      title: `ServiceAccount ${displayName(sa)} does not exist: ${workloads.join(', ')} cannot create pods`,
      explanation:
        `${workloads.join(', ')} run${workloads.length === 1 ? 's' : ''} as ServiceAccount "${sa.name}", which does not exist in namespace ${sa.namespace}, ` +
        `so the API server refuses every pod.` +
        (elsewhere.length ? ` A ServiceAccount with that name exists in ${elsewhere.map((s) => s.metadata.namespace).join(', ')}: it was probably applied to the wrong namespace.` : ''),
      evidence: [
        `${workloads[0]} ← ReplicaSet/controller FailedCreate ← ServiceAccount ${displayName(sa)} not found`,
        ...elsewhere.map((s) => `ServiceAccount ${s.metadata.namespace}/${s.metadata.name} exists (other namespace)`),
      ],
      remediation: [
        kubectl(sa.namespace, `create serviceaccount ${sa.name}`),
        ...(elsewhere.length ? [`add metadata.namespace: ${sa.namespace} to the ServiceAccount manifest (and RoleBindings that name it)`] : []),
        `or fix spec.template.spec.serviceAccountName: ${kubectl(sa.namespace, `edit ${kubectlRef(failures[0].failure.workload)}`)}`,
      ],
    };
  },
});

/**
 * Before 1.24 the ServiceAccount admission plugin waited for the token controller (kube-controller-manager,
 * which needs --service-account-private-key-file) to create the account's token Secret.
 */
const serviceAccountTokenMissing = refusalScenario({
  id: 'security.serviceaccount-token-missing',
  category: 'security',
  severity: 'critical',
  hops: 2,
  title: 'Pods refused: the ServiceAccount has no API token yet',
  description:
    'On clusters before 1.24, pods are refused until the token controller has created the ServiceAccount\'s token Secret ("No API token ' +
    'found for service account \\"default\\", retry after the token is automatically created and added to the service account"). When it ' +
    'persists, kube-controller-manager runs without --service-account-private-key-file (or is down). Evidence: FailedCreate events. Fix: ' +
    'give the controller-manager the signing key and restart it.',
  pattern: /no API token found for service account "?([^",\s]+)"?/i,
  rootCauseOf: (_state, failure, match) => ({ kind: 'ServiceAccount', namespace: failure.subject.namespace, name: match[1] }),
  report(_state, sa, failures) {
    const workloads = [...new Set(failures.map(({ failure }) => `${failure.workload.kind} ${displayName(failure.workload)}`))];
    return {
      title: `ServiceAccount ${displayName(sa)} has no token: ${workloads.join(', ')} cannot create pods`,
      explanation: `The token controller has not created a token for ServiceAccount ${displayName(sa)}, so its pods are refused. It is part of kube-controller-manager and needs --service-account-private-key-file.`,
      evidence: [`${workloads[0]} ← pods refused ← ServiceAccount ${displayName(sa)}: no token Secret ← token controller (kube-controller-manager)`],
      remediation: [
        kubectl(sa.namespace, `get serviceaccount ${sa.name} -o yaml  # secrets: should list a token`),
        'kubectl -n kube-system get pods -l component=kube-controller-manager; check --service-account-private-key-file and --root-ca-file in its manifest',
      ],
    };
  },
});

// ---- admission policies: Pod Security, PodSecurityPolicy, SCC, --allow-privileged -------------

function policyScenario(id: string, pattern: RegExp, title: string, description: string, fix: (workload: ObjectRef, match: RegExpExecArray) => string[]): Scenario {
  return refusalScenario({
    id: `security.${id}`,
    category: 'security',
    severity: 'critical',
    title,
    description,
    pattern,
    rootCauseOf: (_state, failure) => failure.workload,
    report(_state, workload, failures) {
      const details = [...new Set(failures.map(({ match }) => match[match.length - 1]))];
      return {
        title: `${workload.kind} ${displayName(workload)}: ${title.charAt(0).toLowerCase()}${title.slice(1)}`,
        explanation: `The pod template of ${workload.kind} ${displayName(workload)} asks for privileges the namespace policy does not allow: ${details.join('; ')}.`,
        remediation: [...fix(workload, failures[0].match), kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)],
      };
    },
  });
}

/** Concrete securityContext changes for the Pod Security checks named in a violation. */
function podSecurityFixes(workload: ObjectRef, detail: string): string[] {
  const fixes: string[] = [];
  if (/allowPrivilegeEscalation/.test(detail)) fixes.push('set securityContext.allowPrivilegeEscalation: false on every container');
  if (/unrestricted capabilities|non-default capabilities/.test(detail)) fixes.push('set securityContext.capabilities.drop: ["ALL"] (add back only NET_BIND_SERVICE if needed)');
  if (/runAsNonRoot/.test(detail)) fixes.push('set securityContext.runAsNonRoot: true and a non-zero runAsUser');
  if (/seccompProfile/.test(detail)) fixes.push('set securityContext.seccompProfile.type: RuntimeDefault');
  if (/privileged/.test(detail)) fixes.push('remove securityContext.privileged: true');
  if (/hostPath|host namespaces|hostPort/.test(detail)) fixes.push('remove hostPath volumes / hostNetwork / hostPID / hostIPC / hostPort');
  fixes.push(`or, if the workload truly needs it, relax the namespace level: kubectl label namespace ${workload.namespace} pod-security.kubernetes.io/enforce=baseline --overwrite`);
  return fixes;
}

const podSecurityViolation = policyScenario(
  'pod-security-violation',
  /violates PodSecurity "([^"]+)": (.+)/,
  'Pods refused by Pod Security admission',
  'The namespace enforces a Pod Security Standards level (label pod-security.kubernetes.io/enforce) and the pod template breaks ' +
  'it ("violates PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false ..."); the controller cannot create any pod. ' +
  'Evidence: FailedCreate events. Fix: set the securityContext fields the message lists, or lower the namespace\'s level if the ' +
  'workload genuinely needs privileges.',
  (workload, match) => podSecurityFixes(workload, match[2]),
);

const podSecurityPolicy = policyScenario(
  'pod-security-policy-denied',
  /unable to validate against any pod security policy: (.+)/,
  'Pods refused by PodSecurityPolicy',
  'On clusters older than 1.25 with the PodSecurityPolicy admission plugin, no policy the pod\'s ServiceAccount may use allows the ' +
  'pod ("unable to validate against any pod security policy: [...]"). Evidence: FailedCreate events. Fix: change the securityContext ' +
  'to fit an allowed policy, or grant the ServiceAccount "use" on a policy that fits.',
  () => ['change the pod template to fit an allowed policy, or bind a Role with verbs [use] on a suitable PodSecurityPolicy to the workload\'s ServiceAccount'],
);

const sccDenied = policyScenario(
  'scc-denied',
  /unable to validate against any security context constraint: (.+)/,
  'Pods refused by OpenShift SecurityContextConstraints',
  'On OpenShift, no SecurityContextConstraints available to the pod\'s ServiceAccount admits the pod ("unable to validate against any ' +
  'security context constraint: [...]"), typically for a fixed runAsUser, privileged mode or hostPath. Evidence: FailedCreate events. ' +
  'Fix: drop the fixed UID/privileges, or grant the ServiceAccount a fitting SCC (oc adm policy add-scc-to-user).',
  (workload) => [`remove fixed runAsUser/privileged settings, or: oc adm policy add-scc-to-user <scc> -z <serviceaccount> -n ${workload.namespace}`],
);

const privilegedDisallowed = policyScenario(
  'privileged-disallowed',
  /securityContext\.privileged: Forbidden: (disallowed by cluster policy)/,
  'Pods refused: privileged containers are disabled cluster-wide',
  'The API server runs with --allow-privileged=false, so any pod with securityContext.privileged: true is invalid ' +
  '("spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy"). Evidence: FailedCreate events. ' +
  'Fix: remove privileged mode (use specific capabilities), or enable privileged pods on the API server.',
  () => ['remove securityContext.privileged: true (grant specific capabilities instead)'],
);

// ---- kubelet securityContext checks -------------------------------------------------------------

function workloadRoot(state: ClusterState, failure: { pod: Pod }): ObjectRef {
  return state.workloadOf(failure.pod);
}

function kubeletCheckScenario(id: string, pattern: RegExp, title: string, description: string, explain: (match: RegExpExecArray) => string, fixes: string[]): Scenario {
  return podFailureScenario({
    id: `security.${id}`,
    category: 'security',
    severity: 'critical',
    title,
    description,
    pattern,
    rootCauseOf: (state, failure) => workloadRoot(state, failure),
    report(_state, workload, failures: MatchedPodFailure[]) {
      return {
        title: `${workload.kind} ${displayName(workload)}: ${title.charAt(0).toLowerCase()}${title.slice(1)}`,
        explanation: `${podsOf(failures).length} pod(s) of ${workload.kind} ${displayName(workload)} cannot start: ${explain(failures[0].match)}.`,
        remediation: [...fixes, kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)],
      };
    },
  });
}

const runAsNonRootRootImage = kubeletCheckScenario(
  'run-as-non-root-image-is-root',
  /container has runAsNonRoot and image will run as root/,
  'runAsNonRoot is set but the image runs as root',
  'The pod or container sets securityContext.runAsNonRoot: true, but the image\'s USER is root (or unset) and no runAsUser overrides ' +
  'it, so the kubelet refuses to start it (CreateContainerConfigError "container has runAsNonRoot and image will run as root"). ' +
  'Evidence: the container\'s waiting message or Failed events. Fix: set a non-zero runAsUser, or use an image built with a non-root USER.',
  () => 'securityContext.runAsNonRoot is true but the image runs as UID 0 and no runAsUser is set',
  ['set securityContext.runAsUser: 65532 (any non-zero UID the image supports)', 'or rebuild the image with a numeric non-root USER'],
);

const runAsNonRootNonNumeric = kubeletCheckScenario(
  'run-as-non-root-non-numeric-user',
  /container has runAsNonRoot and image has non-numeric user \(([^)]*)\)/,
  'runAsNonRoot is set but the image names its user, which the kubelet cannot verify',
  'With runAsNonRoot: true the kubelet must prove the UID is not 0; an image whose USER is a name (e.g. "appuser") cannot be checked, ' +
  'so the container is refused ("container has runAsNonRoot and image has non-numeric user (appuser), cannot verify user is non-root"). ' +
  'Fix: set a numeric runAsUser in the securityContext, or use a numeric USER in the image.',
  (m) => `the image's user "${m[1]}" is not numeric, so runAsNonRoot cannot be verified`,
  ['set securityContext.runAsUser to the numeric UID of that user (e.g. 1000)'],
);

const sysctlForbidden = kubeletCheckScenario(
  'sysctl-forbidden',
  /forbidden sysctl: "?([^"\s]+)"? not (?:allowlisted|whitelisted)/,
  'The pod sets a sysctl the kubelet does not allow',
  'A pod asks for an unsafe sysctl (spec.securityContext.sysctls) that the node\'s kubelet does not allow (--allowed-unsafe-sysctls); ' +
  'the kubelet rejects it (status.reason SysctlForbidden, "Pod forbidden sysctl: \\"net.core.somaxconn\\" not allowlisted"). ' +
  'Fix: remove the sysctl, or allow it on a dedicated node pool and pin the workload there.',
  (m) => `sysctl ${m[1]} is not allowed by the kubelet`,
  ['remove the sysctl from spec.template.spec.securityContext.sysctls', 'or allow it on the kubelet (--allowed-unsafe-sysctls) of a dedicated node pool and add a nodeSelector'],
);

const appArmorNotLoaded = kubeletCheckScenario(
  'apparmor-profile-not-loaded',
  /Cannot enforce AppArmor: (?:profile "?([^"\s]+)"? is not loaded|(.+))/,
  'The AppArmor profile the pod asks for is not loaded on the node',
  'The pod requests an AppArmor profile (annotation container.apparmor.security.beta.kubernetes.io/* or securityContext.appArmorProfile) ' +
  'that is not loaded on its node, so the kubelet blocks it ("Cannot enforce AppArmor: profile \\"x\\" is not loaded"). Fix: load the ' +
  'profile on every node (e.g. with a DaemonSet), or use runtime/default.',
  (m) => `AppArmor profile ${m[1] ?? m[2]} is not available on the node`,
  ['load the profile on the nodes (apparmor_parser) or switch to appArmorProfile.type: RuntimeDefault'],
);

const seccompProfileMissing = kubeletCheckScenario(
  'seccomp-profile-missing',
  /seccomp[^:]*?profile[^:]*?(?::|\s)\s*"?([^"\s]*)"?.*?(no such file or directory|not found)/i,
  'The localhost seccomp profile the pod asks for does not exist on the node',
  'The pod uses seccompProfile.type: Localhost with a file that is missing under the kubelet\'s seccomp directory, so the runtime ' +
  'cannot create the container (CreateContainerError "... seccomp profile ...: no such file or directory"). Fix: install the profile ' +
  'on every node (e.g. Security Profiles Operator), or use RuntimeDefault.',
  () => 'the Localhost seccomp profile file is missing on the node',
  ['install the profile under /var/lib/kubelet/seccomp on the nodes, or set seccompProfile.type: RuntimeDefault'],
);

/** An app that talks to the API server without a token: automount disabled on the pod or its ServiceAccount. */
const NO_TOKEN = /(?:open \/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token: no such file or directory|unable to load in-cluster configuration)/;

const apiTokenNotMounted = podFailureScenario({
  id: 'security.api-token-not-mounted',
  category: 'security',
  severity: 'critical',
  title: 'The app needs the API but no ServiceAccount token is mounted',
  description:
    'The container calls the Kubernetes API with in-cluster credentials but automountServiceAccountToken is false on the pod or its ' +
    'ServiceAccount, so it exits ("open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory" / "unable to ' +
    'load in-cluster configuration"). Evidence: termination messages or events. Fix: enable token automount for this workload.',
  pattern: NO_TOKEN,
  rootCauseOf(state, failure) {
    const spec = failure.pod.spec;
    if (spec?.automountServiceAccountToken === false) return state.workloadOf(failure.pod);
    const name = spec?.serviceAccountName || spec?.serviceAccount || 'default';
    const sa = state.serviceAccount(failure.pod.metadata.namespace, name);
    if (sa?.automountServiceAccountToken === false) return { kind: 'ServiceAccount', namespace: failure.pod.metadata.namespace, name };
    return state.workloadOf(failure.pod);
  },
  report(_state, cause, failures) {
    const viaAccount = cause.kind === 'ServiceAccount';
    return {
      title: viaAccount
        ? `ServiceAccount ${displayName(cause)} disables token automount, but its pods call the API`
        : `${cause.kind} ${displayName(cause)} runs without a ServiceAccount token but calls the API`,
      explanation:
        `${podsOf(failures).length} pod(s) fail reading in-cluster credentials because automountServiceAccountToken is false on ` +
        `${viaAccount ? `ServiceAccount ${displayName(cause)}` : 'the pod template'}.`,
      remediation: viaAccount
        ? [kubectl(cause.namespace, `patch serviceaccount ${cause.name} -p '{"automountServiceAccountToken":true}'`), 'or set automountServiceAccountToken: true in the workload\'s pod template only']
        : [kubectl(cause.namespace, `patch ${kubectlRef(cause)} --type merge -p '{"spec":{"template":{"spec":{"automountServiceAccountToken":true}}}}'`)],
    };
  },
});

// ---- RBAC --------------------------------------------------------------------------------------

// `pods is forbidden: User "system:serviceaccount:shop:web" cannot list resource "pods" in API group "" in the namespace "shop"`
const RBAC_FORBIDDEN = /User "system:serviceaccount:([^:"]+):([^"]+)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)"| at the cluster scope)?/;

interface ForbiddenUse {
  account: ObjectRef;
  subject: ObjectRef;
  line: string;
  verb: string;
  resource: string;
  group: string;
  /** Undefined for cluster-scope requests. */
  namespace?: string;
}

const describeUse = (u: ForbiddenUse) => `${u.verb} ${u.resource}${u.group ? `.${u.group}` : ''} ${u.namespace ? `in namespace ${u.namespace}` : 'at cluster scope'}`;

/** Every RBAC denial quoting a ServiceAccount: in failing containers' termination messages and in events about any object. */
const forbiddenCache = new WeakMap<ClusterState, ForbiddenUse[]>();

function forbiddenUses(state: ClusterState): ForbiddenUse[] {
  const cached = forbiddenCache.get(state);
  if (cached) return cached;
  const uses: ForbiddenUse[] = [];
  const add = (text: string, subject: ObjectRef, line: string) => {
    const match = RBAC_FORBIDDEN.exec(text);
    if (!match) return;
    uses.push({ account: { kind: 'ServiceAccount', namespace: match[1], name: match[2] }, subject, line, verb: match[3], resource: match[4], group: match[5] ?? '', namespace: match[6] });
  };
  for (const pod of state.pods) {
    if (pod.status?.phase === 'Succeeded' || pod.metadata.deletionTimestamp || (pod.status?.phase === 'Running' && isPodReady(pod))) continue;
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      if (status.ready) continue;
      const terminated = status.state?.terminated ?? status.lastState?.terminated;
      if (terminated?.message) add(terminated.message, { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name }, `Pod ${pod.metadata.namespace}/${pod.metadata.name}: container ${status.name} terminated: ${terminated.message.trim()}`);
    }
  }
  for (const event of state.events) {
    if (!event.message?.includes('system:serviceaccount:') || !event.involvedObject?.name) continue;
    const subject: ObjectRef = { kind: event.involvedObject.kind ?? 'Object', name: event.involvedObject.name, ...(event.involvedObject.namespace ? { namespace: event.involvedObject.namespace } : {}) };
    add(event.message, subject, eventLine(subject, event));
  }
  forbiddenCache.set(state, uses);
  return uses;
}

type Binding = RoleBinding | ClusterRoleBinding;

function bindingsOf(state: ClusterState, account: ObjectRef): Binding[] {
  const binds = (b: Binding) => b.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === account.name && (s.namespace ?? b.metadata.namespace) === account.namespace);
  return [...state.list<RoleBinding>('RoleBinding'), ...state.list<ClusterRoleBinding>('ClusterRoleBinding')].filter(binds);
}

function roleRefOf(binding: Binding): ObjectRef | undefined {
  const ref = binding.roleRef;
  if (!ref?.name) return undefined;
  const namespace = ref.kind === 'Role' ? binding.metadata.namespace : undefined;
  return { kind: ref.kind, ...(namespace ? { namespace } : {}), name: ref.name };
}

/** The role a binding names, when the input holds roles and that one is absent. */
function missingRoleOf(state: ClusterState, binding: Binding): ObjectRef | undefined {
  const ref = roleRefOf(binding);
  if (!ref || !state.hasKind(ref.kind)) return undefined;
  return state.find(ref) ? undefined : ref;
}

function grants(role: Role | ClusterRole, use: ForbiddenUse): boolean {
  const has = (list: string[] | undefined, value: string) => !!list?.some((v) => v === '*' || v === value);
  return (role.rules ?? []).some((r) => has(r.verbs, use.verb) && has(r.resources, use.resource) && has(r.apiGroups, use.group));
}

/**
 * What to change for a denial: the existing role bound to the account in the request's scope (it lacks the rule),
 * or the account itself when nothing grants it anything there (a binding must be created).
 */
function roleLackingRule(state: ClusterState, use: ForbiddenUse): ObjectRef | undefined {
  if (!state.hasKind('RoleBinding') && !state.hasKind('ClusterRoleBinding')) return undefined;
  for (const binding of bindingsOf(state, use.account)) {
    // A RoleBinding only grants inside its namespace; cluster-scope requests need a ClusterRoleBinding.
    if (binding.kind === 'RoleBinding' && binding.metadata.namespace !== use.namespace) continue;
    const ref = roleRefOf(binding);
    const role = ref ? state.find<Role | ClusterRole>(ref) : undefined;
    if (ref && role && !grants(role, use)) return ref;
  }
  return undefined;
}

function rbacScenario(id: string, hops: number, title: string, description: string, rootCauseOf: (state: ClusterState, use: ForbiddenUse) => ObjectRef | undefined): Scenario {
  return {
    id: `security.${id}`,
    category: 'security',
    severity: 'critical',
    hops,
    title,
    description,
    detect(state) {
      const groups = new Map<string, { cause: ObjectRef; uses: ForbiddenUse[] }>();
      const causes = new Map<string, ObjectRef | undefined>();
      for (const use of forbiddenUses(state)) {
        const useKey = `${displayName(use.account)}|${describeUse(use)}`;
        if (!causes.has(useKey)) causes.set(useKey, rootCauseOf(state, use));
        const cause = causes.get(useKey);
        if (!cause) continue;
        const key = `${cause.kind}/${cause.namespace ?? ''}/${cause.name}`;
        const group = groups.get(key) ?? { cause, uses: [] };
        group.uses.push(use);
        groups.set(key, group);
      }
      const detections: Detection[] = [];
      for (const { cause, uses } of groups.values()) {
        const accounts = [...new Set(uses.map((u) => displayName(u.account)))];
        const denied = [...new Set(uses.map(describeUse))];
        const affected = uses.flatMap((u) => {
          const obj = state.find<KubeObject>(u.subject);
          return obj ? [u.subject, state.workloadOf(obj)] : [u.subject];
        });
        const account = uses[0].account;
        const text = explainRbac(cause, accounts, denied);
        detections.push({
          resource: uses[0].subject,
          rootCause: cause,
          affected: [...affected, ...uses.map((u) => u.account)],
          title: text.title,
          explanation: text.explanation,
          evidence: [
            `${uses[0].subject.kind} ${displayName(uses[0].subject)} ← forbidden ← ServiceAccount ${accounts[0]}${cause.kind === 'ServiceAccount' ? ': no binding grants it' : ` ← bound ${cause.kind} ${displayName(cause)}${state.find(cause) ? ' lacks the rule' : ' (not found)'}`}`,
            ...new Set(uses.map((u) => u.line)),
          ],
          remediation: rbacRemediation(cause, account, uses),
          confidence: 0.9,
        });
      }
      return detections;
    },
  };
}

function explainRbac(cause: ObjectRef, accounts: string[], denied: string[]): { title: string; explanation: string } {
  if (cause.kind === 'ServiceAccount') {
    return {
      title: `ServiceAccount ${displayName(cause)} is not allowed to ${denied.join(', ')}`,
      explanation: `The API server's RBAC authorizer denies ServiceAccount ${displayName(cause)} (${denied.join(', ')}); no Role or ClusterRole bound to it in that scope grants it.`,
    };
  }
  return {
    title: `${cause.kind} ${displayName(cause)} bound to ServiceAccount ${accounts.join(', ')} does not allow ${denied.join(', ')}`,
    explanation: `ServiceAccount ${accounts.join(', ')} is bound to ${cause.kind} "${cause.name}", which ${denied.length ? 'lacks a rule for' : 'does not grant'} ${denied.join(', ')} (or does not exist), so the API server denies it.`,
  };
}

function rbacRemediation(cause: ObjectRef, account: ObjectRef, uses: ForbiddenUse[]): string[] {
  const verbs = [...new Set(uses.map((u) => u.verb))].join(',');
  const resources = [...new Set(uses.map((u) => (u.group ? `${u.resource}.${u.group}` : u.resource)))].join(',');
  const check = `check: kubectl auth can-i ${uses[0].verb} ${uses[0].resource}${uses[0].namespace ? ` -n ${uses[0].namespace}` : ''} --as=system:serviceaccount:${account.namespace}:${account.name}`;
  if (cause.kind !== 'ServiceAccount') {
    return [`add a rule {apiGroups: ["${uses[0].group}"], resources: [${resources}], verbs: [${verbs}]} to ${cause.kind} ${displayName(cause)} (create it if it does not exist): kubectl ${cause.namespace ? `-n ${cause.namespace} ` : ''}edit ${cause.kind.toLowerCase()} ${cause.name}`, check];
  }
  const clusterScope = uses.some((u) => !u.namespace);
  return clusterScope
    ? [`kubectl create clusterrole ${account.name}-access --verb=${verbs} --resource=${resources}`, `kubectl create clusterrolebinding ${account.name}-access --clusterrole=${account.name}-access --serviceaccount=${account.namespace}:${account.name}`, check]
    : [kubectl(uses[0].namespace, `create role ${account.name}-access --verb=${verbs} --resource=${resources}`), kubectl(uses[0].namespace, `create rolebinding ${account.name}-access --role=${account.name}-access --serviceaccount=${account.namespace}:${account.name}`), check];
}

const rbacForbidden = rbacScenario(
  'rbac-forbidden',
  1,
  'A ServiceAccount is denied by RBAC',
  'A workload\'s ServiceAccount calls the API and is refused ("User \\"system:serviceaccount:ns:sa\\" cannot list resource \\"pods\\" ' +
  'in API group \\"\\" in the namespace \\"ns\\""), so the app or operator crashes or stops reconciling. When a Role bound to the ' +
  'account lacks the rule, that Role is the object to change; when nothing is bound in that scope, the account needs a binding. ' +
  'Evidence: termination messages and events quoting the denial. Fix: grant exactly the denied verbs and resources.',
  (state, use) => (bindingsOf(state, use.account).some((b) => missingRoleOf(state, b)) ? undefined : roleLackingRule(state, use) ?? use.account),
);

const bindingRoleMissing = rbacScenario(
  'rolebinding-role-missing',
  2,
  'RBAC denial: the binding names a Role or ClusterRole that does not exist',
  'A ServiceAccount is denied by RBAC although a RoleBinding/ClusterRoleBinding names it: the binding\'s roleRef points to a Role or ' +
  'ClusterRole that does not exist (deleted, misspelt, or Role vs ClusterRole mixed up). Evidence: the denial, the binding and the ' +
  'absent role. Fix: create the role or correct roleRef (roleRef is immutable: recreate the binding).',
  (state, use) => bindingsOf(state, use.account).map((b) => missingRoleOf(state, b)).find((r) => r !== undefined),
);

/** Pods whose ServiceAccount was deleted after they started: the kubelet can no longer refresh their token. */
const serviceAccountDeleted = podFailureScenario({
  id: 'security.serviceaccount-deleted',
  category: 'security',
  severity: 'critical',
  hops: 2,
  title: 'The ServiceAccount of existing pods was deleted',
  description:
    'Pods exist but their ServiceAccount is gone (deleted or renamed after they were created), so the kubelet cannot fetch their projected ' +
    'token ("MountVolume.SetUp failed for volume \\"kube-api-access-x\\" : failed to fetch token: serviceaccounts \\"sa\\" not found") and ' +
    'new pods are refused. Evidence: FailedMount events. Fix: recreate the ServiceAccount (with its RBAC bindings).',
  pattern: /failed to fetch token: serviceaccounts "([^"]+)" not found/i,
  rootCauseOf: (_state, failure, match) => ({ kind: 'ServiceAccount', namespace: failure.pod.metadata.namespace, name: match[1] }),
  report(state, sa, failures) {
    const workload = state.workloadOf(failures[0].failure.pod);
    return {
      title: `ServiceAccount ${displayName(sa)} was deleted: pods of ${workload.kind} ${displayName(workload)} cannot get tokens`,
      explanation: `${podsOf(failures).length} pod(s) run as ServiceAccount "${sa.name}", which no longer exists in ${sa.namespace}; their token volume cannot be mounted or refreshed.`,
      evidence: [`Pod ${failures[0].failure.pod.metadata.name}: token volume not mounted ← ServiceAccount ${displayName(sa)} not found`],
      remediation: [kubectl(sa.namespace, `create serviceaccount ${sa.name}`), `re-apply its RoleBindings, then: ${kubectl(sa.namespace, `rollout restart ${kubectlRef(workload)}`)}`],
    };
  },
});

export const securityScenarios: Scenario[] = [
  serviceAccountMissing,
  serviceAccountTokenMissing,
  podSecurityViolation,
  podSecurityPolicy,
  sccDenied,
  privilegedDisallowed,
  runAsNonRootRootImage,
  runAsNonRootNonNumeric,
  sysctlForbidden,
  appArmorNotLoaded,
  seccompProfileMissing,
  apiTokenNotMounted,
  rbacForbidden,
  bindingRoleMissing,
  serviceAccountDeleted,
];
