import type { Scenario } from '../types.js';

export const storageScenarios: Scenario[] = [];
