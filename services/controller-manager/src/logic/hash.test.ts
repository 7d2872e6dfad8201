import { describe, expect, it } from 'vitest';
import { canonicalJson, equalIgnoreHash, fnv32a, safeEncode, sameStatus, templateHash } from './hash.js';

describe('pod-template-hash', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('fnv32a(%j)', (s, want) => expect(fnv32a(s)).toBe(want));

  it('encodes without vowels or look-alikes', () => expect(safeEncode('0123456789')).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/));

  it('is stable across key order, ignores its own label, and changes with the template or collisionCount', () => {
    const a = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { app: 'x', 'pod-template-hash': 'zzz' } } };
    expect(templateHash(a)).toBe(templateHash(b));
    expect(equalIgnoreHash(a, b)).toBe(true);
    expect(templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } })).not.toBe(templateHash(a));
    expect(templateHash(a, 1)).not.toBe(templateHash(a));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });
});

describe('status comparison', () => {
  it.each<[unknown, unknown, boolean]>([
    [{ replicas: 0, readyReplicas: 2 }, { readyReplicas: 2 }, true],
    [{ conditions: [] }, {}, true],
    [undefined, { replicas: 0 }, true],
    [{ replicas: 1 }, { replicas: 2 }, false],
    [{ conditions: [{ type: 'A', status: 'True' }] }, { conditions: [{ status: 'True', type: 'A' }] }, true],
  ])('%j vs %j', (a, b, want) => expect(sameStatus(a, b)).toBe(want));
});
