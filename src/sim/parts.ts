import { controlPlanePart } from './controllers/manager.js';
import type { Simulator, SimulatorOptions } from './simulator.js';

/**
 * A piece of the simulator that runs next to the API server: controllers, kubelets, the cluster
 * definition loader, fault injection. startSimulator starts them in order after the API server
 * is listening and stops them in reverse order.
 */
export interface SimulatorPart {
  name: string;
  start(sim: Simulator, options: SimulatorOptions): Promise<{ stop(): Promise<void> | void } | void>;
}

/** The parts startSimulator runs; each simulator component adds its entry here. */
export const simulatorParts: SimulatorPart[] = [controlPlanePart];
