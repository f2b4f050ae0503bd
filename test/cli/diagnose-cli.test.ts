import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const EXAMPLE = '../shared/data/diagnosis-examples/002-config-configmap-not-found-createcontainerconfigerror/snapshot.json';

function tmp(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'nakhoda-cli-')), name);
  writeFileSync(path, content);
  return path;
}

describe('nakhoda diagnose (CLI)', () => {
  it('emits the DESIGN §4 report with -o json', () => {
    const { code, stdout } = runCli(['diagnose', '--file', EXAMPLE, '-o', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['apiVersion', 'kind', 'source', 'generatedAt', 'summary', 'findings', 'notes']);
    expect(report).toMatchObject({ apiVersion: 'nakhoda.io/v1alpha1', kind: 'DiagnosisReport', source: { type: 'file' } });
    expect(Object.keys(report.findings[0])).toEqual(['scenario', 'category', 'severity', 'resource', 'rootCause', 'affected', 'confidence', 'title', 'explanation', 'evidence', 'remediation']);
    expect(report.findings[0].rootCause).toEqual({ kind: 'ConfigMap', namespace: 'monitoring', name: 'autotune-config-key' });
  });

  it('fails the build with --fail-on critical, and filters by --category and --resource', () => {
    expect(runCli(['diagnose', '-f', EXAMPLE, '--fail-on', 'critical', '-o', 'json']).code).toBe(1);
    const other = JSON.parse(runCli(['diagnose', '-f', EXAMPLE, '--category', 'network', '--fail-on', 'critical', '-o', 'json']).stdout);
    expect(other.findings.every((f: { category: string }) => f.category === 'network')).toBe(true);
    const byPod = JSON.parse(runCli(['diagnose', '-f', EXAMPLE, '--resource', 'pod/autotune-655d8878cc-f2c9c', '-o', 'json']).stdout);
    expect(byPod.findings[0].scenario).toBe('config.configmap-missing');
    const none = JSON.parse(runCli(['diagnose', '-f', EXAMPLE, '--resource', 'pod/not-there', '-o', 'json']).stdout);
    expect(none.findings).toEqual([]);
  });

  it('prints a table that fits 80 columns, and markdown for tickets', () => {
    const table = runCli(['diagnose', '-f', EXAMPLE]).stdout;
    expect(table).toContain('root cause: ConfigMap monitoring/autotune-config-key');
    for (const line of table.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    const md = runCli(['diagnose', '-f', EXAMPLE, '-o', 'markdown']).stdout;
    expect(md).toMatch(/^# Nakhoda diagnosis/);
    expect(md).toContain('| 1 | critical | config |');
  });

  it('reads a snapshot from stdin', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: { containers: [] }, status: { phase: 'Running' } };
    const { code, stdout } = runCli(['diagnose', '-f', '-', '-o', 'json'], { input: JSON.stringify(pod) });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).summary.objects).toBe(1);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['malformed JSON', ['-f', tmp('bad.json', '{"kind": "Pod",, }')], /bad\.json: line 1, column 16: invalid JSON/],
    ['unknown output format', ['-o', 'xml'], /-o must be one of table, json, markdown/],
    ['unknown category', ['--category', 'gpu'], /--category must be one of image, crash/],
    ['malformed --resource', ['--resource', 'web'], /--resource must look like KIND\/NAME/],
    ['missing kubeconfig', ['--kubeconfig', '/nonexistent/kubeconfig'], /--kubeconfig \/nonexistent\/kubeconfig: no such file/],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 with one line for ${what}`, () => {
      const { code, stderr, stdout } = runCli(['diagnose', ...args]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stdout).toBe('');
    });
  }

  it('exits 3 with one line when the cluster is unreachable', () => {
    const kubeconfig = tmp('kubeconfig', [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]',
      'contexts: [{name: c, context: {cluster: c, user: u}}]', 'users: [{name: u, user: {token: t}}]', '',
    ].join('\n'));
    const { code, stderr } = runCli(['diagnose', '--kubeconfig', kubeconfig]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/cannot reach the cluster at https:\/\/127\.0\.0\.1:9/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('nakhoda scenarios (CLI)', () => {
  it('lists the catalog as JSON with the DESIGN §5 fields', () => {
    const entries = JSON.parse(runCli(['scenarios', '-o', 'json']).stdout);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(Object.keys(e)).toEqual(['id', 'category', 'severity', 'title', 'description']);
    expect(new Set(entries.map((e: { id: string }) => e.id)).size).toBe(entries.length);
  });
});
