export { schedulingScenarios } from './scheduling/scenarios.js';
