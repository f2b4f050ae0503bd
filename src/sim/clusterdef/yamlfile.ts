import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../../errors.js';

/**
 * Reads a YAML file and validates it with a zod schema; any problem becomes one InputError line
 * naming the file, the line and the field ("faults.yaml:12: faults[2].type: ...").
 */
export async function loadYamlFile<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  return (await loadYamlFileWithLines(path, schema)).value;
}

export interface ParsedYaml<T> {
  value: T;
  /** The line of the node at `path` (or of its nearest existing parent). */
  lineOf(path: Array<string | number>): number;
}

export async function loadYamlFileWithLines<T>(path: string, schema: z.ZodType<T>): Promise<ParsedYaml<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseYamlDocument(text, path, schema);
}

export function parseYamlText<T>(text: string, path: string, schema: z.ZodType<T>): T {
  return parseYamlDocument(text, path, schema).value;
}

export function parseYamlDocument<T>(text: string, path: string, schema: z.ZodType<T>): ParsedYaml<T> {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  if (!Array.isArray(docs)) throw new InputError(`${path}:1: not a YAML document`);
  const doc = docs.find((d) => d.contents !== null);
  if (!doc) throw new InputError(`${path}:1: file is empty`);
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    throw new InputError(`${path}:${line}:${col}: ${syntax.message.split('\n')[0]}`);
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return { value: result.data, lineOf: (p) => lineOf(doc, p, lineCounter) };
  const issue = result.error.issues[0];
  const path_ = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const line = lineOf(doc, path_, lineCounter);
  throw new InputError(`${path}:${line}: ${formatPath(path_) || '(top level)'}: ${issue.message}`);
}

/** The line of the deepest node along `path` that exists (a missing field points at its parent). */
function lineOf(doc: Document, path: Array<string | number>, lineCounter: LineCounter): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}

export function formatPath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
