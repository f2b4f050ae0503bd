import type { Trace, TraceRequest } from './trace.js';

/**
 * Variants of a trace for checking that a policy is not tuned to one recording: the same
 * requests rotated in time, with every request's tokens scaled, with arrivals compressed or
 * stretched, and a steady Poisson stream with the trace's request sizes.
 */
export function rotateTrace(trace: Trace, offsetSeconds: number): Trace {
  const duration = traceDuration(trace);
  const requests = trace.requests
    .map((r) => ({ ...r, arrival: (r.arrival + offsetSeconds) % duration }))
    .sort((a, b) => a.arrival - b.arrival);
  return { name: `${trace.name}+rotate${offsetSeconds}s`, requests: rebase(requests) };
}

export function scaleTokens(trace: Trace, factor: number): Trace {
  const requests = trace.requests.map((r) => ({
    arrival: r.arrival,
    promptTokens: Math.max(1, Math.round(r.promptTokens * factor)),
    outputTokens: Math.max(1, Math.round(r.outputTokens * factor)),
  }));
  return { name: `${trace.name}x${factor}tokens`, requests };
}

export function scaleTime(trace: Trace, factor: number): Trace {
  const requests = trace.requests.map((r) => ({ ...r, arrival: r.arrival * factor }));
  return { name: `${trace.name}x${factor}time`, requests };
}

/** Poisson arrivals at the trace's mean rate, sizes drawn from the trace (seeded, deterministic). */
export function poissonLike(trace: Trace, seed: number): Trace {
  const random = mulberry32(seed);
  const duration = traceDuration(trace);
  const rate = trace.requests.length / duration;
  const requests: TraceRequest[] = [];
  let time = 0;
  for (;;) {
    time += -Math.log(1 - random()) / rate;
    if (time >= duration) break;
    const sample = trace.requests[Math.floor(random() * trace.requests.length)]!;
    requests.push({ arrival: time, promptTokens: sample.promptTokens, outputTokens: sample.outputTokens });
  }
  return { name: `${trace.name}-poisson`, requests: rebase(requests) };
}

function traceDuration(trace: Trace): number {
  return Math.max(1, trace.requests[trace.requests.length - 1]?.arrival ?? 1);
}

function rebase(requests: TraceRequest[]): TraceRequest[] {
  const start = requests[0]?.arrival ?? 0;
  return requests.map((r) => ({ ...r, arrival: r.arrival - start }));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
