import { Command, CommanderError } from 'commander';
import { NakhodaError } from '../errors.js';
import { registerAutoscale } from './autoscale.js';
import { registerDemo } from './demo.js';
import { registerDiagnose } from './diagnose.js';
import { registerScenarios } from './scenarios.js';
import { registerSchedule } from './schedule.js';
import { registerSim } from './sim.js';

/** Every command registers itself here; each lives in its own file under src/cli. */
const commands: Array<(program: Command) => void> = [registerAutoscale, registerDemo, registerDiagnose, registerScenarios, registerSchedule, registerSim];

export async function main(argv: string[]): Promise<number> {
  const program = new Command('nakhoda')
    .description('AI-native control plane for Kubernetes AI clusters')
    .option('--debug', 'show stack traces for unexpected errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // kubectl runs plugins as kubectl-nakhoda; show that name in help.
  if (argv[1]?.endsWith('kubectl-nakhoda')) program.name('kubectl nakhoda');
  for (const register of commands) register(program);
  try {
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
  process.stderr.write(`error: ${message.split('\n')[0]}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(unexpected error; run with --debug for details)\n');
  return 1;
}
