import type { Scenario } from '../types.js';
import { deploymentScenarios } from './rollout/deployments.js';
import { disruptionScenarios } from './rollout/disruption.js';
import { revisionScenarios } from './rollout/revisions.js';
import { setScenarios } from './rollout/sets.js';

export const rolloutScenarios: Scenario[] = [...deploymentScenarios, ...revisionScenarios, ...disruptionScenarios, ...setScenarios];
