import type { Scenario } from '../types.js';

export const imageScenarios: Scenario[] = [];
