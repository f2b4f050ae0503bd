export { storageScenarios } from './storage/scenarios.js';
