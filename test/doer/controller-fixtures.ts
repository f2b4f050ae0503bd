/**
 * Builders for the objects the network, rollout, job and autoscaling tests need (Services with
 * their Endpoints, Ingresses, PDBs, Jobs/CronJobs, HPAs), shaped as the API server returns them.
 */
import { readFileSync } from 'node:fs';
import { ClusterState } from '../../src/cluster/state.js';
import type { KubeObject, Pod } from '../../src/cluster/types.js';
import { diagnose } from '../../src/doer/engine.js';
import { SCENARIOS } from '../../src/doer/scenarios/index.js';
import type { DiagnosisReport } from '../../src/doer/types.js';
import { ago, obj, ownerRef, runningStatus } from './fixtures.js';

type Json = Record<string, unknown>;

export interface ServicePort { port: number; targetPort?: number | string; name?: string; nodePort?: number }

/** A ClusterIP Service with a selector, as `kubectl expose` creates it. */
export function service(name: string, namespace: string, selector: Record<string, string> | undefined, ports: ServicePort[], spec: Json = {}): KubeObject {
  return obj('Service', 'v1', name, namespace, {
    spec: { clusterIP: '10.96.12.34', type: 'ClusterIP', ...(selector ? { selector } : {}), ports: ports.map((p) => ({ protocol: 'TCP', ...p })), sessionAffinity: 'None', ...spec },
    status: { loadBalancer: {} },
  });
}

/** The Endpoints object the endpoints controller publishes: ready pods as addresses, others as notReadyAddresses. */
export function endpoints(svc: KubeObject, pods: Pod[], ports: Array<{ port: number; name?: string }>): KubeObject {
  const address = (p: Pod, i: number) => ({ ip: `10.244.1.${10 + i}`, nodeName: p.spec?.nodeName, targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid } });
  const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const notReady = pods.filter((p) => !ready.includes(p));
  const subsets = pods.length
    ? [{ ...(ready.length ? { addresses: ready.map(address) } : {}), ...(notReady.length ? { notReadyAddresses: notReady.map((p, i) => address(p, i + ready.length)) } : {}), ports: ports.map((p) => ({ protocol: 'TCP', ...p })) }]
    : [];
  return obj('Endpoints', 'v1', svc.metadata.name, svc.metadata.namespace, { subsets });
}

export interface IngressPath { host?: string; path?: string; service: string; port: number | string }

export function ingress(name: string, namespace: string, paths: IngressPath[], spec: Json = {}): KubeObject {
  const rules = paths.map((p) => ({
    host: p.host,
    http: { paths: [{ path: p.path ?? '/', pathType: 'Prefix', backend: { service: { name: p.service, port: typeof p.port === 'number' ? { number: p.port } : { name: p.port } } } }] },
  }));
  return obj('Ingress', 'networking.k8s.io/v1', name, namespace, { spec: { ingressClassName: 'nginx', rules, ...spec }, status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } });
}

/** Pod status of a container that runs but whose readiness probe fails. */
export function notReadyStatus(container = 'app', image = 'nginx:1.27'): Json {
  const status = runningStatus({ containers: [{ name: container, image }] });
  status.conditions = [
    { type: 'Initialized', status: 'True', lastTransitionTime: ago(3000) },
    { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${container}]`, lastTransitionTime: ago(3000) },
    { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${container}]`, lastTransitionTime: ago(3000) },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(3000) },
  ];
  (status.containerStatuses as Json[])[0].ready = false;
  return status;
}

/** A Job (optionally owned by a CronJob) with its finished status. */
export function job(name: string, namespace: string, options: { owner?: KubeObject; spec?: Json; status?: Json; startedAgo?: number } = {}): KubeObject {
  const started = options.startedAgo ?? 1800;
  return obj('Job', 'batch/v1', name, namespace, {
    spec: { backoffLimit: 6, completions: 1, parallelism: 1, template: { spec: { containers: [{ name: 'main', image: 'busybox:1.36' }], restartPolicy: 'Never' } }, ...options.spec },
    status: { startTime: ago(started), ...options.status },
  }, { creationTimestamp: ago(started), ...(options.owner ? { ownerReferences: [ownerRef(options.owner)] } : {}), labels: { 'job-name': name } });
}

export function jobCondition(type: 'Complete' | 'Failed', reason?: string, message?: string, secondsAgo = 600): Json {
  return { type, status: 'True', ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastProbeTime: ago(secondsAgo), lastTransitionTime: ago(secondsAgo) };
}

/** A pod of a Job whose container exited with a code. */
export function jobPod(owner: KubeObject, name: string, exitCode: number, reason = 'Error'): Pod {
  return obj('Pod', 'v1', name, owner.metadata.namespace, {
    spec: { containers: [{ name: 'main', image: 'busybox:1.36' }], restartPolicy: 'Never', nodeName: 'node-1' },
    status: {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      containerStatuses: [{ name: 'main', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, started: false, state: { terminated: { exitCode, reason, startedAt: ago(1200), finishedAt: ago(1190) } } }],
    },
  }, { ownerReferences: [ownerRef(owner)], labels: { 'job-name': owner.metadata.name } }) as Pod;
}

export function cronJob(name: string, namespace: string, spec: Json = {}, status: Json = {}): KubeObject {
  return obj('CronJob', 'batch/v1', name, namespace, {
    spec: { schedule: '*/5 * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:1.36' }], restartPolicy: 'OnFailure' } } } }, ...spec },
    status,
  }, { creationTimestamp: ago(30 * 86400) });
}

export interface HpaOptions { min?: number; max?: number; metrics?: Json[]; conditions?: Json[]; current?: number; desired?: number; currentMetrics?: Json[]; targetKind?: string }

export function hpa(name: string, namespace: string, target: string, options: HpaOptions = {}): KubeObject {
  return obj('HorizontalPodAutoscaler', 'autoscaling/v2', name, namespace, {
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: options.targetKind ?? 'Deployment', name: target },
      minReplicas: options.min ?? 1, maxReplicas: options.max ?? 10,
      metrics: options.metrics ?? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
    status: {
      currentReplicas: options.current ?? 2, desiredReplicas: options.desired ?? 2,
      currentMetrics: options.currentMetrics ?? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35, averageValue: '35m' } } }],
      conditions: options.conditions ?? healthyHpaConditions(),
    },
  });
}

export function hpaCondition(type: string, status: string, reason: string, message: string, secondsAgo = 3000): Json {
  return { type, status, reason, message, lastTransitionTime: ago(secondsAgo) };
}

/** The conditions the HPA controller sets on an HPA that works (messages from horizontal.go). */
export function healthyHpaConditions(): Json[] {
  return [
    hpaCondition('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size'),
    hpaCondition('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)'),
    hpaCondition('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range'),
  ];
}

export function pdb(name: string, namespace: string, selector: Record<string, string>, rule: Json, status: { expected: number; healthy: number; desired: number; allowed: number }): KubeObject {
  return obj('PodDisruptionBudget', 'policy/v1', name, namespace, {
    spec: { ...rule, selector: { matchLabels: selector } },
    status: {
      observedGeneration: 1, expectedPods: status.expected, currentHealthy: status.healthy, desiredHealthy: status.desired, disruptionsAllowed: status.allowed,
      conditions: [{ type: 'DisruptionAllowed', status: status.allowed > 0 ? 'True' : 'False', reason: status.allowed > 0 ? 'SufficientPods' : 'InsufficientPods', message: '', observedGeneration: 1, lastTransitionTime: ago(3000) }],
    },
  });
}

/** The shared examples live next to the checkout (as in examples.test.ts); tests skip when absent. */
const EXAMPLES = '../shared/data/diagnosis-examples';

/** A shared real-incident example, diagnosed by the whole catalog as a snapshot file would be. */
export function diagnoseExample(name: string): { report: DiagnosisReport; label: { symptom: { kind: string; namespace?: string; name: string } | null; category: string; rootCause: Array<{ kind: string; namespace?: string; name: string }> } } {
  const list = JSON.parse(readFileSync(`${EXAMPLES}/${name}/snapshot.json`, 'utf8')) as { items: KubeObject[] };
  const label = JSON.parse(readFileSync(`${EXAMPLES}/${name}/label.json`, 'utf8'));
  const report = diagnose(new ClusterState(list.items), SCENARIOS, { source: { type: 'file', name } });
  return { report, label };
}

export function exampleExists(name: string): boolean {
  try {
    readFileSync(`${EXAMPLES}/${name}/label.json`);
    return true;
  } catch {
    return false;
  }
}
