/**
 * Admission webhooks and policies. When the API server cannot call a webhook (or the webhook says
 * no) the object is refused, so the evidence is the FailedCreate event of the controller, worded by
 * k8s.io/apiserver/pkg/admission/plugin/webhook ("failed calling webhook \"x\": failed to call
 * webhook: Post \"https://svc.ns.svc:443/path?timeout=10s\": ..."). Each failure is followed
 * to the webhook configuration, its Service, the pods behind it and their serving certificate,
 * and blamed on the deepest broken link.
 */
import type { ClusterState } from '../../cluster/state.js';
import { matchesMap } from '../../cluster/selectors.js';
import { displayName, refOf } from '../../cluster/state.js';
import type { KubeObject, MutatingWebhookConfiguration, ObjectRef, Pod, Service, ValidatingWebhookConfiguration } from '../../cluster/types.js';
import type { Detection, Scenario } from '../types.js';
import type { CreateFailure, MatchedFailure } from './create-failures.js';
import { refusalScenario } from './create-failures.js';
import { isPodReady, kubectl, kubectlRef } from './util.js';

type WebhookSpec = NonNullable<MutatingWebhookConfiguration['webhooks']>[number] | NonNullable<ValidatingWebhookConfiguration['webhooks']>[number];

interface WebhookEntry {
  config: ObjectRef;
  webhook: WebhookSpec;
}

/** A webhook followed as far as the input allows: configuration → Service → pods → serving certificate. */
interface WebhookChain {
  name: string;
  entry?: WebhookEntry;
  service?: ObjectRef;
  serviceObj?: Service;
  pods: Pod[];
  backend?: ObjectRef;
  certSecret?: ObjectRef;
}

/** API servers before 1.14 said "failed calling admission webhook". */
const CALL_FAILED = /failed calling (?:admission )?webhook "([^"]+)": (.+)/;
const URL_IN_MESSAGE = /(?:Post|POST)\s+"?(https?:\/\/[^"\s]+?)"?:\s/;

/** What went wrong in the call, after `failed calling webhook "x": `; each has its scenario, the rest goes to webhook-call-failed. */
const CALL_DETAILS = {
  refused: /connect: connection refused/,
  noEndpoints: /no endpoints available for service/,
  serviceNotFound: /service "[^"]+" not found/,
  timeout: /context deadline exceeded|Client\.Timeout exceeded|i\/o timeout|timed out|handshake timeout/i,
  expired: /x509: certificate has expired or is not yet valid/,
  unknownAuthority: /certificate signed by unknown authority|tls: bad certificate/,
  nameMismatch: /x509: certificate is (?:valid for .+, not |not valid for any names)/,
  dns: /lookup \S+(?: on \S+)?: no such host/,
  wrongPath: /the server could not find the requested resource|404 page not found/,
};

const indexCache = new WeakMap<ClusterState, Map<string, WebhookEntry>>();

function webhookIndex(state: ClusterState): Map<string, WebhookEntry> {
  let index = indexCache.get(state);
  if (index) return index;
  index = new Map();
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    for (const config of state.list<MutatingWebhookConfiguration | ValidatingWebhookConfiguration>(kind)) {
      for (const webhook of config.webhooks ?? []) index.set(webhook.name, { config: refOf(config), webhook });
    }
  }
  indexCache.set(state, index);
  return index;
}

/** `https://svc.ns.svc:443/path` → Service ns/svc (only in-cluster service host names). */
function serviceFromUrl(url: string | undefined): ObjectRef | undefined {
  if (!url) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  const parts = host.split('.');
  if (parts.length >= 3 && parts[2] === 'svc') return { kind: 'Service', namespace: parts[1], name: parts[0] };
  return undefined;
}

const chainCache = new WeakMap<ClusterState, Map<string, WebhookChain>>();

function webhookChain(state: ClusterState, name: string, message: string): WebhookChain {
  const url = URL_IN_MESSAGE.exec(message)?.[1];
  const cacheKey = `${name}|${url ?? ''}`;
  let perState = chainCache.get(state);
  if (!perState) chainCache.set(state, (perState = new Map()));
  const cached = perState.get(cacheKey);
  if (cached) return cached;
  const entry = webhookIndex(state).get(name);
  const svc = entry?.webhook.clientConfig?.service;
  const service: ObjectRef | undefined = svc?.name ? { kind: 'Service', namespace: svc.namespace, name: svc.name } : serviceFromUrl(url ?? entry?.webhook.clientConfig?.url);
  const serviceObj = service ? state.find<Service>(service) : undefined;
  const pods = serviceObj?.spec?.selector ? state.podsForService(serviceObj).filter((p) => p.status?.phase !== 'Succeeded') : [];
  const backend = pods.length ? state.workloadOf(pods[0]) : serviceObj ? workloadByTemplate(state, serviceObj) : undefined;
  const chain: WebhookChain = { name, entry, service, serviceObj, pods, backend, certSecret: servingSecret(pods) };
  perState.set(cacheKey, chain);
  return chain;
}

/** With no pod left (a deadlocked webhook), the workload whose pod template the Service selects. */
function workloadByTemplate(state: ClusterState, service: Service): ObjectRef | undefined {
  const selector = service.spec?.selector;
  if (!selector) return undefined;
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet']) {
    const match = state.list(kind).find((w) => {
      const template = (w.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template;
      return w.metadata.namespace === service.metadata.namespace && matchesMap(selector, template?.metadata?.labels);
    });
    if (match) return refOf(match);
  }
  return undefined;
}

/** The Secret a webhook server mounts its serving certificate from (token secrets excluded). */
function servingSecret(pods: Pod[]): ObjectRef | undefined {
  const pod = pods[0];
  if (!pod) return undefined;
  const names = (pod.spec?.volumes ?? []).map((v) => v.secret?.secretName).filter((n): n is string => !!n && !/-token-[a-z0-9]{5}$/.test(n));
  const name = names.find((n) => /cert|tls|serving|webhook/i.test(n)) ?? names[0];
  return name ? { kind: 'Secret', namespace: pod.metadata.namespace, name } : undefined;
}

function chainOf(state: ClusterState, failure: CreateFailure, match: RegExpExecArray): WebhookChain {
  return webhookChain(state, match[1], failure.message);
}

/** The webhook's own pods are refused by itself: nothing downstream can fix that, only the configuration's selectors. */
function blocksItself(chain: WebhookChain, failure: CreateFailure): boolean {
  return !!chain.backend && chain.backend.kind === failure.workload.kind && chain.backend.name === failure.workload.name && chain.backend.namespace === failure.workload.namespace;
}

function chainEvidence(chain: WebhookChain, failure: CreateFailure, end: string): string {
  const links = [`${failure.workload.kind} ${displayName(failure.workload)}: create refused`, `webhook "${chain.name}"`];
  if (chain.entry) links.push(`${chain.entry.config.kind} ${chain.entry.config.name}`);
  if (chain.service) links.push(`Service ${displayName(chain.service)}${chain.serviceObj ? '' : ' (not found)'}`);
  if (chain.pods.length) links.push(`${chain.backend ? `${chain.backend.kind} ${displayName(chain.backend)}` : 'pods'}: ${chain.pods.filter(isPodReady).length}/${chain.pods.length} pods ready`);
  links.push(end);
  return links.join(' ← ');
}

function configRemediation(chain: WebhookChain): string[] {
  if (!chain.entry) return [`find the configuration: kubectl get mutatingwebhookconfigurations,validatingwebhookconfigurations -o json | grep -n '"name": "${chain.name}"'`];
  return [`kubectl get ${chain.entry.config.kind.toLowerCase()} ${chain.entry.config.name} -o yaml`];
}

interface WebhookScenarioSpec {
  id: string;
  hops: number;
  title: string;
  description: string;
  /** Matches the part after `failed calling webhook "x": `. */
  detail: RegExp | ((detail: string) => boolean);
  /** The object to fix, in order of preference, from the followed chain. */
  blame(chain: WebhookChain, failure: CreateFailure): ObjectRef | undefined;
  explain(chain: WebhookChain, cause: ObjectRef): { title: string; explanation: string; end: string; remediation: string[] };
}

function webhookCallScenario(spec: WebhookScenarioSpec): Scenario {
  return refusalScenario({
    id: `admission.${spec.id}`,
    category: 'admission',
    severity: 'critical',
    hops: spec.hops,
    title: spec.title,
    description: spec.description,
    pattern: CALL_FAILED,
    rootCauseOf(state, failure, match) {
      if (!(typeof spec.detail === 'function' ? spec.detail(match[2]) : spec.detail.test(match[2]))) return undefined;
      const chain = chainOf(state, failure, match);
      if (blocksItself(chain, failure)) return undefined;
      return spec.blame(chain, failure);
    },
    report(state, cause, failures: MatchedFailure[]) {
      const chain = chainOf(state, failures[0].failure, failures[0].match);
      const text = spec.explain(chain, cause);
      const workloads = [...new Set(failures.map(({ failure }) => `${failure.workload.kind} ${displayName(failure.workload)}`))];
      return {
        title: text.title,
        explanation: `${text.explanation} Every create or update the webhook intercepts is refused; blocked so far: ${workloads.join(', ')}.`,
        evidence: [chainEvidence(chain, failures[0].failure, text.end)],
        affected: [chain.entry?.config, chain.service, chain.backend].filter((r): r is ObjectRef => !!r && !(r.kind === cause.kind && r.name === cause.name)),
        remediation: text.remediation,
      };
    },
  });
}

const backendOrConfig = (chain: WebhookChain): ObjectRef | undefined => chain.backend ?? chain.entry?.config ?? chain.service;

const connectionRefused = webhookCallScenario({
  id: 'webhook-connection-refused',
  hops: 2,
  title: 'Admission webhook unreachable: connection refused',
  description:
    'The API server reaches the webhook\'s Service address but nothing accepts the connection ("failed calling webhook ... dial tcp ' +
    '10.96.0.10:443: connect: connection refused"): the webhook server is down, restarting or listening elsewhere. Evidence: FailedCreate ' +
    'events, the Service and its pods. Fix: bring the webhook server back (its Deployment), or if it was removed, delete its configuration.',
  detail: CALL_DETAILS.refused,
  blame: (chain) => (portMismatch(chain) ? undefined : backendOrConfig(chain)),
  explain: (chain, cause) => ({
    title: `Webhook "${chain.name}" refuses connections: ${cause.kind} ${displayName(cause)} is not serving`,
    explanation: `The API server cannot connect to webhook "${chain.name}"${chain.service ? ` at Service ${displayName(chain.service)}` : ''}.`,
    end: 'connection refused',
    remediation: [
      ...(cause.kind !== 'Service' && !cause.kind.endsWith('WebhookConfiguration') ? [kubectl(cause.namespace, `rollout status ${kubectlRef(cause)}`), kubectl(cause.namespace, `logs ${kubectlRef(cause)}`)] : []),
      ...configRemediation(chain),
      'if the webhook\'s operator was uninstalled, delete the leftover webhook configuration',
    ],
  }),
});

/** The Service's targetPort is not a port any backend container declares. */
function portMismatch(chain: WebhookChain): string | undefined {
  const service = chain.serviceObj;
  if (!service || !chain.pods.length) return undefined;
  const wanted = chain.entry?.webhook.clientConfig?.service?.port ?? 443;
  const port = service.spec?.ports?.find((p) => p.port === wanted) ?? service.spec?.ports?.[0];
  const target = port?.targetPort ?? port?.port;
  if (target === undefined) return undefined;
  const declared = chain.pods[0].spec?.containers?.flatMap((c) => c.ports ?? []) ?? [];
  if (!declared.length) return undefined;
  const served = declared.some((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
  return served ? undefined : `Service port ${port?.port} → targetPort ${target}, but the pods declare ${declared.map((p) => `${p.name ?? ''}${p.name ? '=' : ''}${p.containerPort}`).join(', ')}`;
}

const servicePortMismatch = webhookCallScenario({
  id: 'webhook-service-port-mismatch',
  hops: 3,
  title: 'Admission webhook unreachable: its Service targets a port the server does not listen on',
  description:
    'Connections to the webhook are refused because the Service\'s targetPort is not the port the webhook container listens on ' +
    '(e.g. 443 → 8443 expected, 9443 declared). Evidence: FailedCreate "connection refused", the Service ports and the pods\' container ' +
    'ports. Fix: correct the Service targetPort.',
  detail: CALL_DETAILS.refused,
  blame: (chain) => (portMismatch(chain) ? chain.service : undefined),
  explain: (chain, cause) => ({
    title: `Service ${displayName(cause)} of webhook "${chain.name}" targets the wrong port`,
    explanation: `${portMismatch(chain)}, so the API server's calls to webhook "${chain.name}" are refused.`,
    end: portMismatch(chain) ?? 'port mismatch',
    remediation: [kubectl(cause.namespace, `edit service ${cause.name}  # spec.ports[].targetPort = the webhook container's port`)],
  }),
});

const noEndpoints = webhookCallScenario({
  id: 'webhook-no-endpoints',
  hops: 3,
  title: 'Admission webhook unreachable: its Service has no ready endpoints',
  description:
    'The webhook\'s Service has no ready pod behind it ("failed calling webhook ...: no endpoints available for service \\"x\\""), and ' +
    'with failurePolicy Fail every matching request is refused. Usually the webhook Deployment is down (crashing, Pending, scaled to zero) ' +
    'or was uninstalled while its configuration stayed. Evidence: FailedCreate events, the Service\'s endpoints and pods. Fix: restore the ' +
    'webhook pods, or delete the stale configuration.',
  detail: CALL_DETAILS.noEndpoints,
  blame: backendOrConfig,
  explain: (chain, cause) => ({
    title: cause.kind.endsWith('WebhookConfiguration')
      ? `${cause.kind} ${cause.name} points at Service ${chain.service ? displayName(chain.service) : ''} with no pods behind it`
      : `Webhook "${chain.name}" has no ready endpoints: ${cause.kind} ${displayName(cause)} has no ready pods`,
    explanation: `Service ${chain.service ? displayName(chain.service) : ''} of webhook "${chain.name}" has no ready endpoints (${chain.pods.filter(isPodReady).length}/${chain.pods.length} pods ready).`,
    end: 'no endpoints available',
    remediation: cause.kind.endsWith('WebhookConfiguration')
      ? [`if the webhook was uninstalled: kubectl delete ${cause.kind.toLowerCase()} ${cause.name}`, 'otherwise reinstall the webhook server behind the Service']
      : [kubectl(cause.namespace, `get pods -l ${Object.entries(chain.serviceObj?.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`), kubectl(cause.namespace, `describe ${kubectlRef(cause)}`), ...configRemediation(chain)],
  }),
});

const serviceNotFound = webhookCallScenario({
  id: 'webhook-service-not-found',
  hops: 2,
  title: 'Admission webhook points at a Service that does not exist',
  description:
    'The webhook configuration names a Service that does not exist ("failed calling webhook ...: service \\"x\\" not found"), usually ' +
    'left behind when an operator was uninstalled. Every matching request is refused while failurePolicy is Fail. Evidence: FailedCreate ' +
    'events. Fix: delete the stale configuration, or reinstall the webhook.',
  detail: CALL_DETAILS.serviceNotFound,
  blame: (chain) => chain.entry?.config ?? chain.service,
  explain: (chain, cause) => ({
    title: `Webhook "${chain.name}" calls Service ${chain.service ? displayName(chain.service) : ''}, which does not exist`,
    explanation: `${cause.kind} ${displayName(cause)} sends requests to a Service that is gone.`,
    end: 'service not found',
    remediation: [cause.kind.endsWith('WebhookConfiguration') ? `kubectl delete ${cause.kind.toLowerCase()} ${cause.name}  # if the webhook was uninstalled` : 'reinstall the webhook server and its Service', ...configRemediation(chain)],
  }),
});

const timeout = webhookCallScenario({
  id: 'webhook-timeout',
  hops: 2,
  title: 'Admission webhook call times out',
  description:
    'The API server\'s call to the webhook does not answer within timeoutSeconds ("context deadline exceeded", "Client.Timeout exceeded", ' +
    '"i/o timeout"): the webhook server is overloaded or hung, or the network between the control plane and the pods is blocked (e.g. a ' +
    'firewall on managed control planes, a NetworkPolicy). Evidence: FailedCreate events. Fix: check the webhook pods and control-plane-to-pod ' +
    'connectivity on the webhook port; lower timeoutSeconds or set failurePolicy Ignore for non-critical webhooks.',
  detail: CALL_DETAILS.timeout,
  blame: backendOrConfig,
  explain: (chain, cause) => ({
    title: `Webhook "${chain.name}" times out (${cause.kind} ${displayName(cause)})`,
    explanation: `Calls to webhook "${chain.name}"${chain.service ? ` (Service ${displayName(chain.service)})` : ''} do not answer in time.`,
    end: 'timeout',
    remediation: [
      ...(chain.backend ? [kubectl(chain.backend.namespace, `logs ${kubectlRef(chain.backend)}`)] : []),
      'allow the control plane to reach the webhook port (cloud firewall rules for private clusters, NetworkPolicies in the webhook namespace)',
      ...configRemediation(chain),
    ],
  }),
});

const certificateExpired = webhookCallScenario({
  id: 'webhook-certificate-expired',
  hops: 2,
  title: 'Admission webhook serves an expired TLS certificate',
  description:
    'The webhook server\'s TLS certificate has expired (or is not yet valid), so the API server refuses the TLS handshake ' +
    '("x509: certificate has expired or is not yet valid") and every intercepted request fails. Evidence: FailedCreate events; the ' +
    'Secret the webhook pods mount. Fix: renew the certificate in that Secret (cert-manager, or regenerate), restart the webhook pods, ' +
    'and update the configuration\'s caBundle if the CA changed.',
  detail: CALL_DETAILS.expired,
  blame: (chain) => chain.certSecret ?? chain.backend ?? chain.entry?.config,
  explain: (chain, cause) => ({
    title: `Webhook "${chain.name}" serves an expired certificate (${cause.kind} ${displayName(cause)})`,
    explanation: `The API server rejects the TLS certificate of webhook "${chain.name}" as expired or not yet valid.`,
    end: cause.kind === 'Secret' ? `Secret ${displayName(cause)}: certificate expired` : 'x509: certificate has expired',
    remediation: [
      cause.kind === 'Secret'
        ? `renew the certificate: kubectl -n ${cause.namespace} get secret ${cause.name} -o jsonpath='{.data.tls\\.crt}' | base64 -d | openssl x509 -noout -enddate  # then regenerate it`
        : 'regenerate the webhook\'s serving certificate',
      ...(chain.backend ? [kubectl(chain.backend.namespace, `rollout restart ${kubectlRef(chain.backend)}`)] : []),
      'update caBundle in the webhook configuration if the CA changed',
    ],
  }),
});

const unknownAuthority = webhookCallScenario({
  id: 'webhook-unknown-authority',
  hops: 2,
  title: 'Admission webhook certificate not trusted: caBundle does not match',
  description:
    'The API server does not trust the webhook server\'s certificate ("x509: certificate signed by unknown authority"): the caBundle in ' +
    'the webhook configuration is missing or from another CA (certificate rotated, cert-manager CA injector not running). Evidence: ' +
    'FailedCreate events. Fix: put the signing CA into clientConfig.caBundle (or fix the cainjector annotation).',
  detail: CALL_DETAILS.unknownAuthority,
  blame: (chain) => chain.entry?.config ?? chain.certSecret ?? chain.backend,
  explain: (chain, cause) => ({
    title: `Webhook "${chain.name}": the API server does not trust its certificate (${cause.kind} ${displayName(cause)})`,
    explanation: `The caBundle configured for webhook "${chain.name}" does not verify the certificate its server presents.`,
    end: 'x509: certificate signed by unknown authority',
    remediation: [
      `set clientConfig.caBundle to the CA that signed the serving certificate${chain.entry ? `: kubectl edit ${chain.entry.config.kind.toLowerCase()} ${chain.entry.config.name}` : ''}`,
      'with cert-manager: check the cert-manager.io/inject-ca-from annotation and that cainjector is running',
    ],
  }),
});

const nameMismatch = webhookCallScenario({
  id: 'webhook-certificate-name-mismatch',
  hops: 2,
  title: 'Admission webhook certificate does not cover the Service name',
  description:
    'The webhook server\'s certificate is valid, but not for the host name the API server calls ("x509: certificate is valid for a, b, ' +
    'not svc.ns.svc"): the certificate was issued for another Service or namespace. Evidence: FailedCreate events. Fix: reissue the ' +
    'certificate with the DNS name <service>.<namespace>.svc.',
  detail: CALL_DETAILS.nameMismatch,
  blame: (chain) => chain.certSecret ?? chain.backend ?? chain.entry?.config,
  explain: (chain, cause) => ({
    title: `Webhook "${chain.name}": certificate in ${cause.kind} ${displayName(cause)} is for another host name`,
    explanation: `The certificate webhook "${chain.name}" presents does not include ${chain.service ? `${chain.service.name}.${chain.service.namespace}.svc` : 'the host name called'}.`,
    end: 'x509: certificate is valid for other names',
    remediation: [`reissue the certificate with dnsNames: [${chain.service ? `${chain.service.name}.${chain.service.namespace}.svc` : '<service>.<namespace>.svc'}]`, ...(chain.backend ? [kubectl(chain.backend.namespace, `rollout restart ${kubectlRef(chain.backend)}`)] : [])],
  }),
});

const dnsLookup = webhookCallScenario({
  id: 'webhook-dns-lookup-failed',
  hops: 2,
  title: 'Admission webhook host name does not resolve from the API server',
  description:
    'The webhook is configured by URL with a host name the API server cannot resolve ("dial tcp: lookup x on 10.0.0.2:53: no such host"), ' +
    'typically a cluster-internal *.svc name used in clientConfig.url (the API server does not use cluster DNS). Evidence: FailedCreate events. ' +
    'Fix: use clientConfig.service instead of url, or a resolvable address.',
  detail: CALL_DETAILS.dns,
  blame: (chain) => chain.entry?.config ?? chain.service ?? chain.backend,
  explain: (chain, cause) => ({
    title: `Webhook "${chain.name}": host name does not resolve (${cause.kind} ${displayName(cause)})`,
    explanation: `The API server cannot resolve the host name configured for webhook "${chain.name}".`,
    end: 'no such host',
    remediation: ['replace clientConfig.url with clientConfig.service {namespace, name, path, port}', ...configRemediation(chain)],
  }),
});

const wrongPath = webhookCallScenario({
  id: 'webhook-wrong-path',
  hops: 2,
  title: 'Admission webhook path not served (404)',
  description:
    'The webhook server answers, but not on the configured path ("the server could not find the requested resource"), e.g. after an ' +
    'upgrade changed the endpoint path. Evidence: FailedCreate events. Fix: correct clientConfig.service.path in the webhook configuration.',
  detail: CALL_DETAILS.wrongPath,
  blame: (chain) => chain.entry?.config ?? chain.backend ?? chain.service,
  explain: (chain, cause) => ({
    title: `Webhook "${chain.name}" is called on a path its server does not serve (${cause.kind} ${displayName(cause)})`,
    explanation: `The server behind webhook "${chain.name}" returns 404 for the configured path ${chain.entry?.webhook.clientConfig?.service?.path ?? ''}.`,
    end: '404 not found',
    remediation: ['set clientConfig.service.path to the path the server serves (see the webhook\'s documentation for this version)', ...configRemediation(chain)],
  }),
});

const callFailed = webhookCallScenario({
  id: 'webhook-call-failed',
  hops: 2,
  title: 'Admission webhook call fails',
  description:
    'The API server cannot complete the call to a webhook for a reason no more specific scenario recognises (EOF, connection reset, ' +
    '"no route to host", a TLS error, a 5xx from the server), and with failurePolicy Fail the request is refused. Evidence: FailedCreate ' +
    'events with the webhook\'s error. Fix: check the webhook server (logs) and the path from the control plane to it; set failurePolicy ' +
    'Ignore for non-critical webhooks.',
  detail: (detail) => !Object.values(CALL_DETAILS).some((known) => known.test(detail)),
  blame: backendOrConfig,
  explain: (chain, cause) => ({
    title: `Calls to webhook "${chain.name}" fail (${cause.kind} ${displayName(cause)})`,
    explanation: `The API server's calls to webhook "${chain.name}"${chain.service ? ` (Service ${displayName(chain.service)})` : ''} fail.`,
    end: 'call failed',
    remediation: [...(chain.backend ? [kubectl(chain.backend.namespace, `logs ${kubectlRef(chain.backend)}`)] : []), ...configRemediation(chain)],
  }),
});

/** The webhook's own pods are intercepted by it: while it is down, it can never come back. */
const blocksItselfScenario = refusalScenario({
  id: 'admission.webhook-blocks-itself',
  category: 'admission',
  severity: 'critical',
  hops: 2,
  title: 'Admission webhook deadlock: the webhook blocks the creation of its own pods',
  description:
    'A webhook with failurePolicy Fail intercepts pods in its own namespace; once its pods are gone, the API server cannot call it to admit ' +
    'their replacements, so it never recovers. Evidence: FailedCreate events of the webhook\'s own workload naming the webhook. Fix: exclude ' +
    'the webhook\'s namespace (namespaceSelector) or its pods (objectSelector); to recover now, set failurePolicy Ignore or delete the configuration temporarily.',
  pattern: CALL_FAILED,
  rootCauseOf(state, failure, match) {
    const chain = chainOf(state, failure, match);
    return blocksItself(chain, failure) ? chain.entry?.config ?? chain.backend : undefined;
  },
  report(state, cause, failures) {
    const chain = chainOf(state, failures[0].failure, failures[0].match);
    return {
      title: `Webhook "${chain.name}" blocks its own pods in ${chain.backend?.namespace}`,
      explanation: `${chain.backend ? `${chain.backend.kind} ${displayName(chain.backend)}` : 'The webhook server'} serves webhook "${chain.name}", which intercepts its own pods; with no pod running the call fails, so no pod can be created.`,
      evidence: [chainEvidence(chain, failures[0].failure, 'webhook intercepts its own namespace')],
      affected: [chain.backend, chain.service].filter((r): r is ObjectRef => !!r),
      remediation: [
        `recover: kubectl patch ${cause.kind.toLowerCase()} ${cause.name} --type json -p '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]'`,
        `prevent: add a namespaceSelector excluding ${chain.backend?.namespace} (kubernetes.io/metadata.name NotIn [${chain.backend?.namespace}])`,
      ],
    };
  },
});

// ---- denials -----------------------------------------------------------------------------------

function denialScenario(id: string, pattern: RegExp, title: string, description: string, who: (m: RegExpExecArray) => string, reason: (m: RegExpExecArray) => string): Scenario {
  return refusalScenario({
    id: `admission.${id}`,
    category: 'admission',
    severity: 'critical',
    title,
    description,
    pattern,
    rootCauseOf: (_state, failure) => failure.workload,
    report(_state, workload, failures) {
      const reasons = [...new Set(failures.map(({ match }) => reason(match)))];
      return {
        title: `${who(failures[0].match)} denies ${workload.kind} ${displayName(workload)}: ${reasons[0]}`,
        explanation: `${who(failures[0].match)} refuses the pods of ${workload.kind} ${displayName(workload)} (${reasons.join('; ')}). The pod template must comply, or the policy must allow an exception.`,
        remediation: [`change the pod template to satisfy the policy: ${kubectl(workload.namespace, `edit ${kubectlRef(workload)}`)}`, 'or ask the policy owner for an exception (policy exclusion/label) for this workload'],
      };
    },
  });
}

const webhookDenied = denialScenario(
  'webhook-denied',
  /admission webhook "([^"]+)" denied the request:?\s*(.*)/,
  'A validating admission webhook denies the workload\'s pods',
  'A policy webhook (Gatekeeper, Kyverno, a custom validator) rejects the objects the controller creates ("admission webhook \\"x\\" denied ' +
  'the request: ..."), so the workload has no pods. Evidence: FailedCreate events with the policy\'s message. Fix: change the pod template to ' +
  'comply (labels, resources, registries, securityContext), or get an exception.',
  (m) => `Admission webhook "${m[1]}"`,
  (m) => m[2] || 'denied',
);

const policyDenied = denialScenario(
  'validating-policy-denied',
  /ValidatingAdmissionPolicy '([^']+)'(?: with binding '([^']+)')? denied request: (.*)/,
  'A ValidatingAdmissionPolicy denies the workload\'s pods',
  'A ValidatingAdmissionPolicy (CEL) bound to the namespace rejects the controller\'s pods ("ValidatingAdmissionPolicy \'x\' with binding \'y\' ' +
  'denied request: ..."). Evidence: FailedCreate events. Fix: make the pod template satisfy the expression, or narrow the binding.',
  (m) => `ValidatingAdmissionPolicy "${m[1]}"`,
  (m) => m[3],
);

// ---- failurePolicy Fail with nothing behind the Service -----------------------------------------

/**
 * A webhook that will refuse requests as soon as one arrives: failurePolicy Fail (the v1 default) and a
 * Service that is gone or has no ready pods. A consequence: when another finding explains the pods being
 * down (a crash, an image pull), this becomes a link of its chain.
 */
const failClosedUnavailable: Scenario = {
  id: 'admission.webhook-fail-closed-unavailable',
  category: 'admission',
  severity: 'warning',
  hops: 3,
  consequence: true,
  title: 'Webhook with failurePolicy Fail has no working backend',
  description:
    'A Mutating/ValidatingWebhookConfiguration with failurePolicy Fail points at a Service that does not exist or has no ready pods, so ' +
    'every create/update it intercepts will be refused (scale-ups, rollouts, node replacements). Evidence: the configuration, the Service and ' +
    'its pods. Fix: restore the webhook pods, or delete the configuration if the webhook was uninstalled.',
  needs: ['Service'],
  detect(state) {
    const detections: Detection[] = [];
    for (const { config, webhook } of webhookIndex(state).values()) {
      if ((webhook.failurePolicy ?? 'Fail') !== 'Fail') continue;
      const svc = webhook.clientConfig?.service;
      if (!svc?.name) continue;
      const chain = webhookChain(state, webhook.name, '');
      const ready = chain.pods.filter(isPodReady);
      if (chain.serviceObj && (ready.length > 0 || !chain.serviceObj.spec?.selector || hasReadyEndpoints(state, chain.serviceObj))) continue;
      const cause = chain.backend ?? config;
      detections.push({
        resource: config,
        rootCause: cause,
        affected: [config, ...(chain.service ? [chain.service] : []), ...chain.pods.map((p) => refOf(p as KubeObject))],
        dependsOn: [...(chain.backend ? [chain.backend] : []), ...(chain.service ? [chain.service] : [])],
        title: chain.serviceObj
          ? `Webhook "${webhook.name}" (failurePolicy Fail) has no ready pods behind Service ${displayName(chain.service!)}`
          : `Webhook "${webhook.name}" (failurePolicy Fail) points at missing Service ${svc.namespace}/${svc.name}`,
        explanation:
          `${config.kind} ${config.name} fails closed, and its backend is ${chain.serviceObj ? `down (${ready.length}/${chain.pods.length} pods ready)` : 'gone'}; ` +
          'every request it intercepts will be refused until the backend is back.',
        evidence: [`${config.kind} ${config.name}: webhook "${webhook.name}" failurePolicy=${webhook.failurePolicy ?? 'Fail (default)'} → Service ${svc.namespace}/${svc.name}${chain.serviceObj ? `: ${ready.length}/${chain.pods.length} pods ready` : ' (not found)'}`],
        remediation: chain.backend
          ? [kubectl(chain.backend.namespace, `describe ${kubectlRef(chain.backend)}`), `or make it fail open meanwhile: kubectl patch ${config.kind.toLowerCase()} ${config.name} --type json -p '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]'`]
          : [`kubectl delete ${config.kind.toLowerCase()} ${config.name}  # if the webhook was uninstalled`, 'or reinstall the webhook server and its Service'],
        confidence: 0.85,
      });
    }
    return detections;
  },
};

function hasReadyEndpoints(state: ClusterState, service: Service): boolean {
  if (!state.hasKind('Endpoints')) return false;
  return state.endpointsFor(service)?.subsets?.some((s) => (s.addresses ?? []).length > 0) ?? false;
}

export const admissionScenarios: Scenario[] = [
  connectionRefused,
  servicePortMismatch,
  noEndpoints,
  serviceNotFound,
  timeout,
  certificateExpired,
  unknownAuthority,
  nameMismatch,
  dnsLookup,
  wrongPath,
  callFailed,
  blocksItselfScenario,
  webhookDenied,
  policyDenied,
  failClosedUnavailable,
];
