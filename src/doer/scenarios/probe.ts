import type { Scenario } from '../types.js';

export const probeScenarios: Scenario[] = [];
