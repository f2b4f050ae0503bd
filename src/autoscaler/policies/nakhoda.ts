import { coldStartSeconds, requestWorkSeconds, type ReplicaModel } from '../model.js';
import { clampReplicas, holdForMissing, type Observation, type PolicyDefinition, type ReplicaBounds } from './types.js';

/**
 * `nakhoda`: every sync it replays the work that arrived over the last minutes (from vLLM's
 * token counters) through a fluid queue and finds the smallest capacity that would have
 * served all but a sliver of it within the TTFT SLO; it multiplies that by a burst headroom
 * learned from the TTFT histogram, adds a trend forecast one cold start ahead and the
 * KV-cache need, and only gives capacity back once it has been unneeded for the whole
 * lookback (several cold starts: capacity given up before a returning burst cannot come back in time).
 */
export interface NakhodaConfig extends ReplicaBounds {
  model: ReplicaModel;
  sloTtftSeconds: number;
  /** Share of requests that must meet the SLO. */
  targetAttainment: number;
  syncPeriodSeconds: number;
  /** How much arrival history the fluid replay covers; default four cold starts, at least 10 min. */
  lookbackSeconds: number;
  /**
   * How long capacity stays after it stopped being wanted; default two cold starts. Ski-rental
   * break-even: giving a replica up and needing it back costs one cold start of GPU time while
   * it starts plus the requests that miss the SLO meanwhile (priced as another cold start), so
   * idle capacity is kept about that long before it is released.
   */
  holdSeconds: number;
  /** Decode batch at which a generated token is costed (steps are shared by the batch). */
  decodeBatch: number;
  /** Highest mean KV-cache usage tolerated before adding replicas. */
  kvCacheCeiling: number;
  /** Multiplier for burstiness finer than the sync period; adapted online from TTFT outcomes. */
  initialHeadroom: number;
  /** Lowest headroom the decay reaches: 1 = the fluid estimate itself. */
  minHeadroom: number;
  maxHeadroom: number;
  /** Half-life of the headroom's decay once a whole lookback passed without misses. */
  headroomHalfLifeSeconds: number;
}

export function nakhodaDefaults(model: ReplicaModel, sloTtftSeconds: number, bounds: ReplicaBounds): NakhodaConfig {
  const lookbackSeconds = Math.max(600, 4 * coldStartSeconds(model));
  return {
    ...bounds,
    model,
    sloTtftSeconds,
    targetAttainment: 0.99,
    syncPeriodSeconds: 5,
    lookbackSeconds,
    holdSeconds: 2 * coldStartSeconds(model),
    decodeBatch: 16,
    kvCacheCeiling: 0.9,
    initialHeadroom: 1.75,
    minHeadroom: 1.75,
    maxHeadroom: 3,
    headroomHalfLifeSeconds: 3 * lookbackSeconds,
  };
}

interface WorkSample {
  time: number;
  intervalSeconds: number;
  /** Replica-seconds of work that arrived in the interval. */
  work: number;
}

export interface NakhodaState {
  work: readonly WorkSample[];
  /** Replicas wanted at past syncs, each kept until it expires. */
  wanted: ReadonlyArray<{ expires: number; replicas: number }>;
  headroom: number;
  lastHeadroomRaise: number;
  lastMiss: number;
}

export function nakhodaPolicy(config: NakhodaConfig): PolicyDefinition<NakhodaState> {
  const { model, sloTtftSeconds } = config;
  const coldStart = coldStartSeconds(model);
  // Fluid work allowed to be late: half the SLO budget, the rest is for finer-grained bursts.
  const lateShare = (1 - config.targetAttainment) / 2;
  return {
    name: 'nakhoda',
    syncPeriodSeconds: config.syncPeriodSeconds,
    initialState: () => ({ work: [], wanted: [], headroom: config.initialHeadroom, lastHeadroomRaise: -Infinity, lastMiss: -Infinity }),
    decide(state, observation) {
      const { arrivals } = observation;
      if (arrivals === undefined) return { state, decision: holdForMissing(observation, 'request arrivals (token counters)', config) };
      const now = observation.time;
      const arrivedWork =
        arrivals.requests === 0
          ? 0
          : arrivals.requests *
            requestWorkSeconds(model, arrivals.promptTokens / arrivals.requests, arrivals.outputTokens / arrivals.requests, config.decodeBatch);
      const work = [
        ...state.work.filter((w) => w.time > now - config.lookbackSeconds),
        { time: now, intervalSeconds: arrivals.intervalSeconds, work: arrivedWork },
      ];
      const needed = fluidCapacity(work, sloTtftSeconds, lateShare, config.maxReplicas);
      const forecast = trendForecast(work, now, coldStart);
      const headroom = adaptHeadroom(state, observation, config, needed);
      const kvNeeded =
        observation.kvCacheUsage === undefined ? 0 : (observation.readyReplicas * observation.kvCacheUsage) / config.kvCacheCeiling;
      const wantedNow = Math.max(headroom.value * Math.max(needed, forecast), kvNeeded);
      const wanted = [...state.wanted.filter((w) => w.expires > now), { expires: now + config.holdSeconds, replicas: wantedNow }];
      const held = Math.max(...wanted.map((w) => w.replicas));
      const replicas = clampReplicas(held, config);

      const parts = [
        `the last ${Math.round(config.lookbackSeconds)}s of arrivals need ${needed.toFixed(2)} replicas to meet TTFT ${sloTtftSeconds}s`,
        `forecast +${Math.round(coldStart)}s ${forecast.toFixed(2)}`,
        `headroom x${headroom.value.toFixed(2)}`,
      ];
      if (kvNeeded > headroom.value * Math.max(needed, forecast)) parts.push(`KV cache ${(observation.kvCacheUsage! * 100).toFixed(0)}% needs ${kvNeeded.toFixed(1)}`);
      if (held > wantedNow + 1e-9) parts.push(`holding ${Math.ceil(held)} wanted within the last ${Math.round(config.holdSeconds)}s `);
      if (headroom.note) parts.push(headroom.note);
      return {
        state: {
          work,
          wanted,
          headroom: headroom.value,
          lastHeadroomRaise: headroom.raised ? now : state.lastHeadroomRaise,
          lastMiss: headroom.missed ? now : state.lastMiss,
        },
        decision: { replicas, reason: `nakhoda: ${parts.join(', ')} -> ${replicas} replicas`, held: false },
      };
    },
  };
}

/**
 * Smallest capacity (in replicas) with which a fluid queue fed `samples` would leave at most
 * `lateShare` of the work waiting longer than the SLO; work is spread evenly in each interval.
 */
export function fluidCapacity(samples: readonly WorkSample[], sloSeconds: number, lateShare: number, ceiling: number): number {
  const total = samples.reduce((s, w) => s + w.work, 0);
  if (total === 0) return 0;
  const lateWork = (capacity: number): number => {
    let backlog = 0;
    let late = 0;
    for (const sample of samples) {
      backlog = Math.max(0, backlog + sample.work - capacity * sample.intervalSeconds);
      late += Math.max(0, backlog - capacity * sloSeconds);
    }
    return late;
  };
  let low = 0;
  let high = Math.max(1, ceiling) * 2;
  if (lateWork(high) > lateShare * total) return high;
  for (let i = 0; i < 30 && high - low > 0.01; i++) {
    const mid = (low + high) / 2;
    if (lateWork(mid) > lateShare * total) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * Raises the headroom when requests missed the SLO although the serving replicas covered the
 * fluid estimate times the headroom (so the estimate, not the reaction, fell short),
 * at most once per lookback/10; lowers it slowly once a whole lookback has passed without a miss.
 */
function adaptHeadroom(
  state: NakhodaState,
  observation: Observation,
  config: NakhodaConfig,
  needed: number,
): { value: number; raised: boolean; missed: boolean; note?: string } {
  const ttft = observation.ttft;
  const now = observation.time;
  const misses = ttft === undefined ? 0 : ttft.count - ttft.withinSlo;
  // A single late request in a quiet interval says little; require a few and more than the budget.
  const missed = ttft !== undefined && misses >= 3 && ttft.withinSlo < ttft.count * config.targetAttainment;
  const covered = observation.readyReplicas >= state.headroom * needed;
  if (missed && covered && now - state.lastHeadroomRaise >= config.lookbackSeconds / 10) {
    const value = Math.min(config.maxHeadroom, state.headroom * 1.25);
    return { value, raised: true, missed, note: `raised headroom: ${misses} of ${ttft!.count} requests missed the SLO` };
  }
  if (!missed && now - state.lastMiss >= config.lookbackSeconds) {
    const decay = Math.pow(0.5, config.syncPeriodSeconds / config.headroomHalfLifeSeconds);
    return { value: Math.max(config.minHeadroom, state.headroom * decay), raised: false, missed };
  }
  return { value: state.headroom, raised: false, missed };
}

/**
 * Least-squares trend of the arrival rate (replicas) over the last `horizon` seconds, projected
 * `horizon` ahead, capped at three times the highest rate seen in it: a rise is extrapolated
 * (capacity asked for now arrives a cold start later), a burst of unseen size is not invented.
 */
function trendForecast(samples: readonly WorkSample[], now: number, horizon: number): number {
  const recent = samples.filter((d) => d.time > now - horizon).map((d) => ({ time: d.time, rate: d.work / d.intervalSeconds }));
  if (recent.length < 3) return 0;
  const meanTime = recent.reduce((s, d) => s + d.time, 0) / recent.length;
  const meanRate = recent.reduce((s, d) => s + d.rate, 0) / recent.length;
  let covariance = 0;
  let variance = 0;
  for (const d of recent) {
    covariance += (d.time - meanTime) * (d.rate - meanRate);
    variance += (d.time - meanTime) ** 2;
  }
  const slope = variance > 0 ? covariance / variance : 0;
  const highest = Math.max(...recent.map((d) => d.rate));
  return Math.min(3 * highest, Math.max(0, meanRate + slope * (now + horizon - meanTime)));
}
