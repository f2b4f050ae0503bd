/**
 * The engine's contract (DESIGN §4): one finding per root cause listing every affected object;
 * consequences fold into the finding that explains them; findings ranked by severity, confidence,
 * affected count.
 */
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/state.js';
import type { ObjectRef } from '../../src/cluster/types.js';
import { diagnose, filterFindings } from '../../src/doer/engine.js';
import type { Detection, Scenario } from '../../src/doer/types.js';
import { deployment, healthyNodes } from './fixtures.js';

const app = deployment('web', { namespace: 'shop', replicas: 3 });
const state = new ClusterState([...healthyNodes(), ...app.all]);
const pod = (i: number): ObjectRef => ({ kind: 'Pod', namespace: 'shop', name: app.pods[i].metadata.name });
const configMap: ObjectRef = { kind: 'ConfigMap', namespace: 'shop', name: 'web-settings' };
const service: ObjectRef = { kind: 'Service', namespace: 'shop', name: 'web' };
const ingress: ObjectRef = { kind: 'Ingress', namespace: 'shop', name: 'web' };

function scenario(id: string, detections: Array<Partial<Detection> & Pick<Detection, 'resource' | 'rootCause'>>, extra: Partial<Scenario> = {}): Scenario {
  const [category] = id.split('.') as [Scenario['category']];
  return {
    id, category, severity: 'critical', title: id, description: id, ...extra,
    detect: () => detections.map((d) => ({ title: `${id} title`, explanation: 'why', evidence: [`evidence of ${d.resource.name}`], remediation: ['fix it'], confidence: 0.9, ...d })),
  };
}

const run = (scenarios: Scenario[]) => diagnose(state, scenarios, { source: { type: 'file', name: 'test' } });

describe('diagnosis engine', () => {
  it('merges symptoms with the same scenario and root cause into one finding', () => {
    const report = run([scenario('config.configmap-missing', [0, 1, 2].map((i) => ({ resource: pod(i), rootCause: configMap })))]);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0].affected).toEqual([pod(0), pod(1), pod(2)]);
    expect(report.findings[0].evidence).toHaveLength(3);
    expect(report.summary).toMatchObject({ critical: 1, warning: 0, objects: state.objectCount });
  });

  it('folds a chain of consequences (Ingress → Service → pods) into the deeper cause', () => {
    const report = run([
      scenario('config.configmap-missing', [{ resource: pod(0), rootCause: configMap }]),
      scenario('network.service-no-endpoints', [{ resource: service, rootCause: service, dependsOn: [pod(0), pod(1)] }], { consequence: true }),
      scenario('network.ingress-backend-unavailable', [{ resource: ingress, rootCause: ingress, dependsOn: [service] }], { consequence: true }),
    ]);
    expect(report.findings.map((f) => f.scenario)).toEqual(['config.configmap-missing']);
    expect(report.findings[0].affected).toEqual(expect.arrayContaining([pod(0), service, ingress]));
    expect(report.findings[0].evidence).toContain('↳ evidence of web');
  });

  it('folds a stuck-rollout consequence on the Deployment into its pods\' cause through the owner chain', () => {
    const deploymentRef: ObjectRef = { kind: 'Deployment', namespace: 'shop', name: 'web' };
    const report = run([
      scenario('image.tag-not-found', [{ resource: pod(0), rootCause: deploymentRef }]),
      scenario('rollout.progress-deadline-exceeded', [{ resource: deploymentRef, rootCause: deploymentRef }], { consequence: true }),
    ]);
    expect(report.findings.map((f) => f.scenario)).toEqual(['image.tag-not-found']);
  });

  it('keeps a consequence as its own finding when nothing explains it', () => {
    const report = run([scenario('network.service-no-endpoints', [{ resource: service, rootCause: service, dependsOn: [pod(0)] }], { consequence: true })]);
    expect(report.findings.map((f) => f.scenario)).toEqual(['network.service-no-endpoints']);
  });

  it('ranks by severity, then confidence, then number of affected objects', () => {
    const report = run([
      scenario('probe.readiness-failing', [{ resource: pod(0), rootCause: pod(0), confidence: 0.99 }], { severity: 'warning' }),
      scenario('crash.app-error', [{ resource: pod(1), rootCause: pod(1), confidence: 0.7 }]),
      scenario('oom.container-limit', [{ resource: pod(2), rootCause: pod(2), confidence: 0.9 }]),
      scenario('image.tag-not-found', [{ resource: pod(0), rootCause: configMap, confidence: 0.9, affected: [pod(1)] }]),
    ]);
    expect(report.findings.map((f) => f.scenario)).toEqual(['image.tag-not-found', 'oom.container-limit', 'crash.app-error', 'probe.readiness-failing']);
  });

  it('notes scenarios it could not evaluate because a kind is missing', () => {
    const report = run([scenario('storage.class-missing', [], { needs: ['StorageClass'] })]);
    expect(report.notes).toEqual(['input has no StorageClass objects; 1 scenario that needs them could not be evaluated']);
  });

  it('filters by category, namespace and object', () => {
    const report = run([
      scenario('config.configmap-missing', [{ resource: pod(0), rootCause: configMap }]),
      scenario('crash.app-error', [{ resource: pod(1), rootCause: pod(1) }]),
    ]);
    expect(filterFindings(report.findings, { categories: ['crash'] }).map((f) => f.scenario)).toEqual(['crash.app-error']);
    expect(filterFindings(report.findings, { resource: { kind: 'ConfigMap', name: 'web-settings' } })).toHaveLength(1);
    expect(filterFindings(report.findings, { namespace: 'other' })).toHaveLength(0);
  });
});
