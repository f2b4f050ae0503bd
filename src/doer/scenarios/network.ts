import type { Scenario } from '../types.js';
import { addressingScenarios } from './network/addressing.js';
import { dnsScenarios } from './network/dns.js';
import { ingressScenarios } from './network/ingress.js';
import { policyScenarios } from './network/policy.js';
import { serviceScenarios } from './network/services.js';

export const networkScenarios: Scenario[] = [...serviceScenarios, ...dnsScenarios, ...ingressScenarios, ...policyScenarios, ...addressingScenarios];
