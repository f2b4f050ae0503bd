import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { ApiServer, createServingCertificate, writeKubeconfig, type LogSource, type ServingCertificate, type UsageSource } from './api/index.js';
import type { Clock } from './clock.js';
import { simulatorParts, type SimulatorPart } from './parts.js';
import { resourceTypes, Store, type StoreOptions, type StoreSnapshot } from './store/index.js';
import { volcanoCrds } from './volcano-crds.js';

export interface SimulatorOptions {
  /** 0 or unset: a free port. */
  port?: number;
  /** Bearer token clients must send; random when unset. */
  token?: string;
  /** Cluster definition file (see src/sim/clusterdef). */
  cluster?: string;
  /** Fault files applied at start. */
  faults?: string[];
  /** Run the built-in default scheduler (default true). */
  defaultScheduler?: boolean;
  /** Restore from this file if it exists; save to it on stop(). */
  state?: string;
  clock?: Clock;
  podTermination?: StoreOptions['podTermination'];
  /** Serving certificate (a restored state brings its own, so old kubeconfigs keep working). */
  tls?: ServingCertificate;
  /** Parts to run next to the API server (default: all of simulatorParts; [] = API server only). */
  parts?: SimulatorPart[];
}

/** What --state saves: the store, plus the token and certificate that kubeconfigs hold. */
export interface SimulatorState extends StoreSnapshot {
  simulator?: { token: string; certPem: string; keyPem: string };
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly token: string;
  readonly store: Store;
  readonly api: ApiServer;
  /** True when the store was restored from options.state. */
  readonly restored: boolean;
  writeKubeconfig(path: string): Promise<void>;
  /** Where metrics.k8s.io usage comes from (the kubelet model). */
  setUsageSource(source: UsageSource): void;
  /** Where pods/log text comes from (the kubelet model). */
  setLogSource(source: LogSource): void;
  /** Writes the store to options.state (or `path`). */
  saveState(path?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function loadState(path: string): Promise<SimulatorState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read state file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not a simulator state file: ${err instanceof Error ? err.message : String(err)}`);
  }
  const snapshot = parsed as Partial<SimulatorState>;
  if (snapshot.kind !== 'NakhodaSimulatorState' || typeof snapshot.resourceVersion !== 'number' || typeof snapshot.objects !== 'object') {
    throw new InputError(`${path}: not a simulator state file (expected kind: NakhodaSimulatorState)`);
  }
  return snapshot as SimulatorState;
}

async function saveState(store: Store, api: ApiServer, path: string): Promise<void> {
  const state: SimulatorState = { ...store.snapshot(), simulator: { token: api.token, certPem: api.tls.certPem, keyPem: api.tls.keyPem } };
  // Write then rename, so a crash mid-write never leaves a truncated state file; the file holds
  // the token, so only its owner may read it.
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await rename(tmp, path);
}

/** Starts the API server over a fresh (or restored) store, then the simulator parts. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const store = new Store({ clock: options.clock, podTermination: options.podTermination });
  const restored = options.state !== undefined && existsSync(options.state);
  const state = restored ? await loadState(options.state!) : undefined;
  if (state) store.restore(state);
  else for (const crd of volcanoCrds) store.create(resourceTypes.customresourcedefinitions, crd);

  const token = options.token ?? state?.simulator?.token ?? randomBytes(24).toString('hex');
  const tls = options.tls ?? (state?.simulator ? { certPem: state.simulator.certPem, keyPem: state.simulator.keyPem } : createServingCertificate());
  const api = new ApiServer({ store, token, port: options.port, tls });
  const url = await api.start();
  const running: Array<{ stop(): Promise<void> | void }> = [];
  let stopped = false;

  const sim: Simulator = {
    url,
    token,
    store,
    api,
    restored,
    writeKubeconfig: (path) => writeKubeconfig(path, url, token, tls.certPem),
    setUsageSource: (source) => {
      api.usageSource = source;
    },
    setLogSource: (source) => {
      api.logSource = source;
    },
    saveState: async (path) => {
      const target = path ?? options.state;
      if (!target) throw new InputError('no state file given (--state FILE)');
      await saveState(store, api, target);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const part of running.reverse()) await part.stop();
      await api.stop();
      store.close();
      if (options.state) await saveState(store, api, options.state);
    },
  };

  try {
    for (const part of options.parts ?? simulatorParts) {
      const handle = await part.start(sim, options);
      if (handle) running.push(handle);
    }
  } catch (err) {
    await sim.stop();
    throw err;
  }
  return sim;
}
