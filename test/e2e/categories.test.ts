/**
 * End to end, one fault per diagnosis category: the simulator runs test/e2e/cluster.yaml with
 * test/e2e/faults.yaml injected (time sped up tenfold), and `diagnose` reads it through a
 * kubeconfig — the code path of a real cluster — until every category shows with the right
 * root cause.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../src/cluster/types.js';
import { diagnose, SCENARIOS, type Finding } from '../../src/doer/index.js';
import { RealClock, startSimulator, type Simulator } from '../../src/sim/index.js';
import { readCluster } from '../../src/sources/index.js';

const app = (namespace: string, kind = 'Deployment', name = 'app'): ObjectRef => ({ kind, namespace, name });

/** Per category: the root causes a person could act on (any one is right). */
const EXPECTED: Record<string, ObjectRef[]> = {
  image: [app('e2e-image')],
  crash: [app('e2e-crash')],
  oom: [app('e2e-oom')],
  config: [{ kind: 'ConfigMap', namespace: 'e2e-config', name: 'app-settings' }, app('e2e-config')],
  probe: [app('e2e-probe')],
  scheduling: [app('e2e-scheduling')],
  storage: [{ kind: 'StorageClass', name: 'e2e-standard' }],
  node: [{ kind: 'Node', name: 'spare-0' }],
  network: [app('e2e-network', 'Service')],
  quota: [{ kind: 'ResourceQuota', namespace: 'e2e-quota', name: 'compute-quota' }, app('e2e-quota')],
  security: [{ kind: 'ServiceAccount', namespace: 'e2e-security', name: 'app-runner' }],
  rollout: [app('e2e-rollout')],
  job: [{ kind: 'Job', namespace: 'e2e-job', name: 'batch' }],
  autoscaling: [{ kind: 'APIService', name: 'v1beta1.metrics.k8s.io' }, { kind: 'HorizontalPodAutoscaler', namespace: 'e2e-autoscaling', name: 'app' }],
  accelerator: [{ kind: 'Node', name: 'gpu-0' }, { kind: 'Node', name: 'gpu-1' }, { kind: 'DaemonSet', namespace: 'kube-system', name: 'nvidia-device-plugin-daemonset' }],
  admission: [{ kind: 'ValidatingWebhookConfiguration', name: 'validate' }, { kind: 'Service', namespace: 'policy-system', name: 'policy-webhook' }],
};

const same = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

/**
 * The simulator's rollout fault stalls a revision on a failing readiness probe, so the deeper
 * (probe) finding owns the Deployment and carries the ProgressDeadlineExceeded link in its chain.
 */
function shows(category: string, findings: Finding[]): boolean {
  return findings.some((f) => EXPECTED[category].some((r) => same(r, f.rootCause)) &&
    (f.category === category || (category === 'rollout' && f.evidence.some((e) => e.includes('ProgressDeadlineExceeded')))));
}

let sim: Simulator | undefined;
afterAll(async () => {
  await sim?.stop();
});

describe('every diagnosis category end to end through the simulator', () => {
  it('injects one fault per category and diagnoses each with the right root cause', async () => {
    sim = await startSimulator({ port: 0, cluster: 'test/e2e/cluster.yaml', faults: ['test/e2e/faults.yaml'], clock: new RealClock(10) });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'nakhoda-e2e-')), 'kubeconfig');
    await sim.writeKubeconfig(kubeconfig);
    const deadline = Date.now() + 240_000;
    let missing: string[] = Object.keys(EXPECTED);
    let findings: Finding[] = [];
    while (missing.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const input = await readCluster({ kubeconfig });
      findings = diagnose(input.state, SCENARIOS, { source: { type: 'sim', name: sim.url } }).findings;
      missing = Object.keys(EXPECTED).filter((c) => !shows(c, findings));
    }
    const seen = findings.map((f) => `${f.category} ${f.scenario} → ${f.rootCause.kind}/${f.rootCause.name}`);
    expect(missing, `categories not diagnosed; findings were:\n${seen.join('\n')}`).toEqual([]);
  }, 300_000);
});
