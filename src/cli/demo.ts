import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { diagnose, renderTable, SCENARIOS, type DiagnosisReport } from '../doer/index.js';
import { readCluster } from '../sources/index.js';
import { faultCategory, loadFaultFile, startSimulator } from '../sim/index.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/ai-cluster/', import.meta.url));
/** How often, and for how long at most, the demo re-reads the cluster while faults develop. */
const POLL_MS = 2000;
const MAX_WAIT_MS = 240_000;
/** Once every fault shows, wait until the report has not changed for this many polls in a row. */
const STABLE_POLLS = 2;

interface DemoFlags { port: number; cluster: string; faults: string[]; wait: boolean }

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the simulated AI cluster with injected faults, diagnose it live, keep it running (npm start)')
    .addOption(new Option('--port <n>', 'API server port (0 = any free port)').default(0).argParser(Number))
    .option('--cluster <file>', 'cluster definition', join(EXAMPLE, 'cluster.yaml'))
    .option('--faults <file...>', 'fault files', [join(EXAMPLE, 'faults.yaml')])
    .option('--no-wait', 'print the report and exit instead of serving')
    .action(async (flags: DemoFlags) => {
      const expected = new Set<string>();
      for (const file of flags.faults) for (const named of await loadFaultFile(file)) expected.add(faultCategory[named.fault.type]);
      const sim = await startSimulator({ port: flags.port, cluster: flags.cluster, faults: flags.faults });
      const kubeconfig = join(mkdtempSync(join(tmpdir(), 'nakhoda-demo-')), 'kubeconfig');
      await sim.writeKubeconfig(kubeconfig);
      process.stderr.write(`simulator serving the Kubernetes API at ${sim.url}; waiting for the injected faults to show…\n`);
      // The same code path as a real cluster: list through the kubeconfig, then diagnose.
      const report = await settledReport(kubeconfig, sim.url, expected);
      const missing = [...expected].filter((c) => !report.findings.some((f) => f.category === c));
      if (missing.length > 0) process.stderr.write(`faults of these categories did not show within ${MAX_WAIT_MS / 1000} s: ${missing.join(', ')}\n`);
      process.stdout.write(renderTable(report, process.stdout.isTTY === true && !process.env.NO_COLOR));
      if (!flags.wait) {
        await sim.stop();
        return;
      }
      process.stdout.write(
        [
          '',
          `The simulated cluster keeps running. kubeconfig: ${kubeconfig}`,
          `Try:  kubectl --kubeconfig ${kubeconfig} get pods -A`,
          `      npx nakhoda diagnose --kubeconfig ${kubeconfig}`,
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sim.stop();
      process.stderr.write('simulator stopped\n');
    });
}

/**
 * Diagnoses until a finding of every injected fault's category shows and the report stops
 * changing (kubelets need a few back-off cycles, nodes a grace period).
 */
async function settledReport(kubeconfig: string, url: string, expected: Set<string>): Promise<DiagnosisReport> {
  const started = Date.now();
  let previous = '';
  let stable = 0;
  let report: DiagnosisReport;
  for (;;) {
    const input = await readCluster({ kubeconfig });
    report = diagnose(input.state, SCENARIOS, { source: { type: 'sim', name: url }, notes: input.notes });
    const fingerprint = report.findings.map((f) => `${f.scenario}|${f.rootCause.kind}/${f.rootCause.name}`).join('\n');
    const allShown = [...expected].every((c) => report.findings.some((f) => f.category === c));
    stable = allShown && fingerprint === previous ? stable + 1 : 0;
    previous = fingerprint;
    if (stable >= STABLE_POLLS || Date.now() - started > MAX_WAIT_MS) return report;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
