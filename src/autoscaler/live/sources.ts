import { parseExposition, VLLM_METRICS, type MetricSample } from './metrics.js';

/** Where an autoscaler's metrics come from; `fetchSamples` never throws, it reports the problem. */
export interface MetricSource {
  describe(): string;
  fetchSamples(): Promise<{ samples: MetricSample[]; problem?: string }>;
}

const NAMES = Object.values(VLLM_METRICS)
  .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|');
const TIMEOUT_MS = 3000;

/** One instant query to the Prometheus HTTP API for every series the controller reads. */
export function prometheusSource(url: string, selector: string): MetricSource {
  const matchers = [`__name__=~"${NAMES}"`, ...(selector.trim() ? [selector.trim()] : [])].join(',');
  const query = `{${matchers}}`;
  const endpoint = `${url.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
  return {
    describe: () => `Prometheus ${url} ${query}`,
    async fetchSamples() {
      try {
        const response = await fetch(endpoint, { signal: AbortSignal.timeout(TIMEOUT_MS) });
        if (!response.ok) return { samples: [], problem: `Prometheus ${url} answered HTTP ${response.status}` };
        const body = (await response.json()) as PrometheusResponse;
        if (body.status !== 'success' || body.data?.resultType !== 'vector') {
          return { samples: [], problem: `Prometheus ${url}: ${body.error ?? 'unexpected answer'}` };
        }
        const samples = body.data.result.map(({ metric, value }) => {
          const { __name__: name, ...labels } = metric;
          return { name: name ?? '', labels, value: Number(value[1]) };
        });
        return { samples };
      } catch (err) {
        return { samples: [], problem: `Prometheus ${url} unreachable: ${(err as Error).message}` };
      }
    },
  };
}

interface PrometheusResponse {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

/** Scrapes each ready pod's /metrics directly; pods are given by the caller each sync. */
export function podsSource(pods: () => Promise<Array<{ name: string; ip: string }>>, port: number, path: string): MetricSource {
  return {
    describe: () => `pods' :${port}${path}`,
    async fetchSamples() {
      let list: Array<{ name: string; ip: string }>;
      try {
        list = await pods();
      } catch (err) {
        return { samples: [], problem: `cannot list pods: ${(err as Error).message}` };
      }
      const problems: string[] = [];
      const pages = await Promise.all(
        list.map(async (pod) => {
          try {
            const response = await fetch(`http://${pod.ip}:${port}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            return parseExposition(await response.text()).map((s) => ({ ...s, labels: { ...s.labels, pod: pod.name } }));
          } catch (err) {
            problems.push(`${pod.name}: ${(err as Error).message}`);
            return [];
          }
        }),
      );
      return { samples: pages.flat(), problem: problems.length > 0 ? `scrape failed for ${problems.join('; ')}` : undefined };
    },
  };
}
