import type { Logger } from '@kite/common';
import type { EtcdStorage, StorageError, WatchEvent } from '@kite/storage';
import { expired, timeout } from '../errors.js';
import type { KObject } from '../object.js';
import { decodeObject } from './object-store.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  type: EventType;
  object: KObject;
  /** The object before this change (for MODIFIED and DELETED). */
  prev?: KObject;
  revision: number;
}

export interface Subscriber {
  /** Called with each change, in revision order; false asks to be dropped (too slow). */
  send(events: CacheEvent[]): boolean;
  /** The cache cannot serve this subscriber any more (re-list needed, or shutting down). */
  close(err?: Error): void;
}

export interface WatchCacheOptions {
  /** Changes kept for watchers resuming from a past resourceVersion. */
  capacity: number;
  /** How long a request for a resourceVersion the cache has not reached yet may wait. */
  catchUpTimeoutMs: number;
}

/**
 * One store watch per resource, fanned out to every watcher: the cache holds the current
 * objects and a window of recent changes, so watches resume from a resourceVersion without
 * touching the store, and a resourceVersion older than the window answers 410 Expired.
 */
export class WatchCache {
  private objects = new Map<string, KObject>();
  private buffer: CacheEvent[] = [];
  /** A watch may resume from any resourceVersion >= this one. */
  private resumableFrom = 0;
  private subscribers = new Set<Subscriber>();
  private waiters: Array<{ rev: number; resolve: () => void }> = [];
  private cancelWatch: (() => void) | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Everything up to this revision is reflected in the cache. */
  revision = 0;
  readonly ready: Promise<void>;

  constructor(
    private readonly storage: EtcdStorage,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly opts: WatchCacheOptions,
  ) {
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    for (let delay = 100; !this.stopped; delay = Math.min(delay * 2, 5000)) {
      try {
        const r = await this.storage.list(this.prefix);
        this.objects = new Map(r.kvs.map((kv) => [kv.key, decodeObject(kv)]));
        this.buffer = [];
        this.revision = r.revision;
        this.resumableFrom = r.revision;
        this.cancelWatch = this.storage.watchPrefix(this.prefix, r.revision + 1, {
          onEvents: (events, rev) => this.apply(events, rev),
          onProgress: (rev) => this.advance(rev),
          onError: (err) => this.restart(err),
        });
        this.wake();
        return;
      } catch (err) {
        this.log.warn({ err, prefix: this.prefix }, 'watch cache cannot list; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** The store compacted past us: every watcher must re-list, and so must the cache. */
  private restart(err: StorageError): void {
    this.log.warn({ err: err.message, prefix: this.prefix }, 'watch cache lost its store watch; re-listing');
    for (const s of this.subscribers) s.close(expired(`too old resource version: ${this.revision}`));
    this.subscribers.clear();
    if (!this.stopped) void this.start();
  }

  private apply(events: WatchEvent[], revision: number): void {
    const out: CacheEvent[] = [];
    for (const e of events) {
      if (e.type === 'put') {
        const obj = decodeObject(e.kv);
        const prev = this.objects.get(e.kv.key);
        this.objects.set(e.kv.key, obj);
        out.push(prev === undefined ? { type: 'ADDED', object: obj, revision: e.kv.modRevision } : { type: 'MODIFIED', object: obj, prev, revision: e.kv.modRevision });
      } else {
        const prev = this.objects.get(e.key);
        this.objects.delete(e.key);
        if (prev === undefined) continue;
        const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(e.modRevision) } };
        out.push({ type: 'DELETED', object, prev, revision: e.modRevision });
      }
    }
    for (const ev of out) this.buffer.push(ev);
    const excess = this.buffer.length - this.opts.capacity;
    if (excess > 0) {
      this.resumableFrom = (this.buffer[excess - 1] as CacheEvent).revision;
      this.buffer.splice(0, excess);
    }
    this.revision = Math.max(this.revision, revision, out.at(-1)?.revision ?? 0);
    for (const s of this.subscribers) if (!s.send(out)) this.drop(s, 'watcher too slow');
    this.wake();
  }

  private advance(revision: number): void {
    if (revision > this.revision) this.revision = revision;
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.rev <= this.revision) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
    if (still.length === 0) {
      clearInterval(this.progressTimer);
      this.progressTimer = undefined;
    }
  }

  /** Resolves once the cache reflects `rev`; 504 if it does not in time. */
  async waitFor(rev: number): Promise<void> {
    await this.ready;
    if (rev <= this.revision) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(timeout(`Too large resource version: ${rev}, current: ${this.revision}`));
      }, this.opts.catchUpTimeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve();
      };
      this.waiters.push({ rev, resolve: done });
      // Another resource's writes move the global revision without events here: ask the store.
      this.storage.requestWatchProgress();
      this.progressTimer ??= setInterval(() => this.storage.requestWatchProgress(), 50);
    });
  }

  /** The current objects (shared: callers must not mutate them) at `revision`. */
  snapshot(): { items: KObject[]; revision: number } {
    return { items: [...this.objects.values()], revision: this.revision };
  }

  get(key: string): KObject | undefined {
    return this.objects.get(key);
  }

  /**
   * Subscribes from `fromRev`: changes after it are replayed, then live ones follow. Without
   * `fromRev`, the current objects arrive first as ADDED events. 410 when history is gone.
   */
  async subscribe(fromRev: number | undefined, sub: Subscriber): Promise<() => void> {
    await this.ready;
    if (fromRev !== undefined) {
      if (fromRev < this.resumableFrom) throw expired(`too old resource version: ${fromRev} (${this.resumableFrom + 1})`);
      await this.waitFor(fromRev);
      const replay = this.buffer.filter((e) => e.revision > fromRev);
      if (replay.length > 0 && !sub.send(replay)) throw expired('watch could not catch up');
    } else {
      const initial: CacheEvent[] = [...this.objects.values()].map((object) => ({
        type: 'ADDED',
        object,
        revision: Number(object.metadata.resourceVersion),
      }));
      if (initial.length > 0 && !sub.send(initial)) throw expired('watch could not catch up');
    }
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  private drop(s: Subscriber, why: string): void {
    this.subscribers.delete(s);
    s.close(new Error(why));
  }

  stop(): void {
    this.stopped = true;
    this.cancelWatch?.();
    clearInterval(this.progressTimer);
    for (const s of this.subscribers) s.close();
    this.subscribers.clear();
  }
}
