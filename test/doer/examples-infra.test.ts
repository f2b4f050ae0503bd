/**
 * The shared diagnosis examples of the config, node, quota, security and admission categories,
 * read exactly as `kubectl get ... -o json` wrote them: the first finding touching the symptom
 * must have the labelled category and one of the labelled root causes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/state.js';
import type { KubeObject, ObjectRef } from '../../src/cluster/types.js';
import { diagnose } from '../../src/doer/engine.js';
import { SCENARIOS } from '../../src/doer/scenarios/index.js';
import { firstFindingFor } from './fixtures.js';

const EXAMPLES = '/work/shared/data/diagnosis-examples';

interface Label {
  symptom: ObjectRef;
  category: string;
  rootCause: ObjectRef[];
}

function diagnoseExample(dir: string) {
  const list = JSON.parse(readFileSync(join(EXAMPLES, dir, 'snapshot.json'), 'utf8')) as { items: KubeObject[] };
  const label = JSON.parse(readFileSync(join(EXAMPLES, dir, 'label.json'), 'utf8')) as Label;
  const report = diagnose(new ClusterState(list.items), SCENARIOS, { source: { type: 'file', name: dir } });
  return { report, label };
}

const same = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

describe.each([
  '002-config-configmap-not-found-createcontainerconfigerror',
  '027-node-cni-flannel-pod-cidr-not-assigned',
  '034-quota-must-specify-requests-statefulset',
  '037-security-serviceaccount-created-in-wrong-namespace',
  '054-admission-mutating-webhook-certificate-expired',
])('shared example %s', (dir) => {
  it('first finding touching the symptom has the labelled category and root cause', () => {
    const { report, label } = diagnoseExample(dir);
    const finding = firstFindingFor(report, label.symptom.kind, label.symptom.name);
    expect(finding, JSON.stringify(report.findings.map((f) => [f.scenario, f.rootCause]))).toBeDefined();
    expect(finding!.category).toBe(label.category);
    expect(label.rootCause.some((r) => same(r, finding!.rootCause)), JSON.stringify(finding!.rootCause)).toBe(true);
  });
});

describe('a healthy cluster using quotas, limit ranges, webhooks and RBAC', () => {
  it('gets no critical or warning finding from these categories', async () => {
    const { deployment, diagnoseObjects, event, healthyNodes, obj, ago, node } = await import('./fixtures.js');
    const { evictedPod } = await import('./infra-fixtures.js');
    const app = deployment('web', { namespace: 'shop', replicas: 3 });
    const webhook = deployment('policy-webhook', { namespace: 'policy', replicas: 2, podSpec: { containers: [{ name: 'webhook', image: 'ghcr.io/acme/policy-webhook:1.4.0', ports: [{ containerPort: 8443 }] }], volumes: [{ name: 'certs', secret: { secretName: 'policy-webhook-tls' } }] } });
    const objects = [
      ...healthyNodes(),
      // Cordoned an hour ago for maintenance, nothing stuck on it.
      node('node-4', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: ago(3600) }] }),
      ...app.all,
      ...webhook.all,
      obj('Service', 'v1', 'policy-webhook', 'policy', { spec: { selector: { app: 'policy-webhook' }, ports: [{ port: 443, targetPort: 8443 }] } }),
      obj('Endpoints', 'v1', 'policy-webhook', 'policy', { subsets: [{ addresses: [{ ip: '10.244.1.17' }, { ip: '10.244.2.9' }], ports: [{ port: 8443 }] }] }),
      obj('ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/v1', 'policy-webhook', undefined, { webhooks: [{ name: 'validate.policy.acme.io', clientConfig: { service: { namespace: 'policy', name: 'policy-webhook', path: '/validate' } }, failurePolicy: 'Fail', sideEffects: 'None', admissionReviewVersions: ['v1'] }] }),
      obj('ResourceQuota', 'v1', 'compute', 'shop', { spec: { hard: { 'requests.cpu': '8', pods: '20' } }, status: { hard: { 'requests.cpu': '8', pods: '20' }, used: { 'requests.cpu': '300m', pods: '3' } } }),
      obj('LimitRange', 'v1', 'defaults', 'shop', { spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, max: { cpu: '4' } }] } }),
      obj('ServiceAccount', 'v1', 'default', 'shop'),
      obj('Role', 'rbac.authorization.k8s.io/v1', 'pod-reader', 'shop', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] }),
      obj('RoleBinding', 'rbac.authorization.k8s.io/v1', 'web-pod-reader', 'shop', { subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' } }),
      // An eviction from last week: history, replaced long ago.
      ...evictedPod('batch', 'node-2', 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 87412Ki. ', 7 * 86400).all,
      // A quota refusal from a scale-up that has since succeeded.
      event(app.replicaSet, 'Warning', 'FailedCreate', 'Error creating: pods "web-7d9f8b6c5d-zz9x1" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=20, limited: pods=20', { component: 'replicaset-controller', secondsAgo: 3000 }),
    ];
    const report = diagnoseObjects(objects);
    const mine = report.findings.filter((f) => ['config', 'security', 'quota', 'admission', 'node'].includes(f.category));
    expect(mine.filter((f) => f.severity !== "info"), JSON.stringify(mine.map((f) => [f.scenario, f.severity, f.evidence]))).toEqual([]);
  });
});
