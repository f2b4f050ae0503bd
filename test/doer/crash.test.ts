import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { crashScenarios } from '../../src/doer/scenarios/crash.js';
import { ago, deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj } from './fixtures.js';
import type { ContainerState } from './workload-fixtures.js';
import { brokenDeployment, containerStatus, diagnoseExample, podStatus, terminated } from './workload-fixtures.js';

const IMAGE = 'ghcr.io/acme/orders:3.1.0';
const BACKOFF = 'back-off 5m0s restarting failed container=orders pod=orders-7d9f8b6c5d-abcde_shop(6f463ec4-ff4d-4d10-8ae5-26dda9d984b7)';

/** A container in CrashLoopBackOff after `last`, with the kubelet's BackOff event (kuberuntime_manager.go). */
function crashing(last: Record<string, unknown>, o: { container?: Record<string, unknown>; events?: (p: KubeObject) => KubeObject[]; state?: ContainerState } = {}) {
  return brokenDeployment('orders', {
    container: { name: 'orders', image: IMAGE, ...(o.container ?? {}) },
    state: o.state ?? { waiting: { reason: 'CrashLoopBackOff', message: BACKOFF }, lastTerminated: last, restartCount: 9 },
    events: (p) => [
      event(p, 'Warning', 'BackOff', `Back-off restarting failed container orders in pod ${p.metadata.name}_shop(${p.metadata.uid})`, { count: 41 }),
      ...((o.events?.(p) ?? []) as never[]),
    ],
  });
}

const startError = (message: string) => terminated('StartError', 128, { message, ranSeconds: 0 });
const healthy = () => [...healthyNodes(), ...deployment('orders', { namespace: 'shop' }).all];

interface Case {
  id: string;
  positive: () => { objects: KubeObject[] };
  evidence: string;
  negative: () => KubeObject[];
  rootCause?: { kind: string; namespace?: string; name: string };
}

const ORDERS = { kind: 'Deployment', namespace: 'shop', name: 'orders' };

/** The app reads /etc/orders/config.yaml from a ConfigMap volume that holds `keys`. */
function configVolumeCrash(keys: string[]) {
  const b = crashing(terminated('Error', 1, { message: 'Error: open /etc/orders/config.yaml: no such file or directory' }), {
    container: { volumeMounts: [{ name: 'config', mountPath: '/etc/orders' }] },
  });
  for (const p of b.pods) (p.spec as { volumes?: unknown[] }).volumes = [{ name: 'config', configMap: { name: 'orders-config' } }];
  return { ...b, objects: [...b.objects, obj('ConfigMap', 'v1', 'orders-config', 'shop', { data: Object.fromEntries(keys.map((k) => [k, 'listen: 8080'])) })] };
}

const CASES: Case[] = [
  {
    id: 'crash.command-not-found',
    positive: () => crashing(startError('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "gunicorn": executable file not found in $PATH: unknown'), { container: { command: ['gunicorn', 'app:server'] } }),
    evidence: 'executable file not found in $PATH',
    negative: healthy,
  },
  {
    id: 'crash.permission-denied',
    positive: () => crashing(startError('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/docker-entrypoint.sh": permission denied: unknown')),
    evidence: 'permission denied',
    negative: () => crashing(terminated('Error', 1, { message: 'Error: connect ECONNREFUSED 10.96.12.4:5432' })).objects,
  },
  {
    id: 'crash.read-only-filesystem',
    positive: () => crashing(terminated('Error', 1, { message: 'nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)', ranSeconds: 1 }), { container: { securityContext: { readOnlyRootFilesystem: true } } }),
    evidence: 'readOnlyRootFilesystem=true',
    negative: () => [...healthyNodes(), ...deployment('orders', { namespace: 'shop', podSpec: { containers: [{ name: 'app', image: IMAGE, securityContext: { readOnlyRootFilesystem: true } }] } }).all],
  },
  {
    id: 'crash.missing-file',
    positive: () => crashing(terminated('Error', 1, { message: 'Error: open /etc/orders/config.yaml: no such file or directory' })),
    evidence: 'open /etc/orders/config.yaml: no such file or directory',
    negative: () => crashing(terminated('Error', 1, { message: 'Error: connect ECONNREFUSED 10.96.12.4:5432' })).objects,
  },
  {
    id: 'crash.file-missing-from-volume',
    positive: () => configVolumeCrash(['config.yml']),
    evidence: 'ConfigMap shop/orders-config has no key "config.yaml" (it has: config.yml)',
    rootCause: { kind: 'ConfigMap', namespace: 'shop', name: 'orders-config' },
    // The same message for a path outside any ConfigMap/Secret mount is a plain missing file.
    negative: () => crashing(terminated('Error', 1, { message: 'Error: open /etc/orders/config.yaml: no such file or directory' })).objects,
  },
  {
    id: 'crash.post-start-hook-failed',
    positive: () => crashing(terminated('Error', 137, { ranSeconds: 3 }), {
      container: { lifecycle: { postStart: { exec: { command: ['/bin/sh', '-c', '/opt/register.sh'] } } } },
      events: (p) => [event(p, 'Warning', 'FailedPostStartHook', 'PostStartHook failed', { count: 9 })],
    }),
    evidence: 'FailedPostStartHook',
    negative: healthy,
  },
  {
    id: 'crash.start-error',
    positive: () => crashing(startError('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: chdir to cwd ("/srv/orders") set in config.json failed: no such file or directory: unknown'), { container: { workingDir: '/srv/orders' } }),
    evidence: 'chdir to cwd ("/srv/orders")',
    negative: healthy,
  },
  {
    id: 'crash.completed-restarting',
    positive: () => crashing(terminated('Completed', 0, { ranSeconds: 2 }), { container: { command: ['sh', '-c', 'python migrate.py'] } }),
    evidence: 'reason=Completed exitCode=0',
    // An init container that completed is how it should be.
    negative: () => brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE }, initContainers: [{ name: 'migrate', image: IMAGE }],
      state: { running: { startedAt: ago(1200) }, ready: true }, initState: { terminated: terminated('Completed', 0, { finishedSecondsAgo: 1300 }) },
    }).objects,
  },
  {
    id: 'crash.bad-arguments',
    positive: () => crashing(terminated('Error', 2, { message: 'flag provided but not defined: -config.file\nUsage of /bin/prometheus:' }), { container: { args: ['-config.file=/etc/prometheus/prometheus.yml'] } }),
    evidence: 'flag provided but not defined',
    negative: healthy,
  },
  {
    id: 'crash.app-error',
    positive: () => crashing(terminated('Error', 1, { message: 'Error: connect ECONNREFUSED 10.96.12.4:5432' })),
    evidence: 'exitCode=1',
    // A single restart days ago (node reboot) on a pod that is Ready now is history.
    negative: () => crashing(terminated('Unknown', 255, { finishedSecondsAgo: 3 * 86400 }), { state: { running: { startedAt: ago(3 * 86400) }, ready: true, restartCount: 1, lastTerminated: terminated('Unknown', 255, { finishedSecondsAgo: 3 * 86400 }) } }).objects,
  },
  {
    id: 'crash.sigkill',
    positive: () => crashing(terminated('Error', 137, { ranSeconds: 45 })),
    evidence: 'exitCode=137',
    negative: () => crashing(terminated('OOMKilled', 137, { ranSeconds: 45 })).objects,
  },
  {
    id: 'crash.segfault',
    positive: () => crashing(terminated('Error', 139, { ranSeconds: 4 })),
    evidence: 'exitCode=139',
    negative: healthy,
  },
  {
    id: 'crash.sigterm',
    positive: () => crashing(terminated('Error', 143, { ranSeconds: 30 })),
    evidence: 'exitCode=143',
    // Killed by its liveness probe: the probe category owns that restart.
    negative: () => crashing(terminated('Error', 143, { ranSeconds: 30 }), {
      container: { livenessProbe: { httpGet: { path: '/healthz', port: 8080 } } },
      events: (p) => [
        event(p, 'Warning', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500', { count: 27 }),
        event(p, 'Normal', 'Killing', 'Container orders failed liveness probe, will be restarted', { count: 9 }),
      ],
    }).objects,
  },
  {
    id: 'crash.abort',
    positive: () => crashing(terminated('Error', 134, { message: 'terminate called after throwing an instance of \'std::bad_alloc\'' })),
    evidence: 'exitCode=134',
    negative: healthy,
  },
  {
    id: 'crash.init-container-failing',
    positive: () => brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE }, initContainers: [{ name: 'wait-for-db', image: 'busybox:1.36', command: ['sh', '-c', 'nc -z postgres 5432'] }],
      state: { waiting: { reason: 'PodInitializing' } },
      initState: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=wait-for-db pod=orders' }, lastTerminated: terminated('Error', 1, { ranSeconds: 1 }), restartCount: 6 },
      phase: 'Pending',
    }),
    evidence: 'initContainer wait-for-db lastState.terminated: reason=Error exitCode=1',
    negative: () => brokenDeployment('orders', {
      container: { name: 'orders', image: IMAGE }, initContainers: [{ name: 'wait-for-db', image: 'busybox:1.36' }],
      state: { running: { startedAt: ago(1200) }, ready: true }, initState: { terminated: terminated('Completed', 0, { finishedSecondsAgo: 1300 }) },
    }).objects,
  },
  {
    id: 'crash.crashloop',
    positive: () => crashing(terminated('Error', 3, { ranSeconds: 12 })),
    evidence: 'exitCode=3',
    negative: healthy,
  },
];

describe('crash scenarios', () => {
  it('every crash scenario has a positive and a negative case', () => {
    expect(crashScenarios.map((s) => s.id).sort()).toEqual(CASES.map((c) => c.id).sort());
  });

  it('full engine: for every case, the first finding touching the broken pod is this category with the same root cause', () => {
    for (const c of CASES) {
      const { objects } = c.positive();
      const detection = detect(c.id, objects)[0];
      const finding = firstFindingFor(diagnoseObjects(objects), 'Pod', detection.resource.name);
      expect({ id: c.id, category: finding?.category, rootCause: finding?.rootCause }).toEqual({ id: c.id, category: 'crash', rootCause: detection.rootCause });
    }
  });

  for (const c of CASES) {
    describe(c.id, () => {
      it('names the Deployment whose spec or image to fix, quoting the termination', () => {
        const { objects } = c.positive();
        const detections = detect(c.id, objects);
        expect(detections).toHaveLength(1);
        expect(detections[0].rootCause).toEqual(c.rootCause ?? ORDERS);
        expect(detections[0].evidence.join('\n')).toContain(c.evidence);
        const claimed = crashScenarios.filter((s) => detect(s.id, objects).length > 0).map((s) => s.id);
        expect(claimed).toEqual([c.id]);
      });
      it('stays quiet on a healthy or look-alike state', () => {
        expect(detect(c.id, c.negative())).toEqual([]);
      });
    });
  }

  it('reports a container that restarts often but is up now as a warning, not critical', () => {
    const { objects } = crashing(terminated('Error', 1, { finishedSecondsAgo: 600 }), {
      state: { running: { startedAt: ago(590) }, ready: true, restartCount: 5, lastTerminated: terminated('Error', 1, { finishedSecondsAgo: 600 }) },
    });
    const [d] = detect('crash.app-error', objects);
    expect(d.severity).toBe('warning');
  });

  it('full engine: the first finding touching the crashing pod is crash on its Deployment', () => {
    const { objects, pods } = crashing(startError('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "./orders": stat ./orders: no such file or directory: unknown'), { container: { command: ['./orders'] } });
    const report = diagnoseObjects(objects);
    const finding = firstFindingFor(report, 'Pod', pods[0].metadata.name);
    expect(finding?.category).toBe('crash');
    expect(finding?.scenario).toBe('crash.command-not-found');
    expect(finding?.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'orders' });
    expect(finding?.remediation.join('\n')).toContain('kubectl -n shop edit deployment/orders');
  });
});

describe('shared example 007-crash-wrong-container-command-path', () => {
  it('diagnoses the symptom with the labelled category and root cause', () => {
    const { report, label } = diagnoseExample('007-crash-wrong-container-command-path');
    const finding = firstFindingFor(report, label.symptom.kind, label.symptom.name);
    expect(finding?.category).toBe(label.category);
    expect(label.rootCause).toContainEqual(finding?.rootCause);
  });
});

describe('crash: more shapes of the same failures', () => {
  it('names a bare pod that ran to failure (restartPolicy Never) as its own root cause', () => {
    const pod = obj('Pod', 'v1', 'debug-shell', 'shop', {
      spec: { restartPolicy: 'Never', nodeName: 'node-1', containers: [{ name: 'shell', image: 'alpine:3.20', command: ['bash'] }] },
      status: podStatus([containerStatus('shell', 'alpine:3.20', { terminated: terminated('StartError', 128, { ranSeconds: 0, finishedSecondsAgo: 600, message: 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown' }) })], { phase: 'Failed' }),
    });
    const [d] = detect('crash.command-not-found', [...healthyNodes(), pod]);
    expect(d.rootCause).toEqual({ kind: 'Pod', namespace: 'shop', name: 'debug-shell' });
  });

  it('reads CreateContainerError "no command specified" as a missing command', () => {
    const { objects } = crashing({}, { state: { waiting: { reason: 'CreateContainerError', message: 'failed to generate container "4f1c" spec: failed to generate spec: no command specified' } } });
    expect(detect('crash.command-not-found', objects)).toHaveLength(1);
  });

  it('treats many restarts as chronic even when the last one is hours old', () => {
    const last = terminated('Error', 1, { finishedSecondsAgo: 5 * 3600 });
    const { objects } = crashing(last, { state: { running: { startedAt: ago(5 * 3600) }, ready: true, restartCount: 30, lastTerminated: last } });
    expect(detect('crash.app-error', objects)[0].severity).toBe('warning');
  });

  it('finds nothing of its own in the healthy shared examples', () => {
    for (const name of ['057-control-healthy-completed-migration-job-and-cronjob', '058-control-healthy-single-past-restart-after-node-reboot']) {
      const { report } = diagnoseExample(name);
      expect(report.findings.filter((f) => ['image', 'crash', 'oom', 'probe'].includes(f.category))).toEqual([]);
    }
  });
});

describe('crash vs probe', () => {
  it('keeps a crash a crash when the liveness probe only errors because the process is gone', () => {
    const { objects, pods } = crashing(terminated('Error', 1, { message: 'panic: runtime error: invalid memory address or nil pointer dereference' }), {
      container: { livenessProbe: { exec: { command: ['/bin/grpc_health_probe', '-addr=:9090'] } } },
      events: (p) => [event(p, 'Warning', 'Unhealthy', 'Liveness probe errored: rpc error: code = NotFound desc = failed to exec in container: container is in CONTAINER_EXITED state', { count: 3 })],
    });
    const finding = firstFindingFor(diagnoseObjects(objects), 'Pod', pods[0].metadata.name);
    expect(finding?.scenario).toBe('crash.app-error');
  });
});

describe('crash: containers lost with their node', () => {
  it('are not crashes (ContainerStatusUnknown after a node failure)', () => {
    const lost = terminated('ContainerStatusUnknown', 137, { finishedSecondsAgo: 900, message: 'The container could not be located when the pod was terminated' });
    const { objects } = crashing(lost, { state: { running: { startedAt: ago(800) }, ready: false, restartCount: 1, lastTerminated: lost } });
    expect(crashScenarios.flatMap((s) => detect(s.id, objects))).toEqual([]);
  });
});

describe('crash: an entrypoint whose interpreter is missing', () => {
  it('is a missing command, as runc reports it', () => {
    for (const message of ['standard_init_linux.go:228: exec user process caused: no such file or directory', 'exec /docker-entrypoint.sh: no such file or directory']) {
      const { objects } = crashing(terminated('Error', 1, { message, ranSeconds: 0 }));
      expect(detect('crash.command-not-found', objects)).toHaveLength(1);
      expect(detect('crash.missing-file', objects)).toEqual([]);
    }
  });
});

describe('crash: runtimes reporting a missing entry file', () => {
  it('are missing files (Node.js, Java)', () => {
    for (const message of ["Error: Cannot find module '/app/server.js'", 'Error: Unable to access jarfile /opt/app/orders.jar']) {
      expect(detect('crash.missing-file', crashing(terminated('Error', 1, { message })).objects)).toHaveLength(1);
    }
  });
});
