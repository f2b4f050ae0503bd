/** Report renderers: table (terminals, 80 columns), json (DESIGN §4), markdown (tickets). */
import { styleText } from 'node:util';
import { displayName } from '../cluster/state.js';
import type { ObjectRef } from '../cluster/types.js';
import type { DiagnosisReport, Finding, Scenario, Severity } from './types.js';
import { CATEGORIES } from './types.js';

const WIDTH = 80;
const MAX_AFFECTED_SHOWN = 6;

const refText = (ref: ObjectRef) => `${ref.kind} ${displayName(ref)}`;

/** Word-wraps to the terminal width; words longer than a line (paths, URLs) are split. */
function wrap(text: string, indent: string, width = WIDTH): string[] {
  const lines: string[] = [];
  const continuation = `${indent}  `;
  let line = indent;
  const room = () => width - line.length - (line.trim().length > 0 ? 1 : 0);
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > 0) {
      if (word.length <= room()) {
        line += (line.trim().length > 0 ? ' ' : '') + word;
        break;
      }
      if (line.trim().length > 0 && word.length <= width - continuation.length) {
        lines.push(line);
        line = continuation;
        continue;
      }
      const take = Math.max(room(), 1);
      line += (line.trim().length > 0 ? ' ' : '') + word.slice(0, take);
      word = word.slice(take);
      lines.push(line);
      line = continuation;
    }
  }
  if (line.trim()) lines.push(line);
  return lines;
}

type Paint = (style: Parameters<typeof styleText>[0], text: string) => string;

const SEVERITY_STYLE: Record<Severity, Parameters<typeof styleText>[0]> = { critical: ['bold', 'red'], warning: ['bold', 'yellow'], info: 'cyan' };

export function renderTable(report: DiagnosisReport, color: boolean): string {
  const paint: Paint = color ? (style, text) => styleText(style, text) : (_style, text) => text;
  const out: string[] = [];
  const { summary } = report;
  const count = report.findings.length;
  out.push(paint('bold', `${count} root cause${count === 1 ? '' : 's'}`) + ` (${summary.critical} critical, ${summary.warning} warning, ${summary.info} info) in ${summary.objects} objects`);
  out.push(...wrap(`from ${report.source.name}`, ''));
  if (count === 0) out.push('No problems found.');
  report.findings.forEach((f, i) => {
    out.push('');
    out.push(`${paint('dim', `${i + 1}.`)} ${paint(SEVERITY_STYLE[f.severity], f.severity.toUpperCase())}  ${f.category}  ${paint('dim', `${f.scenario}  confidence ${f.confidence.toFixed(2)}`)}`);
    out.push(...wrap(paint('bold', f.title), '   '));
    out.push(...wrap(`root cause: ${refText(f.rootCause)}`, '   '));
    const shown = f.affected.slice(0, MAX_AFFECTED_SHOWN).map(refText).join(', ');
    const more = f.affected.length > MAX_AFFECTED_SHOWN ? `, … ${f.affected.length - MAX_AFFECTED_SHOWN} more` : '';
    out.push(...wrap(`affected (${f.affected.length}): ${shown}${more}`, '   '));
    out.push(...wrap(f.explanation, '   '));
    out.push('   evidence:');
    for (const line of f.evidence) out.push(...wrap(`- ${line}`, '     '));
    out.push('   fix:');
    for (const line of f.remediation) out.push(...wrap(`- ${line}`, '     '));
  });
  if (report.notes.length > 0) {
    out.push('');
    for (const note of report.notes) out.push(...wrap(`note: ${note}`, ''));
  }
  return `${out.join('\n')}\n`;
}

export function renderJson(report: DiagnosisReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const md = (s: string) => s.replace(/([|\\`*_])/g, '\\$1');

export function renderMarkdown(report: DiagnosisReport): string {
  const { summary } = report;
  const out = [
    `# Nakhoda diagnosis: ${md(report.source.name)}`,
    '',
    `${report.findings.length} root causes — ${summary.critical} critical, ${summary.warning} warning, ${summary.info} info — in ${summary.objects} objects (generated ${report.generatedAt}).`,
  ];
  if (report.findings.length > 0) {
    out.push('', '| # | Severity | Category | Root cause | Affected | Title |', '|---|---|---|---|---|---|');
    report.findings.forEach((f, i) => out.push(`| ${i + 1} | ${f.severity} | ${f.category} | ${md(refText(f.rootCause))} | ${f.affected.length} | ${md(f.title)} |`));
  }
  report.findings.forEach((f, i) => out.push(...findingMarkdown(f, i + 1)));
  if (report.notes.length > 0) out.push('', '## Notes', '', ...report.notes.map((n) => `- ${md(n)}`));
  return `${out.join('\n')}\n`;
}

function findingMarkdown(f: Finding, n: number): string[] {
  return [
    '',
    `## ${n}. ${md(f.title)}`,
    '',
    `**${f.severity}** · \`${f.scenario}\` · confidence ${f.confidence.toFixed(2)}`,
    '',
    `- **Root cause:** ${md(refText(f.rootCause))}`,
    `- **Shows on:** ${md(refText(f.resource))}`,
    `- **Affected (${f.affected.length}):** ${f.affected.map((r) => md(refText(r))).join(', ')}`,
    '',
    md(f.explanation),
    '',
    '**Evidence**',
    '',
    '```',
    ...f.evidence,
    '```',
    '',
    '**Fix**',
    '',
    ...f.remediation.map((r) => (r.startsWith('kubectl') ? `- \`${r}\`` : `- ${md(r)}`)),
  ];
}

export interface CatalogEntry {
  id: string;
  category: string;
  severity: Severity;
  title: string;
  description: string;
}

export function catalogEntries(scenarios: readonly Scenario[]): CatalogEntry[] {
  return scenarios.map(({ id, category, severity, title, description }) => ({ id, category, severity, title, description }));
}

export function renderCatalogTable(scenarios: readonly Scenario[]): string {
  const idWidth = Math.max(...scenarios.map((s) => s.id.length), 2);
  const lines = [`${'ID'.padEnd(idWidth)}  SEVERITY  TITLE`];
  for (const s of scenarios) lines.push(`${s.id.padEnd(idWidth)}  ${s.severity.padEnd(8)}  ${s.title}`);
  lines.push('', `${scenarios.length} scenarios in ${new Set(scenarios.map((s) => s.category)).size} categories`);
  return `${lines.join('\n')}\n`;
}

/** docs/scenarios.md: generated from the code; a test fails when the committed file is stale. */
export function renderCatalogMarkdown(scenarios: readonly Scenario[]): string {
  const out = [
    '# Diagnosis scenarios',
    '',
    '<!-- Generated by `nakhoda scenarios -o markdown`; do not edit by hand. -->',
    '',
    `${scenarios.length} scenarios. Each finding names the object to fix (\`rootCause\`); multi-hop scenarios follow a chain of objects from the symptom to it.`,
  ];
  for (const category of CATEGORIES) {
    const inCategory = scenarios.filter((s) => s.category === category);
    if (inCategory.length === 0) continue;
    out.push('', `## ${category} (${inCategory.length})`, '');
    for (const s of inCategory) {
      const hops = (s.hops ?? 1) >= 2 ? ` · ${s.hops} hops` : '';
      out.push(`### \`${s.id}\``, '', `**${s.severity}**${hops} — ${md(s.title)}`, '', md(s.description), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
