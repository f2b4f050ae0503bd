import { readFileSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';
import { MILLI_PER_GPU, type NodeSpec, type PodRequest } from './resources.js';

/** A trace pod: its request plus the name the experiment sorts by. */
export interface TracePod extends PodRequest {
  readonly name: string;
}

/** A lingjun host and its switches, tightest first: ToR (ASW), aggregation (PSW), core (DSW). */
export interface TopologyHost {
  readonly host: string;
  readonly tor: string;
  readonly aggregation: string;
  readonly core: string;
}

interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<{ readonly line: number; readonly cells: readonly string[] }>;
}

/** Read a CSV with a header row; malformed CSV becomes one line naming file and line. */
function readCsv(file: string, required: readonly string[]): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { info: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) {
      const line = typeof err['lines'] === 'number' ? err['lines'] : '?';
      throw new InputError(`${file}, line ${line}: ${err.message.replace(/^Invalid Record Length: /, '')}`);
    }
    throw err;
  }
  const [head, ...body] = records;
  if (!head) throw new InputError(`${file}, line 1: empty file, expected a header row`);
  const header = head.record;
  for (const column of required) {
    if (!header.includes(column)) {
      throw new InputError(`${file}, line 1: missing column "${column}" (header has: ${header.join(',')})`);
    }
  }
  return { file, header, rows: body.map((r) => ({ line: r.info.lines, cells: r.record })) };
}

/** Typed access to one row's cells with errors that name file, line and column. */
class Row {
  constructor(
    private readonly table: CsvTable,
    private readonly line: number,
    private readonly cells: readonly string[],
  ) {}

  text(column: string): string {
    return this.cells[this.table.header.indexOf(column)] ?? '';
  }

  count(column: string, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.text(column);
    const value = Number(raw);
    if (raw === '' || !Number.isInteger(value) || value < 0 || value > max) {
      const limit = max === Number.MAX_SAFE_INTEGER ? '' : ` up to ${max}`;
      this.fail(column, `expected a whole number${limit}, got "${raw}"`);
    }
    return value;
  }

  fail(column: string, problem: string): never {
    const index = this.table.header.indexOf(column) + 1;
    throw new InputError(`${this.table.file}, line ${this.line}, column ${index} (${column}): ${problem}`);
  }
}

function rowsOf(table: CsvTable): Row[] {
  return table.rows.map((r) => new Row(table, r.line, r.cells));
}

/** openb node list: `sn,cpu_milli,memory_mib,gpu,model`. */
export function readOpenbNodes(file: string): NodeSpec[] {
  const table = readCsv(file, ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model']);
  return rowsOf(table).map((row) => {
    const gpuCount = row.count('gpu', 64);
    return {
      name: row.text('sn'),
      cpuMilli: row.count('cpu_milli'),
      memoryMiB: row.count('memory_mib'),
      gpuCount,
      gpuModel: gpuCount > 0 ? row.text('model') : '',
      labels: {},
    };
  });
}

/**
 * Kubernetes' scheduler counts a container with no cpu or memory request as asking for
 * 100m / 200Mi (GetNonzeroRequests); the openb experiment ran through it, so replay does too.
 */
const DEFAULT_CPU_MILLI = 100;
const DEFAULT_MEMORY_MIB = 200;

/** openb pod list: `name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,...`. */
export function readOpenbPods(file: string): TracePod[] {
  // gpu_spec is optional: some openb variants (multigpu*) have no model constraints at all
  const table = readCsv(file, ['name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli']);
  return rowsOf(table).map((row) => {
    const gpuCount = row.count('num_gpu', 64);
    const gpuMilli = gpuCount === 0 ? 0 : row.count('gpu_milli', MILLI_PER_GPU);
    if (gpuCount > 0 && gpuMilli === 0) row.fail('gpu_milli', `pod asks for ${gpuCount} GPU(s) with 0 milli-GPU each`);
    if (gpuCount > 1 && gpuMilli < MILLI_PER_GPU) {
      row.fail('gpu_milli', `a fractional share (${gpuMilli}) is only allowed with num_gpu 1, got ${gpuCount}`);
    }
    return {
      name: row.text('name'),
      cpuMilli: row.count('cpu_milli') || DEFAULT_CPU_MILLI,
      memoryMiB: row.count('memory_mib') || DEFAULT_MEMORY_MIB,
      gpuCount,
      gpuMilli,
      gpuModels: row.text('gpu_spec').split('|').filter((m) => m !== ''),
    };
  });
}

/** lingjun topology: `ip,DSW,PSW,ASW`. */
export function readLingjunTopology(file: string): TopologyHost[] {
  const table = readCsv(file, ['ip', 'DSW', 'PSW', 'ASW']);
  return rowsOf(table).map((row) => {
    for (const column of ['ip', 'DSW', 'PSW', 'ASW']) if (row.text(column) === '') row.fail(column, 'empty value');
    return { host: row.text('ip'), core: row.text('DSW'), aggregation: row.text('PSW'), tor: row.text('ASW') };
  });
}
