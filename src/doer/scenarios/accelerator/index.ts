import type { Scenario } from '../../types.js';
import { messageScenarios } from './messages.js';
import { admissionErrorScenario, devicePluginScenarios, gpuOperatorScenario, placementScenarios } from './placement.js';

export const acceleratorScenarios: Scenario[] = [
  ...devicePluginScenarios,
  gpuOperatorScenario,
  ...placementScenarios,
  admissionErrorScenario,
  ...messageScenarios,
];
