import type { Scenario } from '../types.js';

export const crashScenarios: Scenario[] = [];
