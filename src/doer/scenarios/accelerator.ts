export { acceleratorScenarios } from './accelerator/index.js';
