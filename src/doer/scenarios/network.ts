import type { Scenario } from '../types.js';
import { addressingScenarios } from './network/addressing.js';
import { ingressScenarios } from './network/ingress.js';
import { policyScenarios } from './network/policy.js';
import { serviceScenarios } from './network/services.js';

export const networkScenarios: Scenario[] = [...serviceScenarios, ...ingressScenarios, ...policyScenarios, ...addressingScenarios];
