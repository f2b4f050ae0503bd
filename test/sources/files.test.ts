import { mkdtempSync, mkdirSync, writeFileSync, truncateSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFiles } from '../../src/sources/files.js';
import { InputError } from '../../src/errors.js';

const dir = () => mkdtempSync(join(tmpdir(), 'nakhoda-files-'));
const pod = (name: string, ns = 'default') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

function write(base: string, name: string, content: string): string {
  const path = join(base, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('file sources: formats', () => {
  it('reads a v1 List in JSON and in YAML, as kubectl get -o json|yaml prints it', async () => {
    const base = dir();
    const list = { apiVersion: 'v1', kind: 'List', items: [pod('a'), pod('b', 'shop')], metadata: { resourceVersion: '' } };
    const json = await loadFiles([write(base, 'l.json', JSON.stringify(list))]);
    expect(json.objects.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    const yaml = await loadFiles([write(base, 'l.yaml', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: default}\n')]);
    expect(yaml.objects[0].kind).toBe('Pod');
  });

  it('reads single objects and multi-document YAML', async () => {
    const base = dir();
    const multi = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  namespace: x\n---\n# comment only\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: two\n  namespace: x\n';
    const loaded = await loadFiles([write(base, 'm.yml', multi), write(base, 'p.json', JSON.stringify(pod('solo')))]);
    expect(loaded.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/one', 'Service/two', 'Pod/solo']);
  });

  it('gives items of typed API lists (PodList) their kind, and records the kind even when empty', async () => {
    const base = dir();
    const podList = { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p', namespace: 'n' } }] };
    const events = { apiVersion: 'v1', kind: 'EventList', items: [] };
    const loaded = await loadFiles([write(base, 'pods.json', JSON.stringify(podList)), write(base, 'events.json', JSON.stringify(events))]);
    expect(loaded.objects[0]).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    expect(loaded.kinds.has('Event')).toBe(true);
  });

  it('merges a directory recursively, including a cluster-info dump layout, ignoring logs', async () => {
    const base = dir();
    write(base, 'nodes.json', JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', items: [{ metadata: { name: 'n1' } }] }));
    write(base, 'shop/pods.json', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'web-1', namespace: 'shop' } }] }));
    write(base, 'shop/web-1/logs.txt', 'not a manifest');
    const loaded = await loadFiles([base]);
    expect(loaded.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Node/n1', 'Pod/web-1']);
  });

  it('reads standard input with -', async () => {
    const loaded = await loadFiles(['-'], async () => JSON.stringify(pod('from-stdin')));
    expect(loaded.objects[0].metadata.name).toBe('from-stdin');
  });

  it('keeps Secret names and keys but never their values', async () => {
    const base = dir();
    const secret = {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data: { password: 'c2VjcmV0' }, stringData: { token: 'plain' },
      metadata: { name: 's', namespace: 'n', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}' } },
    };
    const loaded = await loadFiles([write(base, 's.json', JSON.stringify(secret))]);
    const text = JSON.stringify(loaded.objects);
    expect(text).not.toContain('c2VjcmV0');
    expect(text).not.toContain('plain');
    expect(loaded.objects[0].data).toEqual({ password: '', token: '' });
  });

  it('converts events.k8s.io/v1 Events to the core shape', async () => {
    const base = dir();
    const ev = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e', namespace: 'n' }, regarding: { kind: 'Pod', name: 'p', namespace: 'n' }, reason: 'BackOff', note: 'Back-off restarting failed container', type: 'Warning', deprecatedCount: 7, eventTime: '2026-11-28T10:00:00.000000Z' };
    const [e] = (await loadFiles([write(base, 'e.json', JSON.stringify(ev))])).objects;
    expect(e).toMatchObject({ involvedObject: { kind: 'Pod', name: 'p' }, message: 'Back-off restarting failed container', count: 7 });
  });

  it('skips unknown kinds with a note', async () => {
    const base = dir();
    const loaded = await loadFiles([write(base, 'x.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n')]);
    expect(loaded.objects).toHaveLength(1);
    expect(loaded.notes.join()).toContain('Widget (1)');
  });
});

describe('file sources: bad input names file and place', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['malformed JSON', 'bad.json', '{\n  "kind": "Pod",\n  "metadata": {"name": x}\n}', /bad\.json: line 3, column 24: invalid JSON/],
    ['malformed YAML', 'bad.yaml', 'kind: Pod\nmetadata:\n  name: [unclosed\n', /bad\.yaml: line \d+, column \d+: invalid YAML/],
    ['non-Kubernetes JSON', 'pkg.json', '{"name": "left-pad", "version": "1.0.0"}', /pkg\.json: line 1: not a Kubernetes object: field "kind" is missing/],
    ['a scalar document', 'scalar.yaml', 'just some text\n', /scalar\.yaml: line 1: not a Kubernetes object/],
    ['empty file', 'empty.json', '  \n', /empty\.json: empty file/],
    ['missing metadata', 'nometa.json', '{"apiVersion":"v1","kind":"Pod"}', /nometa\.json: line 1: Pod has no "metadata"/],
    ['list item without kind', 'items.json', '{"kind":"List","items":[{"metadata":{"name":"a"}}]}', /items\.json: line 1: items\[0\]: not a Kubernetes object: field "kind" is missing/],
  ];
  for (const [what, name, content, expected] of cases) {
    it(`${what}`, async () => {
      const message = await errorOf(loadFiles([write(dir(), name, content)]));
      expect(message).toMatch(expected);
      expect(message).not.toContain('\n');
    });
  }

  it('binary data', async () => {
    const base = dir();
    const path = join(base, 'blob.json');
    writeFileSync(path, Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff]));
    expect(await errorOf(loadFiles([path]))).toMatch(/blob\.json: binary data/);
  });

  it('a directory with no manifests', async () => {
    const base = dir();
    write(base, 'readme.txt', 'hello');
    expect(await errorOf(loadFiles([base]))).toMatch(/directory has no \*\.json, \*\.yaml or \*\.yml files/);
  });

  it('a missing path', async () => {
    expect(await errorOf(loadFiles(['/nonexistent/snapshot.json']))).toMatch(/no such file or directory/);
  });

  it('a 1 GB file is refused up front, without reading it', async () => {
    const path = join(dir(), 'huge.json');
    closeSync(openSync(path, 'w'));
    truncateSync(path, 1024 ** 3); // sparse: no disk used
    expect(await errorOf(loadFiles([path]))).toMatch(/huge\.json: file is 1\.0 GiB; inputs over 512 MiB are refused/);
  });
});
