import type { Scenario } from '../../types.js';
import { invalidRequestScenario, runtimeClassMissingScenario } from './create-errors.js';
import { gangSpreadScenario, gangTooFewTasksScenario, gangUnschedulableScenario, partialGangScenario } from './gang.js';
import { messageScenarios } from './messages.js';
import { kueueQuotaScenario } from './queues.js';
import { ascendFaultScenario, faultScenarios, migConfigFailedScenario, runtimeNotConfiguredScenario } from './node-faults.js';
import { admissionErrorScenario, devicePluginScenarios, gpuOperatorScenario, placementScenarios } from './placement.js';

export const acceleratorScenarios: Scenario[] = [
  ...devicePluginScenarios,
  gpuOperatorScenario,
  ...placementScenarios,
  admissionErrorScenario,
  ...faultScenarios,
  ascendFaultScenario,
  migConfigFailedScenario,
  runtimeNotConfiguredScenario,
  runtimeClassMissingScenario,
  invalidRequestScenario,
  gangUnschedulableScenario,
  gangTooFewTasksScenario,
  gangSpreadScenario,
  partialGangScenario,
  kueueQuotaScenario,
  ...messageScenarios,
];
