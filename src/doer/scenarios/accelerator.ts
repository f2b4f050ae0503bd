import type { Scenario } from '../types.js';

export const acceleratorScenarios: Scenario[] = [];
