/** Public surface of the cluster simulator (see /work/notes/sim-contract.md). */
export * from './store/index.js';
export { ManualClock, RealClock, rfc3339, rfc3339Micro, type Clock, type TimerHandle } from './clock.js';
