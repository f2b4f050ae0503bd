import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent, resourceTypes as rt, startSimulator, type Simulator } from '../../../src/sim/index.js';
import { kubectlFor, kubectlPath, node, runningPod, type Kubectl } from './helpers.js';

/** The machine's kubectl against the simulator: what a user types must work unchanged. */
describe.skipIf(!kubectlPath)('kubectl against the simulator', () => {
  let sim: Simulator;
  let kubectl: Kubectl;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, parts: [] });
    kubectl = await kubectlFor(sim);
    sim.store.create(rt.nodes, node('node-1'));
    const pod = sim.store.create(rt.pods, runningPod('web-1', 'node-1', { app: 'web' }));
    recordEvent(sim.store, pod, 'Normal', 'Pulled', 'Container image "nginx:1.27" already present on machine', { component: 'kubelet', host: 'node-1' });
    recordEvent(sim.store, sim.store.get(rt.nodes, undefined, 'node-1')!, 'Normal', 'NodeReady', 'Node node-1 status is now: NodeReady', {
      component: 'kubelet',
      host: 'node-1',
    });
    sim.setLogSource((ns, name, container) => (ns === 'default' && name === 'web-1' && container === 'app' ? 'line 1\nline 2\nline 3\n' : undefined));
    sim.setUsageSource({ node: () => ({ cpu: 1.5, memory: 4 * 1024 ** 3 }), container: () => ({ cpu: 0.25, memory: 128 * 1024 ** 2 }) });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('get pods and nodes prints the server-side table columns', async () => {
    const pods = await kubectl('get', 'pods');
    expect(pods.stderr).toBe('');
    expect(pods.stdout.split('\n')[0]!.split(/\s+/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(pods.stdout).toMatch(/^web-1\s+1\/1\s+Running\s+0\s+\d+s$/m);
    const nodes = await kubectl('get', 'nodes');
    expect(nodes.stdout.split('\n')[0]!.split(/\s+/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(nodes.stdout).toMatch(/^node-1\s+Ready\s+worker\s+\S+\s+v1\.32\.4$/m);
    const wide = await kubectl('get', 'pods', '-A', '-o', 'wide');
    expect(wide.stdout).toMatch(/^default\s+web-1\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.0\.5\s+node-1\s+<none>\s+<none>$/m);
  });

  it('get -w prints table rows as objects change', async () => {
    const watching = kubectl('get', 'pods', '--watch', '--request-timeout=3s');
    await new Promise((r) => setTimeout(r, 1500));
    sim.store.mutate(rt.pods, 'default', 'web-1', (p) => ((p.status as { phase: string }).phase = 'Failed'));
    const out = (await watching).stdout.split('\n');
    expect(out[0]!.split(/\s+/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(out[1]).toMatch(/^web-1\s+1\/1\s+Running/);
    expect(out.filter((l) => /^web-1\s+\S+\s+Failed\s/.test(l))).toHaveLength(1);
    expect(out.filter((l) => l.startsWith('NAME'))).toHaveLength(1);
    sim.store.mutate(rt.pods, 'default', 'web-1', (p) => ((p.status as { phase: string }).phase = 'Running'));
  });

  it('describe pod and node show the object and its events', async () => {
    const pod = await kubectl('describe', 'pod', 'web-1');
    expect(pod.code).toBe(0);
    expect(pod.stdout).toMatch(/^Node:\s+node-1\//m);
    expect(pod.stdout).toMatch(/Normal\s+Pulled\s+\S+\s+kubelet\s+Container image "nginx:1.27" already present on machine/);
    const described = await kubectl('describe', 'node', 'node-1');
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Non-terminated Pods:\s+\(1 in total\)/);
    expect(described.stdout).toMatch(/default\s+web-1\s+500m \(6%\)/);
    expect(described.stdout).toMatch(/Normal\s+NodeReady\s+\S+\s+kubelet\s+Node node-1 status is now: NodeReady/);
  });

  it('apply -f creates, then configures, a deployment and a custom resource', async () => {
    const file = join(dirname(kubectl.kubeconfig), 'app.yaml');
    const manifest = (replicas: number, image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - {name: web, image: ${image}, env: [{name: MODE, value: prod}]}
---
apiVersion: scheduling.volcano.sh/v1beta1
kind: PodGroup
metadata: {name: train, namespace: default}
spec: {minMember: ${replicas}}
`;
    await writeFile(file, manifest(2, 'nginx:1.27'));
    const created = await kubectl('apply', '-f', file);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('deployment.apps/shop created\npodgroup.scheduling.volcano.sh/train created\n');
    await writeFile(file, manifest(3, 'nginx:1.28'));
    const configured = await kubectl('apply', '-f', file);
    expect(configured.stdout).toBe('deployment.apps/shop configured\npodgroup.scheduling.volcano.sh/train configured\n');
    const deployment = sim.store.get(rt.deployments, 'default', 'shop')!;
    const spec = deployment.spec as { replicas: number; template: { spec: { containers: Array<{ image: string; env: unknown[] }> } } };
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.containers).toHaveLength(1);
    expect(spec.template.spec.containers[0]!.image).toBe('nginx:1.28');
    expect(deployment.metadata.generation).toBe(2);
    const pg = sim.store.get(sim.store.resourceTypes.find('podgroups')!, 'default', 'train')!;
    expect((pg.spec as { minMember: number }).minMember).toBe(3);
    expect((await kubectl('apply', '-f', file)).stdout).toBe('deployment.apps/shop unchanged\npodgroup.scheduling.volcano.sh/train unchanged\n');
  });

  it('scale, label and cordon change the stored objects', async () => {
    await kubectl('create', 'deployment', 'api', '--image=nginx:1.27', '--dry-run=client', '-o', 'yaml').then(async (r) => {
      const file = join(dirname(kubectl.kubeconfig), 'api.yaml');
      await writeFile(file, r.stdout);
      expect((await kubectl('create', '-f', file)).stdout).toBe('deployment.apps/api created\n');
    });
    expect((await kubectl('scale', 'deployment', 'api', '--replicas=4')).stdout).toBe('deployment.apps/api scaled\n');
    expect((sim.store.get(rt.deployments, 'default', 'api')!.spec as { replicas: number }).replicas).toBe(4);

    expect((await kubectl('label', 'pod', 'web-1', 'tier=frontend')).stdout).toBe('pod/web-1 labeled\n');
    expect(sim.store.get(rt.pods, 'default', 'web-1')!.metadata.labels).toEqual({ app: 'web', tier: 'frontend' });

    expect((await kubectl('cordon', 'node-1')).stdout).toBe('node/node-1 cordoned\n');
    expect((sim.store.get(rt.nodes, undefined, 'node-1')!.spec as { unschedulable?: boolean }).unschedulable).toBe(true);
    expect((await kubectl('get', 'node', 'node-1')).stdout).toMatch(/node-1\s+Ready,SchedulingDisabled/);
    expect((await kubectl('uncordon', 'node-1')).stdout).toBe('node/node-1 uncordoned\n');
  });

  it('logs and top read what the kubelet model supplies', async () => {
    expect((await kubectl('logs', 'web-1')).stdout).toBe('line 1\nline 2\nline 3\n');
    expect((await kubectl('logs', 'web-1', '--tail=1')).stdout).toBe('line 3\n');
    const topNode = await kubectl('top', 'node');
    expect(topNode.stderr).toBe('');
    expect(topNode.stdout).toMatch(/^node-1\s+1500m\s+18%\s+4096Mi\s+12%\s*$/m);
    const topPod = await kubectl('top', 'pod');
    expect(topPod.stdout).toMatch(/^web-1\s+250m\s+128Mi\s*$/m);
  });

  it('imperative create (sent as protobuf) and drain (evictions) work', async () => {
    expect((await kubectl('create', 'namespace', 'team-a')).stdout).toBe('namespace/team-a created\n');
    expect((await kubectl('create', 'configmap', 'cfg', '-n', 'team-a', '--from-literal=mode=fast')).stdout).toBe('configmap/cfg created\n');
    expect((await kubectl('create', 'secret', 'generic', 'creds', '-n', 'team-a', '--from-literal=user=admin')).stdout).toBe('secret/creds created\n');
    expect(sim.store.get(rt.configmaps, 'team-a', 'cfg')?.data).toEqual({ mode: 'fast' });
    expect(sim.store.get(rt.secrets, 'team-a', 'creds')).toMatchObject({ type: 'Opaque', data: { user: Buffer.from('admin').toString('base64') } });

    sim.store.create(rt.nodes, node('node-2'));
    sim.store.create(rt.pods, runningPod('drained', 'node-2'));
    const drain = await kubectl('drain', 'node-2', '--force', '--timeout=20s');
    expect(drain.stdout).toMatch(/pod\/drained evicted\nnode\/node-2 drained\n$/);
    expect(sim.store.get(rt.pods, 'default', 'drained')).toBeUndefined();
  });

  it('delete removes objects and reports NotFound like a real server', async () => {
    expect((await kubectl('delete', 'deployment', 'api')).stdout).toBe('deployment.apps "api" deleted\n');
    expect(sim.store.get(rt.deployments, 'default', 'api')).toBeUndefined();
    const missing = await kubectl('get', 'pod', 'nope');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});
