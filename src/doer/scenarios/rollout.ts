import type { Scenario } from '../types.js';

export const rolloutScenarios: Scenario[] = [];
