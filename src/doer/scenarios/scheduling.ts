import type { Scenario } from '../types.js';

export const schedulingScenarios: Scenario[] = [];
