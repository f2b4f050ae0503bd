export { startController, type ControllerOptions, type RunningController } from './controller.js';
export { buildObservation, parseExposition, VLLM_METRICS, type CounterMemory, type MetricSample } from './metrics.js';
export { podsSource, prometheusSource, type MetricSource } from './sources.js';
export {
  AUTOSCALER_GROUP,
  AUTOSCALER_KIND,
  AUTOSCALER_PLURAL,
  AUTOSCALER_VERSION,
  inferenceAutoscalerSpec,
  parseAutoscalerSpec,
  type InferenceAutoscalerSpec,
} from './spec.js';
