import type { Scenario } from '../types.js';
import { hpaScenarios } from './autoscaling/hpa.js';
import { metricScenarios } from './autoscaling/metrics.js';

export const autoscalingScenarios: Scenario[] = [...hpaScenarios, ...metricScenarios];
