import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../../src/sim/api/index.js';

const pod = {
  metadata: { name: 'web', labels: { app: 'web', tier: 'fe' }, finalizers: ['a'] },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'envoy:1.30' },
    ],
    tolerations: [{ key: 'x', operator: 'Exists' }],
  },
};

describe('strategic merge patch', () => {
  it('merges lists by their merge key and keeps the other elements', () => {
    const out = applyPatch('strategic', pod, { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '3' }] }] } }) as typeof pod;
    expect(out.spec.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(out.spec.containers[0]!.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }]);
    expect(out.spec.containers[0]!.image).toBe('nginx:1.27');
  });

  it('deletes list elements with $patch: delete, and keys with null', () => {
    const out = applyPatch('strategic', pod, {
      metadata: { labels: { tier: null } },
      spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] },
    }) as typeof pod;
    expect(out.spec.containers.map((c) => c.name)).toEqual(['app']);
    expect(out.metadata.labels).toEqual({ app: 'web' });
  });

  it('orders elements by $setElementOrder and replaces lists without a merge key', () => {
    const out = applyPatch('strategic', pod, {
      spec: {
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
        containers: [{ name: 'app', image: 'nginx:1.28' }],
        tolerations: [{ key: 'y', operator: 'Exists' }],
      },
    }) as typeof pod;
    expect(out.spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual(['sidecar:envoy:1.30', 'app:nginx:1.28']);
    expect(out.spec.tolerations).toEqual([{ key: 'y', operator: 'Exists' }]);
  });

  it('merges finalizers as a set and removes values with $deleteFromPrimitiveList', () => {
    const added = applyPatch('strategic', pod, { metadata: { finalizers: ['b', 'a'] } }) as typeof pod;
    expect(added.metadata.finalizers).toEqual(['a', 'b']);
    const removed = applyPatch('strategic', added, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }) as typeof pod;
    expect(removed.metadata.finalizers).toEqual(['b']);
  });

  it('replaces a map with $patch: replace', () => {
    const out = applyPatch('strategic', pod, { metadata: { labels: { $patch: 'replace', only: 'this' } } }) as typeof pod;
    expect(out.metadata.labels).toEqual({ only: 'this' });
  });
});

describe('JSON merge and JSON patch', () => {
  it('merge patch replaces lists and deletes null keys', () => {
    const out = applyPatch('merge', pod, { spec: { containers: [{ name: 'only', image: 'x' }] }, metadata: { labels: { app: null } } }) as typeof pod;
    expect(out.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
    expect(out.metadata.labels).toEqual({ tier: 'fe' });
  });

  it('JSON patch applies operations and fails a failed test with 422', () => {
    const out = applyPatch('json', pod, [{ op: 'replace', path: '/spec/containers/1/image', value: 'envoy:1.31' }]) as typeof pod;
    expect(out.spec.containers[1]!.image).toBe('envoy:1.31');
    expect(() => applyPatch('json', pod, [{ op: 'test', path: '/metadata/name', value: 'other' }])).toThrow(
      expect.objectContaining({ code: 422 }),
    );
    expect(pod.spec.containers[1]!.image).toBe('envoy:1.30');
  });
});
