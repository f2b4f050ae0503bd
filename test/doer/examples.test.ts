/**
 * The shared real-incident examples (../shared/data/diagnosis-examples): the first finding that
 * touches the labelled symptom must have the labelled category and one of the accepted root
 * causes; healthy controls must get no critical or warning finding.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/state.js';
import type { ObjectRef } from '../../src/cluster/types.js';
import { diagnose, SCENARIOS } from '../../src/doer/index.js';
import { loadFiles } from '../../src/sources/files.js';

const ROOT = '../shared/data/diagnosis-examples';

interface Label { symptom: ObjectRef | null; category: string; rootCause: ObjectRef[] }

const same = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

const examples = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'label.json'))).sort() : [];

describe.skipIf(examples.length === 0)('shared diagnosis examples', () => {
  for (const example of examples) {
    it(example, async () => {
      const label = JSON.parse(readFileSync(join(ROOT, example, 'label.json'), 'utf8')) as Label;
      const loaded = await loadFiles([join(ROOT, example, 'snapshot.json')]);
      const report = diagnose(new ClusterState(loaded.objects, { kindsRead: loaded.kinds }), SCENARIOS, { source: { type: 'file', name: example } });
      if (label.symptom === null) {
        const loud = report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.scenario} → ${f.rootCause.kind}/${f.rootCause.name}`);
        expect(loud).toEqual([]);
        return;
      }
      const symptom = label.symptom;
      const first = report.findings.find((f) => [f.resource, f.rootCause, ...f.affected].some((r) => same(r, symptom)));
      expect(first, `no finding touches ${symptom.kind}/${symptom.name}`).toBeDefined();
      expect(first?.category).toBe(label.category);
      expect(label.rootCause.some((r) => first && same(r, first.rootCause)), `root cause ${first?.rootCause.kind}/${first?.rootCause.name}`).toBe(true);
    });
  }
});
