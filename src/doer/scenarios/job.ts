import type { Scenario } from '../types.js';
import { cronJobScenarios } from './job/cronjobs.js';
import { jobFailureScenarios } from './job/jobs.js';

export const jobScenarios: Scenario[] = [...jobFailureScenarios, ...cronJobScenarios];
