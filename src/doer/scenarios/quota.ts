import type { Scenario } from '../types.js';

export const quotaScenarios: Scenario[] = [];
