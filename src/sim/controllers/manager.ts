import type { Pod } from '../../cluster/types.js';
import { createCluster, defaultCluster, loadClusterDefinition } from '../clusterdef/index.js';
import { FaultInjector, loadFaultFile, type NamedFault } from '../faults/index.js';
import { KubeletFleet } from '../kubelet/kubelet.js';
import type { SimulatorPart } from '../parts.js';
import { admissionPlugins, QuotaController } from './admission.js';
import { CronJobController } from './cronjob.js';
import { DaemonSetController } from './daemonset.js';
import { DeploymentController } from './deployment.js';
import { EndpointsController } from './endpoints.js';
import { JobController } from './job.js';
import { NamespaceController } from './namespace.js';
import { NodeLifecycleController } from './nodelifecycle.js';
import { PodCache } from './podcache.js';
import { ReplicaSetController } from './replicaset.js';
import type { SimContext } from './runtime.js';
import { DefaultScheduler } from './scheduler.js';
import { StatefulSetController } from './statefulset.js';
import { VolumeController } from './volumes.js';

export interface ControlPlane {
  cache: PodCache;
  faults: FaultInjector;
  kubelets: KubeletFleet;
  stop(): void;
}

/** Starts the simulated controllers, scheduler and kubelets over a store. */
export function startControlPlane(ctx: SimContext, options: { defaultScheduler?: boolean } = {}): ControlPlane {
  const cache = new PodCache(ctx.store);
  const faults = new FaultInjector(ctx);
  const admit = admissionPlugins(ctx, faults.registry);
  ctx.store.admission.push(admit);
  const kubelets = new KubeletFleet(ctx, cache, faults.registry);
  const components: Array<{ stop(): void }> = [
    new NamespaceController(ctx),
    new ReplicaSetController(ctx, cache),
    new DeploymentController(ctx),
    new StatefulSetController(ctx, cache),
    new DaemonSetController(ctx, cache),
    new JobController(ctx, cache),
    new CronJobController(ctx),
    new EndpointsController(ctx, cache),
    new VolumeController(ctx, faults.registry),
    new QuotaController(ctx, cache),
    new NodeLifecycleController(ctx, cache, (node) => kubelets.lastHeartbeat(node)),
  ];
  if (options.defaultScheduler !== false) components.push(new DefaultScheduler(ctx, cache));
  return {
    cache,
    faults,
    kubelets,
    stop() {
      for (const c of components.reverse()) c.stop();
      kubelets.stop();
      faults.stop();
      cache.stop();
      const i = ctx.store.admission.indexOf(admit);
      if (i >= 0) ctx.store.admission.splice(i, 1);
    },
  };
}

/**
 * The simulator part of engineer B: control plane and kubelets, then (for a fresh store) the
 * cluster definition, then the start-time faults. Fault files are validated before anything is created.
 */
export const controlPlanePart: SimulatorPart = {
  name: 'control-plane',
  async start(sim, options) {
    const faultSets: NamedFault[][] = [];
    for (const file of options.faults ?? []) faultSets.push(await loadFaultFile(file));
    const cluster = sim.restored ? undefined : options.cluster ? await loadClusterDefinition(options.cluster) : defaultCluster;
    const ctx: SimContext = { store: sim.store, clock: sim.store.clock };
    const plane = startControlPlane(ctx, { defaultScheduler: options.defaultScheduler });
    sim.setUsageSource({
      node: (node) => plane.kubelets.nodeUsage(node.metadata.name!),
      container: (pod, container) => plane.kubelets.containerUsage(pod as unknown as Pod, container),
    });
    sim.setLogSource((namespace, pod, container, previous) => plane.kubelets.logs(namespace, pod, container, previous));
    try {
      if (cluster) createCluster(ctx, cluster);
      for (const set of faultSets) plane.faults.submit(set);
    } catch (err) {
      plane.stop();
      throw err;
    }
    return { stop: () => plane.stop() };
  },
};
