import type { ArrivalWindow, Observation, TtftWindow } from '../policies/types.js';

/** One sample of one series, from a Prometheus query result or a pod's /metrics page. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The vLLM series the controller reads (vLLM's own names), plus DCGM's GPU utilisation. */
export const VLLM_METRICS = {
  waiting: 'vllm:num_requests_waiting',
  running: 'vllm:num_requests_running',
  kvCache: 'vllm:gpu_cache_usage_perc',
  promptTokens: 'vllm:prompt_tokens_total',
  generationTokens: 'vllm:generation_tokens_total',
  ttftBucket: 'vllm:time_to_first_token_seconds_bucket',
  ttftCount: 'vllm:time_to_first_token_seconds_count',
  gpuUtil: 'DCGM_FI_DEV_GPU_UTIL',
} as const;

/**
 * Parses the Prometheus text exposition format (what vLLM serves on /metrics). Comments,
 * timestamps and exemplars are ignored; a malformed line is skipped, as Prometheus would
 * reject the scrape rather than guess.
 */
export function parseExposition(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = parseValue(match[4]!);
    if (Number.isNaN(value)) continue;
    samples.push({ name: match[1]!, labels: parseLabels(match[3] ?? ''), value });
  }
  return samples;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return labels;
}

/** Counter values by series, kept between syncs to turn totals into per-interval increases. */
export interface CounterMemory {
  time: number;
  counters: ReadonlyMap<string, number>;
  waiting: number;
}

const COUNTERS: readonly string[] = [VLLM_METRICS.promptTokens, VLLM_METRICS.generationTokens, VLLM_METRICS.ttftBucket, VLLM_METRICS.ttftCount];

/**
 * Builds the policy's observation from one scrape. Counters are differenced per series (a
 * series that went away is ignored, a new one counts from zero, a reset counts from zero),
 * so pods coming and going do not produce negative or doubled rates. Fields whose series are
 * absent are `undefined`, so policies hold instead of acting on a guess.
 */
export function buildObservation(
  samples: readonly MetricSample[],
  previous: CounterMemory | undefined,
  context: { time: number; specReplicas: number; readyReplicas: number; sloTtftSeconds: number },
): { observation: Observation; memory: CounterMemory; present: string[] } {
  const byName = new Map<string, MetricSample[]>();
  for (const sample of samples) {
    const list = byName.get(sample.name) ?? [];
    list.push(sample);
    byName.set(sample.name, list);
  }
  const sum = (name: string) => {
    const list = byName.get(name);
    return list && list.length > 0 ? list.reduce((s, x) => s + x.value, 0) : undefined;
  };
  const mean = (name: string) => {
    const list = byName.get(name);
    return list && list.length > 0 ? list.reduce((s, x) => s + x.value, 0) / list.length : undefined;
  };
  const counters = new Map<string, number>();
  for (const name of COUNTERS) for (const s of byName.get(name) ?? []) counters.set(seriesKey(s), s.value);
  const increase = (name: string, filter: (s: MetricSample) => boolean = () => true): number | undefined => {
    const list = (byName.get(name) ?? []).filter(filter);
    if (list.length === 0 || !previous) return undefined;
    let total = 0;
    for (const s of list) {
      const before = previous.counters.get(seriesKey(s)) ?? 0;
      total += s.value >= before ? s.value - before : s.value;
    }
    return total;
  };

  const waiting = sum(VLLM_METRICS.waiting);
  const running = sum(VLLM_METRICS.running);
  const kvCache = mean(VLLM_METRICS.kvCache);
  const gpuUtil = mean(VLLM_METRICS.gpuUtil);
  const interval = previous ? context.time - previous.time : 0;

  let arrivals: ArrivalWindow | undefined;
  const firstTokens = increase(VLLM_METRICS.ttftCount);
  const prompt = increase(VLLM_METRICS.promptTokens);
  const generated = increase(VLLM_METRICS.generationTokens);
  if (firstTokens !== undefined && prompt !== undefined && generated !== undefined && waiting !== undefined && interval > 0) {
    // Requests still queued have arrived but are not in the prompt counter yet: add the growth of the queue.
    const queued = Math.max(0, waiting - (previous?.waiting ?? 0));
    const promptPerRequest = firstTokens > 0 ? prompt / firstTokens : 0;
    arrivals = {
      intervalSeconds: interval,
      requests: firstTokens + queued,
      promptTokens: prompt + queued * promptPerRequest,
      outputTokens: generated,
    };
  }

  let ttft: TtftWindow | undefined;
  const buckets = (byName.get(VLLM_METRICS.ttftBucket) ?? []).map((s) => Number(s.labels.le));
  // The largest bucket bound within the SLO: conservative when the SLO is not a bucket bound.
  const bound = Math.max(-Infinity, ...buckets.filter((le) => le <= context.sloTtftSeconds + 1e-9));
  if (firstTokens !== undefined && Number.isFinite(bound)) {
    const within = increase(VLLM_METRICS.ttftBucket, (s) => Number(s.labels.le) === bound) ?? 0;
    ttft = { count: firstTokens, withinSlo: Math.min(firstTokens, within) };
  }

  const present = Object.values(VLLM_METRICS).filter((name) => byName.has(name));
  return {
    observation: {
      time: context.time,
      specReplicas: context.specReplicas,
      readyReplicas: context.readyReplicas,
      waitingRequests: waiting,
      runningRequests: running,
      kvCacheUsage: kvCache,
      gpuUtilisation: gpuUtil === undefined ? undefined : gpuUtil / 100,
      concurrency: waiting !== undefined && running !== undefined ? waiting + running : undefined,
      arrivals,
      ttft,
    },
    memory: { time: context.time, counters, waiting: waiting ?? 0 },
    present,
  };
}

function seriesKey(sample: MetricSample): string {
  const labels = Object.entries(sample.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${sample.name}{${labels}}`;
}
