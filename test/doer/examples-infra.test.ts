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
