import { describe, expect, it } from 'vitest';
import { mergePatch } from './merge-patch.js';
import type { JsonValue } from './json.js';

describe('mergePatch', () => {
  // The RFC 7386 appendix examples, then what kubectl sends.
  it.each<[string, JsonValue | undefined, JsonValue, JsonValue]>([
    ['replace a member', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['add a member', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['delete a member', { a: 'b' }, { a: null }, {}],
    ['delete one of two', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    ['replace an array', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
    ['replace with an array', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    ['merge nested', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    ['arrays replace, not merge', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    ['a non-object patch replaces', ['a', 'b'], ['c', 'd'], ['c', 'd']],
    ['an object patch over an array', ['a'], { a: 'b' }, { a: 'b' }],
    ['a scalar target becomes an object', { e: null }, { a: 1 }, { e: null, a: 1 }],
    ['nulls under a new member are dropped', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ['no target', undefined, { a: { b: null, c: 1 } }, { a: { c: 1 } }],
    ['kubectl label', { metadata: { name: 'p', labels: { app: 'web' } } }, { metadata: { labels: { tier: 'fe' } } }, { metadata: { name: 'p', labels: { app: 'web', tier: 'fe' } } }],
    ['kubectl label k-', { metadata: { labels: { app: 'web', old: 'x' } } }, { metadata: { labels: { old: null } } }, { metadata: { labels: { app: 'web' } } }],
    ['kubectl scale', { spec: { replicas: 1, selector: { matchLabels: { a: 'b' } } } }, { spec: { replicas: 3 } }, { spec: { replicas: 3, selector: { matchLabels: { a: 'b' } } } }],
    ['a null for a missing member', { a: 1 }, { b: null }, { a: 1 }],
  ])('%s', (_name, target, patch, want) => {
    expect(mergePatch(target, patch)).toEqual(want);
  });

  it('shares nothing with its inputs', () => {
    const target = { keep: { x: [1] }, change: { y: 1 } };
    const patch = { change: { z: { deep: true } }, added: [{ a: 1 }] };
    const snapshot = JSON.stringify({ target, patch });
    const out = mergePatch(target, patch) as any;
    expect(JSON.stringify({ target, patch })).toBe(snapshot);
    out.keep.x.push(2);
    out.change.z.deep = false;
    out.added[0].a = 2;
    expect(JSON.stringify({ target, patch })).toBe(snapshot);
  });

  it('keeps a member named __proto__ as data', () => {
    const out = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as any;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as any).polluted).toBeUndefined();
  });
});
