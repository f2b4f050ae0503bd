/** Public surface of the scheduler: placement core, topology, gangs, trace replays. */
export { ClusterState, MILLI_PER_GPU, bestFitDevices, isFractional, totalGpuMilli } from './resources.js';
export type { NodeSpec, Placement, PodRequest } from './resources.js';
export { FragmentationModel, podShapeDistribution } from './fragmentation.js';
export type { PodShape } from './fragmentation.js';
export { POLICY_NAMES, createPolicy, fgdPolicy, nakhodaPolicy, selectPlacement } from './policies.js';
export type { NodeScorer, PlacementPolicy, PolicyName } from './policies.js';
export { SeededRandom } from './random.js';
export {
  DEFAULT_TIER_LABELS,
  lowestCommonTier,
  topologyFromHyperNodes,
  topologyFromLabels,
} from './topology.js';
export type { HyperNodeObject, Topology, TopologyDomain } from './topology.js';
export { describeMembers, placeGang, podsThatFit } from './gang.js';
export type { GangOutcome, GangRequest, GangStrategy, NetworkTopologySpec } from './gang.js';
export { readLingjunTopology, readOpenbNodes, readOpenbPods } from './traces.js';
export type { TopologyHost, TracePod } from './traces.js';
export { allocationAt, fillWorkload, renderReplayPlot, replayOpenb, runFill } from './replay.js';
export type { FillCurve, PolicyResult, ReplayOptions, ReplayReport, Spread } from './replay.js';
export { publishedAllocation } from './published.js';
export { renderBarChart, renderLineChart } from './plot.js';
export {
  DEFAULT_SUPERNODE_LAYOUT,
  GANG_SIZE_MIX,
  TOPOLOGY_CONTENDERS,
  generateGangWorkload,
  lingjunCluster,
  renderTopologyPlot,
  replayTopology,
  runTopologyReplay,
  supernodeCluster,
} from './topologyReplay.js';
export type {
  GangJob,
  GangWorkloadOptions,
  SupernodeLayout,
  TopologyCluster,
  TopologyContender,
  TopologyMetrics,
  TopologyReplayReport,
} from './topologyReplay.js';
export {
  DEVICES_ANNOTATION,
  GPU_MILLI_ANNOTATION,
  GPU_MODELS_ANNOTATION,
  GROUP_ANNOTATION,
  nodeAdmitsPod,
  nodeSpecFromNode,
  occupiedState,
  planCycle,
  podRequestFromPod,
} from './kube.js';
export type { BindDecision, ClusterView, CyclePlan, FailureDecision, GroupStatusDecision, NodeObject, PlanOptions, PodGroupObject, PodObject } from './kube.js';
export { startLiveScheduler } from './live.js';
export type { LiveScheduler, LiveSchedulerOptions } from './live.js';
