import { Command, CommanderError } from 'commander';
import { NakhodaError } from '../errors.js';
type Register = (program: Command) => void;

/**
 * Every command, by name, with the module that registers it (one file per command). Modules
 * are loaded on demand: `nakhoda diagnose` should not pay for loading the simulator.
 */
const commands: Record<string, () => Promise<Register>> = {
  autoscale: async () => (await import('./autoscale.js')).registerAutoscale,
  demo: async () => (await import('./demo.js')).registerDemo,
  diagnose: async () => (await import('./diagnose.js')).registerDiagnose,
  scenarios: async () => (await import('./scenarios.js')).registerScenarios,
  schedule: async () => (await import('./schedule.js')).registerSchedule,
  sim: async () => (await import('./sim.js')).registerSim,
};

/** The command named on the command line, or all of them (for help and unknown commands). */
function commandsFor(argv: string[]): Array<() => Promise<Register>> {
  const name = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const one = name !== undefined ? commands[name] : undefined;
  return one ? [one] : Object.values(commands);
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('nakhoda')
    .description('AI-native control plane for Kubernetes AI clusters')
    .option('--debug', 'show stack traces for unexpected errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // kubectl runs plugins as kubectl-nakhoda; show that name in help.
  if (argv[1]?.endsWith('kubectl-nakhoda')) program.name('kubectl nakhoda');
  try {
    for (const load of commandsFor(argv)) (await load())(program);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, argv.includes('--debug'));
  }
}

function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // commander already printed its message; help and version are not failures.
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof NakhodaError) {
    process.stderr.write(`error: ${err.message}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message.split('\n')[0]} (unexpected; run with --debug for details)\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}
