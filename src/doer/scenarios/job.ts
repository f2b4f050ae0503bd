import type { Scenario } from '../types.js';

export const jobScenarios: Scenario[] = [];
