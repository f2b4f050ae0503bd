/**
 * Offline input (DESIGN §3): List JSON/YAML, single objects, multi-document YAML, directories
 * (including `kubectl cluster-info dump` folders) and stdin, auto-detected and merged.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LineCounter, parseAllDocuments } from 'yaml';
import { kindInfo } from '../cluster/kinds.js';
import type { KubeObject } from '../cluster/types.js';
import { InputError } from '../errors.js';
import { normalizeObject } from './normalize.js';

/** V8 cannot hold a string much over 512 MiB; refuse before trying rather than crash. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
const MANIFEST = /\.(json|ya?ml)$/i;

export interface LoadedObjects {
  objects: KubeObject[];
  notes: string[];
  /** Every kind seen in the input, including kinds of empty typed lists (PodList with no items). */
  kinds: Set<string>;
}

interface Located {
  value: unknown;
  /** Where the value starts, for error messages: "line 12". */
  where: string;
}

export async function loadFiles(paths: string[], readStdin: () => Promise<string> = readAllStdin): Promise<LoadedObjects> {
  const result: LoadedObjects = { objects: [], notes: [], kinds: new Set() };
  const skipped = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const path of paths) {
    for (const { name, text } of await readInputs(path, readStdin)) {
      for (const doc of parseDocuments(name, text)) {
        for (const obj of toObjects(name, doc, result.kinds)) {
          if (!kindInfo(obj.kind)) {
            skipped.set(obj.kind, (skipped.get(obj.kind) ?? 0) + 1);
            continue;
          }
          result.kinds.add(obj.kind);
          // The same object from two files (e.g. overlapping dumps) is kept once: the later copy wins.
          const key = `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
          const index = seen.get(key);
          const normalized = normalizeObject(obj);
          if (index === undefined) {
            seen.set(key, result.objects.length);
            result.objects.push(normalized);
          } else {
            result.objects[index] = normalized;
          }
        }
      }
    }
  }
  if (skipped.size > 0) {
    const kinds = [...skipped.entries()].map(([kind, n]) => `${kind} (${n})`).join(', ');
    result.notes.push(`skipped objects of kinds Nakhoda does not read: ${kinds}`);
  }
  return result;
}

async function readInputs(path: string, readStdin: () => Promise<string>): Promise<Array<{ name: string; text: string }>> {
  if (path === '-') return [{ name: '<stdin>', text: await readStdin() }];
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError(`${path}: no such file or directory`);
  }
  if (info.isDirectory()) {
    const files = await manifestFiles(path);
    if (files.length === 0) throw new InputError(`${path}: directory has no *.json, *.yaml or *.yml files`);
    const inputs = [];
    for (const file of files) inputs.push({ name: file, text: await readText(file) });
    return inputs;
  }
  return [{ name: path, text: await readText(path) }];
}

async function manifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && MANIFEST.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
}

async function readText(file: string): Promise<string> {
  const { size } = await stat(file);
  if (size > MAX_FILE_BYTES) {
    throw new InputError(
      `${file}: file is ${(size / 2 ** 30).toFixed(1)} GiB; inputs over 512 MiB are refused — split it (for example one file per namespace) or diagnose the cluster live with --kubeconfig`,
    );
  }
  const buffer = await readFile(file);
  if (buffer.subarray(0, 8192).includes(0)) throw new InputError(`${file}: binary data, not JSON or YAML`);
  return buffer.toString('utf8');
}

async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new InputError('--file -: standard input is a terminal; pipe a snapshot in, e.g. kubectl get pods -A -o json | nakhoda diagnose --file -');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_FILE_BYTES) throw new InputError('<stdin>: input over 512 MiB is refused — split it or diagnose the cluster live with --kubeconfig');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function lineCol(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function parseDocuments(name: string, text: string): Located[] {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) throw new InputError(`${name}: empty file; expected Kubernetes objects (a List, an object or multi-document YAML)`);
  if (trimmed[0] === '{' || trimmed[0] === '[') return [{ value: parseJson(name, text), where: 'line 1' }];
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  const located: Located[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position';
      throw new InputError(`${name}: ${where}: invalid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const start = doc.contents?.range?.[0] ?? 0;
    located.push({ value, where: `line ${lineCounter.linePos(start).line}` });
  }
  return located;
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { allowTrailingComma: false, disallowComments: true });
    const first = errors[0];
    if (first) throw new InputError(`${name}: ${lineCol(text, first.offset)}: invalid JSON (${printParseErrorCode(first.error)})`);
    throw new InputError(`${name}: invalid JSON: ${(err as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects in one parsed document: the document itself, or the items of a (typed) List. */
function toObjects(name: string, doc: Located, kinds: Set<string>): KubeObject[] {
  const { value, where } = doc;
  if (Array.isArray(value)) return value.map((item, i) => checkObject(name, `${where}: [${i}]`, item));
  if (!isRecord(value)) throw new InputError(`${name}: ${where}: not a Kubernetes object (expected a mapping with kind and metadata)`);
  const kind = value.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
    // API list responses (PodList) omit kind on items; `kubectl get -o json` (List) sets it.
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    if (itemKind) kinds.add(itemKind);
    const itemApiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : undefined;
    return value.items.map((item, i) => {
      const withKind = isRecord(item) && itemKind && item.kind === undefined ? { apiVersion: itemApiVersion, kind: itemKind, ...item } : item;
      return checkObject(name, `${where}: items[${i}]`, withKind);
    });
  }
  return [checkObject(name, where, value)];
}

function checkObject(name: string, where: string, value: unknown): KubeObject {
  if (!isRecord(value)) throw new InputError(`${name}: ${where}: not a Kubernetes object (expected a mapping with kind and metadata)`);
  if (typeof value.kind !== 'string' || value.kind === '') {
    throw new InputError(`${name}: ${where}: not a Kubernetes object: field "kind" is missing`);
  }
  if (!isRecord(value.metadata)) throw new InputError(`${name}: ${where}: ${value.kind} has no "metadata"`);
  if (typeof value.metadata.name !== 'string' || value.metadata.name === '') {
    throw new InputError(`${name}: ${where}: ${value.kind} has no "metadata.name"`);
  }
  return value as unknown as KubeObject;
}
