import type { Scenario } from '../types.js';
import { ingressScenarios } from './network/ingress.js';
import { serviceScenarios } from './network/services.js';

export const networkScenarios: Scenario[] = [...serviceScenarios, ...ingressScenarios];
