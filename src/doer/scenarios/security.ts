import type { Scenario } from '../types.js';

export const securityScenarios: Scenario[] = [];
