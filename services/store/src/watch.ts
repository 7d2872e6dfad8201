import type { Logger } from '@kite/common';
import type { Change, RevisionChanges } from './event-log.js';
import type { HeaderFactory } from './header.js';
import { inRange, keyRange, toKey, type KeyRange } from './keys.js';
import type { WatchEvent } from './encode.js';
import type { Mvcc } from './mvcc.js';
import { FilterType, type WatchCreateRequest, type WatchResponse } from './wire.js';

/** etcd sends at most this many revisions in one catch-up response. */
const CATCH_UP_REVISIONS = 1000;

export interface WatchHubOptions {
  /** A stream with more than this many bytes queued for its client has its watchers cancelled. */
  maxPendingBytes: number;
  progressNotifyIntervalMs: number;
}

/** Where a stream's responses go; `write`'s callback fires once the bytes left the process. */
export interface WatchSink {
  write(res: WatchResponse, done: () => void): void;
}

interface Watcher {
  id: number;
  stream: WatchStream;
  range: KeyRange;
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
  progressNotify: boolean;
  /** The next revision this watcher needs. */
  nextRev: number;
  /** Whether events were sent since the last progress tick. */
  busy: boolean;
}

/**
 * The watchers of all streams. A watcher is "synced" once it has seen every durable
 * revision; new revisions are then pushed to it as they become durable. An unsynced one
 * (started in the past) catches up from the event log first, a thousand revisions at a time.
 */
export class WatchHub {
  private readonly synced = new Set<Watcher>();
  private readonly unsynced = new Set<Watcher>();
  private catchUpScheduled = false;
  private progressTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  slowCancelled = 0;

  constructor(
    readonly mvcc: Mvcc,
    readonly header: HeaderFactory,
    readonly opts: WatchHubOptions,
    readonly log: Logger,
  ) {
    this.unsubscribe = mvcc.subscribe((entries) => this.deliver(entries));
    this.progressTimer = setInterval(() => this.progressTick(), opts.progressNotifyIntervalMs);
    this.progressTimer.unref();
  }

  get watcherCount(): number {
    return this.synced.size + this.unsynced.size;
  }

  openStream(sink: WatchSink): WatchStream {
    return new WatchStream(this, sink);
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.progressTimer);
  }

  add(w: Watcher): void {
    if (w.nextRev > this.mvcc.durableRev) {
      this.synced.add(w);
      return;
    }
    this.unsynced.add(w);
    this.catchUp();
  }

  remove(w: Watcher): void {
    this.synced.delete(w);
    this.unsynced.delete(w);
  }

  allSynced(stream: WatchStream): boolean {
    for (const w of this.unsynced) if (w.stream === stream) return false;
    return true;
  }

  private deliver(entries: RevisionChanges[]): void {
    for (const w of this.synced) {
      for (const entry of entries) {
        if (entry.rev < w.nextRev) continue;
        const events = this.eventsFor(w, entry.changes);
        w.nextRev = entry.rev + 1;
        if (events.length > 0) w.stream.sendEvents(w, events, entry.rev);
        if (!this.synced.has(w)) break;
      }
    }
  }

  /** Replays history to unsynced watchers; continues on the next turn if there is more. */
  private catchUp(): void {
    this.catchUpScheduled = false;
    const durable = this.mvcc.durableRev;
    for (const w of this.unsynced) {
      if (w.nextRev < this.mvcc.compactedRev) {
        this.unsynced.delete(w);
        w.stream.sendCompacted(w, this.mvcc.compactedRev);
        continue;
      }
      const events: WatchEvent[] = [];
      let revs = 0;
      for (const entry of this.mvcc.log.range(w.nextRev, durable)) {
        if (revs++ === CATCH_UP_REVISIONS) break;
        events.push(...this.eventsFor(w, entry.changes));
        w.nextRev = entry.rev + 1;
      }
      if (revs <= CATCH_UP_REVISIONS) w.nextRev = durable + 1;
      if (events.length > 0) w.stream.sendEvents(w, events, durable);
      if (!this.unsynced.has(w)) continue;
      if (w.nextRev > durable) {
        this.unsynced.delete(w);
        this.synced.add(w);
        w.stream.onSynced();
      }
    }
    if (this.unsynced.size > 0 && !this.catchUpScheduled) {
      this.catchUpScheduled = true;
      setImmediate(() => this.catchUp());
    }
  }

  private eventsFor(w: Watcher, changes: Change[]): WatchEvent[] {
    const events: WatchEvent[] = [];
    for (const { record, prev } of changes) {
      if (!inRange(w.range, record.key)) continue;
      if (record.tombstone ? w.noDelete : w.noPut) continue;
      const event: WatchEvent = { record };
      // etcd reads prev_kv at mod_revision - 1, which is gone once compacted past.
      if (w.prevKv && prev && record.mod - 1 >= this.mvcc.compactedRev) event.prev = prev;
      events.push(event);
    }
    return events;
  }

  private progressTick(): void {
    for (const w of this.synced) {
      if (w.progressNotify && !w.busy) w.stream.send({ header: this.header(this.mvcc.durableRev), watch_id: w.id }, 0);
      w.busy = false;
    }
  }
}

const eventBytes = (events: WatchEvent[]): number =>
  events.reduce((n, e) => n + 32 + e.record.key.length + e.record.value.length + (e.prev?.value.length ?? 0), 0);

/** One Watch RPC: its watchers, their IDs, and the bytes still queued for its client. */
export class WatchStream {
  private readonly watchers = new Map<number, Watcher>();
  private nextId = 0;
  private pendingBytes = 0;
  private progressWanted = false;
  private closed = false;

  constructor(
    private readonly hub: WatchHub,
    private readonly sink: WatchSink,
  ) {}

  create(req: WatchCreateRequest): void {
    const hub = this.hub;
    // etcd watches "\0", the smallest key, when given none.
    const key = req.key.length === 0 ? '\0' : toKey(req.key);
    const end = toKey(req.range_end);
    let id = Number(req.watch_id);
    if (end !== '' && end !== '\0' && key >= end) return this.refuse('mvcc: watcher range is empty');
    if (id !== 0 && this.watchers.has(id)) return this.refuse('mvcc: duplicate watch ID provided on the WatchStream');
    if (id === 0) {
      while (this.watchers.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    }
    const start = Number(req.start_revision);
    const w: Watcher = {
      id,
      stream: this,
      range: keyRange(key, end),
      prevKv: req.prev_kv,
      noPut: req.filters.includes(FilterType.NOPUT),
      noDelete: req.filters.includes(FilterType.NODELETE),
      progressNotify: req.progress_notify,
      nextRev: start > 0 ? start : hub.mvcc.durableRev + 1,
      busy: false,
    };
    this.watchers.set(id, w);
    this.send({ header: hub.header(hub.mvcc.durableRev), watch_id: id, created: true }, 0);
    hub.add(w);
  }

  private refuse(reason: string): void {
    const header = this.hub.header(this.hub.mvcc.durableRev);
    this.send({ header, watch_id: -1, created: true, canceled: true, cancel_reason: reason }, 0);
  }

  cancel(id: number): void {
    const w = this.watchers.get(id);
    if (!w) return;
    this.watchers.delete(id);
    this.hub.remove(w);
    this.send({ header: this.hub.header(this.hub.mvcc.durableRev), watch_id: id, canceled: true }, 0);
  }

  /** Answers at once when every watcher is caught up, else as soon as they are. */
  requestProgress(): void {
    if (this.hub.allSynced(this)) this.sendProgress();
    else this.progressWanted = true;
  }

  onSynced(): void {
    if (this.progressWanted && this.hub.allSynced(this)) this.sendProgress();
  }

  private sendProgress(): void {
    this.progressWanted = false;
    this.send({ header: this.hub.header(this.hub.mvcc.durableRev), watch_id: -1 }, 0);
  }

  sendEvents(w: Watcher, events: WatchEvent[], rev: number): void {
    w.busy = true;
    this.send({ header: this.hub.header(rev), watch_id: w.id, events }, eventBytes(events));
  }

  sendCompacted(w: Watcher, compactRev: number): void {
    this.watchers.delete(w.id);
    this.send({ header: this.hub.header(0), watch_id: w.id, canceled: true, compact_revision: compactRev }, 0);
  }

  send(res: WatchResponse, bytes: number): void {
    if (this.closed) return;
    this.pendingBytes += bytes;
    this.sink.write(res, () => (this.pendingBytes -= bytes));
    if (this.pendingBytes > this.hub.opts.maxPendingBytes) this.cutOff();
  }

  /** A client that does not read its events loses its watchers instead of growing our memory. */
  private cutOff(): void {
    const pending = this.pendingBytes;
    this.hub.log.warn({ pendingBytes: pending, watchers: this.watchers.size }, 'cancelling watchers of a slow watch stream');
    for (const w of this.watchers.values()) {
      this.hub.remove(w);
      this.hub.slowCancelled++;
      this.sink.write(
        {
          header: this.hub.header(this.hub.mvcc.durableRev),
          watch_id: w.id,
          canceled: true,
          cancel_reason: `kite-store: watcher is too slow (${pending} bytes not yet read by the client)`,
        },
        () => undefined,
      );
    }
    this.watchers.clear();
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) this.hub.remove(w);
    this.watchers.clear();
  }
}
