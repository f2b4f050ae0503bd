import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KNOWN_KINDS } from '../src/cluster/kinds.js';

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }

describe('manifests/diagnose-clusterrole.yaml', () => {
  const docs = parseAllDocuments(readFileSync('manifests/diagnose-clusterrole.yaml', 'utf8')).map((d) => d.toJS());
  const role = docs.find((d) => d.kind === 'ClusterRole');
  const rules: Rule[] = role.rules;

  it('lets live diagnosis read every kind it lists, except Secrets', () => {
    for (const info of KNOWN_KINDS.filter((k) => k.kind !== 'Secret')) {
      const rule = rules.find((r) => r.apiGroups.includes(info.group) && r.resources.includes(info.plural));
      expect(rule, `${info.plural}.${info.group}`).toBeDefined();
      expect(rule?.verbs).toContain('list');
    }
  });

  it('is read-only and never grants Secrets', () => {
    for (const rule of rules) {
      expect(rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
      expect(rule.resources).not.toContain('secrets');
      expect(rule.resources).not.toContain('*');
    }
  });
});
