import type { Scenario } from '../types.js';
import { cronJobScenarios } from './job/cronjobs.js';
import { jobFailureScenarios } from './job/jobs.js';
import { scheduleScenarios } from './job/schedule.js';

export const jobScenarios: Scenario[] = [...jobFailureScenarios, ...cronJobScenarios, ...scheduleScenarios];
