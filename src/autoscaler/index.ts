/** Public surface of the autoscaler: performance model, traces, policies, replay, live controller. */
export {
  DEFAULT_REPLICA_MODEL,
  coldStartSeconds,
  decodeStepSeconds,
  loadReplicaModel,
  parseReplicaModel,
  prefillSeconds,
  requestWorkSeconds,
  type ReplicaModel,
} from './model.js';
export { loadTrace, parseTrace, type Trace, type TraceRequest } from './trace.js';
export { poissonLike, rotateTrace, scaleTime, scaleTokens } from './synthetic.js';
export {
  BASELINE_TARGETS,
  LIVE_POLICY_NAMES,
  POLICY_NAMES,
  createPolicy,
  isPolicyName,
  type PolicyContext,
  type PolicyName,
} from './policies/index.js';
export { bindPolicy, type Decision, type Observation, type PolicyRunner, type ReplicaBounds } from './policies/types.js';
export { fluidCapacity, nakhodaDefaults, nakhodaPolicy } from './policies/nakhoda.js';
export { simulate, percentile, type PolicyOutcome, type SimulationResult, type TimeSample } from './engine.js';
export { DEFAULT_WARMUP_SECONDS, replay, staticSizes, withWarmup, type ReplayOptions, type ReplayReport, type ReplayRun } from './replay.js';
export { renderReplayTable } from './render.js';
export { renderReplaySvg } from './plot.js';
export * from './live/index.js';
