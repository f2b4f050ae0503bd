import type { ReplayReport } from './replay.js';

/** The replay table as printed by `-o table` and committed in bench/RESULTS.md. */
export function renderReplayTable(report: ReplayReport): string {
  const header = ['policy', 'sloAttainment', 'ttftP50', 'ttftP99', 'tpotP99', 'gpuHours', 'maxReplicas', 'scaleEvents'];
  const rows = report.policies.map((p) => [
    p.policy,
    `${(p.sloAttainment * 100).toFixed(2)}%`,
    `${p.ttftP50.toFixed(2)}s`,
    `${p.ttftP99.toFixed(2)}s`,
    `${(p.tpotP99 * 1000).toFixed(0)}ms`,
    p.gpuHours.toFixed(2),
    String(p.maxReplicas),
    String(p.scaleEvents),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `trace ${report.trace}: ${report.requests} requests, TTFT SLO ${report.sloTtftSeconds}s`,
    line(header),
    ...rows.map(line),
  ].join('\n') + '\n';
}
