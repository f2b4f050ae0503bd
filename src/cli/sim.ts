import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { collect } from './options.js';
import { applyRemoteFaults, clearRemoteFaults, exportLive, exportStateFile, loadFaultFile, RealClock, startSimulator } from '../sim/index.js';
import { InputError } from '../errors.js';

/** Where `nakhoda sim` writes its kubeconfig unless told otherwise (and where `sim export` reads it). */
export const defaultSimKubeconfig = join(homedir(), '.nakhoda', 'sim-kubeconfig.yaml');

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be 0..65535 (got "${value}")`);
  return n;
}

function speed(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`--speed must be a positive number (got "${value}")`);
  return n;
}

export function registerSim(program: Command): void {
  const sim = program
    .command('sim')
    .description('run the cluster simulator: a Kubernetes API server with modelled controllers and kubelets')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', port, 0)
    .option('--cluster <file>', 'cluster definition YAML (default: a small 3-node cluster)')
    .option('--faults <file>', 'fault file to apply at start (repeatable)', collect(String))
    .option('--kubeconfig-out <path>', 'where to write a kubeconfig for the simulator', defaultSimKubeconfig)
    .option('--state <file>', 'restore from this file if it exists, save to it on exit')
    .option('--token <token>', 'bearer token clients must send (default: random)')
    .option('--speed <factor>', 'simulated time runs this many times faster than real time', speed, 1)
    .option('--no-default-scheduler', 'do not run the built-in default scheduler')
    .action(async (opts: SimFlags) => {
      const simulator = await startSimulator({
        port: opts.port,
        cluster: opts.cluster,
        faults: opts.faults,
        state: opts.state,
        token: opts.token,
        defaultScheduler: opts.defaultScheduler,
        clock: new RealClock(opts.speed),
      });
      await simulator.writeKubeconfig(opts.kubeconfigOut);
      process.stdout.write(
        `Simulator listening on ${simulator.url}${simulator.restored ? ` (restored from ${opts.state})` : ''}\n` +
          `kubeconfig: ${opts.kubeconfigOut}\n` +
          `try: kubectl --kubeconfig ${opts.kubeconfigOut} get nodes\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.stdout.write('stopping simulator\n');
          simulator.stop().then(resolve, (err: unknown) => {
            process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
            resolve();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

  sim
    .command('export')
    .description('write every object of a simulator as a v1 List JSON (readable by `diagnose --file`)')
    .option('--kubeconfig <path>', 'kubeconfig of a running simulator', defaultSimKubeconfig)
    .option('--state <file>', 'read a saved state file instead of a running simulator')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (opts: { kubeconfig: string; state?: string; output?: string }, cmd: Command) => {
      // `sim` has its own --state, which commander hands to the parent command.
      const state = opts.state ?? (cmd.parent?.opts() as { state?: string } | undefined)?.state;
      const list = state ? await exportStateFile(state) : await exportLive(opts.kubeconfig);
      const text = `${JSON.stringify(list, null, 2)}\n`;
      if (opts.output) await writeFile(opts.output, text);
      else process.stdout.write(text);
    });

  const fault = sim.command('fault').description('inject or remove faults in a running simulator');
  fault
    .command('apply')
    .description('apply the faults in a fault file (replacing faults of the same name)')
    .requiredOption('-f, --filename <file>', 'fault file (repeatable)', collect(String))
    .option('--kubeconfig <path>', 'kubeconfig of a running simulator', defaultSimKubeconfig)
    .action(async (opts: { filename: string[]; kubeconfig: string }) => {
      const faults = [];
      for (const file of opts.filename) faults.push(...(await loadFaultFile(file)));
      for (const outcome of await applyRemoteFaults(opts.kubeconfig, faults)) {
        process.stdout.write(`fault/${outcome.name} (${outcome.type}, ${outcome.category}): ${outcome.phase}${outcome.message ? `: ${outcome.message}` : ''}\n`);
        if (outcome.phase === 'Failed') process.exitCode = 2;
      }
    });
  fault
    .command('clear')
    .description('remove faults by name (or --all); the simulator reverts the objects they changed')
    .argument('[names...]', 'fault names')
    .option('--all', 'remove every fault')
    .option('--kubeconfig <path>', 'kubeconfig of a running simulator', defaultSimKubeconfig)
    .action(async (names: string[], opts: { all?: boolean; kubeconfig: string }) => {
      if (!opts.all && names.length === 0) throw new InputError('name the faults to clear, or pass --all');
      for (const name of await clearRemoteFaults(opts.kubeconfig, opts.all ? 'all' : names)) process.stdout.write(`fault/${name} cleared\n`);
    });
}

interface SimFlags {
  port: number;
  cluster?: string;
  faults?: string[];
  kubeconfigOut: string;
  state?: string;
  token?: string;
  speed: number;
  defaultScheduler: boolean;
}
