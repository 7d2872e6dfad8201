import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { StartupError, type Logger } from '@kite/common';
import { decodeRecord, parseRevisionKey, type KvRecord } from './record.js';

export type BatchOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

export interface StoredLease {
  id: string;
  ttl: number;
}

export interface ClusterIdentity {
  clusterId: string;
  memberId: string;
  /** Incremented on every start, like a raft term after a single-member election. */
  term: number;
}

export interface LoadedState {
  records: KvRecord[];
  compacted: number;
  leases: StoredLease[];
}

const META_CLUSTER = Buffer.from('mcluster');
const META_COMPACT = Buffer.from('mcompact');
const LEASE_PREFIX = 'l';

export const leaseKey = (id: string): Buffer => Buffer.from(LEASE_PREFIX + id);
export const compactMetaOp = (rev: number): BatchOp => ({ type: 'put', key: META_COMPACT, value: Buffer.from(String(rev)) });

/** When a batch may start before the end of the event-loop turn (see Backend.write). */
export interface GroupCommitPolicy {
  /** Writes waiting that start a sync at once; Infinity: only at the end of the turn. */
  writes: number;
  /** Only for a burst that follows this long without a sync. */
  quietMs: number;
}

interface Pending {
  ops: BatchOp[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * LevelDB underneath the store. Writes are group-committed: everything enqueued while one
 * synced batch is on its way to disk goes out together in the next one, so many writers
 * share one fsync and each is acknowledged only once its batch is durable.
 */
export class Backend {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private burstAfterQuiet = false;
  private lastFlushEnd = 0;
  private failure: Error | undefined;
  private failureListeners: Array<(err: Error) => void> = [];
  batchesWritten = 0;
  opsWritten = 0;

  private constructor(
    private readonly db: ClassicLevel<Buffer, Buffer>,
    readonly dir: string,
    private readonly sync: boolean,
    private readonly groupCommit: GroupCommitPolicy,
    private readonly log: Logger,
  ) {}

  static async open(dir: string, opts: { sync: boolean; groupCommit: GroupCommitPolicy; log: Logger }): Promise<Backend> {
    const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      await db.open();
    } catch (err) {
      const locked = /lock/i.test(String((err as { cause?: unknown }).cause ?? err));
      throw new StartupError(
        locked ? `data directory ${dir} is in use by another kite-store` : `cannot open LevelDB in ${dir}: ${(err as Error).message}`,
      );
    }
    return new Backend(db, dir, opts.sync, opts.groupCommit, opts.log);
  }

  /** Reads (or on first start creates) the cluster identity and bumps the term. */
  async identity(newId: () => string): Promise<ClusterIdentity> {
    const raw = await this.db.get(META_CLUSTER);
    const prev = raw ? (JSON.parse(raw.toString()) as ClusterIdentity) : undefined;
    const id: ClusterIdentity = prev
      ? { ...prev, term: prev.term + 1 }
      : { clusterId: newId(), memberId: newId(), term: 2 };
    await this.db.put(META_CLUSTER, Buffer.from(JSON.stringify(id)), { sync: true });
    return id;
  }

  async load(): Promise<LoadedState> {
    const records: KvRecord[] = [];
    const it = this.db.iterator({ gte: Buffer.from('r'), lt: Buffer.from('s') });
    try {
      for (;;) {
        const entries = await it.nextv(4096);
        if (entries.length === 0) break;
        for (const [k, v] of entries) {
          const { mod, sub } = parseRevisionKey(k);
          records.push(decodeRecord(mod, sub, v));
        }
      }
    } finally {
      await it.close();
    }
    const leases: StoredLease[] = [];
    for await (const [k, v] of this.db.iterator({ gte: Buffer.from(LEASE_PREFIX), lt: Buffer.from('m') })) {
      leases.push({ id: k.toString().slice(LEASE_PREFIX.length), ttl: (JSON.parse(v.toString()) as { ttl: number }).ttl });
    }
    const compactRaw = await this.db.get(META_COMPACT);
    return { records, leases, compacted: compactRaw ? Number(compactRaw.toString()) : 0 };
  }

  /** Resolves once `ops` are on disk (with every batch enqueued before them). */
  write(ops: BatchOp[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ ops, resolve, reject });
      if (this.flushing) return; // the running loop takes it with the next batch
      if (this.queue.length === 1) this.burstAfterQuiet = performance.now() - this.lastFlushEnd >= this.groupCommit.quietMs;
      if (this.burstAfterQuiet && this.queue.length >= this.groupCommit.writes) {
        // A burst after a quiet spell (clients waiting in lock-step): sync its first writes
        // now, while the rest are still being decoded, so the first answers go out sooner
        // and the clients work while the disk does. Under steady load, batch by turn.
        void this.flushLoop();
      } else if (!this.scheduled) {
        // Otherwise let every request that arrived in this turn join the batch.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (!this.flushing && this.queue.length > 0) void this.flushLoop();
        });
      }
    });
  }

  private async flushLoop(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      // A chained batch costs the main thread far less than the array form's per-op checks.
      const chained = this.db.batch();
      let n = 0;
      for (const p of batch) {
        for (const op of p.ops) {
          if (op.type === 'put') chained.put(op.key, op.value);
          else chained.del(op.key);
        }
        n += p.ops.length;
      }
      try {
        await chained.write({ sync: this.sync });
        this.batchesWritten++;
        this.opsWritten += n;
        for (const p of batch) p.resolve();
      } catch (err) {
        // Memory is now ahead of disk; nothing more can be acknowledged truthfully.
        this.failure = err instanceof Error ? err : new Error(String(err));
        this.log.fatal({ err }, 'LevelDB write failed; refusing further writes');
        for (const p of [...batch, ...this.queue]) p.reject(this.failure);
        this.queue = [];
        for (const l of this.failureListeners) l(this.failure);
      }
    }
    this.flushing = false;
    this.lastFlushEnd = performance.now();
  }

  /** Called once if a write fails: from then on memory is ahead of disk. */
  onFailure(listener: (err: Error) => void): void {
    this.failureListeners.push(listener);
  }

  get healthy(): string | undefined {
    return this.failure ? `backend write failed: ${this.failure.message}` : undefined;
  }

  async sizeOnDisk(): Promise<number> {
    let total = 0;
    for (const name of await readdir(this.dir)) {
      total += (await stat(path.join(this.dir, name))).size;
    }
    return total;
  }

  /** Waits for queued writes, then closes LevelDB. */
  async close(): Promise<void> {
    if (this.queue.length > 0 || this.flushing) await this.write([]).catch(() => undefined);
    await this.db.close();
  }
}
