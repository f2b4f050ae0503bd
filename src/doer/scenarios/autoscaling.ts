import type { Scenario } from '../types.js';
import { hpaScenarios } from './autoscaling/hpa.js';

export const autoscalingScenarios: Scenario[] = [...hpaScenarios];
