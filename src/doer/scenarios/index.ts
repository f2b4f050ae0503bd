import type { Scenario } from '../types.js';
import { imageScenarios } from './image.js';
import { crashScenarios } from './crash.js';
import { oomScenarios } from './oom.js';
import { configScenarios } from './config.js';
import { probeScenarios } from './probe.js';
import { schedulingScenarios } from './scheduling.js';
import { storageScenarios } from './storage.js';
import { nodeScenarios } from './node.js';
import { networkScenarios } from './network.js';
import { quotaScenarios } from './quota.js';
import { securityScenarios } from './security.js';
import { rolloutScenarios } from './rollout.js';
import { jobScenarios } from './job.js';
import { autoscalingScenarios } from './autoscaling.js';
import { acceleratorScenarios } from './accelerator.js';
import { admissionScenarios } from './admission.js';

/** The catalog: every scenario, in category order. Ids are stable and unique. */
export const SCENARIOS: readonly Scenario[] = [
  ...imageScenarios,
  ...crashScenarios,
  ...oomScenarios,
  ...configScenarios,
  ...probeScenarios,
  ...schedulingScenarios,
  ...storageScenarios,
  ...nodeScenarios,
  ...networkScenarios,
  ...quotaScenarios,
  ...securityScenarios,
  ...rolloutScenarios,
  ...jobScenarios,
  ...autoscalingScenarios,
  ...acceleratorScenarios,
  ...admissionScenarios,
];
