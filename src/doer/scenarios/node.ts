import type { Scenario } from '../types.js';

export const nodeScenarios: Scenario[] = [];
