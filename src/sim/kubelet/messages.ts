/**
 * Event reasons and message formats of the kubelet, copied from kubernetes/kubernetes
 * (pkg/kubelet/events/event.go, pkg/kubelet/images/image_manager.go,
 * pkg/kubelet/kuberuntime/kuberuntime_container.go and kuberuntime_manager.go,
 * pkg/kubelet/prober/prober.go, pkg/kubelet/eviction/helpers.go, pkg/volume/util).
 */
export const KUBELET = 'kubelet';

/** format.Pod: "name_namespace(uid)". */
export function formatPod(pod: { metadata: { name?: string; namespace?: string; uid?: string } }): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

export const msg = {
  scheduled: (ns: string, name: string, node: string) => `Successfully assigned ${ns}/${name} to ${node}`,
  pulling: (image: string) => `Pulling image "${image}"`,
  pulled: (image: string, pullMs: number, totalMs: number, size: number) =>
    `Successfully pulled image "${image}" in ${goDuration(pullMs)} (${goDuration(totalMs)} including waiting). Image size: ${size} bytes.`,
  alreadyPresent: (image: string) => `Container image "${image}" already present on machine`,
  notPresentNeverPull: (image: string) => `Container image "${image}" is not present with pull policy of Never`,
  failedPull: (image: string, error: string) => `Failed to pull image "${image}": ${error}`,
  backOffPull: (image: string) => `Back-off pulling image "${image}"`,
  error: (detail: string) => `Error: ${detail}`,
  created: (container: string) => `Created container ${container}`,
  started: (container: string) => `Started container ${container}`,
  killing: (container: string) => `Stopping container ${container}`,
  backOffRestart: (container: string, pod: string) => `Back-off restarting failed container ${container} in pod ${pod}`,
  crashLoopWaiting: (backoffMs: number, container: string, pod: string) =>
    `back-off ${goDuration(backoffMs)} restarting failed container=${container} pod=${pod}`,
  probeFailed: (probe: ProbeKind, output: string) => `${probeTitle(probe)} probe failed: ${output}`,
  livenessRestart: (container: string) => `Container ${container} failed liveness probe, will be restarted`,
  startupRestart: (container: string) => `Container ${container} failed startup probe, will be restarted`,
  failedMount: (volume: string, error: string) => `MountVolume.SetUp failed for volume "${volume}" : ${error}`,
  configMapNotFound: (name: string) => `configmap "${name}" not found`,
  secretNotFound: (name: string) => `secret "${name}" not found`,
  keyNotFound: (key: string, kind: 'ConfigMap' | 'Secret', ns: string, name: string) => `couldn't find key ${key} in ${kind} ${ns}/${name}`,
  sandboxFailed: (error: string) => `Failed to create pod sandbox: ${error}`,
  nodeStatus: (node: string, status: string) => `Node ${node} status is now: ${status}`,
  evicted: (resource: string, threshold: string, available: string) =>
    `The node was low on resource: ${resource}. Threshold quantity: ${threshold}, available: ${available}. `,
  runAsNonRoot: (pod: string, container: string) =>
    `container has runAsNonRoot and image will run as root (pod: "${pod}", container: ${container})`,
} as const;

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

function probeTitle(probe: ProbeKind): string {
  return probe[0].toUpperCase() + probe.slice(1);
}

/** Go's time.Duration String() for the durations the kubelet prints ("10s", "1m20s", "5m0s", "1.5s", "312ms"). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = +(totalSeconds % 60).toFixed(3);
  if (hours) return `${hours}h${minutes}m${seconds}s`;
  if (minutes) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** Container runtime (containerd) error texts for image pulls, by failure kind. */
export type ImagePullErrorKind = 'not-found' | 'unauthorized' | 'registry-unavailable' | 'timeout';

export function qualifiedImage(image: string): string {
  const withTag = /[:@][^/]+$/.test(image) ? image : `${image}:latest`;
  const first = withTag.split('/')[0];
  if (withTag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return withTag;
  return withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}

export function imagePullError(image: string, kind: ImagePullErrorKind): { event: string; waitingMessage: string } {
  const ref = qualifiedImage(image);
  const host = ref.split('/')[0];
  let event: string;
  switch (kind) {
    case 'not-found':
      event = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
      break;
    case 'unauthorized':
      event = `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
      break;
    case 'registry-unavailable':
      event = `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": failed to do request: Head "https://${host}/v2/${ref.slice(host.length + 1).replace(/:[^:]+$/, '')}/manifests/${ref.replace(/^.*:/, '')}": dial tcp: lookup ${host}: no such host`;
      break;
    case 'timeout':
      event = `rpc error: code = DeadlineExceeded desc = failed to pull and unpack image "${ref}": failed to copy: read tcp 10.0.0.1:41234->${host}:443: i/o timeout`;
      break;
  }
  return { event, waitingMessage: event };
}

/** Kubelet crash back-off: 10 s doubling up to 5 min (kuberuntime: backOffPeriod, MaxContainerBackOff). */
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

export function restartBackoffMs(restartCount: number): number {
  if (restartCount <= 0) return 0;
  return Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** (restartCount - 1));
}
