/**
 * A second corpus of real incidents (test/doer/incidents/*, each reconstructed from the public report
 * in its label's `source`), checked with the acceptance rule: the first finding that touches the
 * labelled symptom must have the labelled category and one of the accepted root causes; healthy
 * and noisy-but-harmless clusters must get no critical or warning finding.
 * Snapshots are written by test/doer/incidents/generate.mjs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/state.js';
import type { ObjectRef } from '../../src/cluster/types.js';
import { diagnose, SCENARIOS } from '../../src/doer/index.js';
import { loadFiles } from '../../src/sources/files.js';

const ROOT = join(import.meta.dirname, 'incidents');

interface Label { symptom: ObjectRef | null; category: string; rootCause: ObjectRef[] }

const same = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
const show = (r: ObjectRef) => `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

const incidents = readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'label.json'))).sort();

describe('incident corpus', () => {
  it('has at least 40 faulty cases, 2 per category, and 6 healthy ones', () => {
    const labels = incidents.map((d) => JSON.parse(readFileSync(join(ROOT, d, 'label.json'), 'utf8')) as Label);
    const perCategory = new Map<string, number>();
    for (const l of labels) perCategory.set(l.category, (perCategory.get(l.category) ?? 0) + 1);
    const categories = ['image', 'crash', 'oom', 'config', 'probe', 'scheduling', 'storage', 'node', 'network', 'quota', 'security', 'rollout', 'job', 'autoscaling', 'accelerator', 'admission'];
    expect(labels.filter((l) => l.symptom !== null).length).toBeGreaterThanOrEqual(40);
    expect(categories.filter((c) => (perCategory.get(c) ?? 0) < 2)).toEqual([]);
    expect(perCategory.get('none') ?? 0).toBeGreaterThanOrEqual(6);
  });

  for (const incident of incidents) {
    it(incident, async () => {
      const label = JSON.parse(readFileSync(join(ROOT, incident, 'label.json'), 'utf8')) as Label;
      const loaded = await loadFiles([join(ROOT, incident, 'snapshot.json')]);
      const report = diagnose(new ClusterState(loaded.objects, { kindsRead: loaded.kinds }), SCENARIOS, { source: { type: 'file', name: incident } });
      if (label.symptom === null) {
        const loud = report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.scenario} → ${show(f.rootCause)}`);
        expect(loud).toEqual([]);
        return;
      }
      const symptom = label.symptom;
      const first = report.findings.find((f) => [f.resource, f.rootCause, ...f.affected].some((r) => same(r, symptom)));
      expect(first, `no finding touches ${show(symptom)}; findings: ${report.findings.map((f) => f.scenario).join(', ')}`).toBeDefined();
      expect(`${first?.category} (${first?.scenario})`).toBe(`${label.category} (${first?.scenario})`);
      expect(label.rootCause.some((r) => first && same(r, first.rootCause)), `root cause ${first ? show(first.rootCause) : '-'} (${first?.scenario}); accepted: ${label.rootCause.map(show).join(', ')}`).toBe(true);
    });
  }
});
