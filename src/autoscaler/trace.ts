import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

/** One inference request of a trace; `arrival` is seconds since the trace's first request. */
export interface TraceRequest {
  arrival: number;
  promptTokens: number;
  outputTokens: number;
}

export interface Trace {
  name: string;
  requests: TraceRequest[];
}

const COLUMNS = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'] as const;
// Azure LLM inference traces: "2023-11-16 18:17:03.9799600" (2023) or with "+00:00" (2024).
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Reads an Azure LLM inference trace (`TIMESTAMP,ContextTokens,GeneratedTokens`). */
export function loadTrace(file: string): Trace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read trace (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseTrace(text, file);
}

export function parseTrace(text: string, file: string): Trace {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    throw new InputError(`${file}:${line}: invalid CSV: ${(err as Error).message.split('\n')[0]}`);
  }
  if (rows.length === 0) throw new InputError(`${file}:1: empty trace, expected header ${COLUMNS.join(',')}`);
  const header = rows[0]!.record;
  const index = COLUMNS.map((column) => header.indexOf(column));
  const missing = COLUMNS.filter((_, i) => index[i]! < 0);
  if (missing.length > 0) {
    throw new InputError(`${file}:1: field ${missing[0]}: missing column (header must include ${COLUMNS.join(',')})`);
  }
  const [timeColumn, promptColumn, outputColumn] = index as [number, number, number];
  const absolute: Array<{ time: number; promptTokens: number; outputTokens: number }> = [];
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    absolute.push({
      time: parseTimestamp(record[timeColumn], file, line),
      promptTokens: parseCount(record[promptColumn], file, line, COLUMNS[1]),
      outputTokens: parseCount(record[outputColumn], file, line, COLUMNS[2]),
    });
  }
  if (absolute.length === 0) throw new InputError(`${file}:2: trace has a header but no requests`);
  absolute.sort((a, b) => a.time - b.time);
  const start = absolute[0]!.time;
  return {
    name: basename(file),
    requests: absolute.map((r) => ({ arrival: r.time - start, promptTokens: r.promptTokens, outputTokens: r.outputTokens })),
  };
}

/** Seconds since the epoch; the fraction keeps every digit the trace gives (100 ns). */
function parseTimestamp(value: string | undefined, file: string, line: number): number {
  const match = TIMESTAMP.exec(value ?? '');
  if (!match) throw new InputError(`${file}:${line}: field TIMESTAMP: expected "YYYY-MM-DD HH:MM:SS[.fraction]", got "${value ?? ''}"`);
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  let seconds = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) / 1000 + (fraction ? Number(fraction) : 0);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    seconds -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return seconds;
}

function parseCount(value: string | undefined, file: string, line: number, field: string): number {
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new InputError(`${file}:${line}: field ${field}: expected a non-negative integer, got "${value ?? ''}"`);
  }
  return Number(value);
}
