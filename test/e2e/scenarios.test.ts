/**
 * End to end, scenario by scenario: every case in test/e2e/scenarios/*.yaml (a broken namespace
 * and/or simulator faults) runs in ONE simulated cluster (time sped up), `diagnose` reads it
 * through a kubeconfig — the code path of a real cluster — and each case must be reported with
 * its scenario id and the right root cause.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ObjectRef } from '../../src/cluster/types.js';
import { diagnose, SCENARIOS, type Finding } from '../../src/doer/index.js';
import { RealClock, startSimulator, type Simulator } from '../../src/sim/index.js';
import { readCluster } from '../../src/sources/index.js';
import { buildRun, loadCorpus, type ScenarioCase } from './scenarios/corpus.js';

const CASES = loadCorpus(join(import.meta.dirname, 'scenarios'));
/** Simulated seconds per real second. */
const SPEED = 10;
const POLL_MS = 4_000;
const RUN_MS = 150_000;

const same = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
const found = (c: ScenarioCase, findings: Finding[], scenarios: string[]) =>
  findings.some((f) => scenarios.includes(f.scenario) && c.rootCause.some((r) => same(r, f.rootCause)));
/** Findings that touch the case's namespace or root causes, to explain a failure. */
const related = (c: ScenarioCase, findings: Finding[]) =>
  findings.filter((f) => f.resource.namespace === c.namespace || f.rootCause.namespace === c.namespace || c.rootCause.some((r) => same(r, f.rootCause)))
    .map((f) => `${f.scenario} → ${f.rootCause.kind}/${f.rootCause.namespace ? `${f.rootCause.namespace}/` : ''}${f.rootCause.name}: ${f.title}`);

let sim: Simulator | undefined;
let last: Finding[] = [];
/** Case namespace → whether its own scenario id was reported (not only one that absorbs it). */
const passed = new Map<string, boolean>();
/** The issue's bar: at least this many distinct scenario ids proven end to end. */
const TARGET_DISTINCT = 100;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nakhoda-e2e-scenarios-'));
  const run = buildRun(CASES);
  writeFileSync(join(dir, 'cluster.yaml'), stringify(run.cluster));
  writeFileSync(join(dir, 'faults.yaml'), stringify(run.faults));
  const started = Date.now();
  sim = await startSimulator({ port: 0, cluster: join(dir, 'cluster.yaml'), faults: [join(dir, 'faults.yaml')], clock: new RealClock(SPEED) });
  const kubeconfig = join(dir, 'kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  const settled = () => CASES.every((c) => passed.get(c.namespace) === true || (passed.has(c.namespace) && c.absorbedBy.length > 0));
  while (!settled() && Date.now() - started < RUN_MS) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const input = await readCluster({ kubeconfig });
    last = diagnose(input.state, SCENARIOS, { source: { type: 'sim', name: sim.url } }).findings;
    for (const c of CASES) {
      if (found(c, last, [c.scenario])) passed.set(c.namespace, true);
      else if (!passed.has(c.namespace) && found(c, last, c.absorbedBy)) passed.set(c.namespace, false);
    }
  }
}, RUN_MS + 60_000);

afterAll(async () => {
  await sim?.stop();
});

describe('diagnosis scenarios end to end through the simulator', () => {
  it.each(CASES.map((c) => [`${c.scenario} (${c.namespace})`, c] as const))('%s', (_label, c) => {
    expect(passed.has(c.namespace), `no ${[c.scenario, ...c.absorbedBy].join(' or ')} finding with root cause ${c.rootCause.map((r) => `${r.kind}/${r.name}`).join(' or ')}; related findings:\n${related(c, last).join('\n')}`).toBe(true);
  });

  it(`proves at least ${TARGET_DISTINCT} distinct scenario ids by their own finding`, () => {
    const proven = new Set(CASES.filter((c) => passed.get(c.namespace) === true).map((c) => c.scenario));
    console.info(`${proven.size} scenario ids proven end to end: ${[...proven].sort().join(' ')}`);
    expect(proven.size).toBeGreaterThanOrEqual(TARGET_DISTINCT);
  });
});
