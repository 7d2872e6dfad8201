import type * as grpc from '@grpc/grpc-js';
import { fromWire, type WireKeyValue } from './convert.js';
import { StorageError } from './errors.js';
import type { WatchEvent } from './types.js';

export interface WatchHandler {
  /** Events of one or more whole revisions, in order; `revision` is the response header's. */
  onEvents(events: WatchEvent[], revision: number): void;
  /** Progress: everything up to `revision` has been delivered. */
  onProgress?(revision: number): void;
  /** The watch ended and will not resume (e.g. Compacted: the caller must re-list). */
  onError(err: StorageError): void;
}

export interface WatchRequest {
  key: Buffer;
  rangeEnd: Buffer;
  /** First revision wanted; 0 = from now. */
  fromRevision: number;
  prevKv: boolean;
  progressNotify: boolean;
}

interface Watcher {
  req: WatchRequest;
  handler: WatchHandler;
  /** The next revision this watcher needs, once known. */
  nextRev: number;
  id?: number;
  cancelled: boolean;
}

interface WireWatchResponse {
  header: { revision: string };
  watch_id: string;
  created: boolean;
  canceled: boolean;
  compact_revision: string;
  cancel_reason: string;
  events: Array<{ type: number; kv: WireKeyValue; prev_kv?: WireKeyValue | null }>;
}

/**
 * All of a client's watches over one Watch stream. Creates are answered in order, so a
 * Created response belongs to the oldest pending create. If the stream breaks, every watcher
 * is re-created from the revision after the last one it saw: no event is lost or repeated.
 */
export class WatchMux {
  private stream: grpc.ClientDuplexStream<object, WireWatchResponse> | undefined;
  private readonly watchers = new Set<Watcher>();
  private readonly byId = new Map<number, Watcher>();
  private pending: Watcher[] = [];
  private closed = false;
  private retryMs = 100;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly open: () => grpc.ClientDuplexStream<object, WireWatchResponse>) {}

  watch(req: WatchRequest, handler: WatchHandler): () => void {
    const w: Watcher = { req, handler, nextRev: req.fromRevision, cancelled: false };
    this.watchers.add(w);
    this.create(w);
    return () => this.cancel(w);
  }

  /** Asks for a progress response (every watcher's onProgress) once all watchers have caught up. */
  requestProgress(): void {
    this.stream?.write({ progress_request: {} });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stream?.cancel();
    this.stream = undefined;
  }

  private ensureStream(): grpc.ClientDuplexStream<object, WireWatchResponse> {
    if (this.stream) return this.stream;
    const stream = this.open();
    this.stream = stream;
    stream.on('data', (res: WireWatchResponse) => this.onResponse(res));
    stream.on('error', () => this.onBroken(stream));
    stream.on('end', () => this.onBroken(stream));
    return stream;
  }

  private create(w: Watcher): void {
    this.pending.push(w);
    this.ensureStream().write({
      create_request: {
        key: w.req.key,
        range_end: w.req.rangeEnd,
        start_revision: w.nextRev,
        prev_kv: w.req.prevKv,
        progress_notify: w.req.progressNotify,
      },
    });
  }

  private cancel(w: Watcher): void {
    if (w.cancelled) return;
    w.cancelled = true;
    this.watchers.delete(w);
    if (w.id !== undefined) {
      this.byId.delete(w.id);
      this.stream?.write({ cancel_request: { watch_id: w.id } });
    }
  }

  private onResponse(res: WireWatchResponse): void {
    this.retryMs = 100;
    const id = Number(res.watch_id);
    const revision = Number(res.header?.revision ?? 0);
    if (res.created) {
      const w = this.pending.shift();
      if (!w) return;
      if (res.canceled) return this.fail(w, new StorageError('Internal', `watch refused: ${res.cancel_reason}`));
      w.id = id;
      if (w.cancelled) return void this.stream?.write({ cancel_request: { watch_id: id } });
      this.byId.set(id, w);
      if (w.nextRev === 0) w.nextRev = revision + 1;
      return;
    }
    const w = this.byId.get(id);
    if (res.canceled) {
      if (!w) return;
      this.byId.delete(id);
      const compacted = Number(res.compact_revision);
      if (compacted > 0) return this.fail(w, new StorageError('Compacted', `etcdserver: mvcc: required revision has been compacted (compacted at ${compacted})`));
      // Cancelled by the server for another reason (e.g. too slow): resume from where it was.
      return this.create(w);
    }
    if (!w) {
      if (id === -1) for (const x of this.byId.values()) x.handler.onProgress?.(revision);
      return;
    }
    if (res.events.length === 0) return w.handler.onProgress?.(revision);
    const events: WatchEvent[] = res.events.map((e) => {
      const prev = e.prev_kv ? fromWire(e.prev_kv) : undefined;
      return e.type === 1
        ? { type: 'delete', key: e.kv.key.toString(), modRevision: Number(e.kv.mod_revision), prev }
        : { type: 'put', kv: fromWire(e.kv), prev };
    });
    const last = res.events[res.events.length - 1] as { kv: WireKeyValue };
    w.nextRev = Number(last.kv.mod_revision) + 1;
    w.handler.onEvents(events, revision);
  }

  private fail(w: Watcher, err: StorageError): void {
    this.watchers.delete(w);
    w.cancelled = true;
    w.handler.onError(err);
  }

  private onBroken(stream: grpc.ClientDuplexStream<object, WireWatchResponse>): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    this.byId.clear();
    this.pending = [];
    if (this.closed || this.watchers.size === 0) return;
    this.retryTimer = setTimeout(() => {
      for (const w of this.watchers) {
        w.id = undefined;
        this.create(w);
      }
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 5000);
  }
}
