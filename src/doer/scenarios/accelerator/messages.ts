/**
 * AI workloads that fail with a recognisable message from CUDA, PyTorch, NCCL, the dataloader,
 * or an inference server. The messages are matched in container termination messages (the last
 * log lines with terminationMessagePolicy FallbackToLogsOnError), waiting messages and pod status.
 * Each failing pod is attributed to the first matching kind, in the order of MESSAGE_KINDS.
 */
import type { ClusterState } from '../../../cluster/state.js';
import { displayName, refOf } from '../../../cluster/state.js';
import type { Job, ObjectRef, Pod } from '../../../cluster/types.js';
import type { Detection, Scenario } from '../../types.js';
import { ageSeconds, containersOf, isActivePod, isPodReady, kubectl, kubectlRef, label } from '../util.js';
import { aiWorkloadOf } from './devices.js';

interface MessageKind {
  id: string;
  title: string;
  description: string;
  pattern: RegExp;
  /** Only for pods of these images (inference servers...). */
  image?: RegExp;
  headline(w: ObjectRef, match: string): string;
  explanation: string;
  remediation(w: ObjectRef, pod: Pod): string[];
}

const INFERENCE_IMAGE = /vllm|text-generation-inference|\/tgi|sglang|tritonserver|lmdeploy|tensorrt-llm|trtllm|ollama|llama\.cpp|kserve|huggingface/i;

const edit = (w: ObjectRef) => kubectl(w.namespace, `edit ${kubectlRef(w)}`);

export const MESSAGE_KINDS: readonly MessageKind[] = [
  {
    id: 'accelerator.model-too-large-for-gpu',
    title: 'Inference server cannot fit the model in GPU memory',
    description:
      'The model server (vLLM, TGI, SGLang...) loads the weights and then has no GPU memory left for the KV cache, or runs out while ' +
      'loading: vLLM "No available memory for the cache blocks" / "The model\'s max seq len (N) is larger than the maximum number of ' +
      'tokens that can be stored in KV cache", TGI "Not enough memory to handle ...", or CUDA out of memory in a server image. Fix: more ' +
      'or larger GPUs (tensor-parallel-size), a quantized model, lower --max-model-len / --gpu-memory-utilization tuning.',
    pattern: /No available memory for the cache blocks|larger than the maximum number of tokens that can be stored in KV cache|Not enough memory to handle|CUDA out of memory|torch\.cuda\.OutOfMemoryError|insufficient memory for (the )?(model|KV cache)/i,
    image: INFERENCE_IMAGE,
    headline: (w) => `${w.kind} ${displayName(w)}: the model does not fit in GPU memory`,
    explanation: 'The server runs out of GPU memory loading the model or allocating its KV cache, so it never becomes ready.',
    remediation: (w) => [`${edit(w)}  # more GPUs (--tensor-parallel-size), a quantized model, or smaller --max-model-len`, 'check the model size against the GPU memory: nvidia-smi --query-gpu=memory.total --format=csv'],
  },
  {
    id: 'accelerator.model-download-failed',
    title: 'Inference/training pod cannot download or find the model',
    description:
      'The container fails fetching the model from the Hugging Face Hub or finding it locally: "401 Client Error", "Repository Not ' +
      'Found", "Cannot access gated repo", "We couldn\'t connect to \'https://huggingface.co\'", "does not appear to have a file named ' +
      'config.json". The server never becomes ready. Fix: correct the model id, provide HF_TOKEN (from a Secret) for gated repos, allow ' +
      'egress or pre-load the model into a volume and set HF_HUB_OFFLINE=1.',
    pattern: /401 Client Error|403 Client Error|Repository Not Found|GatedRepoError|gated repo|couldn't connect to 'https:\/\/huggingface\.co'|LocalEntryNotFoundError|RepositoryNotFoundError|does not appear to have a file named|is not a local folder and is not a valid model identifier|Can't load (the )?(tokenizer|config|model) for/i,
    headline: (w) => `${w.kind} ${displayName(w)} cannot download or find its model`,
    explanation: 'The model files cannot be fetched or found, so the container exits before serving or training.',
    remediation: (w) => [`${edit(w)}  # check the model id / path; for gated models set HF_TOKEN from a Secret`, 'or pre-download the model to a PVC and set HF_HUB_OFFLINE=1'],
  },
  {
    id: 'accelerator.cuda-driver-too-old',
    title: 'Container needs a newer NVIDIA driver than the node has',
    description:
      'The image\'s CUDA runtime is newer than what the node\'s driver supports: "CUDA driver version is insufficient for CUDA runtime ' +
      'version", or at container start "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.4, please update your ' +
      'driver to a newer version". Fix: use an image built for the node\'s CUDA version, or upgrade the driver (or enable CUDA forward ' +
      'compatibility).',
    pattern: /CUDA driver version is insufficient for CUDA runtime version|unsatisfied condition: cuda\s*>=|cudaErrorInsufficientDriver|The NVIDIA driver on your system is too old/i,
    headline: (w) => `${w.kind} ${displayName(w)}'s image needs a newer NVIDIA driver`,
    explanation: 'The CUDA version in the image is newer than the node\'s driver supports, so CUDA fails to initialise.',
    remediation: (w, pod) => [`${edit(w)}  # use an image built for the node's CUDA version`, `or upgrade the driver on ${pod.spec?.nodeName ?? 'the node'} (check: nvidia-smi shows the max CUDA version)`],
  },
  {
    id: 'accelerator.no-kernel-image-for-gpu',
    title: 'Container binaries or model need a newer GPU architecture',
    description:
      'The image or model does not support this GPU: "CUDA error: no kernel image is available for execution on the device", PyTorch\'s ' +
      '"... with CUDA capability sm_XX is not compatible with the current PyTorch installation", vLLM\'s "Bfloat16 is only supported on ' +
      'GPUs with compute capability of at least 8.0", "FlashAttention only supports Ampere GPUs or newer". Fix: use a build/dtype that ' +
      'supports the GPU (e.g. --dtype half), or select newer GPUs (nvidia.com/gpu.product).',
    pattern: /no kernel image is available for execution on the device|is not compatible with the current PyTorch installation|only supported on GPUs with compute capability|FlashAttention only supports Ampere GPUs or newer/i,
    headline: (w) => `${w.kind} ${displayName(w)}'s CUDA build does not support this GPU`,
    explanation: 'The image has no kernels for this GPU\'s compute capability.',
    remediation: (w) => [`${edit(w)}  # image with kernels for this GPU (TORCH_CUDA_ARCH_LIST), or a nvidia.com/gpu.product nodeSelector for supported GPUs`],
  },
  {
    id: 'accelerator.cuda-out-of-memory',
    title: 'Training runs out of GPU memory (CUDA OOM)',
    description:
      'The process allocates more GPU memory than the device has: "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate ' +
      '..." / "CUDA error: out of memory" / XLA "RESOURCE_EXHAUSTED: Out of memory". This is GPU memory, not the container memory limit ' +
      '(no OOMKilled). Fix: smaller batch size, gradient checkpointing/accumulation, mixed precision, model sharding (FSDP/ZeRO), or larger GPUs.',
    pattern: /CUDA out of memory|torch\.cuda\.OutOfMemoryError|CUDA error: out of memory|cudaErrorMemoryAllocation|RESOURCE_EXHAUSTED: Out of memory/i,
    headline: (w) => `${w.kind} ${displayName(w)} runs out of GPU memory`,
    explanation: 'The process needs more GPU memory than the device has (CUDA OOM); the container limit is not the problem.',
    remediation: (w) => [`${edit(w)}  # lower the batch size, enable gradient checkpointing / mixed precision, or shard the model (FSDP, ZeRO)`, 'or request larger GPUs (nvidia.com/gpu.product selector)'],
  },
  {
    id: 'accelerator.gpu-not-visible',
    title: 'Container sees no GPU',
    description:
      'CUDA finds no device: "RuntimeError: No CUDA GPUs are available", "Found no NVIDIA driver on your system", "no CUDA-capable ' +
      'device is detected". Usually the pod does not request nvidia.com/gpu (so no device is mounted), or the node\'s runtime is not ' +
      'the NVIDIA runtime (runtimeClassName). Fix: request nvidia.com/gpu in resources.limits, set runtimeClassName: nvidia where needed.',
    pattern: /No CUDA GPUs are available|Found no NVIDIA driver on your system|no CUDA-capable device is detected|CUDA driver initialization failed|cudaErrorNoDevice|NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/i,
    headline: (w) => `${w.kind} ${displayName(w)}'s containers see no GPU`,
    explanation: 'CUDA inside the container finds no GPU device.',
    remediation: (w) => [`${edit(w)}  # resources.limits: {nvidia.com/gpu: 1}; runtimeClassName: nvidia if the cluster uses one`],
  },
  {
    id: 'accelerator.nccl-collective-timeout',
    title: 'Distributed training hangs: NCCL collective timed out',
    description:
      'A collective (all-reduce, all-gather, broadcast) did not complete within the process-group timeout and the NCCL watchdog ' +
      'aborted the job: "[Rank N] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=..., OpType=ALLREDUCE, ...) ran for ' +
      '600081 milliseconds before timing out". Causes: a straggling or dead rank, ranks taking different code paths, network/RDMA ' +
      'problems. Fix: find the rank that did not join (its logs), check the inter-node network (NCCL_DEBUG=INFO), raise the timeout only for slow first steps.',
    pattern: /Watchdog caught collective operation timeout|Some NCCL operations have failed or timed out|NCCL (communicator|operation).*timed? ?out/i,
    headline: (w) => `${w.kind} ${displayName(w)}: NCCL collective timed out`,
    explanation: 'A collective operation among the ranks never completed, and the NCCL watchdog aborted the process.',
    remediation: (w) => [`${kubectl(w.namespace, 'logs <each worker pod> --previous')}  # find the rank that did not reach the collective`, 'run with NCCL_DEBUG=INFO; check the node network / RDMA devices; consider TORCH_NCCL_ASYNC_ERROR_HANDLING and a larger init timeout'],
  },
  {
    id: 'accelerator.nccl-error',
    title: 'Distributed training fails with an NCCL error',
    description:
      'NCCL reported an error and the job failed: "NCCL error in: ..., unhandled system error (run with NCCL_DEBUG=INFO for details)", ' +
      '"ncclInternalError", "ncclUnhandledCudaError", "ncclRemoteError". Typical causes: /dev/shm too small, missing RDMA/InfiniBand ' +
      'devices in the pod, mismatched NCCL versions, blocked ports between nodes. Fix: act on NCCL_DEBUG=INFO output; give the pod a ' +
      'memory-backed /dev/shm and the RDMA resources/capabilities it needs.',
    pattern: /NCCL error|ncclInternalError|ncclSystemError|ncclUnhandledCudaError|ncclRemoteError|ncclInvalidUsage|DistBackendError: NCCL/i,
    headline: (w) => `${w.kind} ${displayName(w)} fails with an NCCL error`,
    explanation: 'The NCCL communication library failed between the ranks of the job.',
    remediation: (w) => [`${edit(w)}  # env NCCL_DEBUG=INFO to see the cause; mount an emptyDir {medium: Memory} at /dev/shm`, 'check RDMA/InfiniBand devices and network policies between the worker pods'],
  },
  {
    id: 'accelerator.rendezvous-timeout',
    title: 'torchrun workers never complete the rendezvous',
    description:
      'torch.distributed.elastic (torchrun) waited for the other workers and gave up: "RendezvousTimeoutError", "torch.distributed.' +
      'DistStoreError: Timed out after 900 seconds waiting for clients. 1/2 clients joined." Usually some worker pods are still Pending ' +
      '(not enough GPUs — use gang scheduling), the master address/port is wrong, or a NetworkPolicy blocks the store port. Fix: make ' +
      'sure all workers can be placed together (Volcano/Kueue gang), check MASTER_ADDR/--rdzv-endpoint and --nnodes.',
    pattern: /RendezvousTimeoutError|RendezvousClosedError|DistStoreError: Timed out after|waiting for clients\. \d+\/\d+ clients joined|failed to (join|complete) the rendezvous|rendezvous.*timed? ?out/i,
    headline: (w) => `${w.kind} ${displayName(w)}: distributed workers never met (rendezvous timeout)`,
    explanation: 'Not all workers of the job reached the rendezvous in time, so torchrun aborted.',
    remediation: (w) => [`${kubectl(w.namespace, 'get pods -o wide')}  # are all workers running? Pending ones need gang scheduling`, `${edit(w)}  # check --nnodes, --rdzv-endpoint / MASTER_ADDR and the store port`],
  },
  {
    id: 'accelerator.shm-too-small',
    title: 'Dataloader workers die: /dev/shm too small',
    description:
      'Containers get a 64 MiB /dev/shm by default; PyTorch DataLoader workers pass batches through shared memory and die: ' +
      '"RuntimeError: DataLoader worker (pid N) is killed by signal: Bus error. It is possible that dataloader\'s workers are out of ' +
      'shared memory. Please try to raise your shared memory limit." (NCCL also needs /dev/shm). Fix: mount an emptyDir with medium: ' +
      'Memory (and a sizeLimit) at /dev/shm.',
    pattern: /killed by signal: Bus error|out of shared memory|unable to write to file <?\/torch_|Unexpected bus error encountered in worker|insufficient shared memory \(shm\)|No space left on device.*\/dev\/shm/i,
    headline: (w) => `${w.kind} ${displayName(w)}: /dev/shm is too small for its dataloader workers`,
    explanation: 'DataLoader workers exchange batches through /dev/shm, which is 64 MiB in a container unless a memory-backed volume is mounted.',
    remediation: (w) => [`${edit(w)}  # volumes: [{name: dshm, emptyDir: {medium: Memory, sizeLimit: 16Gi}}]; volumeMounts: [{name: dshm, mountPath: /dev/shm}]`],
  },
];

/** The texts in which a failing pod tells why: termination and waiting messages, pod status message. */
function failureTexts(state: ClusterState, pod: Pod): Array<{ where: string; text: string }> {
  const texts: Array<{ where: string; text: string }> = [];
  for (const c of containersOf(pod)) {
    const st = c.status;
    if (!st) continue;
    // A container that is ready again failed in the past: only a failure within the last hour still counts
    // (a training worker that just aborted on an NCCL timeout and restarted lost its progress).
    const last = st.lastState?.terminated;
    const recentFailure = !!last && last.exitCode !== 0 && ageSeconds(state, last.finishedAt) < 3600;
    const failing = !st.ready || pod.status?.phase === 'Failed' || recentFailure;
    if (!failing) continue;
    if (last?.message) texts.push({ where: `container ${c.name} lastState.terminated (exit ${last.exitCode}, ${last.reason ?? ''})`, text: last.message });
    const now = st.state?.terminated;
    if (now?.message && now.exitCode !== 0) texts.push({ where: `container ${c.name} state.terminated (exit ${now.exitCode}, ${now.reason ?? ''})`, text: now.message });
    const waiting = st.state?.waiting;
    if (waiting?.message && waiting.reason !== 'CrashLoopBackOff') texts.push({ where: `container ${c.name} waiting ${waiting.reason ?? ''}`, text: waiting.message });
  }
  if (pod.status?.message) texts.push({ where: `status ${pod.status.reason ?? ''}`, text: pod.status.message });
  return texts;
}

/** Cheap pre-check that skips the bulk of a cluster: running, every container ready and never restarted. */
function looksHealthy(pod: Pod): boolean {
  const statuses = pod.status?.containerStatuses;
  return pod.status?.phase === 'Running' && !!statuses?.length && statuses.every((c) => c.ready && !c.restartCount);
}

/** Failed pods of a Job that later completed are history, not a failure. */
function isCurrentFailure(state: ClusterState, pod: Pod): boolean {
  if (isActivePod(pod)) return true;
  if (pod.status?.phase !== 'Failed') return false;
  const owner = state.owner(pod);
  if (owner?.kind === 'Job') {
    const job = owner as Job;
    return !(job.status?.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True');
  }
  return true;
}

interface MessageHit {
  pod: Pod;
  kind: MessageKind;
  line: string;
}

const cache = new WeakMap<ClusterState, MessageHit[]>();

function messageHits(state: ClusterState): MessageHit[] {
  const cached = cache.get(state);
  if (cached) return cached;
  const hits: MessageHit[] = [];
  for (const pod of state.pods) {
    if (looksHealthy(pod) || !isCurrentFailure(state, pod)) continue;
    const texts = failureTexts(state, pod);
    if (texts.length === 0) continue;
    const images = (pod.spec?.containers ?? []).map((c) => c.image ?? '').join(' ');
    for (const kind of MESSAGE_KINDS) {
      if (kind.image && !kind.image.test(images)) continue;
      const found = texts.find((t) => kind.pattern.test(t.text));
      if (!found) continue;
      hits.push({ pod, kind, line: `${label(pod)}: ${found.where}: ${excerpt(found.text, kind.pattern)}` });
      break;
    }
  }
  cache.set(state, hits);
  return hits;
}

/** The lines of a log tail that matched (at most two), trimmed. */
function excerpt(text: string, pattern: RegExp): string {
  const lines = text.split('\n').filter((l) => pattern.test(l)).slice(-2);
  return (lines.length ? lines.map((l) => l.trim()).join(' | ') : text.trim()).slice(0, 500);
}

function messageScenario(kind: MessageKind): Scenario {
  return {
    id: kind.id,
    category: 'accelerator',
    severity: 'critical',
    title: kind.title,
    description: kind.description,
    detect(state) {
      const groups = new Map<string, { workload: ObjectRef; hits: MessageHit[] }>();
      for (const hit of messageHits(state)) {
        if (hit.kind !== kind) continue;
        const w = aiWorkloadOf(state, hit.pod);
        const key = `${w.kind}/${w.namespace}/${w.name}`;
        const g = groups.get(key) ?? { workload: w, hits: [] };
        g.hits.push(hit);
        groups.set(key, g);
      }
      return [...groups.values()].map(({ workload, hits }): Detection => ({
        resource: refOf(hits[0].pod),
        rootCause: workload,
        affected: hits.slice(1).map((h) => refOf(h.pod)),
        title: kind.headline(workload, hits[0].line),
        explanation: `${hits.length} pod(s) of ${workload.kind} ${displayName(workload)} fail: ${kind.explanation}`,
        evidence: hits.slice(0, 4).map((h) => h.line),
        remediation: kind.remediation(workload, hits[0].pod),
        confidence: 0.96,
        // Restarted and running again: degraded (progress lost), not down.
        severity: hits.every((h) => isPodReady(h.pod)) ? 'warning' : undefined,
      }));
    },
  };
}

export const messageScenarios: Scenario[] = MESSAGE_KINDS.map(messageScenario);
