/**
 * Writes every incident of the corpus as <dir>/snapshot.json (a `kubectl get ... -A -o json` List)
 * and <dir>/label.json (same schema as the shared diagnosis examples).
 * Run: node test/doer/incidents/generate.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { casesA } from './cases-a.mjs';
import { casesB } from './cases-b.mjs';
import { casesC } from './cases-c.mjs';
import { casesHealthy } from './cases-healthy.mjs';

const here = dirname(fileURLToPath(import.meta.url));
for (const c of [...casesA, ...casesB, ...casesC, ...casesHealthy]) {
  const snapshot = c.build();
  const dir = join(here, c.dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'snapshot.json'), `${JSON.stringify(snapshot.list(), null, 2)}\n`);
  const label = { source: c.source, summary: c.summary, symptom: c.symptom, category: c.category, rootCause: c.rootCause, hops: c.hops };
  writeFileSync(join(dir, 'label.json'), `${JSON.stringify(label, null, 2)}\n`);
}
