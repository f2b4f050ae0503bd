import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../src/cluster/types.js';
import { oomScenarios } from '../../src/doer/scenarios/oom.js';
import { ago, deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj, ownerRef } from './fixtures.js';
import type { ContainerState } from './workload-fixtures.js';
import { brokenDeployment, containerStatus, diagnoseExample, podStatus, statefulSet, terminated } from './workload-fixtures.js';

const IMAGE = 'ghcr.io/acme/orders:3.1.0';
const BACKOFF = 'back-off 5m0s restarting failed container=orders pod=orders-7d9f8b6c5d-abcde_shop(6f463ec4-ff4d-4d10-8ae5-26dda9d984b7)';
const limits = (memory: string) => ({ requests: { cpu: '250m', memory }, limits: { memory } });

/** A container the kernel keeps OOM-killing at its limit (lastState.terminated reason OOMKilled, exit 137). */
function oomKilled(o: { container?: Record<string, unknown>; ranSeconds?: number; volumes?: Record<string, unknown>[]; state?: ContainerState } = {}) {
  return brokenDeployment('orders', {
    container: { name: 'orders', image: IMAGE, resources: limits('512Mi'), ...(o.container ?? {}) },
    volumes: o.volumes,
    state: o.state ?? { waiting: { reason: 'CrashLoopBackOff', message: BACKOFF }, lastTerminated: terminated('OOMKilled', 137, { ranSeconds: o.ranSeconds ?? 1800 }), restartCount: 14 },
    events: (p) => [event(p, 'Warning', 'BackOff', `Back-off restarting failed container orders in pod ${p.metadata.name}_shop(${p.metadata.uid})`, { count: 60 })],
  });
}

function withHeap(env: Record<string, string>, limit: string, killed: boolean) {
  const container = { env: Object.entries(env).map(([name, value]) => ({ name, value })), resources: limits(limit) };
  return killed ? oomKilled({ container }) : oomKilled({ container, state: { running: { startedAt: ago(7200) }, ready: true } });
}

/** JAVA_OPTS read from a ConfigMap key, the pods OOM-killed at a 2Gi limit. */
function heapFromConfigMap(javaOpts: string) {
  const b = oomKilled({ container: { resources: limits('2Gi'), env: [{ name: 'JAVA_OPTS', valueFrom: { configMapKeyRef: { name: 'orders-jvm', key: 'JAVA_OPTS' } } }] } });
  return { ...b, objects: [...b.objects, obj('ConfigMap', 'v1', 'orders-jvm', 'shop', { data: { JAVA_OPTS: javaOpts } })] };
}

/** The Deployment's template without a memory limit; the pods carry the LimitRange's default. */
function limitRangeDefaulted(templateLimit?: string) {
  const b = oomKilled();
  const template = (b.app.deployment.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec;
  template.containers = template.containers.map((c) => ({ ...c, resources: templateLimit ? limits(templateLimit) : { requests: { cpu: '250m' } } }));
  const lr = obj('LimitRange', 'v1', 'mem-defaults', 'shop', { spec: { limits: [{ type: 'Container', default: { memory: '512Mi' }, defaultRequest: { memory: '256Mi' } }] } });
  return { ...b, objects: [...b.objects, lr] };
}

function withVpaAnnotation(note: string) {
  const b = oomKilled();
  for (const p of b.pods) p.metadata.annotations = { vpaObservedContainers: 'orders', vpaUpdates: note };
  return b;
}

/** A Job whose pod failed: OOMKilled, or long ago before a later success. */
function jobWithFailedPod(complete: boolean) {
  const job = obj('Job', 'batch/v1', 'reindex', 'shop', {
    spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'reindex', image: IMAGE, resources: limits('1Gi') }] } } },
    status: complete ? { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } : { failed: 1, active: 1 },
  });
  const pod = obj('Pod', 'v1', 'reindex-x7k2p', 'shop', {
    spec: { restartPolicy: 'Never', nodeName: 'node-2', containers: [{ name: 'reindex', image: IMAGE, resources: limits('1Gi') }] },
    status: podStatus([containerStatus('reindex', IMAGE, { terminated: terminated('OOMKilled', 137, { ranSeconds: 900, finishedSecondsAgo: 300 }) })], { phase: 'Failed' }),
  }, { ownerReferences: [ownerRef(job)], labels: { 'job-name': 'reindex' } }) as Pod;
  return { objects: [...healthyNodes(), job, pod] };
}

function evicted(secondsAgo: number, resource = 'memory') {
  const b = brokenDeployment('orders', { container: { name: 'orders', image: IMAGE, resources: { requests: { memory: '256Mi' } } }, state: { running: { startedAt: ago(600) }, ready: true } });
  const message = resource === 'memory'
    ? 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91244Ki. Container orders was using 1843Mi, request is 256Mi, has larger consumption of memory.'
    : 'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 9Gi. Container orders was using 8Gi, request is 0, has larger consumption of ephemeral-storage.';
  const pod = obj('Pod', 'v1', 'orders-7d9f8b6c5d-ev1ct', 'shop', {
    spec: { nodeName: 'node-2', containers: [{ name: 'orders', image: IMAGE, resources: { requests: { memory: '256Mi' } } }] },
    status: {
      phase: 'Failed', reason: 'Evicted', message,
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastTransitionTime: ago(secondsAgo) }],
      startTime: ago(secondsAgo + 3600),
    },
  }, { ownerReferences: [ownerRef(b.app.replicaSet)], labels: { app: 'orders' } });
  return { objects: [...b.objects, pod] };
}

const healthy = () => [...healthyNodes(), ...deployment('orders', { namespace: 'shop' }).all];
const DEPLOYMENT = { kind: 'Deployment', namespace: 'shop', name: 'orders' };

interface Case {
  id: string;
  positive: () => { objects: KubeObject[] };
  rootCause: { kind: string; name: string; namespace?: string };
  evidence: string;
  negative: () => KubeObject[];
}

const CASES: Case[] = [
  {
    id: 'oom.container-limit', positive: () => oomKilled(), rootCause: DEPLOYMENT, evidence: 'reason=OOMKilled exitCode=137',
    // One OOM kill three days ago on a pod that is fine now.
    negative: () => oomKilled({ state: { running: { startedAt: ago(3 * 86400) }, ready: true, restartCount: 1, lastTerminated: terminated('OOMKilled', 137, { finishedSecondsAgo: 3 * 86400 }) } }).objects,
  },
  { id: 'oom.killed-at-startup', positive: () => oomKilled({ ranSeconds: 8 }), rootCause: DEPLOYMENT, evidence: 'ran 8s', negative: () => oomKilled({ ranSeconds: 1800 }).objects },
  {
    id: 'oom.limit-too-small',
    positive: () => oomKilled({
      container: { resources: { limits: { memory: '512' } } },
      state: { waiting: { reason: 'RunContainerError', message: 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: container init was OOM-killed (memory limit too low?): unknown' }, lastTerminated: terminated('StartError', 128, { ranSeconds: 0, message: 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: container init was OOM-killed (memory limit too low?): unknown' }), restartCount: 3 },
    }),
    rootCause: DEPLOYMENT, evidence: 'resources.limits.memory=512', negative: healthy,
  },
  {
    id: 'oom.init-container',
    positive: () => brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE }, initContainers: [{ name: 'migrate', image: IMAGE, resources: limits('128Mi') }],
      state: { waiting: { reason: 'PodInitializing' } }, phase: 'Pending',
      initState: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=migrate pod=orders' }, lastTerminated: terminated('OOMKilled', 137, { ranSeconds: 95 }), restartCount: 5 },
    }),
    rootCause: DEPLOYMENT, evidence: 'initContainer migrate lastState.terminated: reason=OOMKilled',
    negative: () => brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE }, initContainers: [{ name: 'migrate', image: IMAGE }],
      state: { running: { startedAt: ago(1200) }, ready: true }, initState: { terminated: terminated('Completed', 0, { finishedSecondsAgo: 1300 }) },
    }).objects,
  },
  {
    id: 'oom.node-oom',
    positive: () => {
      const b = oomKilled({ container: { resources: { requests: { cpu: '250m' } } } });
      const node = b.objects.find((o) => o.kind === 'Node' && o.metadata.name === b.pods[0].spec?.nodeName) as KubeObject;
      return { objects: [...b.objects, event(node, 'Warning', 'SystemOOM', 'System OOM encountered, victim process: java, pid: 24517', { count: 3 })] };
    },
    rootCause: { kind: 'Node', name: 'node-1' }, evidence: 'System OOM encountered, victim process: java',
    negative: () => oomKilled().objects,
  },
  {
    id: 'oom.evicted-memory', positive: () => evicted(1800), rootCause: DEPLOYMENT, evidence: 'has larger consumption of memory',
    negative: () => [...evicted(4 * 86400).objects, ...evicted(1800, 'ephemeral-storage').objects.filter((o) => o.metadata.name === 'orders-7d9f8b6c5d-ev1ct')],
  },
  {
    id: 'oom.jvm-heap', positive: () => withHeap({ JAVA_OPTS: '-Xms1g -Xmx2g' }, '2Gi', true), rootCause: DEPLOYMENT, evidence: '-Xmx2g in env JAVA_OPTS = 2Gi vs resources.limits.memory=2Gi',
    negative: () => withHeap({ JAVA_OPTS: '-Xms512m -Xmx1g' }, '2Gi', false).objects,
  },
  {
    id: 'oom.jvm-ram-percentage', positive: () => withHeap({ JAVA_TOOL_OPTIONS: '-XX:MaxRAMPercentage=100.0' }, '2Gi', false), rootCause: DEPLOYMENT, evidence: '-XX:MaxRAMPercentage=100.0',
    negative: () => withHeap({ JAVA_TOOL_OPTIONS: '-XX:MaxRAMPercentage=75.0' }, '2Gi', false).objects,
  },
  {
    id: 'oom.nodejs-heap', positive: () => withHeap({ NODE_OPTIONS: '--max-old-space-size=4096' }, '2Gi', true), rootCause: DEPLOYMENT, evidence: '--max-old-space-size=4096',
    negative: () => withHeap({ NODE_OPTIONS: '--max-old-space-size=1024' }, '2Gi', false).objects,
  },
  {
    id: 'oom.go-memlimit', positive: () => withHeap({ GOMEMLIMIT: '4GiB' }, '2Gi', false), rootCause: DEPLOYMENT, evidence: 'GOMEMLIMIT=4GiB',
    negative: () => withHeap({ GOMEMLIMIT: '1800MiB' }, '2Gi', false).objects,
  },
  {
    id: 'oom.configmap-heap', positive: () => heapFromConfigMap('-Xms1g -Xmx3g'), rootCause: { kind: 'ConfigMap', namespace: 'shop', name: 'orders-jvm' },
    evidence: 'ConfigMap shop/orders-jvm: -Xmx3g', negative: () => heapFromConfigMap('-Xms512m -Xmx1g').objects,
  },
  {
    id: 'oom.memory-emptydir',
    positive: () => oomKilled({ container: { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }, volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory' } }] }),
    rootCause: DEPLOYMENT, evidence: 'emptyDir medium Memory at /scratch',
    negative: () => oomKilled({ container: { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }, volumes: [{ name: 'scratch', emptyDir: {} }] }).objects,
  },
  {
    id: 'oom.limitrange-default', positive: () => limitRangeDefaulted(), rootCause: { kind: 'LimitRange', namespace: 'shop', name: 'mem-defaults' },
    evidence: 'LimitRange shop/mem-defaults defaults it to 512Mi', negative: () => limitRangeDefaulted('512Mi').objects,
  },
  {
    id: 'oom.vpa-limit', positive: () => withVpaAnnotation('Pod resources updated by orders-vpa: container 0: cpu request, memory request, memory limit'),
    rootCause: { kind: 'VerticalPodAutoscaler', namespace: 'shop', name: 'orders-vpa' }, evidence: 'vpaUpdates="Pod resources updated by orders-vpa',
    negative: () => withVpaAnnotation('Pod resources updated by orders-vpa: container 0: cpu request').objects,
  },
  {
    id: 'oom.job-oomkilled', positive: () => jobWithFailedPod(false), rootCause: { kind: 'Job', namespace: 'shop', name: 'reindex' }, evidence: 'reason=OOMKilled',
    negative: () => jobWithFailedPod(true).objects,
  },
];

describe('oom scenarios', () => {
  it('every oom scenario has a positive and a negative case', () => {
    expect(oomScenarios.map((s) => s.id).sort()).toEqual(CASES.map((c) => c.id).sort());
  });

  it('full engine: for every case, the first finding touching the broken pod is this category with the same root cause', () => {
    for (const c of CASES.filter((x) => !oomScenarios.find((s) => s.id === x.id)?.consequence)) {
      const { objects } = c.positive();
      const detection = detect(c.id, objects)[0];
      const finding = firstFindingFor(diagnoseObjects(objects), 'Pod', detection.resource.name);
      expect({ id: c.id, category: finding?.category, rootCause: finding?.rootCause }).toEqual({ id: c.id, category: 'oom', rootCause: detection.rootCause });
    }
  });

  for (const c of CASES) {
    describe(c.id, () => {
      it('names the object whose memory setting to change, with the evidence', () => {
        const { objects } = c.positive();
        const detections = detect(c.id, objects);
        expect(detections).toHaveLength(1);
        expect(detections[0].rootCause).toMatchObject(c.rootCause);
        expect(detections[0].evidence.join('\n')).toContain(c.evidence);
        const claimed = oomScenarios.filter((s) => detect(s.id, objects).length > 0).map((s) => s.id);
        expect(claimed).toEqual([c.id]);
      });
      it('stays quiet on a healthy or look-alike state', () => {
        expect(detect(c.id, c.negative())).toEqual([]);
      });
    });
  }

  it('rates a heap flag that does not fit as a warning before any kill, critical once pods are OOMKilled', () => {
    expect(detect('oom.jvm-heap', withHeap({ JAVA_OPTS: '-Xmx2g' }, '2Gi', false).objects)[0].severity).toBe('warning');
    expect(detect('oom.jvm-heap', withHeap({ JAVA_OPTS: '-Xmx2g' }, '2Gi', true).objects)[0].severity).toBe('critical');
  });

  it('does not report OOM kills as crashes', () => {
    const { objects } = oomKilled();
    const report = diagnoseObjects(objects);
    expect(report.findings.filter((f) => f.category === 'crash')).toEqual([]);
  });

  it('full engine: a StatefulSet OOM-killed at its limit is the first finding for its crash-looping pod', () => {
    const spec = { containers: [{ name: 'zookeeper', image: 'zookeeper:3.8', resources: limits('750Mi') }] };
    const killed = (i: number) => terminated('OOMKilled', 137, { ranSeconds: 1800, finishedSecondsAgo: 120 + i * 300 });
    const set = statefulSet('zk', 'kafka', spec, [
      podStatus([containerStatus('zookeeper', 'zookeeper:3.8', { running: { startedAt: ago(90) }, ready: true, restartCount: 23, lastTerminated: killed(0) })]),
      podStatus([containerStatus('zookeeper', 'zookeeper:3.8', { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=zookeeper pod=zk-1_kafka(6f46)' }, restartCount: 31, lastTerminated: killed(1) })]),
    ]);
    const report = diagnoseObjects([...healthyNodes(), ...set.all, event(set.pods[1], 'Warning', 'BackOff', 'Back-off restarting failed container', { count: 214 })]);
    const finding = firstFindingFor(report, 'Pod', 'zk-1');
    expect(finding?.category).toBe('oom');
    expect(finding?.rootCause).toEqual({ kind: 'StatefulSet', namespace: 'kafka', name: 'zk' });
    expect(finding?.affected).toContainEqual({ kind: 'Pod', namespace: 'kafka', name: 'zk-0' });
  });
});

describe('shared example 010-oom-zookeeper-statefulset-memory-limit', () => {
  it('diagnoses the symptom with the labelled category and root cause', () => {
    const { report, label } = diagnoseExample('010-oom-zookeeper-statefulset-memory-limit');
    const finding = firstFindingFor(report, label.symptom.kind, label.symptom.name);
    expect(finding?.category).toBe(label.category);
    expect(label.rootCause).toContainEqual(finding?.rootCause);
  });
});

describe('oom: a container without a limit', () => {
  it('blames its workload when the node reported no system OOM', () => {
    const [d] = detect('oom.node-oom', oomKilled({ container: { resources: { requests: { cpu: '250m' } } } }).objects);
    expect(d.rootCause).toEqual(DEPLOYMENT);
    expect(d.evidence.join('\n')).toContain('has no resources.limits.memory');
  });
});

describe('oom: evictions for memory', () => {
  it('fold into the node finding that explains the pressure, keeping their evidence', () => {
    const { objects } = evicted(1800);
    const finding = firstFindingFor(diagnoseObjects(objects), 'Pod', 'orders-7d9f8b6c5d-ev1ct');
    expect(finding?.rootCause).toEqual({ kind: 'Node', name: 'node-2' });
    expect(finding?.evidence.join('\n')).toContain('Container orders was using 1843Mi, request is 256Mi');
  });
});

describe('oom: probes failing while memory runs out', () => {
  it('leave the finding to oom, not probe', () => {
    const b = oomKilled({ container: { livenessProbe: { httpGet: { path: '/healthz', port: 8080 } } } });
    const pod = b.pods[0];
    const objects = [...b.objects, event(pod, 'Warning', 'Unhealthy', 'Liveness probe failed: Get "http://10.244.1.23:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', { count: 30 })];
    const finding = firstFindingFor(diagnoseObjects(objects), 'Pod', pod.metadata.name);
    expect(finding?.scenario).toBe('oom.container-limit');
    expect(diagnoseObjects(objects).findings.filter((f) => f.category === 'probe')).toEqual([]);
  });
});
