import type { KvRecord } from './record.js';

/** One key's change within a revision: a put, or a delete when `record` is a tombstone. */
export interface Change {
  record: KvRecord;
  /** What the key held just before (undefined if it did not exist). */
  prev: KvRecord | undefined;
}

export interface RevisionChanges {
  rev: number;
  changes: Change[];
}

/**
 * The history watches replay from: each revision's changes, in revision order, from the
 * compaction point to the newest revision. Trimmed by compaction, so it is bounded with it.
 */
export class EventLog {
  private entries: RevisionChanges[] = [];
  private head = 0;

  get length(): number {
    return this.entries.length - this.head;
  }

  append(entry: RevisionChanges): void {
    this.entries.push(entry);
  }

  /** Index of the first entry with rev ≥ `rev`. */
  private seek(rev: number): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as RevisionChanges).rev < rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Entries with from ≤ rev ≤ to, in order. */
  *range(from: number, to: number): Generator<RevisionChanges> {
    for (let i = this.seek(from); i < this.entries.length; i++) {
      const e = this.entries[i] as RevisionChanges;
      if (e.rev > to) return;
      yield e;
    }
  }

  /** Forgets revisions below `rev`. */
  trimBefore(rev: number): void {
    this.head = this.seek(rev);
    // Reclaim the array's front only now and then: shifting on every trim would be quadratic.
    if (this.head > 1024 && this.head > this.entries.length / 2) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
