import { compactMetaOp, type Backend, type BatchOp, type LoadedState } from './backend.js';
import { EventLog, type Change, type RevisionChanges } from './event-log.js';
import { KeyIndex } from './key-index.js';
import type { Key, KeyRange } from './keys.js';
import { encodeRecord, revisionKey, type KvRecord } from './record.js';
import { EtcdErrors } from './errors.js';

const EMPTY = Buffer.alloc(0);
export const NO_LEASE = '0';

type Listener = (entries: RevisionChanges[]) => void;

/**
 * A write in progress: changes go into the index at once (so later ops of the same txn see
 * them) and all share one new revision. Everything between `beginWrite()` and `commit()`
 * runs synchronously, which is what makes a txn atomic here.
 */
export class WriteTxn {
  readonly rev: number;
  private sub = 0;
  readonly changes: Change[] = [];

  constructor(private readonly mvcc: Mvcc) {
    this.rev = mvcc.currentRev + 1;
  }

  /** The revision reads inside this txn report: the new one once something changed. */
  get readRev(): number {
    return this.changes.length > 0 ? this.rev : this.mvcc.currentRev;
  }

  /** The key's newest live version, including this txn's own writes. */
  latest(key: Key): KvRecord | undefined {
    return this.mvcc.index.latest(key);
  }

  put(key: Key, value: Buffer, lease: string): KvRecord | undefined {
    const prev = this.mvcc.index.latest(key);
    const record: KvRecord = {
      key,
      mod: this.rev,
      sub: this.sub++,
      create: prev ? prev.create : this.rev,
      version: prev ? prev.version + 1 : 1,
      value,
      lease,
      tombstone: false,
    };
    this.apply(record, prev);
    return prev;
  }

  /** Deletes every live key in range; returns what they held. */
  deleteRange(range: KeyRange): KvRecord[] {
    const victims: KvRecord[] = [];
    this.mvcc.index.scan(range, Infinity, (r) => void victims.push(r));
    for (const prev of victims) {
      const tombstone: KvRecord = {
        key: prev.key,
        mod: this.rev,
        sub: this.sub++,
        create: 0,
        version: 0,
        value: EMPTY,
        lease: NO_LEASE,
        tombstone: true,
      };
      this.apply(tombstone, prev);
    }
    return victims;
  }

  private apply(record: KvRecord, prev: KvRecord | undefined): void {
    this.mvcc.index.append(record);
    this.mvcc.moveLease(record.key, prev?.lease ?? NO_LEASE, record.lease);
    this.changes.push({ record, prev });
  }

  /**
   * Makes the txn's changes durable and visible to watchers. Resolves with the revision a
   * response should carry, once everything it observed is on disk.
   */
  commit(extraOps: BatchOp[] = []): Promise<number> {
    return this.mvcc.commit(this, extraOps);
  }
}

/**
 * The multi-version store: one global revision, the key index, the watch history, and the
 * durability watermark. Memory runs ahead of disk only between a write and its group
 * commit; no response and no watch event reveals anything that is not yet durable.
 */
export class Mvcc {
  currentRev = 1;
  durableRev = 1;
  compactedRev = 0;
  readonly index = new KeyIndex();
  readonly log = new EventLog();
  /** Keys attached to each lease, by lease ID. */
  readonly leaseKeys = new Map<string, Set<Key>>();
  private undelivered: RevisionChanges[] = [];
  private waiters: Array<{ rev: number; resolve: () => void }> = [];
  private readonly listeners = new Set<Listener>();

  constructor(private readonly backend: Backend) {}

  /** Rebuilds memory from what LevelDB holds. */
  restore(state: LoadedState): void {
    let entry: RevisionChanges | undefined;
    for (const record of state.records) {
      const prev = this.index.latest(record.key);
      this.index.append(record);
      this.moveLease(record.key, prev?.lease ?? NO_LEASE, record.lease);
      if (!entry || entry.rev !== record.mod) {
        entry = { rev: record.mod, changes: [] };
        this.log.append(entry);
      }
      entry.changes.push({ record, prev });
    }
    const last = state.records[state.records.length - 1];
    this.currentRev = Math.max(1, last?.mod ?? 0, state.compacted);
    this.durableRev = this.currentRev;
    this.compactedRev = state.compacted;
    this.log.trimBefore(state.compacted);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  beginWrite(): WriteTxn {
    return new WriteTxn(this);
  }

  moveLease(key: Key, from: string, to: string): void {
    if (from === to) return;
    if (from !== NO_LEASE) {
      const keys = this.leaseKeys.get(from);
      keys?.delete(key);
      if (keys?.size === 0) this.leaseKeys.delete(from);
    }
    if (to !== NO_LEASE) {
      let keys = this.leaseKeys.get(to);
      if (!keys) this.leaseKeys.set(to, (keys = new Set()));
      keys.add(key);
    }
  }

  async commit(txn: WriteTxn, extraOps: BatchOp[]): Promise<number> {
    if (txn.changes.length === 0) {
      if (extraOps.length > 0) await this.backend.write(extraOps);
      return this.readable();
    }
    this.currentRev = txn.rev;
    const entry: RevisionChanges = { rev: txn.rev, changes: txn.changes };
    this.log.append(entry);
    this.undelivered.push(entry);
    const ops: BatchOp[] = txn.changes.map(({ record }) => ({
      type: 'put',
      key: revisionKey(record.mod, record.sub),
      value: encodeRecord(record),
    }));
    await this.backend.write(extraOps.length > 0 ? ops.concat(extraOps) : ops);
    this.markDurable(txn.rev);
    return txn.rev;
  }

  /** Waits until everything in memory now is durable; resolves with the revision to read at. */
  async readable(): Promise<number> {
    const target = this.currentRev;
    if (this.durableRev < target) {
      await new Promise<void>((resolve) => this.waiters.push({ rev: target, resolve }));
    }
    return this.durableRev;
  }

  private markDurable(rev: number): void {
    if (rev <= this.durableRev) return;
    this.durableRev = rev;
    let n = 0;
    while (n < this.undelivered.length && (this.undelivered[n] as RevisionChanges).rev <= rev) n++;
    const ready = this.undelivered.splice(0, n);
    if (ready.length > 0) for (const l of this.listeners) l(ready);
    if (this.waiters.length > 0) {
      const still: typeof this.waiters = [];
      for (const w of this.waiters) {
        if (w.rev <= rev) w.resolve();
        else still.push(w);
      }
      this.waiters = still;
    }
  }

  /** Checks a requested read revision (0 = current) against history; returns the one to read at. */
  checkReadRev(requested: number, current: number): number {
    if (requested > current) throw EtcdErrors.futureRev();
    const rev = requested <= 0 ? current : requested;
    if (rev < this.compactedRev) throw EtcdErrors.compacted();
    return rev;
  }

  /** Drops history below `rev` in memory and on disk; resolves when the deletion is durable. */
  async compact(rev: number): Promise<void> {
    if (rev <= this.compactedRev) throw EtcdErrors.compacted();
    if (rev > this.currentRev) throw EtcdErrors.futureRev();
    this.compactedRev = rev;
    const dropped = this.index.compact(rev);
    this.log.trimBefore(rev);
    const ops: BatchOp[] = dropped.map((r) => ({ type: 'del', key: revisionKey(r.mod, r.sub) }));
    ops.push(compactMetaOp(rev));
    await this.backend.write(ops);
  }
}
