import { describe, expect, it } from 'vitest';
import { KeyIndex } from './key-index.js';
import { keyRange } from './keys.js';
import type { KvRecord } from './record.js';

let sub = 0;
const rec = (key: string, mod: number, value = `${key}@${mod}`, tombstone = false): KvRecord => ({
  key,
  mod,
  sub: sub++,
  create: mod,
  version: 1,
  value: Buffer.from(value),
  lease: '0',
  tombstone,
});

const keysAt = (idx: KeyIndex, start: string, end: string, rev: number): string[] => {
  const out: string[] = [];
  idx.scan(keyRange(start, end), rev, (r) => void out.push(`${r.key}=${r.value.toString()}`));
  return out;
};

describe('KeyIndex', () => {
  const build = (): KeyIndex => {
    const idx = new KeyIndex();
    idx.append(rec('a', 2));
    idx.append(rec('b', 3));
    idx.append(rec('a', 4));
    idx.append(rec('b', 5, '', true));
    idx.append(rec('c', 6));
    return idx;
  };

  it('reads each revision as it was', () => {
    const idx = build();
    expect(keysAt(idx, 'a', '\0', 1)).toEqual([]);
    expect(keysAt(idx, 'a', '\0', 3)).toEqual(['a=a@2', 'b=b@3']);
    expect(keysAt(idx, 'a', '\0', 5)).toEqual(['a=a@4']);
    expect(keysAt(idx, 'a', '\0', Infinity)).toEqual(['a=a@4', 'c=c@6']);
  });

  it('honours single keys, half-open ranges and empty ranges', () => {
    const idx = build();
    expect(keysAt(idx, 'b', '', 3)).toEqual(['b=b@3']);
    expect(keysAt(idx, 'a', 'c', Infinity)).toEqual(['a=a@4']);
    expect(keysAt(idx, 'c', 'a', Infinity)).toEqual([]);
    expect(keysAt(idx, 'b', '\0', Infinity)).toEqual(['c=c@6']);
  });

  it('compaction keeps the newest version at or below the revision, and drops tombstones', () => {
    const idx = build();
    const dropped = idx.compact(5).map((r) => `${r.key}@${r.mod}`);
    expect(dropped.sort()).toEqual(['a@2', 'b@3', 'b@5']);
    expect(idx.keyCount).toBe(2);
    expect(keysAt(idx, 'a', '\0', 5)).toEqual(['a=a@4']);
    expect(keysAt(idx, 'a', '\0', Infinity)).toEqual(['a=a@4', 'c=c@6']);
  });
});
