import * as k8s from '@kubernetes/client-node';
import { ClusterUnreachableError, InputError, NakhodaError } from '../../errors.js';
import { FAULT_GROUP, FAULT_PLURAL, FAULT_VERSION, faultObject, type NamedFault } from './index.js';
import { faultCategory } from './schema.js';

/**
 * `nakhoda sim fault apply|clear` against a running simulator: faults are `Fault` objects
 * (sim.nakhoda.io/v1alpha1) created and deleted through the Kubernetes API.
 */
export interface FaultOutcome {
  name: string;
  type: string;
  category: string;
  phase: string;
  message?: string;
}

const coordinates = { group: FAULT_GROUP, version: FAULT_VERSION, plural: FAULT_PLURAL };

function client(kubeconfig: string): k8s.CustomObjectsApi {
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromFile(kubeconfig);
  } catch (err) {
    throw new InputError(`${kubeconfig}: cannot read kubeconfig: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return kc.makeApiClient(k8s.CustomObjectsApi);
}

/** The HTTP status of a client-node ApiException; network errors carry string codes (ECONNREFUSED). */
function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

async function call<T>(kubeconfig: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NakhodaError) throw err;
    const code = statusCode(err);
    if (code === 401 || code === 403) throw new ClusterUnreachableError(`simulator refused the credentials in ${kubeconfig} (HTTP ${code})`);
    if (code === 404) throw new InputError(`the cluster behind ${kubeconfig} has no Fault resource (is it a Nakhoda simulator?)`);
    if (code === undefined) throw new ClusterUnreachableError(`cannot reach the simulator in ${kubeconfig}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    throw err;
  }
}

/** Creates (or replaces) the faults, then waits briefly for the simulator to report each one applied or failed. */
export async function applyRemoteFaults(kubeconfig: string, faults: NamedFault[], waitMs = 5_000): Promise<FaultOutcome[]> {
  const api = client(kubeconfig);
  for (const named of faults) {
    await call(kubeconfig, async () => {
      try {
        await api.deleteClusterCustomObject({ ...coordinates, name: named.id });
      } catch (err) {
        if (statusCode(err) !== 404) throw err;
      }
      await api.createClusterCustomObject({ ...coordinates, body: faultObject(named) });
    });
  }
  const deadline = Date.now() + waitMs;
  const outcomes = new Map<string, FaultOutcome>();
  while (outcomes.size < faults.length && Date.now() < deadline) {
    for (const named of faults) {
      if (outcomes.has(named.id)) continue;
      const obj = (await call(kubeconfig, () => api.getClusterCustomObject({ ...coordinates, name: named.id }))) as { status?: { phase?: string; message?: string } };
      if (obj.status?.phase) {
        outcomes.set(named.id, { name: named.id, type: named.fault.type, category: faultCategory[named.fault.type], phase: obj.status.phase, message: obj.status.message });
      }
    }
    if (outcomes.size < faults.length) await new Promise((r) => setTimeout(r, 200));
  }
  return faults.map((f) => outcomes.get(f.id) ?? { name: f.id, type: f.fault.type, category: faultCategory[f.fault.type], phase: 'Pending' });
}

/** Deletes the named faults (or all of them); the simulator reverts what they changed. Returns the names removed. */
export async function clearRemoteFaults(kubeconfig: string, names: string[] | 'all'): Promise<string[]> {
  const api = client(kubeconfig);
  const targets =
    names === 'all'
      ? ((await call(kubeconfig, () => api.listClusterCustomObject({ ...coordinates }))) as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name)
      : names;
  const removed: string[] = [];
  for (const name of targets) {
    await call(kubeconfig, async () => {
      try {
        await api.deleteClusterCustomObject({ ...coordinates, name });
        removed.push(name);
      } catch (err) {
        if (statusCode(err) === 404) throw new InputError(`no fault named "${name}" in the simulator`);
        throw err;
      }
    });
  }
  return removed;
}
