import type { ReplayRun } from './replay.js';

/**
 * One SVG with a panel per policy: arrivals per sample (grey bars), replicas holding GPUs
 * (blue line), and the worst TTFT of each sample (red line, right axis, with the SLO dashed).
 */
export function renderReplaySvg(run: ReplayRun): string {
  const width = 960;
  const panelHeight = 150;
  const margin = { left: 56, right: 56, top: 28, bottom: 22 };
  const plotWidth = width - margin.left - margin.right;
  const slo = run.report.sloTtftSeconds;
  const allSamples = run.runs.flatMap((r) => r.series);
  const endTime = Math.max(1, ...allSamples.map((s) => s.time));
  const maxArrivals = Math.max(1, ...allSamples.map((s) => s.arrivals));
  const maxReplicas = Math.max(1, ...allSamples.map((s) => s.replicas));
  const maxTtft = Math.max(slo * 2, Math.min(slo * 10, Math.max(...allSamples.map((s) => s.ttftMax))));
  const height = 40 + run.runs.length * (panelHeight + margin.top + margin.bottom);
  const x = (t: number) => margin.left + (t / endTime) * plotWidth;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${margin.left}" y="20" font-size="14">${escapeXml(run.report.trace)}: ${run.report.requests} requests, TTFT SLO ${slo}s</text>`,
    `<text x="${width - margin.right}" y="20" text-anchor="end"><tspan fill="#999">■ arrivals</tspan> <tspan fill="#1f77b4">— replicas</tspan> <tspan fill="#d62728">— worst TTFT (right axis, capped at ${fmt(maxTtft)}s)</tspan></text>`,
  ];
  run.runs.forEach((policyRun, index) => {
    const top = 40 + index * (panelHeight + margin.top + margin.bottom) + margin.top;
    const bottom = top + panelHeight;
    const yLeft = (v: number, max: number) => bottom - (v / max) * panelHeight;
    const outcome = policyRun.outcome;
    parts.push(
      `<text x="${margin.left}" y="${top - 8}" font-weight="bold">${escapeXml(outcome.policy)}</text>`,
      `<text x="${width - margin.right}" y="${top - 8}" text-anchor="end">SLO attainment ${(outcome.sloAttainment * 100).toFixed(1)}% · ${outcome.gpuHours.toFixed(2)} GPU-h · max ${outcome.maxReplicas} replicas</text>`,
      `<rect x="${margin.left}" y="${top}" width="${plotWidth}" height="${panelHeight}" fill="none" stroke="#ccc"/>`,
      `<text x="${margin.left - 6}" y="${top + 10}" text-anchor="end" fill="#1f77b4">${maxReplicas}</text>`,
      `<text x="${margin.left - 6}" y="${bottom}" text-anchor="end">0</text>`,
      `<text x="${width - margin.right + 6}" y="${top + 10}" fill="#d62728">${fmt(maxTtft)}s</text>`,
      `<text x="${margin.left}" y="${bottom + 14}">0</text>`,
      `<text x="${width - margin.right}" y="${bottom + 14}" text-anchor="end">${Math.round(endTime / 60)} min</text>`,
    );
    const barWidth = Math.max(1, plotWidth / Math.max(1, policyRun.series.length));
    for (const sample of policyRun.series) {
      if (sample.arrivals === 0) continue;
      const barTop = yLeft(sample.arrivals, maxArrivals);
      parts.push(`<rect x="${fmt(x(sample.time) - barWidth)}" y="${fmt(barTop)}" width="${fmt(barWidth)}" height="${fmt(bottom - barTop)}" fill="#ddd"/>`);
    }
    const sloY = yLeft(slo, maxTtft);
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${fmt(sloY)}" y2="${fmt(sloY)}" stroke="#d62728" stroke-dasharray="4 3" stroke-width="0.8"/>`);
    parts.push(polyline(policyRun.series.map((s) => [x(s.time), yLeft(s.replicas, maxReplicas)]), '#1f77b4'));
    parts.push(polyline(policyRun.series.map((s) => [x(s.time), yLeft(Math.min(s.ttftMax, maxTtft), maxTtft)]), '#d62728'));
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function polyline(points: Array<[number, number]>, colour: string): string {
  const coordinates = points.map(([px, py]) => `${fmt(px)},${fmt(py)}`).join(' ');
  return `<polyline points="${coordinates}" fill="none" stroke="${colour}" stroke-width="1.2"/>`;
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
