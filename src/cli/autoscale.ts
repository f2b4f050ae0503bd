import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_REPLICA_MODEL,
  DEFAULT_WARMUP_SECONDS,
  POLICY_NAMES,
  isPolicyName,
  loadReplicaModel,
  loadTrace,
  renderReplaySvg,
  renderReplayTable,
  replay,
  startController,
  type PolicyName,
} from '../autoscaler/index.js';
import { InputError } from '../errors.js';
import { loadKubeConfig } from '../sources/index.js';
import { oneOf } from './options.js';

const OUTPUTS = ['table', 'json'] as const;

interface ReplayFlags {
  trace: string;
  policy: PolicyName[];
  sloTtft: number;
  model?: string;
  output: (typeof OUTPUTS)[number];
  plot?: string;
  minReplicas: number;
  maxReplicas: number;
  warmup: number;
}

export function registerAutoscale(program: Command): void {
  const autoscale = program.command('autoscale').description('AI workload-aware autoscaling for model serving');
  autoscale
    .command('replay')
    .description('replay an inference trace (TIMESTAMP,ContextTokens,GeneratedTokens) against scaling policies')
    .requiredOption('--trace <file.csv>', 'Azure LLM inference trace format')
    .addOption(new Option('--policy <list>', `comma-separated: ${POLICY_NAMES.join(',')}`).default([...POLICY_NAMES]).argParser(policyList))
    .addOption(new Option('--slo-ttft <duration>', 'time-to-first-token SLO, e.g. 2s or 500ms').default(2).argParser(duration('--slo-ttft')))
    .option('--model <file.yaml>', 'replica performance model overrides (YAML)')
    .addOption(new Option('--min-replicas <n>', 'lower bound for every policy').default(1).argParser(positiveInt('--min-replicas')))
    .addOption(new Option('--max-replicas <n>', 'upper bound for every policy').default(64).argParser(positiveInt('--max-replicas')))
    .addOption(new Option('-o, --output <format>', 'table or json').default('table').argParser(oneOf('-o', OUTPUTS)))
    .option('--plot <file.svg>', 'write load, replicas and TTFT over time per policy')
    .addOption(
      new Option('--warmup <duration>', "history from the trace's end each policy sees before scoring starts (0 = start blind)")
        .default(DEFAULT_WARMUP_SECONDS)
        .argParser(duration('--warmup', true)),
    )
    .action((flags: ReplayFlags) => {
      if (flags.minReplicas > flags.maxReplicas) throw new InputError('--min-replicas must not exceed --max-replicas');
      const model = flags.model ? loadReplicaModel(flags.model) : DEFAULT_REPLICA_MODEL;
      const trace = loadTrace(flags.trace);
      const run = replay(trace, {
        policies: flags.policy,
        model,
        sloTtftSeconds: flags.sloTtft,
        bounds: { minReplicas: flags.minReplicas, maxReplicas: flags.maxReplicas },
        warmupSeconds: flags.warmup,
      });
      if (flags.plot) writeFileSync(flags.plot, renderReplaySvg(run));
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(run.report, null, 2)}\n`);
      else process.stdout.write(renderReplayTable(run.report));
    });
  autoscale
    .command('run')
    .description('run the live controller: reconcile InferenceAutoscaler resources (autoscaling.nakhoda.io/v1alpha1)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .action(async (flags: { kubeconfig?: string; context?: string }) => {
      const kubeConfig = await loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
      const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
      const controller = await startController({ kubeConfig, log });
      log('nakhoda autoscaler running; Ctrl-C to stop');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await controller.stop();
    });
}

function policyList(value: string): PolicyName[] {
  const names = value.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  const unknown = names.find((n) => !isPolicyName(n));
  if (unknown !== undefined || names.length === 0) {
    throw new InvalidArgumentError(`--policy: unknown policy "${unknown ?? ''}" (known: ${POLICY_NAMES.join(', ')})`);
  }
  return [...new Set(names)] as PolicyName[];
}

/** "2s", "500ms", "1m" or a bare number of seconds. */
export function duration(flag: string, allowZero = false) {
  return (value: string): number => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
    const seconds = match ? Number(match[1]) * ({ ms: 0.001, s: 1, m: 60 } as const)[(match[2] ?? 's') as 'ms' | 's' | 'm'] : NaN;
    if (!(seconds > 0 || (allowZero && seconds === 0))) {
      throw new InvalidArgumentError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} duration like 2s or 500ms (got "${value}")`);
    }
    return seconds;
  };
}

function positiveInt(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`${flag} must be a positive integer (got "${value}")`);
    return Number(value);
  };
}
