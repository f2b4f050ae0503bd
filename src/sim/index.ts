/** Public surface of the cluster simulator (see /work/notes/sim-contract.md). */
export * from './store/index.js';
export { ManualClock, RealClock, rfc3339, rfc3339Micro, type Clock, type TimerHandle } from './clock.js';
export { startSimulator, loadState, type Simulator, type SimulatorOptions } from './simulator.js';
export { simulatorParts, type SimulatorPart } from './parts.js';
export {
  ApiServer,
  kubeconfigYaml,
  writeKubeconfig,
  zeroUsage,
  evaluateBudget,
  type LogSource,
  type ResourceUsage,
  type UsageSource,
} from './api/index.js';
export { volcanoCrds } from './volcano-crds.js';
export { exportLive, exportStateFile, exportStore } from './export.js';
export { startControlPlane, controlPlanePart, type ControlPlane } from './controllers/manager.js';
export { placePod, fitErrorMessage, type NodeSnapshot, type Placement } from './controllers/scheduling.js';
export { KubeletFleet } from './kubelet/kubelet.js';
export {
  FaultInjector,
  FaultRegistry,
  applyFault,
  clearFault,
  faultCategory,
  faultFileSchema,
  faultObject,
  loadFaultFile,
  parseFaultText,
  FAULT_GROUP,
  FAULT_PLURAL,
  FAULT_VERSION,
  type Fault,
  type FaultType,
  type NamedFault,
} from './faults/index.js';
export { clusterDefinitionSchema, createCluster, defaultCluster, loadClusterDefinition, type ClusterDefinition } from './clusterdef/index.js';
export { applyRemoteFaults, clearRemoteFaults, type FaultOutcome } from './faults/remote.js';
