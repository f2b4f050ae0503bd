import type { Scenario } from '../types.js';

export const autoscalingScenarios: Scenario[] = [];
