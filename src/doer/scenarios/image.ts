/**
 * image: the kubelet cannot pull or run the container image. One classification pass reads each
 * stuck container's waiting state and the kubelet's image events (pkg/kubelet/images:
 * "Failed to pull image %q: %v", "Back-off pulling image %q", InspectFailed, ErrImageNeverPull)
 * and assigns the one cause the registry's or runtime's error text names.
 */
import type { ClusterState } from '../../cluster/state.js';
import { displayName } from '../../cluster/state.js';
import type { Event, ObjectRef, Pod, Secret } from '../../cluster/types.js';
import type { Scenario, Severity } from '../types.js';
import type { ContainerView } from './util.js';
import { ageSeconds, kubectl } from './util.js';
import type { ContainerIssue, IssueGroup, IssueReport } from './workload-issues.js';
import {
  containerEvents, containerNames, containerStatusLines, editCommand, eventLines, failureText, issueScenario, lastTermination,
  memo, podNames, templateSpecOf, troubledPods, workloadLabel,
} from './workload-issues.js';

type ImageKind =
  | 'invalid-name' | 'never-pull' | 'pull-qps' | 'rate-limited' | 'wrong-architecture' | 'registry-tls' | 'registry-dns'
  | 'pull-secret-missing' | 'serviceaccount-pull-secret-missing' | 'pull-secret-wrong-type' | 'credentials-rejected' | 'no-credentials' | 'repository-not-found'
  | 'tag-not-found' | 'registry-unreachable' | 'inspect-failed' | 'pull-slow' | 'pull-failed';

const PULL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'ImageInspectError', 'RegistryUnavailable']);
const IMAGE_EVENTS = ['Failed', 'InspectFailed', 'ErrImageNeverPull', 'BackOff', 'FailedToRetrieveImagePullSecret', 'Pulling', 'Pulled'];
const AMBIGUOUS_DENIAL = /repository does not exist|may require 'docker login'|may require authorization/i;
const CLEAR_AUTH_FAILURE = /401 Unauthorized|authentication required|no basic auth credentials|invalid username\/password|failed to fetch oauth token|unauthorized: /i;
/** A pull that has been running this long without Pulled or Failed is stuck or far too slow. */
const SLOW_PULL_SECONDS = 15 * 60;

/** Error-text patterns, most specific first; the first match decides the kind. */
const TEXT_RULES: Array<{ kind: ImageKind; pattern: RegExp }> = [
  { kind: 'invalid-name', pattern: /invalid reference format|couldn't parse image reference|Failed to apply default image tag/i },
  { kind: 'never-pull', pattern: /is not present with pull policy of Never/ },
  { kind: 'pull-qps', pattern: /pull QPS exceeded/i },
  { kind: 'rate-limited', pattern: /toomanyrequests|429 Too Many Requests|pull rate limit|rate limit exceeded/i },
  { kind: 'wrong-architecture', pattern: /no match for platform in manifest|does not match the specified platform|exec format error|image operating system "\w+" cannot be used on this platform/i },
  { kind: 'registry-tls', pattern: /x509:|certificate signed by unknown authority|tls: failed to verify certificate|certificate has expired|server gave HTTP response to HTTPS client/i },
  { kind: 'registry-dns', pattern: /no such host|server misbehaving|Temporary failure in name resolution/i },
  { kind: 'credentials-rejected', pattern: /401 Unauthorized|\bunauthorized\b|authentication required|no basic auth credentials|403 Forbidden|insufficient_scope|denied: requested access|pull access denied|authorization failed|access denied|invalid username\/password/i },
  { kind: 'repository-not-found', pattern: /name unknown|repository name not known|NAME_UNKNOWN|repository does not exist/i },
  { kind: 'tag-not-found', pattern: /manifest unknown|MANIFEST_UNKNOWN|manifest for \S+ not found|: not found|\bnot found\b/i },
  { kind: 'registry-unreachable', pattern: /i\/o timeout|connection refused|network is unreachable|no route to host|connection reset by peer|TLS handshake timeout|context deadline exceeded|Client\.Timeout|registry is unavailable|502 Bad Gateway|503 Service Unavailable|\bEOF\b/i },
];

function imageOf(c: ContainerView): string {
  return c.spec?.image ?? c.status?.image ?? '';
}

/** Every stuck container in the cluster, classified once per state. */
function classifyImages(state: ClusterState): ContainerIssue<ImageKind>[] {
  return memo(state, 'image.issues', () => {
    const issues: ContainerIssue<ImageKind>[] = [];
    for (const { pod, containers, active } of troubledPods(state)) {
      if (!active) continue;
      for (const c of containers) {
        const issue = classifyContainer(state, pod, c);
        if (issue) issues.push(issue);
      }
    }
    return issues;
  });
}

function classifyContainer(state: ClusterState, pod: Pod, c: ContainerView): ContainerIssue<ImageKind> | undefined {
  const image = imageOf(c);
  const waiting = c.status?.state?.waiting;
  const pulling = !!waiting?.reason && PULL_WAITING.has(waiting.reason);
  const stuckCreating = !c.status || waiting?.reason === 'ContainerCreating' || waiting?.reason === 'PodInitializing';
  // A binary built for another CPU shows up as a crash, not a pull failure.
  const wrongArchCrash = /exec format error/i.test(lastTermination(c)?.message ?? '');
  if (!pulling && !stuckCreating && !wrongArchCrash && waiting?.reason !== 'CrashLoopBackOff') return undefined;

  const events = containerEvents(state, pod, c.name, IMAGE_EVENTS).filter(
    (e) => !image || e.reason === 'FailedToRetrieveImagePullSecret' || (e.message ?? '').includes(image) || !/image "/.test(e.message ?? ''),
  );
  const failures = events.filter((e) => e.reason !== 'Pulling' && e.reason !== 'Pulled' && !(e.reason === 'BackOff' && /restarting failed container/i.test(e.message ?? '')));
  const text = failureText(c, failures);
  if (waiting?.reason === 'CrashLoopBackOff' && !/exec format error/i.test(text)) return undefined;

  let kind: ImageKind | undefined;
  if (waiting?.reason === 'InvalidImageName') kind = 'invalid-name';
  else if (waiting?.reason === 'ErrImageNeverPull') kind = 'never-pull';
  else if (waiting?.reason === 'ImageInspectError') kind = 'inspect-failed';
  else kind = TEXT_RULES.find((r) => r.pattern.test(text))?.kind;
  if (!kind && (pulling || failures.some((e) => e.reason === 'Failed' && /Failed to pull image/.test(e.message ?? '')))) kind = 'pull-failed';
  if (!kind && stuckCreating && isSlowPull(state, events)) kind = 'pull-slow';
  if (!kind) return undefined;
  // A pending pod whose only complaint is an old, since-resolved failure is not stuck.
  if (!pulling && kind !== 'pull-slow' && !wrongArchCrash && waiting?.reason !== 'CrashLoopBackOff' && !failures.some((e) => ageSeconds(state, e.lastTimestamp ?? e.eventTime) < 3600)) return undefined;

  const evidence = [...containerStatusLines(pod, c), ...eventLines(pod, failures.length ? failures : events)];
  let rootCause: ObjectRef | undefined;
  let confidence = 0.9;
  let severity: Severity | undefined;
  if (kind === 'credentials-rejected' || kind === 'repository-not-found' || kind === 'tag-not-found' || kind === 'pull-failed') {
    const secretIssue = pullSecretProblem(state, pod, events);
    if (secretIssue && (kind === 'credentials-rejected' || secretIssue.kind !== 'pull-secret-wrong-type')) {
      kind = secretIssue.kind;
      rootCause = secretIssue.secret;
      evidence.unshift(secretIssue.line);
    } else if (kind === 'credentials-rejected') {
      const secrets = pod.spec?.imagePullSecrets?.map((s) => s.name).filter((n): n is string => !!n) ?? [];
      // "repository does not exist or may require authorization" is also what a misspelt name gets:
      // with credentials attached, the name is the likelier fault.
      if (secrets.length > 0 && AMBIGUOUS_DENIAL.test(text) && !CLEAR_AUTH_FAILURE.test(text)) {
        kind = 'repository-not-found';
      } else if (secrets.length > 0) {
        rootCause = { kind: 'Secret', namespace: pod.metadata.namespace ?? 'default', name: secrets[0] };
        evidence.unshift(`Pod ${displayName(refOfPod(pod))}: spec.imagePullSecrets=[${secrets.join(', ')}]; the registry rejected these credentials`);
      } else {
        kind = 'no-credentials';
        evidence.unshift(`Pod ${displayName(refOfPod(pod))}: no spec.imagePullSecrets, so the image "${image}" is pulled anonymously`);
      }
    }
  }
  const node = pod.spec?.nodeName;
  if (node && NODE_SIDE_KINDS.has(kind)) {
    // A public registry does not go missing, and an image other nodes pulled exists: the node's network is at fault.
    const pulledElsewhere = nodesRunningImage(state, image).filter((n) => n !== node);
    if (/no space left on device/i.test(text)) {
      rootCause = { kind: 'Node', name: node };
      evidence.push(`Node ${node}: its image filesystem is full ("no space left on device" while unpacking)`);
    } else if (pulledElsewhere.length > 0) {
      rootCause = { kind: 'Node', name: node };
      evidence.push(`Node ${node}: fails to pull "${image}", which runs on node(s) ${pulledElsewhere.slice(0, 3).join(', ')}: the problem is this node's DNS, proxy, egress or disk`);
    } else if (kind !== 'pull-failed' && PUBLIC_REGISTRIES.has(registryHost(image))) {
      rootCause = { kind: 'Node', name: node };
      evidence.push(`Node ${node}: cannot reach the public registry ${registryHost(image)}, which serves other clusters fine: the node's DNS, proxy or egress is at fault`);
    }
  }
  if (kind === 'pull-qps' || kind === 'inspect-failed') {
    if (pod.spec?.nodeName) rootCause = { kind: 'Node', name: pod.spec.nodeName };
    severity = kind === 'pull-qps' ? 'warning' : undefined;
  }
  if (kind === 'pull-failed') confidence = 0.7;
  if (kind === 'pull-slow') confidence = 0.6;
  if (kind === 'wrong-architecture') {
    const node = state.node(pod.spec?.nodeName);
    const arch = node?.metadata.labels?.['kubernetes.io/arch'] ?? node?.status?.nodeInfo?.architecture;
    if (arch) evidence.push(`Node ${node?.metadata.name}: kubernetes.io/arch=${arch}`);
  }
  return { kind, pod, container: c.name, evidence, rootCause, confidence, severity, facts: { image } };
}

/** Failures that can come from the node's side (network, DNS, TLS interception, disk) rather than the image reference. */
const NODE_SIDE_KINDS = new Set<ImageKind>(['registry-dns', 'registry-unreachable', 'registry-tls', 'pull-failed']);

/** Nodes where a container with this image is running now (built once per state). */
function nodesRunningImage(state: ClusterState, image: string): string[] {
  const index = memo(state, 'image.running-nodes', () => {
    const byImage = new Map<string, Set<string>>();
    for (const pod of state.pods) {
      const node = pod.spec?.nodeName;
      if (!node || pod.status?.phase !== 'Running') continue;
      for (const c of pod.spec?.containers ?? []) {
        const status = pod.status.containerStatuses?.find((s) => s.name === c.name);
        if (!status?.state?.running || !c.image) continue;
        let nodes = byImage.get(c.image);
        if (!nodes) byImage.set(c.image, (nodes = new Set()));
        nodes.add(node);
      }
    }
    return byImage;
  });
  return [...(index.get(image) ?? [])];
}

const PUBLIC_REGISTRIES = new Set([
  'docker.io', 'registry-1.docker.io', 'index.docker.io', 'gcr.io', 'quay.io', 'ghcr.io', 'registry.k8s.io', 'k8s.gcr.io',
  'public.ecr.aws', 'mcr.microsoft.com', 'nvcr.io', 'registry.gitlab.com', 'docker.elastic.co',
]);

/** The registry host of an image reference (`busybox` → docker.io, `ghcr.io/a/b:1` → ghcr.io). */
export function registryHost(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first.toLowerCase() : 'docker.io';
}

function refOfPod(pod: Pod): ObjectRef {
  return { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name };
}

function isSlowPull(state: ClusterState, events: readonly Event[]): boolean {
  const newest = events.find((e) => e.reason === 'Pulling' || e.reason === 'Pulled' || e.reason === 'Failed');
  return newest?.reason === 'Pulling' && ageSeconds(state, newest.lastTimestamp ?? newest.eventTime ?? newest.firstTimestamp) > SLOW_PULL_SECONDS;
}

/** A pull secret the pod names that does not exist, or that holds no registry credentials. */
function pullSecretProblem(state: ClusterState, pod: Pod, events: readonly Event[]): { kind: 'pull-secret-missing' | 'serviceaccount-pull-secret-missing' | 'pull-secret-wrong-type'; secret: ObjectRef; line: string } | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const retrieve = events.find((e) => e.reason === 'FailedToRetrieveImagePullSecret');
  for (const ref of pod.spec?.imagePullSecrets ?? []) {
    if (!ref.name) continue;
    const secretRef = { kind: 'Secret', namespace: ns, name: ref.name };
    const secret = state.secret(ns, ref.name) as Secret | undefined;
    const namedInEvent = retrieve && (retrieve.message ?? '').includes(ref.name);
    if ((!secret && state.hasKind('Secret')) || namedInEvent) {
      const elsewhere = state.list<Secret>('Secret').filter((x) => x.metadata.name === ref.name).map((x) => x.metadata.namespace);
      const hint = elsewhere.length ? ` (a Secret of that name exists in namespace ${elsewhere.join(', ')}; Secrets are per namespace)` : '';
      const viaAccount = serviceAccountListing(state, pod, ref.name);
      if (viaAccount) {
        return {
          kind: 'serviceaccount-pull-secret-missing', secret: secretRef,
          line: `Pod ${ns}/${pod.metadata.name}: imagePullSecrets "${ref.name}" ← ServiceAccount ${ns}/${viaAccount}: imagePullSecrets lists "${ref.name}" ← Secret ${ns}/${ref.name} does not exist${hint}`,
        };
      }
      return { kind: 'pull-secret-missing', secret: secretRef, line: `Pod ${ns}/${pod.metadata.name}: spec.imagePullSecrets names "${ref.name}" ← Secret ${ns}/${ref.name} does not exist${hint}` };
    }
    if (secret && !isRegistrySecret(secret)) {
      return {
        kind: 'pull-secret-wrong-type', secret: secretRef,
        line: `Pod ${ns}/${pod.metadata.name}: spec.imagePullSecrets names "${ref.name}" ← Secret ${ns}/${ref.name} has type ${secret.type ?? 'Opaque'} and keys [${Object.keys(secret.data ?? {}).join(', ')}], no .dockerconfigjson`,
      };
    }
  }
  return undefined;
}

/**
 * The ServiceAccount that put this pull secret on the pod (admission copies a ServiceAccount's
 * imagePullSecrets into pods whose template names none), if that is where it came from.
 */
function serviceAccountListing(state: ClusterState, pod: Pod, secretName: string): string | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const accountName = pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default';
  const account = state.serviceAccount(ns, accountName);
  if (!account?.imagePullSecrets?.some((s) => s.name === secretName)) return undefined;
  const template = templateSpecOf(state, state.workloadOf(pod));
  if (template?.imagePullSecrets?.some((s) => s.name === secretName)) return undefined;
  return accountName;
}

function isRegistrySecret(secret: Secret): boolean {
  const keys = Object.keys(secret.data ?? {});
  if (keys.length === 0 && !secret.type) return true; // metadata-only snapshot: nothing to judge
  return keys.includes('.dockerconfigjson') || keys.includes('.dockercfg') || secret.type === 'kubernetes.io/dockerconfigjson' || secret.type === 'kubernetes.io/dockercfg';
}

// ---- reports ------------------------------------------------------------------------------------

function images(group: IssueGroup<ImageKind>): string {
  return [...new Set(group.issues.map((i) => `"${i.facts?.image ?? ''}"`))].join(', ');
}

function subject(group: IssueGroup): string {
  return `${group.issues.length} container(s) (${containerNames(group.issues)}) of ${group.workloads.map(workloadLabel).join(', ')} (pods ${podNames(group.issues)})`;
}

function fixImage(group: IssueGroup<ImageKind>, what: string): string[] {
  const w = group.workloads[0];
  const container = group.issues[0].container;
  return [
    `${what}: ${kubectl(w.namespace, `set image ${w.kind.toLowerCase()}/${w.name} ${container}=<registry>/<repository>:<tag>`)}`,
    `check the reference first: docker manifest inspect ${group.issues[0].facts?.image ?? '<image>'}  (or crane manifest / skopeo inspect)`,
  ];
}

interface ImageScenarioSpec {
  kind: ImageKind;
  title: string;
  severity: Severity;
  hops?: number;
  description: string;
  report: (group: IssueGroup<ImageKind>) => IssueReport;
}

const SPECS: ImageScenarioSpec[] = [
  {
    kind: 'tag-not-found', severity: 'critical', title: 'Image tag or digest does not exist in the registry',
    description:
      'The registry answered the pull with "manifest unknown" / "not found": the repository exists but not the tag or digest. ' +
      'Evidence: ErrImagePull/ImagePullBackOff and the kubelet event "Failed to pull image ...: not found". Fix: correct the tag in the workload, or push the image.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} uses an image tag that does not exist: ${images(g)}`,
      explanation: `${subject(g)} cannot start: the registry has no manifest for ${images(g)}. The tag is misspelt, was never pushed, or was deleted.`,
      remediation: fixImage(g, 'set an existing tag'),
    }),
  },
  {
    kind: 'repository-not-found', severity: 'critical', title: 'Image repository does not exist',
    description:
      'The registry reports the repository itself as unknown ("name unknown", "repository does not exist"), or denies it although the pod carries pull credentials ' +
      '(registries answer a misspelt name that way). Evidence: the pull failure event. Fix: correct the registry/repository path in the image reference.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} pulls from a repository that does not exist: ${images(g)}`,
      explanation: `${subject(g)} cannot start: the registry does not know the repository of ${images(g)} (misspelt name, wrong organisation or registry host).`,
      remediation: fixImage(g, 'fix the repository path'),
    }),
  },
  {
    kind: 'no-credentials', severity: 'critical', title: 'Registry denies an anonymous pull (no imagePullSecrets)',
    description:
      'The registry answers "pull access denied", "unauthorized" or "authentication required" and the pod has no imagePullSecrets. Registries ' +
      'give the same answer for private and for non-existent repositories. Fix: add an imagePullSecret (on the workload or its ServiceAccount) or correct the image name.',
    report: (g) => {
      const w = g.workloads[0];
      const sa = g.issues[0].pod.spec?.serviceAccountName ?? 'default';
      return {
        title: `${workloadLabel(w)} pulls ${images(g)} without registry credentials`,
        explanation: `${subject(g)} cannot start: the registry refused the anonymous pull of ${images(g)}. Either the repository is private and the pods carry no imagePullSecrets, or the name is wrong (registries answer both the same way).`,
        remediation: [
          kubectl(w.namespace, 'create secret docker-registry regcred --docker-server=<registry> --docker-username=<user> --docker-password=<token>'),
          kubectl(w.namespace, `patch serviceaccount ${sa} -p '{"imagePullSecrets":[{"name":"regcred"}]}'`) + `  # or add imagePullSecrets to ${workloadLabel(w)}`,
          `if the repository is public, check the name: docker manifest inspect ${g.issues[0].facts?.image ?? '<image>'}`,
        ],
      };
    },
  },
  {
    kind: 'credentials-rejected', severity: 'critical', title: 'Registry rejects the credentials in the pull secret',
    description:
      'The pod names an imagePullSecret, yet the registry answers "unauthorized"/"denied": the credentials are wrong, expired or for another registry. ' +
      'Fix: recreate the Secret with valid credentials for that registry host.',
    report: (g) => {
      const s = g.rootCause;
      return {
        title: `Pull secret ${displayName(s)} is rejected by the registry for ${images(g)}`,
        explanation: `${subject(g)} cannot pull ${images(g)}: the registry refuses the credentials from Secret ${displayName(s)} (wrong or expired token, or a different registry server in .dockerconfigjson).`,
        remediation: [
          kubectl(s.namespace, `create secret docker-registry ${s.name} --docker-server=<registry> --docker-username=<user> --docker-password=<token> --dry-run=client -o yaml | kubectl apply -f -`),
          `check the server key matches the image's registry: kubectl -n ${s.namespace} get secret ${s.name} -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d`,
        ],
      };
    },
  },
  {
    kind: 'pull-secret-missing', severity: 'critical', title: 'imagePullSecret does not exist',
    description:
      'The pod names an imagePullSecret that is not in its namespace (kubelet: FailedToRetrieveImagePullSecret "Unable to retrieve some image pull secrets (x)"), ' +
      'so the private image is pulled anonymously and denied. Chain: Pod → imagePullSecrets → missing Secret. Fix: create the Secret in that namespace (Secrets are not shared across namespaces).',
    report: (g) => {
      const s = g.rootCause;
      return {
        title: `Pull secret ${displayName(s)} does not exist`,
        explanation: `${subject(g)} name imagePullSecret "${s.name}", which does not exist in namespace ${s.namespace}; the kubelet pulls ${images(g)} without credentials and the pull fails.`,
        remediation: [
          kubectl(s.namespace, `create secret docker-registry ${s.name} --docker-server=<registry> --docker-username=<user> --docker-password=<token>`),
          `or copy it from the namespace that has it: kubectl get secret ${s.name} -n <other-namespace> -o yaml | sed 's/namespace: .*/namespace: ${s.namespace}/' | kubectl apply -f -`,
        ],
      };
    },
  },
  {
    kind: 'serviceaccount-pull-secret-missing', severity: 'critical', hops: 2, title: 'ServiceAccount lists an imagePullSecret that does not exist',
    description:
      'The pods get their imagePullSecrets from their ServiceAccount, which names a Secret that is not in the namespace, so the private image is pulled without credentials. ' +
      'Chain: Pod → ServiceAccount.imagePullSecrets → missing Secret. Fix: create the Secret, or correct the name in the ServiceAccount.',
    report: (g) => {
      const s = g.rootCause;
      const account = g.issues[0].pod.spec?.serviceAccountName || 'default';
      return {
        title: `Pull secret ${displayName(s)}, listed by ServiceAccount ${s.namespace}/${account}, does not exist`,
        explanation: `${subject(g)} run as ServiceAccount ${account}, whose imagePullSecrets name "${s.name}"; no such Secret exists in ${s.namespace}, so ${images(g)} is pulled anonymously and refused.`,
        remediation: [
          kubectl(s.namespace, `create secret docker-registry ${s.name} --docker-server=<registry> --docker-username=<user> --docker-password=<token>`),
          `or fix the name: ${kubectl(s.namespace, `edit serviceaccount/${account}`)}`,
        ],
      };
    },
  },
  {
    kind: 'pull-secret-wrong-type', severity: 'critical', title: 'imagePullSecret holds no registry credentials',
    description:
      'The Secret named in imagePullSecrets exists but is not of type kubernetes.io/dockerconfigjson (no .dockerconfigjson key), so the kubelet ignores it and the pull is denied. ' +
      'Fix: recreate it with `kubectl create secret docker-registry`.',
    report: (g) => {
      const s = g.rootCause;
      return {
        title: `Pull secret ${displayName(s)} is not a docker-registry Secret`,
        explanation: `${subject(g)} name Secret ${displayName(s)} as imagePullSecret, but it has no .dockerconfigjson key; the kubelet cannot use it and the registry denies the pull of ${images(g)}.`,
        remediation: [
          kubectl(s.namespace, `delete secret ${s.name}`),
          kubectl(s.namespace, `create secret docker-registry ${s.name} --docker-server=<registry> --docker-username=<user> --docker-password=<token>`),
        ],
      };
    },
  },
  {
    kind: 'rate-limited', severity: 'critical', title: 'Registry pull rate limit reached (429 toomanyrequests)',
    description:
      'The registry throttles the pulls ("toomanyrequests: You have reached your pull rate limit", HTTP 429) — typically anonymous Docker Hub pulls, ' +
      'made worse by imagePullPolicy Always. Fix: authenticate the pulls (imagePullSecret), use a mirror or pull-through cache, pin tags and use IfNotPresent.',
    report: (g) => {
      const w = g.workloads[0];
      const always = g.issues.some((i) => i.pod.spec?.containers?.some((c) => c.name === i.container && c.imagePullPolicy === 'Always'));
      return {
        title: `Pulls of ${images(g)} for ${workloadLabel(w)} are rate-limited by the registry`,
        explanation: `${subject(g)} cannot start: the registry answered 429 toomanyrequests.${always ? ' imagePullPolicy Always makes every start a new pull.' : ''} Anonymous pulls share a small per-IP quota.`,
        remediation: [
          kubectl(w.namespace, 'create secret docker-registry dockerhub --docker-server=https://index.docker.io/v1/ --docker-username=<user> --docker-password=<token>') +
            `  # then add it to imagePullSecrets of ${workloadLabel(w)} or its ServiceAccount`,
          `pin a tag and set imagePullPolicy: IfNotPresent: ${editCommand(w)}`,
          'or mirror the image into your own registry / configure a pull-through cache on the nodes',
        ],
      };
    },
  },
  {
    kind: 'invalid-name', severity: 'critical', title: 'Image reference is not valid (InvalidImageName)',
    description:
      'The image string cannot be parsed ("couldn\'t parse image reference ...: invalid reference format"): upper-case letters, a stray space or scheme, ' +
      'an empty tag, an unrendered template variable. Evidence: waiting reason InvalidImageName and the InspectFailed event. Fix: correct the image field.',
    report: (g) => ({
      title: `${workloadLabel(g.workloads[0])} has an invalid image reference ${images(g)}`,
      explanation: `${subject(g)} cannot be created: the kubelet cannot parse ${images(g)} as an image reference (repository names must be lower-case, without scheme or spaces, tag after a single colon).`,
      remediation: fixImage(g, 'write a valid reference'),
    }),
  },
  {
    kind: 'never-pull', severity: 'critical', title: 'Image absent on the node with imagePullPolicy Never (ErrImageNeverPull)',
    description:
      'The container has imagePullPolicy: Never and the image is not preloaded on the node ("Container image ... is not present with pull policy of Never"). ' +
      'Fix: preload the image on every node (or pin the pods to nodes that have it), or use IfNotPresent with a registry.',
    report: (g) => {
      const w = g.workloads[0];
      return {
        title: `${workloadLabel(w)} uses imagePullPolicy Never but ${images(g)} is not on the node`,
        explanation: `${subject(g)} cannot start: pull policy Never forbids pulling, and the nodes the pods landed on do not have ${images(g)}.`,
        remediation: [
          `${kubectl(w.namespace, `patch ${w.kind.toLowerCase()} ${w.name} --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/imagePullPolicy","value":"IfNotPresent"}]'`)}  # and push the image to a registry`,
          'or load the image on every node (kind load docker-image / ctr -n k8s.io images import)',
        ],
      };
    },
  },
  {
    kind: 'wrong-architecture', severity: 'critical', title: 'Image built for another CPU architecture (exec format error)',
    description:
      'The image has no variant for the node\'s platform ("no match for platform in manifest") or its binary is for another CPU and fails with "exec format error". ' +
      'Evidence: the pull error or the container\'s termination message, and the node\'s kubernetes.io/arch label. Fix: publish a multi-arch image or pin the pods to matching nodes with a nodeSelector.',
    report: (g) => {
      const w = g.workloads[0];
      return {
        title: `${images(g)} does not run on the CPU architecture of the nodes of ${workloadLabel(w)}`,
        explanation: `${subject(g)} fail because ${images(g)} was built for a different architecture than the node (e.g. an arm64-only image on amd64).`,
        remediation: [
          'build and push a multi-arch image: docker buildx build --platform linux/amd64,linux/arm64 -t <image> --push .',
          `or pin the pods to matching nodes: ${kubectl(w.namespace, `patch ${w.kind.toLowerCase()} ${w.name} -p '{"spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}'`)}`,
        ],
      };
    },
  },
  {
    kind: 'registry-tls', severity: 'critical', title: 'Registry TLS certificate not trusted by the node',
    description:
      'The pull fails in the TLS handshake ("x509: certificate signed by unknown authority", expired certificate, or "server gave HTTP response to HTTPS client" for an HTTP registry). ' +
      'Fix: give the registry a certificate from a trusted CA, or configure the container runtime on the nodes to trust its CA (containerd hosts.toml).',
    report: (g) => {
      const w = g.workloads[0];
      return {
        title: g.rootCause.kind === 'Node' ? `Node ${g.rootCause.name} fails TLS to the registry serving ${images(g)}` : `The nodes do not trust the TLS certificate of the registry serving ${images(g)}`,
        explanation: `${subject(g)} cannot pull ${images(g)}: the container runtime rejects the registry's certificate (or the registry speaks plain HTTP).`,
        remediation: [
          'add the registry CA on every node: /etc/containerd/certs.d/<registry>/hosts.toml with ca = "/etc/containerd/certs.d/<registry>/ca.crt", then restart containerd',
          `or point ${workloadLabel(w)} at a registry with a publicly trusted certificate: ${editCommand(w)}`,
        ],
      };
    },
  },
  {
    kind: 'registry-dns', severity: 'critical', title: 'Registry host name does not resolve',
    description:
      'The node cannot resolve the registry host ("dial tcp: lookup <host> ... no such host" / "server misbehaving"). For a private host the name in the image is the usual suspect (the workload); ' +
      'for a public registry (docker.io, ghcr.io, quay.io, ...) the node\'s resolver is (the Node). Fix: correct the registry host in the image reference, or fix the node\'s DNS.',
    report: (g) => {
      const w = g.workloads[0];
      return {
        title: g.rootCause.kind === 'Node' ? `Node ${g.rootCause.name} cannot resolve the registry host of ${images(g)}` : `The registry host of ${images(g)} does not resolve`,
        explanation: `${subject(g)} cannot pull: the node's DNS has no record for the registry in ${images(g)} — usually a misspelt registry host, or a private registry not resolvable from nodes.`,
        remediation: [...fixImage(g, 'correct the registry host'), `check from a node: nslookup <registry-host>; ${editCommand(w)}`],
      };
    },
  },
  {
    kind: 'registry-unreachable', severity: 'critical', title: 'Registry unreachable from the node',
    description:
      'The node reaches no registry endpoint (i/o timeout, connection refused, no route to host, TLS handshake timeout): egress firewall, missing proxy settings or the registry is down. ' +
      'A public registry that cannot be reached names the Node; a private one, the workload that uses it. Fix: allow egress to the registry (or configure the runtime\'s proxy), or use a mirror reachable from the nodes.',
    report: (g) => {
      const nodes = [...new Set(g.issues.map((i) => i.pod.spec?.nodeName).filter(Boolean))];
      return {
        title: `Registry for ${images(g)} is unreachable from node(s) ${nodes.join(', ') || '(unscheduled)'}`,
        explanation: `${subject(g)} cannot pull ${images(g)}: connections from the node to the registry time out or are refused.`,
        remediation: [
          'test from the node: crictl pull ' + (g.issues[0].facts?.image ?? '<image>') + '; curl -v https://<registry>/v2/',
          'open egress to the registry (firewall / NetworkPolicy on host network / NAT), or set HTTP(S)_PROXY for containerd, or use an in-cluster mirror',
        ],
      };
    },
  },
  {
    kind: 'pull-qps', severity: 'warning', title: 'Kubelet image pull QPS exceeded on the node',
    description:
      'The kubelet throttles its own pulls ("pull QPS exceeded", registryPullQPS/registryBurst) — usually after mass rescheduling onto a node. ' +
      'Pods retry with back-off. Fix: raise registryPullQPS/registryBurst in the node\'s kubelet configuration, or serialise less (serializeImagePulls: false), or pre-pull images.',
    report: (g) => ({
      title: `Node ${g.rootCause.name} throttles image pulls (pull QPS exceeded)`,
      explanation: `${subject(g)} wait for images because the kubelet on ${g.rootCause.name} hit its registryPullQPS limit.`,
      remediation: [
        `raise registryPullQPS / registryBurst in the kubelet config of ${g.rootCause.name} (/var/lib/kubelet/config.yaml) and restart the kubelet`,
        'pre-pull common images with a DaemonSet to avoid bursts',
      ],
    }),
  },
  {
    kind: 'inspect-failed', severity: 'critical', title: 'Runtime cannot inspect the image on the node (ImageInspectError)',
    description:
      'The kubelet fails to inspect the image in the node\'s runtime ("Failed to inspect image ..."): a corrupted image store or a runtime problem on that node. ' +
      'Fix: remove the image on the node (crictl rmi) so it is pulled again, or drain and repair the node.',
    report: (g) => ({
      title: `Node ${g.rootCause.name} cannot inspect ${images(g)}`,
      explanation: `${subject(g)} cannot start on ${g.rootCause.name}: the container runtime fails to read the image's metadata.`,
      remediation: [`on ${g.rootCause.name}: crictl rmi ${g.issues[0].facts?.image ?? '<image>'}; systemctl restart containerd`, `or drain it: kubectl drain ${g.rootCause.name} --ignore-daemonsets`],
    }),
  },
  {
    kind: 'pull-slow', severity: 'warning', title: 'Image pull has been running for a long time',
    description:
      'The newest image event is "Pulling image ..." from more than 15 minutes ago, with no Pulled or Failed since: a very large image, a slow or stalled registry connection. ' +
      'Fix: shrink the image, use a closer mirror, pre-pull on the nodes; check the node\'s network to the registry.',
    report: (g) => ({
      title: `Pulling ${images(g)} for ${workloadLabel(g.workloads[0])} is taking more than 15 minutes`,
      explanation: `${subject(g)} are still ContainerCreating: the kubelet started pulling ${images(g)} long ago and has not finished.`,
      remediation: ['check the image size and the node\'s bandwidth to the registry; use a slimmer image or a registry mirror close to the cluster', 'pre-pull large images with a DaemonSet'],
    }),
  },
  {
    kind: 'pull-failed', severity: 'critical', title: 'Image pull fails',
    description:
      'ErrImagePull / ImagePullBackOff whose error text matches no more specific cause. Evidence: the waiting state and "Failed to pull image" events. ' +
      'When the node\'s disk is full ("no space left on device") or other nodes run the same image, the Node is named. ' +
      'Fix: read the quoted registry error; check the image reference, credentials and registry reachability.',
    report: (g) => ({
      title: g.rootCause.kind === 'Node' ? `Node ${g.rootCause.name} cannot pull ${images(g)}` : `${workloadLabel(g.workloads[0])} cannot pull ${images(g)}`,
      explanation: `${subject(g)} are stuck pulling ${images(g)}; the kubelet's error is quoted in the evidence.`,
      remediation: fixImage(g, 'correct the image if needed'),
    }),
  },
];

export const imageScenarios: Scenario[] = SPECS.map((spec) =>
  issueScenario<ImageKind>({
    id: `image.${spec.kind}`,
    category: 'image',
    severity: spec.severity,
    title: spec.title,
    description: spec.description,
    hops: spec.hops,
    kind: spec.kind,
    classify: classifyImages,
    report: spec.report,
  }),
);
