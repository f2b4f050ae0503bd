import { coldStartSeconds, decodeStepSeconds, prefillSeconds, type ReplicaModel } from './model.js';
import type { Observation, PolicyRunner } from './policies/types.js';
import type { TraceRequest } from './trace.js';

/**
 * Discrete-event simulation of one policy serving a trace. Every request is routed, queued,
 * prefilled and decoded; every replica cold-starts, serves with continuous batching
 * (vLLM's default scheduler: a waiting prompt preempts the next decode step) and drains.
 */
export interface SimulationOptions {
  model: ReplicaModel;
  sloTtftSeconds: number;
  /** Seconds between the samples of the time series (for plots). */
  sampleSeconds: number;
  /**
   * Requests arriving before this time only warm the policy up: they are served but not
   * scored, and GPU-hours, replica counts, scale events and the time series start here
   * (reported times are relative to it). Default 0.
   */
  scoreFromSeconds?: number;
}

export interface PolicyOutcome {
  policy: string;
  sloAttainment: number;
  ttftP50: number;
  ttftP99: number;
  tpotP99: number;
  gpuHours: number;
  maxReplicas: number;
  scaleEvents: number;
}

export interface TimeSample {
  time: number;
  /** Requests that arrived since the previous sample. */
  arrivals: number;
  /** Replicas holding GPUs (starting, serving or draining). */
  replicas: number;
  readyReplicas: number;
  /** Worst TTFT among requests whose first token came since the previous sample (0 if none). */
  ttftMax: number;
}

export interface SimulationResult {
  outcome: PolicyOutcome;
  series: TimeSample[];
  /** Each decision that changed the replica count, with its explanation. */
  decisions: Array<{ time: number; replicas: number; reason: string }>;
}

interface SimRequest {
  arrival: number;
  promptTokens: number;
  outputTokens: number;
  /** Tokens still to generate after the first one. */
  remaining: number;
  firstToken: number;
  finish: number;
}

type Iteration =
  | { kind: 'prefill'; start: number; end: number; batch: SimRequest[] }
  | { kind: 'decode'; start: number; end: number; step: number; steps: number };

interface Replica {
  id: number;
  createdAt: number;
  state: 'starting' | 'ready' | 'draining' | 'gone';
  waiting: SimRequest[];
  running: SimRequest[];
  reservedTokens: number;
  iteration: Iteration | undefined;
  /** Bumped whenever the scheduled end of the iteration changes, to ignore stale events. */
  epoch: number;
  busySeconds: number;
  busyAtLastSync: number;
  goneAt: number;
}

type SimEvent =
  | { time: number; kind: 'sync' }
  | { time: number; kind: 'sample' }
  | { time: number; kind: 'ready'; replica: Replica }
  | { time: number; kind: 'iteration'; replica: Replica; epoch: number };

export function simulate(trace: readonly TraceRequest[], policy: PolicyRunner, options: SimulationOptions): SimulationResult {
  return new Simulation(trace, policy, options).run();
}

class Simulation {
  private readonly model: ReplicaModel;
  private readonly events = new EventHeap<SimEvent>();
  private readonly requests: SimRequest[];
  private readonly replicas: Replica[] = [];
  private readonly routerQueue: SimRequest[] = [];
  private now = 0;
  private completed = 0;
  private nextReplicaId = 0;
  // Cumulative counters; the policy sees their change since its previous sync.
  private arrived = { requests: 0, promptTokens: 0, outputTokens: 0 };
  private firstTokens = { count: 0, withinSlo: 0 };
  private inFlight = 0;
  private inFlightIntegral = 0;
  private inFlightChangedAt = 0;
  private lastSync = { time: 0, arrived: { ...this.arrived }, firstTokens: { ...this.firstTokens }, inFlightIntegral: 0 };
  private spec = 0;
  private scaleEvents = 0;
  private maxReplicas = 0;
  private readonly decisions: SimulationResult['decisions'] = [];
  private readonly series: TimeSample[] = [];
  private sampleArrivals = 0;
  private sampleTtftMax = 0;
  private readonly scoreFrom: number;

  constructor(
    trace: readonly TraceRequest[],
    private readonly policy: PolicyRunner,
    private readonly options: SimulationOptions,
  ) {
    this.model = options.model;
    this.scoreFrom = options.scoreFromSeconds ?? 0;
    this.requests = trace.map((r) => ({
      arrival: r.arrival,
      promptTokens: r.promptTokens,
      outputTokens: Math.max(1, r.outputTokens),
      remaining: Math.max(0, r.outputTokens - 1),
      firstToken: Number.NaN,
      finish: Number.NaN,
    }));
  }

  run(): SimulationResult {
    // The service was already running before the trace starts: the first decision's replicas are warm.
    const initial = this.policy.decide(this.observe());
    for (let i = 0; i < initial.replicas; i++) this.addReplica(true);
    this.spec = initial.replicas;
    this.events.push({ time: this.policy.syncPeriodSeconds, kind: 'sync' });
    this.events.push({ time: this.options.sampleSeconds, kind: 'sample' });

    let next = 0;
    const total = this.requests.length;
    while (this.completed < total) {
      const arrival = next < total ? this.requests[next]!.arrival : Infinity;
      const event = this.events.peek();
      if (arrival <= (event?.time ?? Infinity)) {
        this.now = arrival;
        this.onArrival(this.requests[next++]!);
        continue;
      }
      this.events.pop();
      this.now = event!.time;
      this.onEvent(event!);
    }
    return this.result();
  }

  private onEvent(event: SimEvent): void {
    switch (event.kind) {
      case 'sync':
        this.sync();
        this.events.push({ time: this.now + this.policy.syncPeriodSeconds, kind: 'sync' });
        return;
      case 'sample':
        this.sample();
        this.events.push({ time: this.now + this.options.sampleSeconds, kind: 'sample' });
        return;
      case 'ready':
        if (event.replica.state !== 'starting') return;
        event.replica.state = 'ready';
        for (const request of this.routerQueue.splice(0)) this.route(request);
        return;
      case 'iteration':
        if (event.epoch === event.replica.epoch) this.finishIteration(event.replica);
        return;
    }
  }

  private onArrival(request: SimRequest): void {
    this.changeInFlight(+1);
    this.arrived.requests++;
    this.arrived.promptTokens += request.promptTokens;
    this.arrived.outputTokens += request.outputTokens;
    this.sampleArrivals++;
    this.route(request);
  }

  /** Join-the-shortest-queue over serving replicas; with none serving, wait at the router. */
  private route(request: SimRequest): void {
    let best: Replica | undefined;
    let bestLoad = Infinity;
    for (const replica of this.replicas) {
      if (replica.state !== 'ready') continue;
      const load = replica.waiting.length + replica.running.length;
      if (load < bestLoad) {
        best = replica;
        bestLoad = load;
      }
    }
    if (!best) {
      this.routerQueue.push(request);
      return;
    }
    best.waiting.push(request);
    const iteration = best.iteration;
    if (!iteration) this.startIteration(best);
    else if (iteration.kind === 'decode') this.cutDecodeAfterCurrentStep(best, iteration);
  }

  /** A new prompt is scheduled at the next iteration boundary, as vLLM does. */
  private cutDecodeAfterCurrentStep(replica: Replica, iteration: Extract<Iteration, { kind: 'decode' }>): void {
    const stepsDone = Math.floor((this.now - iteration.start) / iteration.step);
    const steps = Math.min(iteration.steps, stepsDone + 1);
    if (steps === iteration.steps) return;
    iteration.steps = steps;
    iteration.end = iteration.start + steps * iteration.step;
    replica.epoch++;
    this.events.push({ time: iteration.end, kind: 'iteration', replica, epoch: replica.epoch });
  }

  private startIteration(replica: Replica): void {
    const model = this.model;
    const batch: SimRequest[] = [];
    let tokens = 0;
    for (const head of replica.waiting) {
      const sequences = replica.running.length + batch.length;
      if (batch.length > 0 && tokens + head.promptTokens > model.maxBatchedTokens) break;
      if (sequences >= model.maxConcurrentSequences) break;
      const reserve = head.promptTokens + head.outputTokens;
      // An empty replica always admits one request, however large, so nothing waits forever.
      if (sequences > 0 && replica.reservedTokens + reserve > model.kvCacheTokens) break;
      batch.push(head);
      tokens += head.promptTokens;
      replica.reservedTokens += reserve;
    }
    let iteration: Iteration | undefined;
    if (batch.length > 0) {
      replica.waiting.splice(0, batch.length);
      iteration = { kind: 'prefill', start: this.now, end: this.now + prefillSeconds(model, tokens), batch };
    } else if (replica.running.length > 0) {
      const step = decodeStepSeconds(model, replica.running.length);
      const steps = Math.min(...replica.running.map((r) => r.remaining));
      iteration = { kind: 'decode', start: this.now, end: this.now + steps * step, step, steps };
    }
    replica.iteration = iteration;
    if (iteration) {
      replica.epoch++;
      this.events.push({ time: iteration.end, kind: 'iteration', replica, epoch: replica.epoch });
    } else if (replica.state === 'draining') {
      this.retire(replica);
    }
  }

  private finishIteration(replica: Replica): void {
    const iteration = replica.iteration!;
    replica.busySeconds += iteration.end - iteration.start;
    replica.iteration = undefined;
    if (iteration.kind === 'prefill') {
      for (const request of iteration.batch) {
        request.firstToken = this.now;
        const ttft = this.now - request.arrival;
        this.firstTokens.count++;
        if (ttft <= this.options.sloTtftSeconds) this.firstTokens.withinSlo++;
        this.sampleTtftMax = Math.max(this.sampleTtftMax, ttft);
        if (request.remaining === 0) this.complete(replica, request);
        else replica.running.push(request);
      }
    } else {
      const stillRunning: SimRequest[] = [];
      for (const request of replica.running) {
        request.remaining -= iteration.steps;
        if (request.remaining <= 0) this.complete(replica, request);
        else stillRunning.push(request);
      }
      replica.running = stillRunning;
    }
    this.startIteration(replica);
  }

  private complete(replica: Replica, request: SimRequest): void {
    request.finish = this.now;
    replica.reservedTokens -= request.promptTokens + request.outputTokens;
    this.completed++;
    this.changeInFlight(-1);
  }

  private changeInFlight(delta: number): void {
    this.inFlightIntegral += this.inFlight * (this.now - this.inFlightChangedAt);
    this.inFlightChangedAt = this.now;
    this.inFlight += delta;
  }

  private addReplica(warm: boolean): void {
    const replica: Replica = {
      id: this.nextReplicaId++,
      createdAt: this.now,
      state: warm ? 'ready' : 'starting',
      waiting: [],
      running: [],
      reservedTokens: 0,
      iteration: undefined,
      epoch: 0,
      busySeconds: 0,
      busyAtLastSync: 0,
      goneAt: Number.NaN,
    };
    this.replicas.push(replica);
    if (!warm) this.events.push({ time: this.now + coldStartSeconds(this.model), kind: 'ready', replica });
  }

  private retire(replica: Replica): void {
    replica.state = 'gone';
    replica.goneAt = this.now;
  }

  private observe(): Observation {
    const interval = this.now - this.lastSync.time;
    const serving = this.replicas.filter((r) => r.state === 'ready');
    let waiting = this.routerQueue.length;
    let running = 0;
    let kv = 0;
    let busy = 0;
    for (const replica of this.replicas) {
      if (replica.state !== 'ready' && replica.state !== 'draining') continue;
      waiting += replica.waiting.length;
      running += replica.running.length;
    }
    for (const replica of serving) {
      kv += replica.reservedTokens / this.model.kvCacheTokens;
      const inProgress = replica.iteration ? this.now - replica.iteration.start : 0;
      busy += Math.min(interval, replica.busySeconds + inProgress - replica.busyAtLastSync);
    }
    const integral = this.inFlightIntegral + this.inFlight * (this.now - this.inFlightChangedAt);
    return {
      time: this.now,
      specReplicas: this.spec,
      readyReplicas: serving.length,
      waitingRequests: waiting,
      runningRequests: running,
      kvCacheUsage: serving.length > 0 ? kv / serving.length : 0,
      gpuUtilisation: serving.length > 0 && interval > 0 ? busy / (interval * serving.length) : 0,
      concurrency: interval > 0 ? (integral - this.lastSync.inFlightIntegral) / interval : this.inFlight,
      arrivals: {
        intervalSeconds: Math.max(interval, this.policy.syncPeriodSeconds),
        requests: this.arrived.requests - this.lastSync.arrived.requests,
        promptTokens: this.arrived.promptTokens - this.lastSync.arrived.promptTokens,
        outputTokens: this.arrived.outputTokens - this.lastSync.arrived.outputTokens,
      },
      ttft: {
        count: this.firstTokens.count - this.lastSync.firstTokens.count,
        withinSlo: this.firstTokens.withinSlo - this.lastSync.firstTokens.withinSlo,
      },
    };
  }

  private sync(): void {
    const observation = this.observe();
    const decision = this.policy.decide(observation);
    for (const replica of this.replicas) {
      if (replica.state === 'ready') replica.busyAtLastSync = replica.busySeconds + (replica.iteration ? this.now - replica.iteration.start : 0);
    }
    this.lastSync = {
      time: this.now,
      arrived: { ...this.arrived },
      firstTokens: { ...this.firstTokens },
      inFlightIntegral: this.inFlightIntegral + this.inFlight * (this.now - this.inFlightChangedAt),
    };
    if (decision.replicas !== this.spec) this.scale(decision.replicas, decision.reason);
  }

  private scale(target: number, reason: string): void {
    const scored = this.now >= this.scoreFrom;
    if (scored) {
      this.scaleEvents++;
      this.decisions.push({ time: this.now - this.scoreFrom, replicas: target, reason });
    }
    for (let i = this.spec; i < target; i++) this.addReplica(false);
    let excess = Math.max(0, this.spec - target);
    // Like a ReplicaSet: remove pods still starting first (newest first), then the least loaded.
    const starting = this.replicas.filter((r) => r.state === 'starting').reverse();
    for (const replica of starting) {
      if (excess === 0) break;
      this.retire(replica);
      excess--;
    }
    const ready = this.replicas
      .filter((r) => r.state === 'ready')
      .sort((a, b) => a.waiting.length + a.running.length - (b.waiting.length + b.running.length));
    for (const replica of ready) {
      if (excess === 0) break;
      replica.state = 'draining';
      if (!replica.iteration) this.startIteration(replica);
      excess--;
    }
    this.spec = target;
    const holding = this.replicas.filter((r) => r.state !== 'gone').length;
    if (scored) this.maxReplicas = Math.max(this.maxReplicas, holding);
  }

  private sample(): void {
    if (this.now < this.scoreFrom) {
      this.sampleArrivals = 0;
      this.sampleTtftMax = 0;
      return;
    }
    this.series.push({
      time: this.now - this.scoreFrom,
      arrivals: this.sampleArrivals,
      replicas: this.replicas.filter((r) => r.state !== 'gone').length,
      readyReplicas: this.replicas.filter((r) => r.state === 'ready').length,
      ttftMax: this.sampleTtftMax,
    });
    this.sampleArrivals = 0;
    this.sampleTtftMax = 0;
  }

  private result(): SimulationResult {
    const end = this.now;
    let gpuSeconds = 0;
    let holdingAtScoreStart = 0;
    for (const replica of this.replicas) {
      const until = replica.state === 'gone' ? replica.goneAt : end;
      gpuSeconds += Math.max(0, until - Math.max(replica.createdAt, this.scoreFrom)) * this.model.gpusPerReplica;
      if (replica.createdAt <= this.scoreFrom && until > this.scoreFrom) holdingAtScoreStart++;
    }
    const scored = this.requests.filter((r) => r.arrival >= this.scoreFrom);
    const ttfts = scored.map((r) => r.firstToken - r.arrival).sort((a, b) => a - b);
    const tpots = scored
      .filter((r) => r.outputTokens > 1)
      .map((r) => (r.finish - r.firstToken) / (r.outputTokens - 1))
      .sort((a, b) => a - b);
    const slo = this.options.sloTtftSeconds;
    return {
      outcome: {
        policy: this.policy.name,
        sloAttainment: ttfts.filter((t) => t <= slo).length / Math.max(1, ttfts.length),
        ttftP50: percentile(ttfts, 0.5),
        ttftP99: percentile(ttfts, 0.99),
        tpotP99: percentile(tpots, 0.99),
        gpuHours: gpuSeconds / 3600,
        maxReplicas: Math.max(this.maxReplicas, holdingAtScoreStart),
        scaleEvents: this.scaleEvents,
      },
      series: this.series,
      decisions: this.decisions,
    };
  }
}

/** Nearest-rank percentile of an ascending array (0 for an empty one). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Binary min-heap on `time`; ties keep insertion order so runs are deterministic. */
class EventHeap<T extends { time: number }> {
  private readonly items: Array<{ item: T; seq: number }> = [];
  private seq = 0;

  push(item: T): void {
    const items = this.items;
    items.push({ item, seq: this.seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  peek(): T | undefined {
    return this.items[0]?.item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.less(left, smallest)) smallest = left;
        if (right < items.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top?.item;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.item.time < y.item.time || (x.item.time === y.item.time && x.seq < y.seq);
  }
}
