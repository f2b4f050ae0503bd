import type { Scenario } from '../types.js';

export const admissionScenarios: Scenario[] = [];
