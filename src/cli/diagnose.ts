import { Command, Option } from 'commander';
import { atOrAbove, CATEGORIES, diagnose, filterFindings, renderJson, renderMarkdown, renderTable, SCENARIOS, summarise } from '../doer/index.js';
import type { Category, DiagnosisReport, Severity } from '../doer/index.js';
import { readCluster } from '../sources/index.js';
import { collect, kindSlashName, oneOf } from './options.js';

const OUTPUTS = ['table', 'json', 'markdown'] as const;
const FAIL_ON = ['critical', 'warning', 'never'] as const;

interface DiagnoseFlags {
  file?: string[];
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  output: (typeof OUTPUTS)[number];
  failOn: (typeof FAIL_ON)[number];
  category?: Category[];
  resource?: { kind: string; name: string };
}

export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('find the root causes behind what is failing in a cluster or a snapshot')
    .option('-f, --file <path>', 'snapshot: List JSON/YAML, manifests, a directory, a cluster-info dump, or - for stdin (repeatable)', collect(String))
    .option('--kubeconfig <path>', 'kubeconfig of a live cluster (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <ns>', 'only this namespace (cluster-scoped objects are still read)')
    .option('-A, --all-namespaces', 'every namespace (the default)')
    .addOption(new Option('-o, --output <format>', 'table, json or markdown').default('table').argParser(oneOf('-o', OUTPUTS)))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').default('never').argParser(oneOf('--fail-on', FAIL_ON)))
    .option('--category <category>', `only these categories (repeatable): ${CATEGORIES.join(', ')}`, collect(oneOf('--category', CATEGORIES)))
    .option('--resource <kind/name>', 'only findings that involve this object, e.g. pod/web-1', kindSlashName('--resource'))
    .action(async (flags: DiagnoseFlags) => {
      const input = await readCluster({ files: flags.file, kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.allNamespaces ? undefined : flags.namespace });
      const full = diagnose(input.state, SCENARIOS, { source: input.source, notes: input.notes });
      const findings = filterFindings(full.findings, { categories: flags.category, resource: flags.resource, namespace: flags.allNamespaces ? undefined : flags.namespace });
      const report: DiagnosisReport = { ...full, findings, summary: summarise(findings, full.summary.objects) };
      process.stdout.write(render(report, flags.output));
      const failing = flags.failOn !== 'never' && findings.some((f) => atOrAbove(f.severity, flags.failOn as Severity));
      process.exitCode = failing ? 1 : 0;
    });
}

function render(report: DiagnosisReport, output: DiagnoseFlags['output']): string {
  if (output === 'json') return renderJson(report);
  if (output === 'markdown') return renderMarkdown(report);
  return renderTable(report, process.stdout.isTTY === true && !process.env.NO_COLOR);
}
