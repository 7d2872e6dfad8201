import sortedBtree from 'sorted-btree';
import type { Key, KeyRange } from './keys.js';
import type { KvRecord } from './record.js';

// sorted-btree is CommonJS with its class on `exports.default`: Node's ESM default import is
// `exports`, while bundler-style interop (vitest) already unwraps it.
const BTree = (sortedBtree as unknown as { default?: typeof sortedBtree.default }).default ?? (sortedBtree as unknown as typeof sortedBtree.default);
type BTree<K, V> = InstanceType<typeof BTree<K, V>>;

const compareKeys = (a: Key, b: Key): number => (a < b ? -1 : a > b ? 1 : 0);

/** Newest record of `history` written at or before `rev`; histories are in (mod, sub) order. */
function recordAt(history: KvRecord[], rev: number): KvRecord | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i] as KvRecord;
    if (r.mod <= rev) return r;
  }
  return undefined;
}

/**
 * The in-memory MVCC index: every key with its versions since the last compaction, in key
 * order. LevelDB holds the same records durably; this is what reads are served from.
 */
export class KeyIndex {
  private readonly tree: BTree<Key, KvRecord[]> = new BTree<Key, KvRecord[]>(undefined, compareKeys);

  get keyCount(): number {
    return this.tree.size;
  }

  /** The record visible at `rev` (undefined if none or deleted). */
  get(key: Key, rev: number): KvRecord | undefined {
    const history = this.tree.get(key);
    if (!history) return undefined;
    const r = recordAt(history, rev);
    return r && !r.tombstone ? r : undefined;
  }

  /** The newest live record, ignoring revisions. */
  latest(key: Key): KvRecord | undefined {
    const history = this.tree.get(key);
    const r = history?.[history.length - 1];
    return r && !r.tombstone ? r : undefined;
  }

  append(record: KvRecord): void {
    const history = this.tree.get(record.key);
    if (history) history.push(record);
    else this.tree.set(record.key, [record]);
  }

  /** Calls `visit` with each live record at `rev` within `range`, in key order, until it returns false. */
  scan(range: KeyRange, rev: number, visit: (r: KvRecord) => boolean | void): void {
    if (range.end === undefined) {
      const r = this.get(range.start, rev);
      if (r) visit(r);
      return;
    }
    const end = range.end;
    if (end !== null && end <= range.start) return;
    for (const [key, history] of this.tree.entries(range.start)) {
      if (end !== null && key >= end) break;
      const r = recordAt(history, rev);
      if (r && !r.tombstone && visit(r) === false) break;
    }
  }

  /**
   * Drops what a compaction at `rev` makes unreachable: for each key, every version older
   * than its newest one at or below `rev`, and that one too if it is a tombstone.
   * Returns the dropped records so the backend can delete them.
   */
  compact(rev: number): KvRecord[] {
    const dropped: KvRecord[] = [];
    const emptied: Key[] = [];
    this.tree.forEachPair((key, history) => {
      let keepFrom = 0;
      for (let i = history.length - 1; i >= 0; i--) {
        const r = history[i] as KvRecord;
        if (r.mod <= rev) {
          keepFrom = r.tombstone ? i + 1 : i;
          break;
        }
      }
      if (keepFrom === 0) return;
      dropped.push(...history.splice(0, keepFrom));
      if (history.length === 0) emptied.push(key);
    });
    for (const key of emptied) this.tree.delete(key);
    return dropped;
  }
}
