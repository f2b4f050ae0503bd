/**
 * bench/diagnose: `nakhoda diagnose --file F -o json` against a bare JSON.parse of the same file,
 * measured in the same run (alternating, median of 3), as wall-time and peak-memory ratios.
 * Usage: npm run bench:diagnose [-- --nodes 5000 --pods 150000]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCluster } from './generate.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '150000' }, rounds: { type: 'string', default: '3' }, results: { type: 'string', default: 'bench/RESULTS.md' } } });
const nodes = Number(values.nodes);
const pods = Number(values.pods);
const outDir = 'bench/out';
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `cluster-${nodes}n-${pods}p.json`);

interface Measure { seconds: number; maxRssBytes: number; stdoutBytes: number }

/** Runs a node script in a fresh process; it reports its own peak RSS on exit. */
function measure(script: string, args: string[], okCodes: number[]): Measure {
  const wrapper = `process.on('exit', () => process.stderr.write('\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n${script}`;
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--max-old-space-size=16384', '--input-type=module', '-e', wrapper, '--', ...args], { encoding: 'utf8', maxBuffer: 1024 ** 3 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rss = /MAXRSS (\d+)/.exec(result.stderr);
  if (!okCodes.includes(result.status ?? -1)) throw new Error(`benchmark process failed (${result.status}): ${result.stderr.slice(0, 500)}`);
  return { seconds, maxRssBytes: rss ? Number(rss[1]) * 1024 : NaN, stdoutBytes: result.stdout.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  console.log(`generating ${nodes} nodes / ${pods} pods → ${file}`);
  const generated = await generateCluster(file, { nodes, pods, replicas: 20, faultyShare: 0.01, seed: 42 });
  const size = statSync(file).size;
  console.log(`${generated.objects} objects, ${(size / 2 ** 20).toFixed(0)} MiB`);
  const parseScript = `import { readFileSync } from 'node:fs'; const list = JSON.parse(readFileSync(process.argv[1], 'utf8')); if (!list.items.length) process.exit(2);`;
  const diagnoseScript = `import { main } from '${new URL('../../dist/cli/main.js', import.meta.url).href}'; process.exitCode = await main(['node', 'nakhoda', 'diagnose', '--file', process.argv[1], '-o', 'json']);`;
  const parse: Measure[] = [];
  const diag: Measure[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    parse.push(measure(parseScript, [file], [0]));
    // diagnose exits 0, or 1 when findings reach --fail-on (not set here, so 0).
    diag.push(measure(diagnoseScript, [file], [0]));
    console.log(`round ${round + 1}: parse ${parse.at(-1)!.seconds.toFixed(2)} s, diagnose ${diag.at(-1)!.seconds.toFixed(2)} s, diagnose peak RSS ${(diag.at(-1)!.maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
  }
  const report = JSON.parse(spawnSync(process.execPath, ['bin/nakhoda.js', 'diagnose', '--file', file, '-o', 'json'], { encoding: 'utf8', maxBuffer: 1024 ** 3 }).stdout);
  const parseS = median(parse.map((m) => m.seconds));
  const diagS = median(diag.map((m) => m.seconds));
  const diagRss = median(diag.map((m) => m.maxRssBytes));
  const parseRss = median(parse.map((m) => m.maxRssBytes));
  const lines = [
    '## diagnose',
    '',
    `Command: \`npm run bench:diagnose\` (nodes ${nodes}, pods ${pods}; median of ${values.rounds} alternating rounds, each a fresh process).`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; load average ${loadavg()[0].toFixed(1)} at the end of the run (a shared machine: absolute times are inflated, the ratios are what is compared).`,
    '',
    '| measure | value |',
    '|---|---|',
    `| input file | ${(size / 2 ** 20).toFixed(0)} MiB, ${generated.objects} objects |`,
    `| (a) bare \`JSON.parse\` of the file (read + parse) | ${parseS.toFixed(2)} s, peak RSS ${(parseRss / 2 ** 20).toFixed(0)} MiB |`,
    `| (b) \`nakhoda diagnose --file F -o json\` | ${diagS.toFixed(2)} s, peak RSS ${(diagRss / 2 ** 20).toFixed(0)} MiB |`,
    `| **wall-time ratio (b)/(a)** (target ≤ 2) | **${(diagS / parseS).toFixed(2)}** |`,
    `| **peak memory / file size** (target ≤ 4) | **${(diagRss / size).toFixed(2)}** |`,
    `| findings | ${report.findings.length} (${report.summary.critical} critical, ${report.summary.warning} warning, ${report.summary.info} info) |`,
    '',
  ];
  console.log(lines.join('\n'));
  writeSection(values.results!, 'diagnose', lines.join('\n'));
}

/** Replaces this benchmark's `## name` section in RESULTS.md, leaving the others' sections alone. */
function writeSection(path: string, name: string, section: string) {
  let text = '# Benchmark results\n';
  try { text = readFileSync(path, 'utf8'); } catch { /* first benchmark to write the file */ }
  const pattern = new RegExp(`## ${name}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = pattern.test(text) ? text.replace(pattern, section.trimEnd() + '\n') : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
}

await main();
