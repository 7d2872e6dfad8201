import { describe, expect, it } from 'vitest';
import { COMPLETION_INDEX, completionIndex, duplicateIndexPods, firstPendingIndexes, formatIndexes, hasIndex, indexedGenerateName, parseIndexes, totalIndexes, withIndexes, type Interval } from './job-indexes.js';
import { pod } from './testing.js';
import type { Pod } from './types.js';

const iv = (...pairs: Array<[number, number]>): Interval[] => pairs.map(([first, last]) => ({ first, last }));
const indexed = (name: string, ix: string | undefined, o: Parameters<typeof pod>[0] = {}): Pod => {
  const p = pod({ name, ...o });
  if (ix !== undefined) p.metadata.annotations = { ...(p.metadata.annotations ?? {}), [COMPLETION_INDEX]: ix };
  return p;
};

describe('completed indexes', () => {
  it.each<[string, Interval[], string]>([
    ['none', [], ''],
    ['one', iv([3, 3]), '3'],
    ['a run of two stays two numbers', iv([1, 2]), '1,2'],
    ['a run of three or more is a range', iv([0, 2]), '0-2'],
    ['mixed', iv([0, 2], [4, 4], [6, 7], [9, 12]), '0-2,4,6,7,9-12'],
  ])('format: %s', (_name, intervals, want) => expect(formatIndexes(intervals)).toBe(want));

  it.each<[string, string | undefined, number, Interval[]]>([
    ['empty', '', 5, []],
    ['missing', undefined, 5, []],
    ['ranges and singles', '0-2,4,6,7', 10, iv([0, 2], [4, 4], [6, 7])],
    ['neighbours merge', '1,2,3,5', 10, iv([1, 3], [5, 5])],
    ['cut at completions', '0-2,4-9', 6, iv([0, 2], [4, 5])],
    ['nothing at or past completions', '1,7,8', 5, iv([1, 1])],
    ['corrupt pieces are skipped', 'x,2,a-b,4', 10, iv([2, 2], [4, 4])],
  ])('parse: %s', (_name, s, completions, want) => expect(parseIndexes(s, completions)).toEqual(want));

  it('formatting what was parsed gives the same string back', () => {
    for (const s of ['0-2,4', '1,2', '0', '3,5-9,11,12']) expect(formatIndexes(parseIndexes(s, 100))).toBe(s);
  });

  it.each<[string, Interval[], number[], Interval[]]>([
    ['into nothing', [], [2, 0, 1], iv([0, 2])],
    ['bridging a gap', iv([0, 1], [3, 4]), [2], iv([0, 4])],
    ['repeats count once', iv([0, 0]), [0, 0, 5], iv([0, 0], [5, 5])],
    ['extending the end', iv([4, 6]), [7, 8], iv([4, 8])],
  ])('add indexes: %s', (_name, base, add, want) => expect(withIndexes(base, add)).toEqual(want));

  it('counts and looks up', () => {
    const x = iv([0, 2], [5, 5]);
    expect(totalIndexes(x)).toBe(4);
    expect([0, 2, 3, 5, 6].map((i) => hasIndex(x, i))).toEqual([true, true, false, true, false]);
  });
});

describe('which indexes to create', () => {
  it.each<[string, Interval[], number, number, number[]]>([
    ['from the start', [], 2, 3, [0, 1]],
    ['never past completions', [], 5, 3, [0, 1, 2]],
    ['skips taken ones', iv([0, 0], [2, 3]), 3, 6, [1, 4, 5]],
    ['all taken', iv([0, 2]), 2, 3, []],
    ['none wanted', [], 0, 3, []],
  ])('%s', (_name, taken, count, completions, want) => expect(firstPendingIndexes(taken, count, completions)).toEqual(want));
});

describe('pods of an index', () => {
  it.each<[string | undefined, number | undefined]>([
    ['0', 0],
    ['12', 12],
    [undefined, undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['abc', undefined],
  ])('annotation %s is index %s', (v, want) => expect(completionIndex(indexed('p', v))).toBe(want));

  it('removes pods without a valid index, past completions, and all but the most advanced of a repeated index', () => {
    const ps = [
      indexed('a0', '0', { ready: true }),
      indexed('b0', '0', { ready: false }),
      indexed('c1', '1'),
      indexed('none', undefined),
      indexed('far', '7'),
    ];
    const { remove, keep } = duplicateIndexPods(ps, 3);
    expect(remove.map((p) => p.metadata.name).sort()).toEqual(['b0', 'far', 'none']);
    expect(keep.map((p) => p.metadata.name)).toEqual(['a0', 'c1']);
  });

  it.each<[string, number, string]>([
    ['pi', 3, 'pi-3-'],
    ['x'.repeat(60), 12, `${'x'.repeat(54)}-12-`],
  ])('generateName of %s index %i', (job, ix, want) => {
    expect(indexedGenerateName(job, ix)).toBe(want);
    expect(indexedGenerateName(job, ix).length).toBeLessThanOrEqual(58);
  });
});
