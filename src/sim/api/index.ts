/** The simulator's Kubernetes API server. */
export { ApiServer, maxBodyBytes, type ApiServerOptions } from './server.js';
export { kubeconfigYaml, writeKubeconfig, simulatorContextName } from './kubeconfig.js';
export { zeroUsage, type ResourceUsage, type UsageSource } from './metrics.js';
export { evaluateBudget, type LogSource } from './subresources.js';
export { applyPatch, mergePatch, strategicMerge, type PatchType } from './patch.js';
export { humanDuration } from './table.js';
export { createServingCertificate, type ServingCertificate } from './tls.js';
