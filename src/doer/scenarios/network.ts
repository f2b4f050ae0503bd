import type { Scenario } from '../types.js';

export const networkScenarios: Scenario[] = [];
