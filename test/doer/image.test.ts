import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { imageScenarios } from '../../src/doer/scenarios/image.js';
import { deployment, detect, diagnoseObjects, event, firstFindingFor, healthyNodes, obj } from './fixtures.js';
import { brokenDeployment, diagnoseExample, terminated } from './workload-fixtures.js';

/**
 * A pod stuck pulling `image`: waiting ErrImagePull/ImagePullBackOff as the kubelet sets it, with
 * the kubelet's events (pkg/kubelet/images/image_manager.go formats).
 */
function pullFailure(image: string, error: string, o: { secrets?: string[]; fromServiceAccount?: boolean; waitingReason?: string; extraObjects?: KubeObject[]; extraEvents?: (p: KubeObject) => KubeObject[] } = {}) {
  const b = brokenDeployment('api', {
    container: { name: 'api', image, imagePullPolicy: 'IfNotPresent' },
    ...(o.secrets ? { imagePullSecrets: o.secrets.map((name) => ({ name })) } : {}),
    state: { waiting: { reason: o.waitingReason ?? 'ImagePullBackOff', message: o.waitingReason === 'ErrImagePull' ? error : `Back-off pulling image "${image}"` } },
    phase: 'Pending',
    events: (p) => [
      event(p, 'Normal', 'Pulling', `Pulling image "${image}"`, { count: 4 }),
      event(p, 'Warning', 'Failed', `Failed to pull image "${image}": ${error}`, { count: 4 }),
      event(p, 'Warning', 'Failed', 'Error: ErrImagePull', { count: 4 }),
      event(p, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, { count: 9 }),
      event(p, 'Warning', 'Failed', 'Error: ImagePullBackOff', { count: 9 }),
      ...((o.extraEvents?.(p) ?? []) as never[]),
    ],
  });
  if (o.fromServiceAccount) {
    // Admission copied the ServiceAccount's pull secrets into the pods; the template names none.
    delete (b.app.deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec.imagePullSecrets;
  }
  return { ...b, objects: [...b.objects, ...(o.extraObjects ?? [])] };
}

const secret = (name: string, type: string, keys: string[]) =>
  obj('Secret', 'v1', name, 'shop', { type, data: Object.fromEntries(keys.map((k) => [k, ''])) });
const DOCKERCONFIG = secret('regcred', 'kubernetes.io/dockerconfigjson', ['.dockerconfigjson']);
const OTHER_SECRET = secret('db-password', 'Opaque', ['password']);
const DENIED = 'rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/payments/api:5.2.1": failed to resolve reference "registry.example.com/payments/api:5.2.1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
const UNAUTHORIZED = 'rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/payments/api:5.2.1": failed to resolve reference "registry.example.com/payments/api:5.2.1": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://registry.example.com/oauth2/token: 401 Unauthorized';
const healthy = () => {
  const app = deployment('api', { namespace: 'shop' });
  return [...healthyNodes(), ...app.all];
};

interface Case {
  id: string;
  positive: () => { objects: KubeObject[] };
  rootCause: { kind: string; name: string; namespace?: string };
  evidence: string;
  negative: () => KubeObject[];
}

const CASES: Case[] = [
  {
    id: 'image.tag-not-found',
    positive: () => pullFailure('nginx:1.99', 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found'),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'docker.io/library/nginx:1.99: not found',
    negative: healthy,
  },
  {
    id: 'image.repository-not-found',
    positive: () => pullFailure('registry.example.com/team/apii:2.0', 'rpc error: code = Unknown desc = Error response from daemon: name unknown: repository name not known to registry'),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'repository name not known to registry',
    negative: () => pullFailure('nginx:1.99', 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found').objects,
  },
  {
    id: 'image.no-credentials',
    positive: () => pullFailure('registry.example.com/payments/api:5.2.1', DENIED, { extraObjects: [OTHER_SECRET] }),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'no spec.imagePullSecrets',
    // The same denial with a pull secret attached blames the secret instead.
    negative: () => pullFailure('registry.example.com/payments/api:5.2.1', DENIED, { secrets: ['regcred'], extraObjects: [DOCKERCONFIG] }).objects,
  },
  {
    id: 'image.credentials-rejected',
    positive: () => pullFailure('registry.example.com/payments/api:5.2.1', UNAUTHORIZED, { secrets: ['regcred'], extraObjects: [DOCKERCONFIG] }),
    rootCause: { kind: 'Secret', namespace: 'shop', name: 'regcred' },
    evidence: '401 Unauthorized',
    negative: () => pullFailure('registry.example.com/payments/api:5.2.1', UNAUTHORIZED, { extraObjects: [OTHER_SECRET] }).objects,
  },
  {
    id: 'image.pull-secret-missing',
    positive: () => pullFailure('registry.example.com/payments/api:5.2.1', DENIED, {
      secrets: ['regcred'], extraObjects: [OTHER_SECRET],
      extraEvents: (p) => [event(p, 'Warning', 'FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.', { count: 5 })],
    }),
    rootCause: { kind: 'Secret', namespace: 'shop', name: 'regcred' },
    evidence: 'Secret shop/regcred does not exist',
    negative: () => pullFailure('registry.example.com/payments/api:5.2.1', DENIED, { secrets: ['regcred'], extraObjects: [DOCKERCONFIG] }).objects,
  },
  {
    id: 'image.serviceaccount-pull-secret-missing',
    positive: () => pullFailure('registry.example.com/payments/api:5.2.1', DENIED, {
      secrets: ['regcred'], extraObjects: [OTHER_SECRET, obj('ServiceAccount', 'v1', 'default', 'shop', { imagePullSecrets: [{ name: 'regcred' }] })], fromServiceAccount: true,
      extraEvents: (p) => [event(p, 'Warning', 'FailedToRetrieveImagePullSecret', 'Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.', { count: 5 })],
    }),
    rootCause: { kind: 'Secret', namespace: 'shop', name: 'regcred' },
    evidence: 'ServiceAccount shop/default: imagePullSecrets lists "regcred"',
    // The same missing secret named in the workload itself is the plain case.
    negative: () => pullFailure('registry.example.com/payments/api:5.2.1', DENIED, {
      secrets: ['regcred'], extraObjects: [OTHER_SECRET, obj('ServiceAccount', 'v1', 'default', 'shop', {})],
    }).objects,
  },
  {
    id: 'image.pull-secret-wrong-type',
    positive: () => pullFailure('registry.example.com/payments/api:5.2.1', DENIED, { secrets: ['regcred'], extraObjects: [secret('regcred', 'Opaque', ['username', 'password'])] }),
    rootCause: { kind: 'Secret', namespace: 'shop', name: 'regcred' },
    evidence: 'no .dockerconfigjson',
    negative: () => pullFailure('registry.example.com/payments/api:5.2.1', DENIED, { secrets: ['regcred'], extraObjects: [DOCKERCONFIG] }).objects,
  },
  {
    id: 'image.rate-limited',
    positive: () => pullFailure('bitnami/redis:7.2', 'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/bitnami/redis:7.2": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/bitnami/redis/manifests/sha256:1a2b: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit'),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'toomanyrequests',
    negative: healthy,
  },
  {
    id: 'image.invalid-name',
    positive: () => brokenDeployment('api', {
      container: { name: 'api', image: 'Registry.example.com/Shop/API:1.0' },
      state: { waiting: { reason: 'InvalidImageName', message: 'Failed to apply default image tag "Registry.example.com/Shop/API:1.0": couldn\'t parse image reference "Registry.example.com/Shop/API:1.0": invalid reference format: repository name must be lowercase' } },
      phase: 'Pending',
      events: (p) => [event(p, 'Warning', 'InspectFailed', 'Failed to apply default image tag "Registry.example.com/Shop/API:1.0": couldn\'t parse image reference "Registry.example.com/Shop/API:1.0": invalid reference format: repository name must be lowercase', { count: 20 })],
    }),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'invalid reference format',
    negative: healthy,
  },
  {
    id: 'image.never-pull',
    positive: () => brokenDeployment('api', {
      container: { name: 'api', image: 'shop/api:dev', imagePullPolicy: 'Never' },
      state: { waiting: { reason: 'ErrImageNeverPull', message: 'Container image "shop/api:dev" is not present with pull policy of Never' } },
      phase: 'Pending',
      events: (p) => [event(p, 'Warning', 'ErrImageNeverPull', 'Container image "shop/api:dev" is not present with pull policy of Never', { count: 7 })],
    }),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'is not present with pull policy of Never',
    negative: () => {
      const app = deployment('api', { namespace: 'shop', podSpec: { containers: [{ name: 'app', image: 'shop/api:dev', imagePullPolicy: 'Never' }] } });
      return [...healthyNodes(), ...app.all];
    },
  },
  {
    id: 'image.wrong-architecture',
    positive: () => pullFailure('acme/tool:1.0', 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/acme/tool:1.0": no match for platform in manifest: not found'),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'no match for platform in manifest',
    negative: () => brokenDeployment('api', {
      container: { name: 'api', image: 'acme/tool:1.0' },
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=api pod=api' }, lastTerminated: terminated('Error', 1, { message: 'panic: config missing' }), restartCount: 4 },
    }).objects,
  },
  {
    id: 'image.registry-tls',
    positive: () => pullFailure('registry.internal:5000/shop/api:1.4', 'rpc error: code = Unknown desc = failed to pull and unpack image "registry.internal:5000/shop/api:1.4": failed to resolve reference "registry.internal:5000/shop/api:1.4": failed to do request: Head "https://registry.internal:5000/v2/shop/api/manifests/1.4": tls: failed to verify certificate: x509: certificate signed by unknown authority'),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'x509: certificate signed by unknown authority',
    negative: healthy,
  },
  {
    id: 'image.registry-dns',
    positive: () => pullFailure('regisrty.example.com/shop/api:1.4', 'rpc error: code = Unknown desc = failed to pull and unpack image "regisrty.example.com/shop/api:1.4": failed to resolve reference "regisrty.example.com/shop/api:1.4": failed to do request: Head "https://regisrty.example.com/v2/shop/api/manifests/1.4": dial tcp: lookup regisrty.example.com on 10.96.0.10:53: no such host'),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'no such host',
    negative: healthy,
  },
  {
    id: 'image.registry-unreachable',
    positive: () => pullFailure('registry.example.com/shop/api:1.4', 'rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/shop/api:1.4": failed to resolve reference "registry.example.com/shop/api:1.4": failed to do request: Head "https://registry.example.com/v2/shop/api/manifests/1.4": dial tcp 203.0.113.7:443: i/o timeout'),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: 'i/o timeout',
    negative: healthy,
  },
  {
    id: 'image.pull-qps',
    positive: () => pullFailure('busybox:1.36', 'pull QPS exceeded', { waitingReason: 'ErrImagePull' }),
    rootCause: { kind: 'Node', name: 'node-1' },
    evidence: 'pull QPS exceeded',
    negative: healthy,
  },
  {
    id: 'image.inspect-failed',
    positive: () => brokenDeployment('api', {
      container: { name: 'api', image: 'shop/api:1.4' },
      state: { waiting: { reason: 'ImageInspectError', message: 'Failed to inspect image "shop/api:1.4": rpc error: code = Unknown desc = failed to get image "shop/api:1.4" info: content digest sha256:9f86d0: not found in content store' } },
      phase: 'Pending',
      events: (p) => [event(p, 'Warning', 'InspectFailed', 'Failed to inspect image "shop/api:1.4": rpc error: code = Unknown desc = failed to get image "shop/api:1.4" info: content digest sha256:9f86d0: not found in content store', { count: 6 })],
    }),
    rootCause: { kind: 'Node', name: 'node-1' },
    evidence: 'Failed to inspect image',
    negative: healthy,
  },
  {
    id: 'image.pull-slow',
    positive: () => brokenDeployment('trainer', {
      container: { name: 'trainer', image: 'nvcr.io/nvidia/pytorch:24.01-py3' },
      state: { waiting: { reason: 'ContainerCreating' } },
      phase: 'Pending',
      events: (p) => [event(p, 'Normal', 'Pulling', 'Pulling image "nvcr.io/nvidia/pytorch:24.01-py3"', { secondsAgo: 40 * 60 })],
    }),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'trainer' },
    evidence: 'Pulling image "nvcr.io/nvidia/pytorch:24.01-py3"',
    negative: () => brokenDeployment('trainer', {
      container: { name: 'trainer', image: 'nvcr.io/nvidia/pytorch:24.01-py3' },
      state: { waiting: { reason: 'ContainerCreating' } },
      phase: 'Pending',
      events: (p) => [event(p, 'Normal', 'Pulling', 'Pulling image "nvcr.io/nvidia/pytorch:24.01-py3"', { secondsAgo: 90 })],
    }).objects,
  },
  {
    id: 'image.pull-failed',
    positive: () => pullFailure('registry.example.com/shop/api:1.4', 'rpc error: code = Unknown desc = Error response from daemon: received unexpected HTTP status: 500 Internal Server Error'),
    rootCause: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    evidence: '500 Internal Server Error',
    negative: healthy,
  },
];

describe('image scenarios', () => {
  it('every image scenario has a positive and a negative case', () => {
    expect(imageScenarios.map((s) => s.id).sort()).toEqual(CASES.map((c) => c.id).sort());
  });

  it('full engine: for every case, the first finding touching the broken pod is this category with the same root cause', () => {
    for (const c of CASES) {
      const { objects } = c.positive();
      const detection = detect(c.id, objects)[0];
      const finding = firstFindingFor(diagnoseObjects(objects), 'Pod', detection.resource.name);
      expect({ id: c.id, category: finding?.category, rootCause: finding?.rootCause }).toEqual({ id: c.id, category: 'image', rootCause: detection.rootCause });
    }
  });

  for (const c of CASES) {
    describe(c.id, () => {
      it('names the object to fix, with the kubelet evidence', () => {
        const { objects } = c.positive();
        const detections = detect(c.id, objects);
        expect(detections).toHaveLength(1);
        expect(detections[0].rootCause).toMatchObject(c.rootCause);
        expect(detections[0].evidence.join('\n')).toContain(c.evidence);
        expect(detections[0].resource.kind).toBe('Pod');
        // Exactly one image scenario claims the failure.
        const claimed = imageScenarios.filter((s) => detect(s.id, objects).length > 0).map((s) => s.id);
        expect(claimed).toEqual([c.id]);
      });
      it('stays quiet on a healthy or look-alike state', () => {
        expect(detect(c.id, c.negative())).toEqual([]);
      });
    });
  }

  it('also reads "exec format error" from a crash-looping container as the wrong architecture', () => {
    const { objects } = brokenDeployment('api', {
      container: { name: 'api', image: 'acme/tool:1.0', terminationMessagePolicy: 'FallbackToLogsOnError' },
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container=api pod=api' }, lastTerminated: terminated('Error', 255, { message: 'exec /usr/local/bin/tool: exec format error', ranSeconds: 0 }), restartCount: 5 },
    });
    const [d] = detect('image.wrong-architecture', objects);
    expect(d.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(d.evidence.join('\n')).toContain('kubernetes.io/arch=amd64');
    expect(detect('crash.crashloop', objects)).toEqual([]);
  });

  it('merges every pod of a workload into one finding naming the Deployment', () => {
    const extra = brokenDeployment('api', {
      replicas: 3,
      container: { name: 'api', image: 'nginx:1.99' },
      state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found' } },
      phase: 'Pending',
    });
    const report = diagnoseObjects(extra.objects);
    const finding = firstFindingFor(report, 'Pod', extra.pods[2].metadata.name);
    expect(finding?.category).toBe('image');
    expect(finding?.scenario).toBe('image.tag-not-found');
    expect(finding?.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(finding?.affected.filter((a) => a.kind === 'Pod')).toHaveLength(3);
  });

  it('full engine: the first finding touching a rate-limited pod is the image finding on its Deployment', () => {
    const { objects, pods } = pullFailure('bitnami/redis:7.2', 'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/bitnami/redis:7.2": toomanyrequests: You have reached your pull rate limit.');
    const report = diagnoseObjects(objects);
    const finding = firstFindingFor(report, 'Pod', pods[0].metadata.name);
    expect(finding?.category).toBe('image');
    expect(finding?.rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(report.summary.critical).toBe(1);
  });
});

describe('shared example 003-image-dockerhub-pull-rate-limit', () => {
  it('diagnoses the symptom with the labelled category and root cause', () => {
    const { report, label } = diagnoseExample('003-image-dockerhub-pull-rate-limit');
    const finding = firstFindingFor(report, label.symptom.kind, label.symptom.name);
    expect(finding?.category).toBe(label.category);
    expect(label.rootCause).toContainEqual(finding?.rootCause);
  });
});

describe('image: telling a wrong name from wrong credentials', () => {
  it('reads "repository does not exist or may require authorization" with credentials attached as a name problem', () => {
    const { objects } = pullFailure('registry.example.com/payments/api:5.2.1', DENIED, { secrets: ['regcred'], extraObjects: [DOCKERCONFIG] });
    expect(detect('image.repository-not-found', objects)[0].rootCause).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(detect('image.credentials-rejected', objects)).toEqual([]);
  });

  it('points at the namespace that holds the pull secret when the pod\'s namespace lacks it', () => {
    const elsewhere = obj('Secret', 'v1', 'regcred', 'ci', { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': '' } });
    const { objects } = pullFailure('registry.example.com/payments/api:5.2.1', UNAUTHORIZED, { secrets: ['regcred'], extraObjects: [elsewhere] });
    const [d] = detect('image.pull-secret-missing', objects);
    expect(d.rootCause).toEqual({ kind: 'Secret', namespace: 'shop', name: 'regcred' });
    expect(d.evidence.join('\n')).toContain('exists in namespace ci');
  });
});

describe('image: public registries that cannot be reached', () => {
  it('blame the node\'s DNS or egress, not the workload', () => {
    const dns = pullFailure('hjacobs/kube-ops-view:0.8.1', 'rpc error: code = Unknown desc = Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: server misbehaving');
    expect(detect('image.registry-dns', dns.objects)[0].rootCause).toEqual({ kind: 'Node', name: 'node-1' });
    const timeout = pullFailure('busybox', 'rpc error: code = Unknown desc = Error response from daemon: Get https://registry-1.docker.io/v2/: net/http: TLS handshake timeout');
    expect(detect('image.registry-unreachable', timeout.objects)[0].rootCause).toEqual({ kind: 'Node', name: 'node-1' });
  });
});

describe('image: a pull that fails on one node while other nodes run the image', () => {
  it('names that node', () => {
    const failing = pullFailure('registry.example.com/shop/api:1.4', 'rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/shop/api:1.4": failed to resolve reference "registry.example.com/shop/api:1.4": failed to do request: Head "https://registry.example.com/v2/shop/api/manifests/1.4": dial tcp 203.0.113.7:443: i/o timeout');
    const running = deployment('api-canary', { namespace: 'shop', podSpec: { containers: [{ name: 'api', image: 'registry.example.com/shop/api:1.4' }] } });
    const [d] = detect('image.registry-unreachable', [...failing.objects, ...running.all]);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-1' });
    expect(d.evidence.join('\n')).toContain('which runs on node(s) node-2');
  });
});

describe('image: a node whose image filesystem is full', () => {
  it('is named when unpacking fails with "no space left on device"', () => {
    const { objects } = pullFailure('shop/api:1.4', 'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/shop/api:1.4": failed to extract layer sha256:5d20c808ce19: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/412/fs/usr/lib/libLLVM.so: no space left on device: unknown');
    const [d] = detect('image.pull-failed', objects);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'node-1' });
  });
});
