import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { probeScenarios } from '../../src/doer/scenarios/probe.js';
import { ago, deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj } from './fixtures.js';
import { brokenDeployment, containerStatus, diagnoseExample, podStatus, statefulSet, terminated } from './workload-fixtures.js';

type ProbeType = 'liveness' | 'readiness' | 'startup';
const IMAGE = 'ghcr.io/acme/orders:3.1.0';
const PORTS = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }];
const REFUSED = (port: number) => `Get "http://10.244.1.23:${port}/healthz": dial tcp 10.244.1.23:${port}: connect: connection refused`;
const TIMEOUT = 'Get "http://10.244.1.23:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
const http = (port: number | string, path = '/healthz', extra: Record<string, unknown> = {}) => ({ httpGet: { path, port, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, ...extra });
const execProbe = (command: string[]) => ({ exec: { command }, periodSeconds: 10, failureThreshold: 3 });
const PREFIX: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
const FIELD: Record<ProbeType, string> = { liveness: 'livenessProbe', readiness: 'readinessProbe', startup: 'startupProbe' };

/**
 * A pod whose `type` probe fails with `output`, as pkg/kubelet/prober records it: Unhealthy
 * "<Type> probe failed: <output>" and, for liveness/startup, Killing "... will be restarted".
 */
function failing(type: ProbeType, probe: Record<string, unknown>, output: string, o: { ports?: unknown[]; extraProbes?: Record<string, unknown>; ranSeconds?: number; errored?: boolean } = {}) {
  const killed = type !== 'readiness';
  return brokenDeployment('orders', {
    container: { name: 'orders', image: IMAGE, ports: o.ports ?? PORTS, [FIELD[type]]: probe, ...(o.extraProbes ?? {}) },
    state: killed
      ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=orders pod=orders' }, lastTerminated: terminated('Error', 137, { ranSeconds: o.ranSeconds ?? 95 }), restartCount: 8, started: false }
      : { running: { startedAt: ago(1800) }, ready: false },
    events: (p) => [
      event(p, 'Warning', 'Unhealthy', `${PREFIX[type]} probe ${o.errored ? 'errored' : 'failed'}: ${output}`, { count: 120 }),
      ...(killed ? [event(p, 'Normal', 'Killing', `Container orders failed ${type} probe, will be restarted`, { count: 8 })] : []),
    ],
  });
}

const healthy = (type: ProbeType, probe: Record<string, unknown>) => () => [
  ...healthyNodes(),
  ...deployment('orders', { namespace: 'shop', podSpec: { containers: [{ name: 'orders', image: IMAGE, ports: PORTS, [FIELD[type]]: probe }] } }).all,
];

interface Case {
  id: string;
  positive: () => { objects: KubeObject[] };
  evidence: string;
  negative: () => KubeObject[];
}

function pairCases(type: ProbeType): Case[] {
  const tag = type === 'readiness' ? 'never-ready' : type === 'startup' ? 'too-short' : 'failing';
  const cases: Case[] = [
    {
      id: `probe.${type}-wrong-port`,
      positive: () => failing(type, http(8081), REFUSED(8081)),
      evidence: 'declares ports [8080 (http)], not 8081',
      negative: healthy(type, http(8081)),
    },
    {
      id: `probe.${type}-wrong-path`,
      positive: () => failing(type, http(8080, '/health'), 'HTTP probe failed with statuscode: 404'),
      evidence: 'HTTP probe failed with statuscode: 404',
      negative: healthy(type, http(8080, '/health')),
    },
    {
      id: `probe.${type}-exec-failing`,
      positive: () => failing(type, execProbe(['pg_isready', '-U', 'postgres']), '/var/run/postgresql:5432 - no response'),
      evidence: 'exec [pg_isready -U postgres]',
      negative: healthy(type, execProbe(['pg_isready', '-U', 'postgres'])),
    },
    {
      id: `probe.${type}-${tag}`,
      positive: () => type === 'startup'
        ? failing(type, http(8080, '/healthz', { failureThreshold: 3, periodSeconds: 5 }), REFUSED(8080))
        : failing(type, http(8080), 'HTTP probe failed with statuscode: 503'),
      evidence: type === 'startup' ? 'failed startup probe, will be restarted' : 'HTTP probe failed with statuscode: 503',
      negative: healthy(type, http(8080)),
    },
  ];
  if (type !== 'startup') {
    cases.push({
      id: `probe.${type}-timeout`,
      positive: () => failing(type, http(8080), TIMEOUT, { extraProbes: type === 'liveness' ? { startupProbe: http(8080, '/healthz', { failureThreshold: 30 }) } : {} }),
      evidence: 'Client.Timeout exceeded while awaiting headers',
      negative: healthy(type, http(8080)),
    });
  }
  return cases;
}

const CASES: Case[] = [
  ...pairCases('liveness'),
  ...pairCases('readiness'),
  ...pairCases('startup'),
  {
    id: 'probe.initial-delay-too-short',
    positive: () => failing('liveness', http(8080, '/healthz', { initialDelaySeconds: 5 }), REFUSED(8080), { ranSeconds: 35 }),
    evidence: 'initialDelaySeconds=5',
    // The same refusal with a startupProbe covering the start is not a start-up race.
    negative: () => failing('liveness', http(8080, '/healthz', { initialDelaySeconds: 5 }), REFUSED(8080), { extraProbes: { startupProbe: http(8080, '/healthz', { failureThreshold: 30 }) } }).objects,
  },
  {
    id: 'probe.named-port-missing',
    positive: () => failing('readiness', http('metrics', '/ready'), 'strconv.Atoi: parsing "metrics": invalid syntax', { errored: true }),
    evidence: 'no port named "metrics"',
    negative: healthy('readiness', http('http', '/ready')),
  },
  {
    id: 'probe.exec-command-not-found',
    positive: () => failing('liveness', execProbe(['curl', '-f', 'http://localhost:8080/healthz']), 'OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown'),
    evidence: 'executable file not found in $PATH',
    negative: () => failing('liveness', execProbe(['curl', '-f', 'http://localhost:8080/healthz']), 'curl: (22) The requested URL returned error: 500').objects,
  },
];

describe('probe scenarios', () => {
  it('every probe scenario has a positive and a negative case', () => {
    expect(probeScenarios.map((s) => s.id).sort()).toEqual(CASES.map((c) => c.id).sort());
  });

  it('full engine: for every case, the first finding touching the broken pod is this category with the same root cause', () => {
    for (const c of CASES) {
      const { objects } = c.positive();
      const detection = detect(c.id, objects)[0];
      const finding = firstFindingFor(diagnoseObjects(objects), 'Pod', detection.resource.name);
      expect({ id: c.id, category: finding?.category, rootCause: finding?.rootCause }).toEqual({ id: c.id, category: 'probe', rootCause: detection.rootCause });
    }
  });

  for (const c of CASES) {
    describe(c.id, () => {
      it('names the Deployment whose probe to fix, quoting the probe and the kubelet events', () => {
        const { objects } = c.positive();
        const detections = detect(c.id, objects);
        expect(detections).toHaveLength(1);
        expect(detections[0].rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'orders' });
        expect(detections[0].evidence.join('\n')).toContain(c.evidence);
        const claimed = probeScenarios.filter((s) => detect(s.id, objects).length > 0).map((s) => s.id);
        expect(claimed).toEqual([c.id]);
      });
      it('stays quiet on a healthy or look-alike state', () => {
        expect(detect(c.id, c.negative())).toEqual([]);
      });
    });
  }

  it('does not call a pod that only just started "never ready"', () => {
    const { objects } = brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE, ports: PORTS, readinessProbe: http(8080) },
      state: { running: { startedAt: ago(20) }, ready: false },
      events: (p) => [event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { count: 2, secondsAgo: 5 })],
    });
    expect(detect('probe.readiness-never-ready', objects)).toEqual([]);
  });

  it('leaves readiness failures of an OOM-looping container to the oom category', () => {
    const { objects } = brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE, ports: PORTS, readinessProbe: http(8080), resources: { limits: { memory: '256Mi' } } },
      state: { running: { startedAt: ago(300) }, ready: false, restartCount: 12, lastTerminated: terminated('OOMKilled', 137, { finishedSecondsAgo: 310 }) },
      events: (p) => [event(p, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { count: 40 })],
    });
    expect(probeScenarios.flatMap((s) => detect(s.id, objects))).toEqual([]);
  });

  it('full engine: a never-ready StatefulSet pod behind a Service is a probe finding on the StatefulSet, with the chain', () => {
    const spec = { containers: [{ name: 'postgres', image: 'spilo-14:2.1-p6', ports: [{ containerPort: 8008, name: 'patroni' }, { containerPort: 5432, name: 'postgresql' }], readinessProbe: http(8008, '/readiness', { initialDelaySeconds: 6, timeoutSeconds: 5 }) }] };
    const set = statefulSet('acid-grafana', 'grafana', spec, [podStatus([containerStatus('postgres', 'spilo-14:2.1-p6', { running: { startedAt: ago(7200) }, ready: false })])]);
    const svc = obj('Service', 'v1', 'acid-grafana', 'grafana', { spec: { selector: { app: 'acid-grafana' }, ports: [{ port: 5432, targetPort: 5432 }] } });
    const ep = obj('Endpoints', 'v1', 'acid-grafana', 'grafana', { subsets: [{ notReadyAddresses: [{ ip: '10.244.2.11', targetRef: { kind: 'Pod', name: 'acid-grafana-0', namespace: 'grafana' } }], ports: [{ port: 5432 }] }] });
    const report = diagnoseObjects([...healthyNodes(), ...set.all, svc, ep, event(set.pods[0], 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { count: 412 })]);
    const finding = firstFindingFor(report, 'Pod', 'acid-grafana-0');
    expect(finding?.category).toBe('probe');
    expect(finding?.rootCause).toEqual({ kind: 'StatefulSet', namespace: 'grafana', name: 'acid-grafana' });
    expect(finding?.evidence.join('\n')).toContain('Service grafana/acid-grafana: 0 ready endpoint(s); ← Pod grafana/acid-grafana-0: Ready=False ← readinessProbe httpGet :8008/readiness');
  });
});

describe('shared example 017-probe-readiness-wrong-port-statefulset-never-ready', () => {
  it('diagnoses the symptom with the labelled category and root cause', () => {
    const { report, label } = diagnoseExample('017-probe-readiness-wrong-port-statefulset-never-ready');
    const finding = firstFindingFor(report, label.symptom.kind, label.symptom.name);
    expect(finding?.category).toBe(label.category);
    expect(label.rootCause).toContainEqual(finding?.rootCause);
  });
});

describe('probe: pods with a sidecar, events without fieldPath (older kubelets)', () => {
  it('attributes the Unhealthy events to the container that has the failing probe', () => {
    const b = brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE, ports: PORTS, readinessProbe: http(8081) },
      state: { running: { startedAt: ago(1800) }, ready: false },
      events: (p) => [event(p, 'Warning', 'Unhealthy', `Readiness probe failed: ${REFUSED(8081)}`, { count: 90 })],
    });
    for (const pod of b.pods) {
      pod.spec?.containers?.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.1' });
      pod.status?.containerStatuses?.push(containerStatus('istio-proxy', 'docker.io/istio/proxyv2:1.22.1', { running: { startedAt: ago(1800) }, ready: true }) as never);
    }
    const [d] = detect('probe.readiness-wrong-port', b.objects);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'orders' });
    expect(d.evidence.join('\n')).toContain('connect: connection refused');
  });
});

describe('probe: a slow start still within its startup budget', () => {
  it('is not a finding', () => {
    const { objects } = brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE, ports: PORTS, startupProbe: http(8080, '/healthz', { failureThreshold: 30 }) },
      state: { running: { startedAt: ago(150) }, ready: false, started: false },
      events: (p) => [event(p, 'Warning', 'Unhealthy', `Startup probe failed: ${REFUSED(8080)}`, { count: 14 })],
    });
    expect(probeScenarios.flatMap((s) => detect(s.id, objects))).toEqual([]);
  });
});
