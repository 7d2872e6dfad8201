/**
 * Keys are held as latin1 strings: one UTF-16 unit per byte, so JavaScript's string order is
 * etcd's byte order and keys work as Map and B-tree keys without copying Buffers around.
 */
export type Key = string;

export const toKey = (b: Buffer | Uint8Array | string | undefined): Key =>
  b === undefined ? '' : typeof b === 'string' ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export const keyBytes = (k: Key): Buffer => Buffer.from(k, 'latin1');

/**
 * The keys a request covers, in etcd's terms: no range_end is the single key; range_end
 * "\0" is every key ≥ key; otherwise [key, range_end). An end at or below key covers nothing.
 */
export interface KeyRange {
  start: Key;
  /** undefined: only `start`; null: no upper bound. */
  end: Key | null | undefined;
}

export function keyRange(key: Key, rangeEnd: Key): KeyRange {
  if (rangeEnd === '') return { start: key, end: undefined };
  if (rangeEnd === '\0') return { start: key, end: null };
  return { start: key, end: rangeEnd };
}

export function inRange(r: KeyRange, k: Key): boolean {
  if (r.end === undefined) return k === r.start;
  if (k < r.start) return false;
  return r.end === null || k < r.end;
}
