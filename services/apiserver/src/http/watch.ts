import type http from 'node:http';
import { ApiError } from '../errors.js';
import type { KObject } from '../object.js';
import type { Resource } from '../registry/resource.js';
import type { ObjectFilter } from '../registry/selectable-fields.js';
import type { CacheEvent, EventType } from '../registry/watch-cache.js';
import { toTable, type IncludeObject } from './table.js';

export interface WatchParams {
  namespace: string | undefined;
  filter: ObjectFilter;
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
  bookmarks: boolean;
  /** Set when each event's object should be a one-row Table. */
  table: IncludeObject | undefined;
}

/** Unread bytes a watch response may hold before the watcher counts as too slow and is closed. */
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
/** Without timeoutSeconds a watch ends after this long, so clients re-watch and rebalance. */
const DEFAULT_TIMEOUT_S = 1800;
const BOOKMARK_INTERVAL_MS = 60_000;

/** One serialisation per event and type, shared by every plain-JSON watcher of a resource. */
const encoded = new WeakMap<CacheEvent, Map<EventType, string>>();

function encodePlain(r: Resource, ev: CacheEvent, type: EventType): string {
  let byType = encoded.get(ev);
  if (byType === undefined) encoded.set(ev, (byType = new Map()));
  let line = byType.get(type);
  if (line === undefined) {
    line = `${JSON.stringify({ type, object: r.withType(ev.object) })}\n`;
    byType.set(type, line);
  }
  return line;
}

/**
 * What a watcher with a selector sees of some changes: an object that starts matching appears
 * (ADDED), one that stops matching disappears (DELETED), as Kubernetes filters watches.
 */
export function scopeEvents(events: CacheEvent[], inScope: (o: KObject | undefined) => boolean): Array<{ ev: CacheEvent; type: EventType }> {
  const out: Array<{ ev: CacheEvent; type: EventType }> = [];
  for (const ev of events) {
    const now = inScope(ev.object);
    const before = ev.type !== 'ADDED' && inScope(ev.prev);
    if (ev.type === 'ADDED' && now) out.push({ ev, type: 'ADDED' });
    else if (ev.type === 'MODIFIED' && now) out.push({ ev, type: before ? 'MODIFIED' : 'ADDED' });
    else if (ev.type === 'MODIFIED' && before) out.push({ ev, type: 'DELETED' });
    else if (ev.type === 'DELETED' && before) out.push({ ev, type: 'DELETED' });
  }
  return out;
}

/** Streams watch events as newline-delimited JSON, filtered the way Kubernetes filters them. */
export async function serveWatch(_req: http.IncomingMessage, res: http.ServerResponse, r: Resource, p: WatchParams): Promise<void> {
  const inScope = (o: KObject | undefined): boolean => o !== undefined && (p.namespace === undefined || o.metadata.namespace === p.namespace) && p.filter(o);
  let lastRv = p.resourceVersion;
  let ended = false;

  const line = (ev: CacheEvent, type: EventType, obj: KObject): string => {
    if (p.table === undefined && obj === ev.object) return encodePlain(r, ev, type);
    const object = p.table === undefined ? r.withType(obj) : toTable(r.kind.kind, [r.withType(obj)], { resourceVersion: obj.metadata.resourceVersion }, p.table);
    return `${JSON.stringify({ type, object })}\n`;
  };

  const sub = {
    send(events: CacheEvent[]): boolean {
      if (ended) return true;
      let out = '';
      for (const { ev, type } of scopeEvents(events, inScope)) {
        out += line(ev, type, ev.object);
        lastRv = String(ev.revision);
      }
      if (events.length > 0) lastRv = String((events[events.length - 1] as CacheEvent).revision);
      if (out !== '') res.write(out);
      return res.writableLength < MAX_PENDING_BYTES;
    },
    close(err?: Error): void {
      if (ended) return;
      if (err instanceof ApiError) res.write(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
      finish();
    },
  };

  let unsubscribe: (() => void) | undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe?.();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  res.on('close', finish);

  // Errors before the stream starts (410 for a compacted resourceVersion) are a plain Status.
  const subscription = r.watch(p.resourceVersion, sub);
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  res.flushHeaders();
  try {
    unsubscribe = await subscription;
  } catch (err) {
    if (err instanceof ApiError) {
      res.write(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
      return finish();
    }
    throw err;
  }
  if (ended) return unsubscribe();
  const timeoutS = p.timeoutSeconds !== undefined && p.timeoutSeconds > 0 ? Math.min(p.timeoutSeconds, DEFAULT_TIMEOUT_S) : DEFAULT_TIMEOUT_S;
  timers.push(setTimeout(finish, timeoutS * 1000));
  if (p.bookmarks) {
    const bookmark = (): void => {
      const rv = String(Math.max(Number(lastRv ?? 0), r.cache.revision));
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: r.kind.kind, apiVersion: r.apiVersion, metadata: { resourceVersion: rv } } })}\n`);
      timers.push(setTimeout(bookmark, BOOKMARK_INTERVAL_MS));
    };
    timers.push(setTimeout(bookmark, BOOKMARK_INTERVAL_MS));
  }
}
