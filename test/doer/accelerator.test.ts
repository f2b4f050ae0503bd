import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/state.js';
import type { KubeObject } from '../../src/cluster/types.js';
import { diagnose } from '../../src/doer/engine.js';
import { SCENARIOS } from '../../src/doer/scenarios/index.js';
import { deployment, detect, diagnoseObjects, event, firstFindingFor, node, obj, ownerRef, runningStatus } from './fixtures.js';
import { container, crashLoopStatus, daemonSet, gpuNode, pendingDeployment, unschedulableStatus, describeScenarioCases, type ScenarioCase } from './placement-fixtures.js';

// Messages as printed by NVIDIA/k8s-device-plugin (internal/plugin/factory.go, internal/rm/health.go),
// the kubelet device manager, PyTorch (c10d ProcessGroupNCCL, elastic rendezvous, DataLoader), NCCL,
// vLLM/TGI, and kube-scheduler.
const NVML_LOG = [
  '2022/06/16 07:21:18 Initializing NVML.',
  '2022/06/16 07:21:18 Failed to initialize NVML: could not load NVML library.',
  '2022/06/16 07:21:18 If this is a GPU node, did you set the docker default runtime to `nvidia`?',
  '2022/06/16 07:21:18 Error: failed to initialize NVML: could not load NVML library',
].join('\n');
const INSUFFICIENT_GPU = (n: number) => `0/${n} nodes are available: ${n} Insufficient nvidia.com/gpu. preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`;
const GPU_TOLERATION = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];

const trainerSpec = (gpus: string, extra: Record<string, unknown> = {}) => ({
  containers: [container('trainer', 'nvcr.io/nvidia/pytorch:24.05-py3', { requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': gpus }, limits: { memory: '64Gi', 'nvidia.com/gpu': gpus } }, { command: ['torchrun', '--nproc_per_node=4', 'train.py'] })],
  tolerations: GPU_TOLERATION,
  restartPolicy: 'Always',
  ...extra,
});

/** Two GPU nodes; the plugin on gpu-2 cannot load NVML, so gpu-2 advertises nothing; a 4-GPU trainer is Pending. */
function brokenPluginCluster(options: { pluginHealthyOnGpu1?: boolean } = {}) {
  const nodes = [gpuNode('gpu-1', 4), gpuNode('gpu-2', 0), node('cpu-1')];
  const plugin = daemonSet('nvidia-device-plugin-daemonset', 'kube-system', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', ['gpu-1', 'gpu-2'], (n, spec) =>
    n === 'gpu-1' && options.pluginHealthyOnGpu1 !== false ? runningStatus(spec) : crashLoopStatus(spec, NVML_LOG));
  const busy = deployment('bert', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: trainerSpec('4') });
  const pending = pendingDeployment('llama-finetune', INSUFFICIENT_GPU(3), { namespace: 'ml', podSpec: trainerSpec('4') });
  return { pending, plugin, objects: [...nodes, ...plugin.all, ...busy.all, ...pending.objects] };
}

/** A training Deployment whose container keeps failing with this log tail. */
function failingTrainer(message: string, image = 'nvcr.io/nvidia/pytorch:24.05-py3', exitCode = 1) {
  const spec = { ...trainerSpec('1'), containers: [container('trainer', image, { limits: { 'nvidia.com/gpu': '1' } })] };
  return [gpuNode('gpu-1', 8), ...deployment('trainer', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: spec, podStatus: crashLoopStatus(spec, message, exitCode) }).all];
}

const healthyGpuCluster = () => [gpuNode('gpu-1', 8), ...daemonSet('nvidia-device-plugin-daemonset', 'kube-system', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', ['gpu-1'], (_n, spec) => runningStatus(spec)).all,
  ...deployment('trainer', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: trainerSpec('4') }).all];

/** A GPU node with a node-problem-detector event carrying this kernel (NVRM) line. */
function withNodeEvent(message: string) {
  const n = gpuNode('gpu-1', 8);
  return [n, event(n, 'Warning', 'NVRMXid', message, { component: 'kernel-monitor', host: 'gpu-1', count: 3 })];
}

function npuNode(name: string, annotations: Record<string, string>) {
  const n = node(name, { labels: { accelerator: 'huawei-Ascend910' }, capacity: { cpu: '192', memory: '1500Gi', pods: '110', 'huawei.com/Ascend910': '8' }, allocatable: { cpu: '192', memory: '1500Gi', pods: '110', 'huawei.com/Ascend910': '7' } });
  n.metadata.annotations = { ...annotations };
  return n;
}

function rejectedByRuntimeClass() {
  const app = deployment('vllm', { namespace: 'serve', replicas: 1, podSpec: { ...trainerSpec('1'), runtimeClassName: 'nvidia' } });
  const rest = app.all.filter((o) => o.kind !== 'Pod');
  return [gpuNode('gpu-1', 8), ...rest, event(app.replicaSet, 'Warning', 'FailedCreate', 'Error creating: pods "vllm-7d9f8b6c5d-" is forbidden: pod rejected: RuntimeClass "nvidia" not found', { component: 'replicaset-controller', count: 15 })];
}

/** A Volcano Job with its PodGroup and member pods (annotation scheduling.k8s.io/group-name). */
function gang(o: { phase: string; minMember: number; pods: number; running: number; condition?: Record<string, unknown>; hypernodes?: string[]; topology?: Record<string, unknown> }) {
  const vcjob = obj('Job', 'batch.volcano.sh/v1alpha1', 'llama', 'ml', { spec: { minAvailable: o.minMember, schedulerName: 'volcano', tasks: [{ name: 'worker', replicas: o.pods }] }, status: { state: { phase: o.phase } } });
  const pg = obj('PodGroup', 'scheduling.volcano.sh/v1beta1', 'llama-9d1c2b3a', 'ml', {
    spec: { minMember: o.minMember, queue: 'default', ...(o.topology ? { networkTopology: o.topology } : {}) },
    status: { phase: o.phase, running: o.running, ...(o.condition ? { conditions: [{ ...o.condition, lastTransitionTime: '2026-11-28T09:40:00Z' }] } : {}) },
  }, { ownerReferences: [ownerRef(vcjob)] });
  const nodes = (o.hypernodes ?? ['s0']).map((h, i) => gpuNode(`gpu-${i + 1}`, 8, { labels: { 'volcano.sh/hypernode': h } }));
  const spec = { ...trainerSpec('8'), schedulerName: 'volcano' };
  const pods = Array.from({ length: o.pods }, (_, i) => obj('Pod', 'v1', `llama-worker-${i}`, 'ml', {
    spec: { ...spec, ...(i < o.running ? { nodeName: nodes[i % nodes.length].metadata.name } : {}) },
    status: i < o.running ? runningStatus(spec) : unschedulableStatus('pod group is not ready, 4 Pending, 4 minAvailable; Pending: 4 Unschedulable'),
  }, { ownerReferences: [ownerRef(vcjob)], annotations: { 'scheduling.k8s.io/group-name': 'llama-9d1c2b3a' }, labels: { 'volcano.sh/job-name': 'llama', 'volcano.sh/task-spec': 'worker' } }));
  return [...nodes, vcjob, pg, ...pods];
}

const cases: ScenarioCase[] = [
  {
    id: 'accelerator.nvidia-device-plugin-not-ready',
    objects: () => brokenPluginCluster().objects,
    rootCause: { kind: 'Node', name: 'gpu-2' },
    evidence: 'Failed to initialize NVML: could not load NVML library',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.amd-device-plugin-not-ready',
    objects: () => {
      const amdNode = (name: string, gpus: number) => node(name, { labels: { 'feature.node.kubernetes.io/pci-1002.present': 'true' }, capacity: { cpu: '64', memory: '512Gi', pods: '110', ...(gpus ? { 'amd.com/gpu': String(gpus) } : {}) } });
      const plugin = daemonSet('amdgpu-device-plugin-daemonset', 'kube-system', 'rocm/k8s-device-plugin:1.31.0.0', ['mi-1', 'mi-2'], (n, spec) => (n === 'mi-1' ? runningStatus(spec) : crashLoopStatus(spec, 'E1128 09:58:01 amdgpu.go:110] Failed to get device info: /sys/module/amdgpu/drivers/ not found. Is the amdgpu driver loaded?')));
      return [amdNode('mi-1', 8), amdNode('mi-2', 0), ...plugin.all];
    },
    rootCause: { kind: 'Node', name: 'mi-2' },
    evidence: 'amdgpu driver loaded',
    negative: () => [node('mi-1', { labels: { 'feature.node.kubernetes.io/pci-1002.present': 'true' }, capacity: { cpu: '64', memory: '512Gi', pods: '110', 'amd.com/gpu': '8' } }),
      ...daemonSet('amdgpu-device-plugin-daemonset', 'kube-system', 'rocm/k8s-device-plugin:1.31.0.0', ['mi-1'], (_n, spec) => runningStatus(spec)).all],
  },
  {
    id: 'accelerator.ascend-device-plugin-not-ready',
    objects: () => {
      const npuNode = (name: string, npus: number) => node(name, { labels: { accelerator: 'huawei-Ascend910', 'host-arch': 'huawei-arm' }, capacity: { cpu: '192', memory: '1500Gi', pods: '110', ...(npus ? { 'huawei.com/Ascend910': String(npus) } : {}) } });
      const plugin = daemonSet('ascend-device-plugin-daemonset', 'kube-system', 'ascend-k8sdeviceplugin:v6.0.0', ['npu-1', 'npu-2'], (n, spec) => (n === 'npu-1' ? runningStatus(spec) : crashLoopStatus(spec, '[ERROR] 2024/05/10 10:11:12 get device list failed, error is dcmi get card list failed, ret = -8005')));
      const job = pendingDeployment('pangu', '0/2 nodes are available: 2 Insufficient huawei.com/Ascend910. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.', { namespace: 'ml', podSpec: { containers: [container('train', 'ascendhub/mindspore:2.3', { limits: { 'huawei.com/Ascend910': '8' } })] } });
      return [npuNode('npu-1', 8), npuNode('npu-2', 0), ...plugin.all, ...job.objects];
    },
    rootCause: { kind: 'Node', name: 'npu-2' },
    evidence: 'dcmi get card list failed',
    negative: () => [node('npu-1', { labels: { accelerator: 'huawei-Ascend910' }, capacity: { cpu: '192', memory: '1500Gi', pods: '110', 'huawei.com/Ascend910': '8' } }),
      ...daemonSet('ascend-device-plugin-daemonset', 'kube-system', 'ascend-k8sdeviceplugin:v6.0.0', ['npu-1'], (_n, spec) => runningStatus(spec)).all],
  },
  {
    id: 'accelerator.gpu-operator-component-failing',
    objects: () => {
      const driver = daemonSet('nvidia-driver-daemonset', 'gpu-operator', 'nvcr.io/nvidia/driver:550.90.07-ubuntu22.04', ['gpu-1', 'gpu-2'], (n, spec) => (n === 'gpu-1' ? runningStatus(spec) : crashLoopStatus(spec, 'Could not resolve Linux kernel version\nERROR: Unable to load the kernel module \'nvidia.ko\'.  This happens most frequently when this kernel module was built against the wrong or improperly configured kernel sources')));
      const plugin = daemonSet('nvidia-device-plugin-daemonset', 'gpu-operator', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', ['gpu-1'], (_n, spec) => runningStatus(spec));
      const job = pendingDeployment('llama-finetune', INSUFFICIENT_GPU(2), { namespace: 'ml', podSpec: trainerSpec('8') });
      return [gpuNode('gpu-1', 8), gpuNode('gpu-2', 0), ...driver.all, ...plugin.all, ...deployment('busy', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: trainerSpec('8') }).all, ...job.objects];
    },
    rootCause: { kind: 'Node', name: 'gpu-2' },
    evidence: "Unable to load the kernel module 'nvidia.ko'",
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.request-exceeds-node-gpus',
    objects: () => [gpuNode('gpu-1', 8), gpuNode('gpu-2', 8), ...pendingDeployment('llama-70b', INSUFFICIENT_GPU(2), { namespace: 'ml', podSpec: trainerSpec('16') }).objects],
    rootCause: { kind: 'Deployment', name: 'llama-70b' },
    evidence: 'Nodes with nvidia.com/gpu: gpu-1 (capacity 8',
    negative: () => [gpuNode('gpu-1', 8), ...deployment('llama-70b', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: trainerSpec('8') }).all],
  },
  {
    id: 'accelerator.accelerators-exhausted',
    objects: () => [gpuNode('gpu-1', 4), ...daemonSet('nvidia-device-plugin-daemonset', 'kube-system', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', ['gpu-1'], (_n, spec) => runningStatus(spec)).all,
      ...deployment('bert', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: trainerSpec('4') }).all, ...pendingDeployment('llama', INSUFFICIENT_GPU(1), { namespace: 'ml', podSpec: trainerSpec('2') }).objects],
    rootCause: { kind: 'Deployment', name: 'llama' },
    evidence: 'Insufficient nvidia.com/gpu',
    // The same pending pod when a GPU node's plugin is broken is the broken node's finding, not "exhausted".
    negative: () => brokenPluginCluster().objects,
  },
  {
    id: 'accelerator.no-accelerator-nodes',
    objects: () => [node('cpu-1'), node('cpu-2'), ...pendingDeployment('llama', INSUFFICIENT_GPU(2), { namespace: 'ml', podSpec: trainerSpec('1') }).objects],
    rootCause: { kind: 'Deployment', name: 'llama' },
    evidence: 'No node advertises nvidia.com/gpu',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.device-plugin-not-installed',
    objects: () => [gpuNode('gpu-1', 0), gpuNode('gpu-2', 0), ...pendingDeployment('llama', INSUFFICIENT_GPU(2), { namespace: 'ml', podSpec: trainerSpec('1') }).objects],
    rootCause: { kind: 'DaemonSet', name: 'nvidia-device-plugin-daemonset' },
    evidence: 'device plugin pods: none',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.mig-profile-not-offered',
    objects: () => [gpuNode('gpu-1', 8), ...pendingDeployment('notebook', '0/1 nodes are available: 1 Insufficient nvidia.com/mig-1g.10gb. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.', {
      namespace: 'ds', podSpec: { containers: [container('jupyter', 'jupyter/pytorch-notebook:cuda12-latest', { limits: { 'nvidia.com/mig-1g.10gb': '1' } })], tolerations: GPU_TOLERATION },
    }).objects],
    rootCause: { kind: 'Deployment', name: 'notebook' },
    evidence: 'NVIDIA resources offered: nvidia.com/gpu',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.gpu-toleration-missing',
    objects: () => [gpuNode('gpu-1', 8), node('cpu-1'), ...pendingDeployment('vllm', "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", {
      namespace: 'serve', podSpec: { containers: [container('vllm', 'vllm/vllm-openai:v0.6.3', { limits: { 'nvidia.com/gpu': '1' } })] },
    }).objects.map((o) => {
      // The CPU node lacks GPUs; the GPU node's taint is what blocks it: the message a scheduler prints for that cluster.
      if (o.kind === 'Event' || o.kind === 'Pod') return JSON.parse(JSON.stringify(o).replaceAll('1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint', '2 node(s) had untolerated taint')) as KubeObject;
      return o;
    })],
    rootCause: { kind: 'Deployment', name: 'vllm' },
    evidence: 'untolerated taint {nvidia.com/gpu: present}',
    // A CPU-only pod blocked by the GPU taint is a plain scheduling matter.
    negative: () => [gpuNode('gpu-1', 8), ...pendingDeployment('web', '0/1 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.', { namespace: 'shop' }).objects],
  },
  {
    id: 'accelerator.gpu-model-selector-mismatch',
    objects: () => [gpuNode('gpu-1', 8), gpuNode('gpu-2', 8), ...pendingDeployment('llm', "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", {
      namespace: 'serve', podSpec: { containers: [container('vllm', 'vllm/vllm-openai:v0.6.3', { limits: { 'nvidia.com/gpu': '1' } })], tolerations: GPU_TOLERATION, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
    }).objects],
    rootCause: { kind: 'Deployment', name: 'llm' },
    evidence: 'nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.device-allocation-failed',
    objects: () => {
      const spec = trainerSpec('2');
      const failed = deployment('trainer', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: spec, podStatus: { phase: 'Failed', reason: 'UnexpectedAdmissionError', message: 'Pod Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 2, Available: 0, which is unexpected' } });
      return [gpuNode('gpu-1', 8), ...failed.all];
    },
    rootCause: { kind: 'Node', name: 'gpu-1' },
    evidence: 'requested number of devices unavailable for nvidia.com/gpu. Requested: 2, Available: 0',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.model-too-large-for-gpu',
    objects: () => failingTrainer('INFO 11-28 09:50:12 model_runner.py:1067] Loading model weights took 130.5 GB\nValueError: The model\'s max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (41568). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.', 'vllm/vllm-openai:v0.6.3'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'larger than the maximum number of tokens that can be stored in KV cache',
    // The same error text from a non-server image is not classified as a serving problem.
    negative: () => failingTrainer('Traceback (most recent call last):\nKeyError: \'input_ids\''),
  },
  {
    id: 'accelerator.model-download-failed',
    objects: () => failingTrainer('huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-6748)\nCannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/resolve/main/config.json.\nAccess to model meta-llama/Llama-3.1-8B-Instruct is restricted. You must have access to it and be authenticated to access it. Please log in.', 'vllm/vllm-openai:v0.6.3'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'GatedRepoError: 401 Client Error',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.cuda-driver-too-old',
    objects: () => failingTrainer('Traceback (most recent call last):\n  File "/workspace/train.py", line 12, in <module>\n    torch.cuda.set_device(local_rank)\nRuntimeError: The NVIDIA driver on your system is too old (found version 11040). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'The NVIDIA driver on your system is too old',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.no-kernel-image-for-gpu',
    objects: () => failingTrainer('RuntimeError: CUDA error: no kernel image is available for execution on the device\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'no kernel image is available for execution on the device',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.cuda-out-of-memory',
    objects: () => failingTrainer('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.14 GiB of which 1.12 GiB is free. Process 2817 has 78.01 GiB memory in use.'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'CUDA out of memory. Tried to allocate 2.00 GiB',
    // An old CUDA OOM on a pod that is Ready again (single past restart) is history.
    negative: () => {
      const spec = { ...trainerSpec('1') };
      const status = runningStatus(spec) as { containerStatuses: Array<Record<string, unknown>> };
      status.containerStatuses[0].restartCount = 1;
      status.containerStatuses[0].lastState = { terminated: { exitCode: 1, reason: 'Error', message: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.' } };
      return [gpuNode('gpu-1', 8), ...deployment('trainer', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: spec, podStatus: status }).all];
    },
  },
  {
    id: 'accelerator.gpu-not-visible',
    objects: () => failingTrainer('Traceback (most recent call last):\n  File "/app/serve.py", line 8, in <module>\n    model.to("cuda")\nRuntimeError: No CUDA GPUs are available'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'RuntimeError: No CUDA GPUs are available',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.nccl-collective-timeout',
    objects: () => failingTrainer('[rank1]:[E1128 09:41:21.433063423 ProcessGroupNCCL.cpp:629] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=131072000, NumelOut=131072000, Timeout(ms)=600000) ran for 600088 milliseconds before timing out.'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'Watchdog caught collective operation timeout',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.nccl-error',
    objects: () => failingTrainer('torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5\nncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'NCCL error in:',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.rendezvous-timeout',
    objects: () => failingTrainer('torch.distributed.DistStoreError: Timed out after 901 seconds waiting for clients. 1/2 clients joined.'),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: '1/2 clients joined',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.shm-too-small',
    objects: () => failingTrainer("ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).\nRuntimeError: DataLoader worker (pid 2479) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit."),
    rootCause: { kind: 'Deployment', name: 'trainer' },
    evidence: 'is killed by signal: Bus error',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.gpu-fallen-off-bus',
    objects: () => withNodeEvent('NVRM: Xid (PCI:0000:3b:00): 79, pid=1920, name=python, GPU has fallen off the bus.'),
    rootCause: { kind: 'Node', name: 'gpu-1' },
    evidence: 'GPU has fallen off the bus',
    // Xid 13 is an application fault (graphics engine exception), not a hardware one.
    negative: () => withNodeEvent('NVRM: Xid (PCI:0000:3b:00): 13, pid=1920, name=python, Graphics Exception: ESR 0x404490=0x80000002'),
  },
  {
    id: 'accelerator.gpu-ecc-errors',
    objects: () => withNodeEvent('NVRM: Xid (PCI:0000:b7:00): 48, pid=2217, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 0, subpartition 0.'),
    rootCause: { kind: 'Node', name: 'gpu-1' },
    evidence: 'uncorrectable double bit error',
    negative: () => withNodeEvent('NVRM: Xid (PCI:0000:3b:00): 13, pid=1920, name=python, Graphics Exception: ESR 0x404490=0x80000002'),
  },
  {
    id: 'accelerator.gpu-xid-errors',
    objects: () => withNodeEvent('NVRM: Xid (PCI:0000:3b:00): 119, pid=3041, name=python, Timeout after 6s of waiting for RPC response from GPU0 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20802a02 0x8).'),
    rootCause: { kind: 'Node', name: 'gpu-1' },
    evidence: 'Xid (PCI:0000:3b:00): 119',
    negative: () => withNodeEvent('NVRM: Xid (PCI:0000:3b:00): 31, pid=1920, name=python, Ch 00000008, intr 10000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_0 faulted @ 0x7f3c_00000000.'),
  },
  {
    id: 'accelerator.gpu-devices-unhealthy',
    objects: () => [gpuNode('gpu-1', 8, { allocatable: 6 }), ...daemonSet('nvidia-device-plugin-daemonset', 'kube-system', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', ['gpu-1'], (_n, spec) => runningStatus(spec)).all],
    rootCause: { kind: 'Node', name: 'gpu-1' },
    evidence: 'nvidia.com/gpu capacity=8, allocatable=6',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.ascend-npu-unhealthy',
    objects: () => [npuNode('npu-1', { 'huawei.com/Ascend910-Unhealthy': 'Ascend910-3', 'huawei.com/Ascend910-NetworkUnhealthy': '' })],
    rootCause: { kind: 'Node', name: 'npu-1' },
    evidence: 'huawei.com/Ascend910-Unhealthy=Ascend910-3',
    negative: () => [npuNode('npu-1', { 'huawei.com/Ascend910-Unhealthy': '', 'huawei.com/Ascend910-NetworkUnhealthy': '' })],
  },
  {
    id: 'accelerator.mig-reconfiguration-failed',
    objects: () => [gpuNode('gpu-1', 8, { labels: { 'nvidia.com/mig.config': 'all-1g.10gb', 'nvidia.com/mig.config.state': 'failed' } })],
    rootCause: { kind: 'Node', name: 'gpu-1' },
    evidence: 'nvidia.com/mig.config.state=failed',
    negative: () => [gpuNode('gpu-1', 8, { labels: { 'nvidia.com/mig.config': 'all-1g.10gb', 'nvidia.com/mig.config.state': 'success' } })],
  },
  {
    id: 'accelerator.nvidia-runtime-not-configured',
    objects: () => {
      const spec = { ...trainerSpec('1'), runtimeClassName: 'nvidia' };
      const app = deployment('vllm', { namespace: 'serve', replicas: 1, nodeName: 'gpu-1', podSpec: spec, podStatus: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } });
      return [gpuNode('gpu-1', 8), ...app.all, event(app.pods[0], 'Warning', 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured', { count: 31, host: 'gpu-1' })];
    },
    rootCause: { kind: 'Node', name: 'gpu-1' },
    evidence: 'no runtime for "nvidia" is configured',
    negative: healthyGpuCluster,
  },
  {
    id: 'accelerator.runtimeclass-missing',
    objects: () => rejectedByRuntimeClass(),
    rootCause: { kind: 'RuntimeClass', name: 'nvidia' },
    evidence: 'pod rejected: RuntimeClass "nvidia" not found',
    negative: () => [...rejectedByRuntimeClass(), obj('RuntimeClass', 'node.k8s.io/v1', 'nvidia', undefined, { handler: 'nvidia' })],
  },
  {
    id: 'accelerator.invalid-accelerator-request',
    objects: () => {
      // The PyTorchJob itself is a CRD that snapshots rarely carry: only its event is in the input.
      const job = obj('PyTorchJob', 'kubeflow.org/v1', 'llama-ft', 'ml', { spec: { pytorchReplicaSpecs: { Worker: { replicas: 2 } } } });
      return [gpuNode('gpu-1', 8), event(job, 'Warning', 'FailedCreatePod', 'Error creating: Pod "llama-ft-worker-0" is invalid: spec.containers[0].resources.requests[nvidia.com/gpu]: Invalid value: "500m": must be an integer', { component: 'pytorchjob-controller', count: 12 })];
    },
    rootCause: { kind: 'PyTorchJob', name: 'llama-ft' },
    evidence: 'Invalid value: "500m": must be an integer',
    negative: () => {
      const job = obj('PyTorchJob', 'kubeflow.org/v1', 'llama-ft', 'ml', { spec: {} });
      return [job, event(job, 'Warning', 'FailedCreatePod', 'Error creating: pods "llama-ft-worker-0" is forbidden: exceeded quota: gpu-quota, requested: requests.nvidia.com/gpu=8, used: requests.nvidia.com/gpu=8, limited: requests.nvidia.com/gpu=8', { component: 'pytorchjob-controller' })];
    },
  },
  {
    id: 'accelerator.gang-unschedulable',
    objects: () => gang({ phase: 'Pending', minMember: 4, pods: 4, running: 0, condition: { type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: '4/4 tasks in gang unschedulable: pod group is not ready, 4 Pending, 4 minAvailable; Pending: 4 Unschedulable. Origin reason is llama-worker-0: 0/2 nodes are unavailable: 2 Insufficient nvidia.com/gpu.' } }),
    rootCause: { kind: 'Job', name: 'llama' },
    evidence: '4/4 tasks in gang unschedulable',
    negative: () => gang({ phase: 'Running', minMember: 4, pods: 4, running: 4 }),
  },
  {
    id: 'accelerator.gang-min-member-exceeds-tasks',
    objects: () => gang({ phase: 'Pending', minMember: 8, pods: 4, running: 0 }),
    rootCause: { kind: 'Job', name: 'llama' },
    evidence: 'spec.minMember=8, member pods=4',
    negative: () => gang({ phase: 'Running', minMember: 4, pods: 4, running: 4 }),
  },
  {
    id: 'accelerator.gang-spread-across-topology',
    objects: () => gang({ phase: 'Running', minMember: 2, pods: 2, running: 2, hypernodes: ['s0', 's1'], topology: { mode: 'hard', highestTierAllowed: 1 } }),
    rootCause: { kind: 'Job', name: 'llama' },
    evidence: 'volcano.sh/hypernode: s0, s1',
    negative: () => gang({ phase: 'Running', minMember: 2, pods: 2, running: 2, hypernodes: ['s0', 's0'], topology: { mode: 'hard', highestTierAllowed: 1 } }),
  },
  {
    id: 'accelerator.distributed-job-partially-placed',
    objects: () => {
      const job = obj('PyTorchJob', 'kubeflow.org/v1', 'llama-ft', 'ml', { spec: { pytorchReplicaSpecs: { Worker: { replicas: 2 } } } });
      const spec = trainerSpec('8');
      const worker = (i: number, status: Record<string, unknown>, nodeName?: string) => obj('Pod', 'v1', `llama-ft-worker-${i}`, 'ml', { spec: { ...spec, ...(nodeName ? { nodeName } : {}) }, status }, { ownerReferences: [ownerRef(job)], labels: { 'training.kubeflow.org/job-name': 'llama-ft' } });
      const waiting = worker(1, unschedulableStatus(INSUFFICIENT_GPU(1)));
      return [gpuNode('gpu-1', 8), ...daemonSet('nvidia-device-plugin-daemonset', 'kube-system', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', ['gpu-1'], (_n, s) => runningStatus(s)).all,
        worker(0, runningStatus(spec), 'gpu-1'), waiting, event(waiting, 'Warning', 'FailedScheduling', INSUFFICIENT_GPU(1), { component: 'default-scheduler', count: 20 })];
    },
    rootCause: { kind: 'PyTorchJob', name: 'llama-ft' },
    evidence: 'llama-ft-worker-0: Running on gpu-1',
    // Independent inference replicas, one running and one waiting for a GPU, are not a half-placed job.
    negative: () => {
      const spec = trainerSpec('8');
      const serve = deployment('vllm', { namespace: 'serve', replicas: 2, podSpec: spec, podStatus: (i) => (i === 0 ? runningStatus(spec) : unschedulableStatus(INSUFFICIENT_GPU(1))) });
      serve.pods[0].spec!.nodeName = 'gpu-1';
      serve.pods[1].spec!.nodeName = undefined;
      return [gpuNode('gpu-1', 8), ...serve.all, event(serve.pods[1], 'Warning', 'FailedScheduling', INSUFFICIENT_GPU(1), { component: 'default-scheduler' })];
    },
  },
  {
    id: 'accelerator.accelerator-node-unavailable',
    objects: () => {
      const down = gpuNode('gpu-2', 8);
      (down as unknown as { status: { conditions: unknown[] } }).status.conditions = [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }];
      (down as unknown as { spec: { taints: unknown[] } }).spec.taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' });
      return [gpuNode('gpu-1', 8), down, ...deployment('bert', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: trainerSpec('8') }).all,
        ...pendingDeployment('llama', '0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.', { namespace: 'ml', podSpec: trainerSpec('8') }).objects];
    },
    rootCause: { kind: 'Node', name: 'gpu-2' },
    evidence: 'Ready=Unknown',
    negative: () => [gpuNode('gpu-1', 4), ...deployment('bert', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: trainerSpec('4') }).all, ...pendingDeployment('llama', INSUFFICIENT_GPU(1), { namespace: 'ml', podSpec: trainerSpec('2') }).objects],
  },
  {
    id: 'accelerator.queue-quota-blocks-job',
    objects: () => {
      const job = obj('Job', 'batch/v1', 'llama-sft', 'research', { spec: { suspend: true, parallelism: 1, template: { spec: trainerSpec('8') } }, status: {} }, { labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } });
      const wl = obj('Workload', 'kueue.x-k8s.io/v1beta1', 'job-llama-sft-8c3e1', 'research');
      return [gpuNode('gpu-1', 8), job, event(wl, 'Warning', 'Pending', "couldn't assign flavors to pod set main: insufficient quota for nvidia.com/gpu in flavor a100, request > maximum capacity", { component: 'kueue-admission' })];
    },
    rootCause: { kind: 'Job', name: 'llama-sft' },
    evidence: 'request > maximum capacity',
    // A CPU quota shortage is a quota matter, not an accelerator one.
    negative: () => {
      const wl = obj('Workload', 'kueue.x-k8s.io/v1beta1', 'job-etl-1a2b3', 'research');
      return [event(wl, 'Warning', 'Pending', "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default-flavor, 3 more needed", { component: 'kueue-admission' })];
    },
  },
];

describeScenarioCases('accelerator', cases, 25, "the component's own message");

describe('GPU nodes that advertise nothing', () => {
  it('blames the node when its device plugin runs but registers no devices', () => {
    const plugin = daemonSet('nvidia-device-plugin-daemonset', 'kube-system', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2', ['gpu-1', 'gpu-2'], (_n, spec) => runningStatus(spec));
    const objects = [gpuNode('gpu-1', 8), gpuNode('gpu-2', 0), ...plugin.all, ...deployment('bert', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: trainerSpec('8') }).all,
      ...pendingDeployment('llama', INSUFFICIENT_GPU(2), { namespace: 'ml', podSpec: trainerSpec('8') }).objects];
    const [d] = detect('accelerator.nvidia-device-plugin-not-ready', objects);
    expect(d.rootCause).toEqual({ kind: 'Node', name: 'gpu-2' });
    expect(d.title).toContain('registers no devices');
  });

  it('recognises GPU instance types without GPU labels and asks for the device plugin', () => {
    const p3 = (name: string) => node(name, { labels: { 'node.kubernetes.io/instance-type': 'p3.8xlarge', 'eks.amazonaws.com/nodegroup': 'gpu' } });
    const [d] = detect('accelerator.device-plugin-not-installed', [p3('ip-10-0-1-5'), p3('ip-10-0-2-7'), ...pendingDeployment('llama', INSUFFICIENT_GPU(2), { namespace: 'ml', podSpec: trainerSpec('1') }).objects]);
    expect(d.rootCause).toMatchObject({ kind: 'DaemonSet', name: 'nvidia-device-plugin-daemonset' });
  });
});

describe('GPU operator start-up', () => {
  it('does not report a node whose driver container is still starting', () => {
    const starting = daemonSet('nvidia-driver-daemonset', 'gpu-operator', 'nvcr.io/nvidia/driver:550.90.07-ubuntu22.04', ['gpu-2'], (_n, spec) => ({ ...runningStatus(spec), conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'nvidia-driver-ctr', ready: false, restartCount: 0, image: 'x', imageID: 'x', state: { running: { startedAt: '2026-11-28T09:57:00Z' } } }] }));
    for (const p of starting.pods) p.metadata.creationTimestamp = '2026-11-28T09:56:00Z';
    const objects = [gpuNode('gpu-2', 0), ...starting.all];
    expect(detect('accelerator.gpu-operator-component-failing', objects)).toEqual([]);
  });
});

describe('accelerator.no-kernel-image-for-gpu variants', () => {
  it('recognises a model dtype the GPU does not support (vLLM on a pre-Ampere GPU)', () => {
    const [d] = detect('accelerator.no-kernel-image-for-gpu', failingTrainer('ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half.', 'vllm/vllm-openai:v0.6.3'));
    expect(d.rootCause).toMatchObject({ kind: 'Deployment', name: 'trainer' });
  });
});

describe('accelerator in a full diagnosis', () => {
  it('makes the broken node, not "Insufficient nvidia.com/gpu", the finding for the pending pod', () => {
    const { pending, objects } = brokenPluginCluster();
    const report = diagnoseObjects(objects);
    const first = firstFindingFor(report, 'Pod', pending.pods[0].metadata.name)!;
    expect(first.category).toBe('accelerator');
    expect(first.rootCause).toEqual({ kind: 'Node', name: 'gpu-2' });
    expect(first.evidence[0]).toContain('← Node gpu-2: nvidia.com/gpu allocatable=0 ←');
    expect(report.findings.some((f) => f.category === 'scheduling' && f.affected.some((a) => a.name === pending.pods[0].metadata.name))).toBe(false);
  });

  it('names the plugin DaemonSet when it fails on every GPU node', () => {
    const { objects } = brokenPluginCluster({ pluginHealthyOnGpu1: false });
    const broken = objects.map((o) => (o.kind === 'Node' && o.metadata.name === 'gpu-1' ? gpuNode('gpu-1', 0) : o));
    const [d] = detect('accelerator.nvidia-device-plugin-not-ready', broken);
    expect(d.rootCause).toEqual({ kind: 'DaemonSet', namespace: 'kube-system', name: 'nvidia-device-plugin-daemonset' });
  });

  it('diagnoses example 049 (device plugin cannot load NVML) with a labelled root cause', () => {
    const dir = '../shared/data/diagnosis-examples/049-accelerator-device-plugin-nvml-not-loaded-gpu-pod-pending';
    const list = JSON.parse(readFileSync(new URL(`../../${dir}/snapshot.json`, import.meta.url), 'utf8')) as { items: KubeObject[] };
    const label = JSON.parse(readFileSync(new URL(`../../${dir}/label.json`, import.meta.url), 'utf8')) as { symptom: { kind: string; name: string }; category: string; rootCause: Array<{ kind: string; name: string }> };
    const report = diagnose(new ClusterState(list.items), SCENARIOS, { source: { type: 'file', name: '049' } });
    const first = firstFindingFor(report, label.symptom.kind, label.symptom.name)!;
    expect(first.category).toBe(label.category);
    expect(label.rootCause.some((r) => r.kind === first.rootCause.kind && r.name === first.rootCause.name)).toBe(true);
    expect(first.evidence.join('\n')).toContain('could not load NVML library');
  });

  it('raises no critical or warning finding on a healthy GPU cluster with a finished training Job', () => {
    const job = obj('Job', 'batch/v1', 'pretrain', 'ml', { spec: { completions: 1 }, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } });
    const done = obj('Pod', 'v1', 'pretrain-x2k9d', 'ml', { spec: { nodeName: 'gpu-1', ...trainerSpec('4'), restartPolicy: 'Never' }, status: { phase: 'Succeeded', containerStatuses: [{ name: 'trainer', ready: false, restartCount: 0, image: 'x', imageID: 'x', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } }, { ownerReferences: [ownerRef(job)] });
    const report = diagnoseObjects([...healthyGpuCluster(), job, done]);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('a crash-looping device plugin with no GPU pod waiting yet', () => {
  it('is an accelerator finding on the node, ranked before the generic crash finding for the plugin pod', () => {
    const { plugin, objects } = brokenPluginCluster();
    const withoutPending = objects.filter((o) => !o.metadata.name.startsWith('llama-finetune'));
    const report = diagnoseObjects(withoutPending);
    const broken = plugin.pods.find((p) => p.spec?.nodeName === 'gpu-2')!;
    const first = firstFindingFor(report, 'Pod', broken.metadata.name)!;
    expect(first.category).toBe('accelerator');
    expect(first.severity).toBe('critical');
    expect(first.rootCause).toEqual({ kind: 'Node', name: 'gpu-2' });
  });
});

describe('a worker that aborted on an NCCL timeout and restarted', () => {
  const restarted = (finishedSecondsAgo: number) => {
    const spec = trainerSpec('8');
    const status = runningStatus(spec) as { containerStatuses: Array<Record<string, unknown>> };
    status.containerStatuses[0].restartCount = 2;
    status.containerStatuses[0].lastState = { terminated: { exitCode: 134, reason: 'Error', finishedAt: new Date(Date.parse('2026-11-28T10:00:00Z') - finishedSecondsAgo * 1000).toISOString(), message: '[E ProcessGroupNCCL.cpp:458] [Rank 7] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=64088, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 25625251 milliseconds before timing out.' } };
    return [gpuNode('gpu-1', 8), ...deployment('trainer', { namespace: 'ml', replicas: 1, nodeName: 'gpu-1', podSpec: spec, podStatus: status }).all];
  };

  it("is reported as a warning while the failure is recent", () => {
    const [d] = detect('accelerator.nccl-collective-timeout', restarted(240));
    expect(d.severity).toBe('warning');
    expect(d.evidence.join('\n')).toContain('OpType=ALLREDUCE');
  });

  it('is history once the failure is more than an hour old', () => {
    expect(detect('accelerator.nccl-collective-timeout', restarted(3 * 3600))).toEqual([]);
  });
});
