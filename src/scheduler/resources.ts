/** One GPU expressed in milli-GPU; fractional pods ask for less than this on a single device. */
export const MILLI_PER_GPU = 1000;

/** A node as the placement core sees it: capacity, GPU devices of one model, and labels. */
export interface NodeSpec {
  readonly name: string;
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  readonly gpuCount: number;
  /** GPU model (e.g. `V100M32`); empty for nodes without GPUs. */
  readonly gpuModel: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * What one pod asks for. A pod wants `gpuCount` devices with `gpuMilli` free on each: whole
 * GPUs are `gpuMilli = 1000`; a fractional share is `gpuCount = 1, gpuMilli < 1000`.
 */
export interface PodRequest {
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  readonly gpuCount: number;
  readonly gpuMilli: number;
  /** Allowed GPU models; empty means any model. */
  readonly gpuModels: readonly string[];
}

/** Where a pod goes: a node index and the device indices on that node its GPU request sits on. */
export interface Placement {
  readonly node: number;
  readonly devices: readonly number[];
}

export function totalGpuMilli(pod: PodRequest): number {
  return pod.gpuCount * pod.gpuMilli;
}

export function isFractional(pod: PodRequest): boolean {
  return pod.gpuCount === 1 && pod.gpuMilli < MILLI_PER_GPU;
}

/**
 * Free resources of every node, kept in typed arrays because trace replay and the benchmark
 * evaluate every node for every pod. Mutated only through `assign`/`release`; `version[n]`
 * changes whenever node n changes, so scorers can cache per-node results.
 */
export class ClusterState {
  readonly nodes: readonly NodeSpec[];
  readonly cpuFree: Float64Array;
  readonly memoryFree: Float64Array;
  /** Free milli-GPU of device d on node n at `n * maxGpus + d`. */
  readonly gpuFree: Int32Array;
  /** Sum of `gpuFree` over each node's devices. */
  readonly gpuFreeTotal: Float64Array;
  /** Per node: devices entirely free, and the most free milli-GPU on one device (fast feasibility). */
  readonly wholeFree: Int32Array;
  readonly largestFree: Int32Array;
  readonly gpuCount: Int32Array;
  readonly maxGpus: number;
  /** Index into `models` of each node's GPU model (-1: none). */
  readonly modelIndex: Int32Array;
  readonly models: readonly string[];
  readonly version: Uint32Array;
  /** Position of each node in name order (deterministic tie-breaking). */
  readonly nameRank: Int32Array;
  private readonly modelLookup: Map<string, number>;
  private readonly accessCache = new Map<string, Uint8Array>();

  constructor(nodes: readonly NodeSpec[]) {
    this.nodes = nodes;
    const n = nodes.length;
    this.maxGpus = nodes.reduce((max, node) => Math.max(max, node.gpuCount), 1);
    const models = [...new Set(nodes.map((node) => node.gpuModel).filter((m) => m !== ''))].sort();
    this.models = models;
    this.modelLookup = new Map(models.map((m, i) => [m, i]));
    this.nameRank = rankByName(nodes);
    this.cpuFree = Float64Array.from(nodes, (node) => node.cpuMilli);
    this.memoryFree = Float64Array.from(nodes, (node) => node.memoryMiB);
    this.gpuCount = Int32Array.from(nodes, (node) => node.gpuCount);
    this.modelIndex = Int32Array.from(nodes, (node) => this.modelLookup.get(node.gpuModel) ?? -1);
    this.gpuFree = new Int32Array(n * this.maxGpus);
    nodes.forEach((node, i) => this.gpuFree.fill(MILLI_PER_GPU, i * this.maxGpus, i * this.maxGpus + node.gpuCount));
    this.gpuFreeTotal = Float64Array.from(nodes, (node) => node.gpuCount * MILLI_PER_GPU);
    this.wholeFree = Int32Array.from(nodes, (node) => node.gpuCount);
    this.largestFree = Int32Array.from(nodes, (node) => (node.gpuCount > 0 ? MILLI_PER_GPU : 0));
    this.version = new Uint32Array(n);
  }

  get size(): number {
    return this.nodes.length;
  }

  /** Per GPU model index: may this pod use it? (cached per allowed-model list) */
  modelAccess(pod: PodRequest): Uint8Array {
    const key = pod.gpuModels.join('|');
    let access = this.accessCache.get(key);
    if (!access) {
      access = new Uint8Array(this.models.length);
      this.models.forEach((m, i) => {
        access![i] = pod.gpuModels.length === 0 || pod.gpuModels.includes(m) ? 1 : 0;
      });
      this.accessCache.set(key, access);
    }
    return access;
  }

  /** Feasibility: cpu, memory, GPU model, and enough devices with `gpuMilli` free. */
  fits(node: number, pod: PodRequest, access: Uint8Array = this.modelAccess(pod)): boolean {
    if (this.cpuFree[node]! < pod.cpuMilli || this.memoryFree[node]! < pod.memoryMiB) return false;
    if (pod.gpuCount === 0) return true;
    const model = this.modelIndex[node]!;
    if (model < 0 || access[model] === 0) return false;
    if (pod.gpuMilli >= MILLI_PER_GPU) return this.wholeFree[node]! >= pod.gpuCount;
    if (this.largestFree[node]! < pod.gpuMilli) return false;
    return pod.gpuCount === 1 || this.devicesWithAtLeast(node, pod.gpuMilli) >= pod.gpuCount;
  }

  devicesWithAtLeast(node: number, milli: number): number {
    const base = node * this.maxGpus;
    const count = this.gpuCount[node]!;
    let fitting = 0;
    for (let d = 0; d < count; d++) if (this.gpuFree[base + d]! >= milli) fitting++;
    return fitting;
  }

  gpuMilliFree(node: number): number {
    return this.gpuFreeTotal[node]!;
  }

  fullyFreeGpus(node: number): number {
    return this.wholeFree[node]!;
  }

  /** Refresh the per-node summaries after node n's devices changed. */
  private summarise(node: number): void {
    const base = node * this.maxGpus;
    let whole = 0;
    let largest = 0;
    for (let d = 0; d < this.gpuCount[node]!; d++) {
      const free = this.gpuFree[base + d]!;
      if (free >= MILLI_PER_GPU) whole++;
      if (free > largest) largest = free;
    }
    this.wholeFree[node] = whole;
    this.largestFree[node] = largest;
  }

  /** Free milli-GPU of each device of a node, in device order. */
  deviceFree(node: number): number[] {
    const base = node * this.maxGpus;
    return Array.from(this.gpuFree.subarray(base, base + this.gpuCount[node]!));
  }

  assign(placement: Placement, pod: PodRequest): void {
    const { node, devices } = placement;
    this.cpuFree[node] = this.cpuFree[node]! - pod.cpuMilli;
    this.memoryFree[node] = this.memoryFree[node]! - pod.memoryMiB;
    const base = node * this.maxGpus;
    for (const d of devices) {
      const left = this.gpuFree[base + d]! - pod.gpuMilli;
      if (left < 0 || d >= this.gpuCount[node]!) {
        throw new Error(`device ${d} of node ${this.nodes[node]!.name} cannot hold ${pod.gpuMilli} milli-GPU`);
      }
      this.gpuFree[base + d] = left;
    }
    this.gpuFreeTotal[node] = this.gpuFreeTotal[node]! - devices.length * pod.gpuMilli;
    this.summarise(node);
    this.version[node] = this.version[node]! + 1;
  }

  release(placement: Placement, pod: PodRequest): void {
    const { node, devices } = placement;
    this.cpuFree[node] = this.cpuFree[node]! + pod.cpuMilli;
    this.memoryFree[node] = this.memoryFree[node]! + pod.memoryMiB;
    const base = node * this.maxGpus;
    for (const d of devices) this.gpuFree[base + d] = this.gpuFree[base + d]! + pod.gpuMilli;
    this.gpuFreeTotal[node] = this.gpuFreeTotal[node]! + devices.length * pod.gpuMilli;
    this.summarise(node);
    this.version[node] = this.version[node]! + 1;
  }

  totalGpus(): number {
    let total = 0;
    for (let n = 0; n < this.size; n++) total += this.gpuCount[n]!;
    return total;
  }
}

/**
 * Default device choice: a fractional pod takes the fitting device with the least free
 * milli-GPU (best fit, lowest index on ties); whole-GPU pods take the lowest-indexed fully
 * free devices. This is also what the FGD authors' simulator does for its baselines.
 */
export function bestFitDevices(state: ClusterState, node: number, pod: PodRequest): number[] {
  if (pod.gpuCount === 0) return [];
  const base = node * state.maxGpus;
  const count = state.gpuCount[node]!;
  if (isFractional(pod)) {
    let best = -1;
    for (let d = 0; d < count; d++) {
      const free = state.gpuFree[base + d]!;
      if (free >= pod.gpuMilli && (best < 0 || free < state.gpuFree[base + best]!)) best = d;
    }
    return best < 0 ? [] : [best];
  }
  const devices: number[] = [];
  for (let d = 0; d < count && devices.length < pod.gpuCount; d++) {
    if (state.gpuFree[base + d]! >= pod.gpuMilli) devices.push(d);
  }
  return devices.length === pod.gpuCount ? devices : [];
}

function rankByName(nodes: readonly NodeSpec[]): Int32Array {
  const order = nodes.map((_, i) => i).sort((a, b) => (nodes[a]!.name < nodes[b]!.name ? -1 : nodes[a]!.name > nodes[b]!.name ? 1 : a - b));
  const rank = new Int32Array(nodes.length);
  order.forEach((node, position) => {
    rank[node] = position;
  });
  return rank;
}
