import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { deployment, detect, diagnoseObjects, firstFindingFor, healthyNodes, obj } from './fixtures.js';
import { crashLooping, recovered, refusedDeployment } from './infra-fixtures.js';

const WEBHOOK = 'validate.policy.acme.io';
const URL = 'https://policy-webhook.policy.svc:443/validate?timeout=10s';
// As k8s.io/apiserver's webhook client words it (wrapped by the ReplicaSet controller's "Error creating: ").
const callFailed = (detail: string) => `Internal error occurred: failed calling webhook "${WEBHOOK}": failed to call webhook: Post "${URL}": ${detail}`;

interface Backend {
  ready?: boolean;
  pods?: boolean;
  service?: boolean;
  targetPort?: number;
  url?: boolean;
  failurePolicy?: string;
}

/** The webhook server (Deployment + Service + Endpoints) and its ValidatingWebhookConfiguration. */
function webhookBackend(options: Backend = {}): KubeObject[] {
  const podSpec = { containers: [{ name: 'webhook', image: 'ghcr.io/acme/policy-webhook:1.4.0', ports: [{ containerPort: 8443, name: 'https' }] }], volumes: [{ name: 'certs', secret: { secretName: 'policy-webhook-tls' } }] };
  const app = deployment('policy-webhook', { namespace: 'policy', replicas: 1, podSpec, ...(options.ready === false ? { podStatus: crashLooping('webhook', 'ghcr.io/acme/policy-webhook:1.4.0', 'open /certs/tls.crt: no such file or directory') } : {}) });
  const service = obj('Service', 'v1', 'policy-webhook', 'policy', { spec: { selector: { app: 'policy-webhook' }, ports: [{ port: 443, targetPort: options.targetPort ?? 8443, protocol: 'TCP' }] } });
  const ready = options.ready !== false && options.pods !== false;
  const endpoints = obj('Endpoints', 'v1', 'policy-webhook', 'policy', { subsets: ready ? [{ addresses: [{ ip: '10.244.1.17', targetRef: { kind: 'Pod', namespace: 'policy', name: app.pods[0].metadata.name } }], ports: [{ port: options.targetPort ?? 8443 }] }] : [] });
  const clientConfig = options.url ? { url: 'https://policy-webhook.policy.svc:443/validate', caBundle: 'LS0tLS1CRUdJTg==' } : { service: { namespace: 'policy', name: 'policy-webhook', path: '/validate', port: 443 }, caBundle: 'LS0tLS1CRUdJTg==' };
  const config = obj('ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/v1', 'policy-webhook', undefined, {
    webhooks: [{ name: WEBHOOK, clientConfig, failurePolicy: options.failurePolicy ?? 'Fail', sideEffects: 'None', admissionReviewVersions: ['v1'], rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] }],
  });
  return [
    ...(options.pods === false ? [app.deployment] : app.all),
    ...(options.service === false ? [] : [service, endpoints]),
    config,
  ];
}

interface Case {
  id: string;
  message: string;
  backend?: Backend;
  rootCause: { kind: string; name: string; namespace?: string };
  evidence: string;
}

const config = { kind: 'ValidatingWebhookConfiguration', name: 'policy-webhook' };
const backendDeployment = { kind: 'Deployment', namespace: 'policy', name: 'policy-webhook' };

const cases: Case[] = [
  { id: 'admission.webhook-connection-refused', message: callFailed('dial tcp 10.96.45.12:443: connect: connection refused'), backend: { ready: false }, rootCause: backendDeployment, evidence: 'Deployment policy/policy-webhook: 0/1 pods ready ← connection refused' },
  { id: 'admission.webhook-service-port-mismatch', message: callFailed('dial tcp 10.96.45.12:443: connect: connection refused'), backend: { targetPort: 9443 }, rootCause: { kind: 'Service', namespace: 'policy', name: 'policy-webhook' }, evidence: 'targetPort 9443, but the pods declare https=8443' },
  { id: 'admission.webhook-no-endpoints', message: callFailed('no endpoints available for service "policy-webhook"'), backend: { ready: false }, rootCause: backendDeployment, evidence: 'no endpoints available' },
  { id: 'admission.webhook-service-not-found', message: callFailed('service "policy-webhook" not found'), backend: { service: false }, rootCause: config, evidence: 'Service policy/policy-webhook (not found)' },
  { id: 'admission.webhook-timeout', message: callFailed('context deadline exceeded'), rootCause: backendDeployment, evidence: 'context deadline exceeded' },
  { id: 'admission.webhook-certificate-expired', message: callFailed('x509: certificate has expired or is not yet valid: current time 2026-11-28T09:59:30Z is after 2026-11-01T00:00:00Z'), rootCause: { kind: 'Secret', namespace: 'policy', name: 'policy-webhook-tls' }, evidence: 'Secret policy/policy-webhook-tls: certificate expired' },
  { id: 'admission.webhook-unknown-authority', message: callFailed('tls: failed to verify certificate: x509: certificate signed by unknown authority'), rootCause: config, evidence: 'ValidatingWebhookConfiguration policy-webhook' },
  { id: 'admission.webhook-certificate-name-mismatch', message: callFailed('tls: failed to verify certificate: x509: certificate is valid for webhook.default.svc, not policy-webhook.policy.svc'), rootCause: { kind: 'Secret', namespace: 'policy', name: 'policy-webhook-tls' }, evidence: 'certificate is valid for webhook.default.svc' },
  { id: 'admission.webhook-dns-lookup-failed', message: callFailed('dial tcp: lookup policy-webhook.policy.svc on 169.254.169.254:53: no such host'), backend: { url: true }, rootCause: config, evidence: 'no such host' },
  { id: 'admission.webhook-wrong-path', message: `Internal error occurred: failed calling webhook "${WEBHOOK}": failed to call webhook: the server could not find the requested resource`, rootCause: config, evidence: 'could not find the requested resource' },
  { id: 'admission.webhook-call-failed', message: callFailed('read tcp 10.0.0.11:53484->10.96.45.12:443: read: connection reset by peer'), rootCause: backendDeployment, evidence: 'connection reset by peer' },
  { id: 'admission.webhook-denied', message: 'admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] you must provide labels: {"owner"}', rootCause: { kind: 'Deployment', namespace: 'shop', name: 'web' }, evidence: 'you must provide labels' },
  { id: 'admission.validating-policy-denied', message: "pods \"web-7d9f8b6c5d-x2x9q\" is forbidden: ValidatingAdmissionPolicy 'pods-need-limits' with binding 'pods-need-limits-shop' denied request: failed expression: object.spec.containers.all(c, has(c.resources.limits))", rootCause: { kind: 'Deployment', namespace: 'shop', name: 'web' }, evidence: "ValidatingAdmissionPolicy 'pods-need-limits'" },
];

describe.each(cases)('$id', (c) => {
  const objects = (refusedObjects: KubeObject[]) => [...healthyNodes(), ...refusedObjects, ...webhookBackend(c.backend)];

  it('follows the webhook to the object to fix and shows the chain', () => {
    const r = refusedDeployment('web', c.message, { namespace: 'shop' });
    const [d, ...rest] = detect(c.id, objects(r.all));
    expect(rest).toEqual([]);
    expect(d.rootCause).toEqual(c.rootCause);
    expect(d.affected).toContainEqual({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(d.evidence.join('\n')).toContain(c.evidence);
  });

  it('stays quiet once the blocked workload has its pods', () => {
    expect(detect(c.id, objects(recovered(refusedDeployment('web', c.message, { namespace: 'shop' }))))).toEqual([]);
  });
});

it('each webhook call failure belongs to exactly one scenario', () => {
  const callScenarios = cases.filter((c) => c.message.includes('failed calling webhook')).map((c) => c.id);
  for (const c of cases.filter((k) => callScenarios.includes(k.id))) {
    const r = refusedDeployment('web', c.message, { namespace: 'shop' });
    const objects = [...healthyNodes(), ...r.all, ...webhookBackend(c.backend)];
    expect(callScenarios.filter((id) => detect(id, objects).length > 0), c.id).toEqual([c.id]);
  }
});

describe('admission.webhook-blocks-itself', () => {
  const message = callFailed('no endpoints available for service "policy-webhook"');
  const deadlock = () => {
    const own = refusedDeployment('policy-webhook', message, { namespace: 'policy', replicas: 1, podSpec: { containers: [{ name: 'webhook', image: 'ghcr.io/acme/policy-webhook:1.4.0', ports: [{ containerPort: 8443 }] }] } });
    return [...healthyNodes(), ...own.all, ...webhookBackend({ pods: false }).filter((o) => o.kind !== 'Deployment')];
  };

  it('blames the configuration whose selectors include the webhook\'s own pods', () => {
    const [d] = detect('admission.webhook-blocks-itself', deadlock());
    expect(d.rootCause).toEqual(config);
    expect(d.remediation[0]).toContain('"value":"Ignore"');
    expect(detect('admission.webhook-no-endpoints', deadlock())).toEqual([]);
  });

  it('does not fire when the refused workload is not the webhook\'s own', () => {
    const r = refusedDeployment('web', message, { namespace: 'shop' });
    expect(detect('admission.webhook-blocks-itself', [...healthyNodes(), ...r.all, ...webhookBackend({ ready: false })])).toEqual([]);
  });
});

describe('admission.webhook-fail-closed-unavailable', () => {
  it('warns about a fail-closed webhook whose pods are all down, before anything is refused', () => {
    const [d] = detect('admission.webhook-fail-closed-unavailable', [...healthyNodes(), ...webhookBackend({ ready: false })]);
    expect(d.rootCause).toEqual(backendDeployment);
    expect(d.resource).toEqual(config);
    expect(d.evidence[0]).toContain('failurePolicy=Fail');
  });

  it('blames a leftover configuration whose Service is gone', () => {
    const [d] = detect('admission.webhook-fail-closed-unavailable', [...healthyNodes(), ...webhookBackend({ service: false, pods: false }).filter((o) => o.kind !== 'Deployment')]);
    expect(d.rootCause).toEqual(config);
  });

  it('stays quiet when the backend is ready or the webhook fails open', () => {
    expect(detect('admission.webhook-fail-closed-unavailable', [...healthyNodes(), ...webhookBackend()])).toEqual([]);
    expect(detect('admission.webhook-fail-closed-unavailable', [...healthyNodes(), ...webhookBackend({ ready: false, failurePolicy: 'Ignore' })])).toEqual([]);
  });
});

describe('admission in a full diagnosis', () => {
  it('an expired webhook certificate is the first finding for the blocked Deployment (as in the shared example)', () => {
    const r = refusedDeployment('web', cases[5].message, { namespace: 'shop' });
    const report = diagnoseObjects([...healthyNodes(), ...r.all, ...webhookBackend()]);
    const finding = firstFindingFor(report, 'Deployment', 'web');
    expect(finding).toMatchObject({ category: 'admission', severity: 'critical', rootCause: { kind: 'Secret', namespace: 'policy', name: 'policy-webhook-tls' } });
  });

  it('a crashing webhook server: the blocked Deployment points at the webhook\'s Deployment, and the fail-closed warning folds in', () => {
    const r = refusedDeployment('web', cases[0].message, { namespace: 'shop' });
    const report = diagnoseObjects([...healthyNodes(), ...r.all, ...webhookBackend({ ready: false })]);
    const finding = firstFindingFor(report, 'Deployment', 'web');
    expect(finding).toMatchObject({ category: 'admission', rootCause: backendDeployment });
    expect(report.findings.some((f) => f.scenario === 'admission.webhook-fail-closed-unavailable')).toBe(false);
  });

  it('a healthy webhook produces no finding', () => {
    const report = diagnoseObjects([...healthyNodes(), ...webhookBackend()]);
    expect(report.findings).toEqual([]);
  });
});
