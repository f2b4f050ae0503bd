import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export const simulatorContextName = 'nakhoda-sim';

/** A kubeconfig with one cluster, user and context pointing at the simulator. */
export function kubeconfigYaml(server: string, token: string, caPem: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: simulatorContextName, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: simulatorContextName, user: { token } }],
    contexts: [{ name: simulatorContextName, context: { cluster: simulatorContextName, user: simulatorContextName, namespace } }],
    'current-context': simulatorContextName,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, server: string, token: string, caPem: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // The token grants full access to the simulator: keep the file private.
  await writeFile(path, kubeconfigYaml(server, token, caPem), { mode: 0o600 });
}
