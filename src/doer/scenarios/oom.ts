import type { Scenario } from '../types.js';

export const oomScenarios: Scenario[] = [];
