import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, renderCatalogMarkdown, SCENARIOS } from '../../src/doer/index.js';

describe('the scenario catalog', () => {
  it('has unique, well-formed ids in known categories', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of SCENARIOS) {
      expect(s.id).toMatch(new RegExp(`^${s.category}\\.[a-z0-9]+(-[a-z0-9]+)*$`));
      expect(CATEGORIES).toContain(s.category);
      expect(s.title.length).toBeGreaterThan(10);
      expect(s.description.length).toBeGreaterThan(40);
    }
  });

  it('covers every category', () => {
    for (const category of CATEGORIES) expect(SCENARIOS.filter((s) => s.category === category).length, category).toBeGreaterThanOrEqual(6);
  });

  it('docs/scenarios.md is what `nakhoda scenarios -o markdown` prints (regenerate it with: npm run docs)', () => {
    expect(readFileSync('docs/scenarios.md', 'utf8')).toBe(renderCatalogMarkdown(SCENARIOS));
  });
});
