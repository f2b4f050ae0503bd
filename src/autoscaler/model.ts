import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';

/**
 * Performance model of one serving replica (one vLLM-class server process and its GPUs).
 * Defaults describe Llama-3.1-8B (BF16) served by vLLM on one NVIDIA A100-80GB; the sources
 * and the arithmetic behind every number are in docs/autoscaler.md.
 */
export interface ReplicaModel {
  name: string;
  gpusPerReplica: number;
  /** Prompt tokens processed per second in a prefill iteration (compute-bound). */
  prefillTokensPerSecond: number;
  /** Fixed cost of one prefill iteration (scheduling, kernel launches), seconds. */
  prefillOverheadSeconds: number;
  /** Time of one decode iteration with a single sequence, seconds (memory-bound). */
  decodeBaseSeconds: number;
  /** Extra decode-iteration time per additional sequence in the batch, seconds. */
  decodePerSequenceSeconds: number;
  /** vLLM --max-num-seqs: sequences decoded together at most. */
  maxConcurrentSequences: number;
  /** vLLM --max-num-batched-tokens: prompt tokens in one prefill iteration at most. */
  maxBatchedTokens: number;
  /** KV-cache capacity in tokens (prompt + generated, summed over running sequences). */
  kvCacheTokens: number;
  coldStart: {
    /** Pulling the serving image onto a node that does not have it, seconds. */
    imagePullSeconds: number;
    /** Loading weights, allocating the KV cache and capturing CUDA graphs, seconds. */
    weightLoadSeconds: number;
    /** True when nodes already hold the image (pre-pulled), so only weight load counts. */
    warmImage: boolean;
  };
}

export const DEFAULT_REPLICA_MODEL: ReplicaModel = {
  name: 'llama-3.1-8b-bf16-vllm-a100-80gb',
  gpusPerReplica: 1,
  prefillTokensPerSecond: 10_000,
  prefillOverheadSeconds: 0.01,
  decodeBaseSeconds: 0.013,
  decodePerSequenceSeconds: 0.0004,
  maxConcurrentSequences: 256,
  maxBatchedTokens: 8192,
  kvCacheTokens: 400_000,
  coldStart: { imagePullSeconds: 90, weightLoadSeconds: 60, warmImage: false },
};

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const positiveInt = z.number().int().positive();

const modelOverrideSchema = z
  .object({
    name: z.string().min(1),
    gpusPerReplica: positiveInt,
    prefillTokensPerSecond: positive,
    prefillOverheadSeconds: nonNegative,
    decodeBaseSeconds: positive,
    decodePerSequenceSeconds: nonNegative,
    maxConcurrentSequences: positiveInt,
    maxBatchedTokens: positiveInt,
    kvCacheTokens: positiveInt,
    coldStart: z
      .object({ imagePullSeconds: nonNegative, weightLoadSeconds: nonNegative, warmImage: z.boolean() })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** Seconds from creating a replica until it serves its first request. */
export function coldStartSeconds(model: ReplicaModel): number {
  const { imagePullSeconds, weightLoadSeconds, warmImage } = model.coldStart;
  return (warmImage ? 0 : imagePullSeconds) + weightLoadSeconds;
}

/** Duration of one decode iteration over `batch` sequences. */
export function decodeStepSeconds(model: ReplicaModel, batch: number): number {
  return model.decodeBaseSeconds + model.decodePerSequenceSeconds * Math.max(0, batch - 1);
}

/** Duration of one prefill iteration over `tokens` prompt tokens. */
export function prefillSeconds(model: ReplicaModel, tokens: number): number {
  return model.prefillOverheadSeconds + tokens / model.prefillTokensPerSecond;
}

/**
 * Replica-seconds one request costs when the replica is kept busy, used to turn arrival rates
 * into a replica count. Decode steps are shared by the batch, so a generated token costs a
 * step divided by the batch it rides in; `decodeBatch` is that batch size.
 */
export function requestWorkSeconds(
  model: ReplicaModel,
  promptTokens: number,
  outputTokens: number,
  decodeBatch: number,
): number {
  const batch = Math.max(1, Math.min(decodeBatch, model.maxConcurrentSequences));
  const perToken = decodeStepSeconds(model, batch) / batch;
  return prefillSeconds(model, promptTokens) + Math.max(0, outputTokens - 1) * perToken;
}

/** Applies a YAML override document (any subset of the fields) to the defaults. */
export function loadReplicaModel(file: string): ReplicaModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read model file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseReplicaModel(text, file);
}

export function parseReplicaModel(text: string, file: string): ReplicaModel {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new InputError(`${file}:${line}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = modelOverrideSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    // An unknown key is reported on the key itself, not on its parent object.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const fieldPath = keys.length > 0 ? [...path, keys[0]!] : path;
    const line = lineOf(doc, lineCounter, fieldPath);
    const field = fieldPath.length > 0 ? fieldPath.join('.') : '(document)';
    const message = keys.length > 0 ? 'unknown field' : issue.message;
    throw new InputError(`${file}:${line}: field ${field}: ${message}`);
  }
  const override = parsed.data;
  return {
    ...DEFAULT_REPLICA_MODEL,
    ...override,
    coldStart: { ...DEFAULT_REPLICA_MODEL.coldStart, ...override.coldStart },
  };
}

/** Line of the deepest node along `path` that exists in the document. */
function lineOf(doc: Document, lineCounter: LineCounter, path: string[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}
