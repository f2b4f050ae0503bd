import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLICA_MODEL, coldStartSeconds, parseReplicaModel, parseTrace } from '../../src/autoscaler/index.js';
import { InputError } from '../../src/errors.js';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('replica model YAML', () => {
  it('overrides only the fields given and keeps the documented defaults for the rest', () => {
    const model = parseReplicaModel('prefillTokensPerSecond: 20000\ncoldStart:\n  warmImage: true\n', 'm.yaml');
    expect(model.prefillTokensPerSecond).toBe(20000);
    expect(model.decodeBaseSeconds).toBe(DEFAULT_REPLICA_MODEL.decodeBaseSeconds);
    expect(model.coldStart.weightLoadSeconds).toBe(DEFAULT_REPLICA_MODEL.coldStart.weightLoadSeconds);
    // A warm image skips the pull: only the weight load remains.
    expect(coldStartSeconds(model)).toBe(DEFAULT_REPLICA_MODEL.coldStart.weightLoadSeconds);
  });

  it('names file, line and field of a bad value', () => {
    const err = errorOf(() => parseReplicaModel('gpusPerReplica: 1\ncoldStart:\n  imagePullSeconds: -5\n', 'model.yaml'));
    expect(err.message).toMatch(/^model\.yaml:3: field coldStart\.imagePullSeconds: /);
    expect(err.message).not.toContain('\n');
  });

  it('names an unknown field on its own line', () => {
    const err = errorOf(() => parseReplicaModel('gpusPerReplica: 2\nprefilTokensPerSecond: 9000\n', 'model.yaml'));
    expect(err.message).toBe('model.yaml:2: field prefilTokensPerSecond: unknown field');
  });

  it('reports broken YAML with its line', () => {
    const err = errorOf(() => parseReplicaModel('gpusPerReplica: 1\ncoldStart: [1, 2\n', 'model.yaml'));
    expect(err.message).toMatch(/^model\.yaml:\d+: invalid YAML/);
  });
});

describe('Azure LLM trace reader', () => {
  const header = 'TIMESTAMP,ContextTokens,GeneratedTokens\n';

  it('keeps sub-millisecond arrival times relative to the first request', () => {
    const trace = parseTrace(`${header}2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,3180,8\n`, 't.csv');
    expect(trace.requests).toHaveLength(2);
    expect(trace.requests[0]).toEqual({ arrival: 0, promptTokens: 4808, outputTokens: 10 });
    expect(trace.requests[1]!.arrival).toBeCloseTo(0.052, 6);
  });

  it('reads the 2024 format with a UTC offset', () => {
    const trace = parseTrace(`${header}2024-05-10 00:00:00.009930+00:00,100,5\n2024-05-10 00:00:01.009930+00:00,10,1\n`, 't.csv');
    expect(trace.requests[1]!.arrival).toBeCloseTo(1, 6);
  });

  it('names line and field of a bad row', () => {
    const err = errorOf(() => parseTrace(`${header}2023-11-16 18:17:03.9,10,5\n2023-11-16 18:17:04.1,10,five\n`, 't.csv'));
    expect(err.message).toBe('t.csv:3: field GeneratedTokens: expected a non-negative integer, got "five"');
    const time = errorOf(() => parseTrace(`${header}yesterday,10,5\n`, 't.csv'));
    expect(time.message).toMatch(/^t\.csv:2: field TIMESTAMP: /);
  });

  it('rejects a file without the expected columns', () => {
    const err = errorOf(() => parseTrace('time,prompt,output\n1,2,3\n', 't.csv'));
    expect(err.message).toMatch(/^t\.csv:1: field TIMESTAMP: missing column/);
  });
});
