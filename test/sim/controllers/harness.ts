import { ManualClock } from '../../../src/sim/clock.js';
import { createCluster, defaultCluster, type LoadedCluster } from '../../../src/sim/clusterdef/index.js';
import { startControlPlane, type ControlPlane } from '../../../src/sim/controllers/manager.js';
import type { NamedFault } from '../../../src/sim/faults/index.js';
import { resourceTypes, Store, type KubeObject, type StoredObject } from '../../../src/sim/store/index.js';
import { volcanoCrds } from '../../../src/sim/volcano-crds.js';

/** A simulated cluster without the HTTP server: store, control plane and kubelets on a manual clock. */
export interface TestCluster {
  store: Store;
  clock: ManualClock;
  plane: ControlPlane;
  /** Advance simulated time in 1 s steps (so timers set by timers fire in order). */
  run(seconds: number): void;
  apply(obj: KubeObject): StoredObject;
  pods(namespace: string, labelSelector?: string): Array<Record<string, any>>;
  events(filter: { name?: string; reason?: string; namespace?: string }): Array<Record<string, any>>;
  stop(): void;
}

export function startTestCluster(options: { cluster?: LoadedCluster; defaultScheduler?: boolean; faults?: NamedFault[] } = {}): TestCluster {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 8, 0, 0));
  const store = new Store({ clock, podTermination: 'kubelet' });
  const ctx = { store, clock };
  // As startSimulator does: Volcano's CRDs are installed, so PodGroups can be created.
  for (const crd of volcanoCrds) store.create(resourceTypes.customresourcedefinitions, crd);
  const plane = startControlPlane(ctx, { defaultScheduler: options.defaultScheduler });
  createCluster(ctx, options.cluster ?? defaultCluster);
  // As the simulator part does: start-time faults are in force before any controller runs.
  if (options.faults) plane.faults.submit(options.faults);
  clock.advance(0);
  return {
    store,
    clock,
    plane,
    run(seconds) {
      for (let i = 0; i < seconds; i++) clock.advance(1000);
    },
    apply(obj) {
      const type = store.resourceTypes.byKind(obj.apiVersion ?? 'v1', obj.kind ?? '')!;
      const created = store.create(type, obj);
      clock.advance(0);
      return created;
    },
    // Test assertions read arbitrary status fields of the stored JSON.
    pods: (namespace, labelSelector) => store.list(resourceTypes.pods, { namespace, labelSelector }).items as Array<Record<string, any>>,
    events: ({ name, reason, namespace }) =>
      (store.list(resourceTypes.events, { namespace }).items as Array<Record<string, any>>).filter(
        (e) => (!name || e.involvedObject.name === name || e.involvedObject.name.startsWith(name)) && (!reason || e.reason === reason),
      ),
    stop() {
      plane.stop();
      store.close();
    },
  };
}
