import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '../../../src/sim/index.js';
import type { KubeObject } from '../../../src/sim/store/index.js';

export const kubectlPath = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

export interface HttpResult {
  status: number;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTPS request to the simulator, trusting its certificate, with its token unless `token` is given. */
export function call(
  server: { url: string; token: string; tls: { certPem: string } },
  method: string,
  path: string,
  body?: string | object,
  headers: Record<string, string> = {},
  token: string | null = server.token,
): Promise<HttpResult> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method,
        ca: server.tls.certPem,
        headers: {
          Accept: 'application/json',
          ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text, json: <T>() => JSON.parse(text) as T });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface Kubectl {
  (...args: string[]): Promise<{ stdout: string; stderr: string; code: number }>;
  kubeconfig: string;
}

/** Runs the machine's kubectl against the simulator with its own kubeconfig and an empty cache. */
export async function kubectlFor(sim: Simulator): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'nakhoda-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  const run = (...args: string[]) =>
    new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
      execFile(
        kubectlPath!,
        ['--kubeconfig', kubeconfig, ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECACHEDIR: join(dir, 'cache') }, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
      );
    });
  return Object.assign(run, { kubeconfig });
}

export function node(name: string, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'node-role.kubernetes.io/worker': '' } },
    spec: {},
    status: {
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
      allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      nodeInfo: { kubeletVersion: 'v1.32.4', osImage: 'Ubuntu 24.04 LTS', containerRuntimeVersion: 'containerd://1.7.24' },
    },
    ...extra,
  };
}

export function runningPod(name: string, nodeName: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '500m', memory: '256Mi' } } }] },
    status: {
      phase: 'Running',
      podIP: '10.244.0.5',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'nginx:1.27', state: { running: { startedAt: '2026-11-28T05:00:00Z' } } }],
    },
  };
}
