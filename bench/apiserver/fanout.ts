import { summarize, type LatencySummary } from '../store/stats.js';
import { HttpClient, json, WatchStream, type Reply } from './http.js';
import { createNamespace, pod, podsPath, resourceVersionOf } from './objects.js';
import type { Stack } from './servers.js';

const EVENT_TIMEOUT_MS = 10_000;

export interface FanoutResult {
  watchers: number;
  writes: number;
  /** From the write's answer to each watcher's event (0 when the event came first). */
  afterResponse: LatencySummary;
  /** From sending the write to each watcher's event. */
  afterSend: LatencySummary;
  /** Per write, from its answer until the last of the watchers has the event (0 when all came first). */
  lastWatcher: LatencySummary;
  /** Per write, from the first watcher having the event to the last having it. */
  spread: LatencySummary;
  /** The writes themselves, sent to answered. */
  write: LatencySummary;
  /** Events (of writes x watchers) that arrived before the write's own answer. */
  beforeResponse: number;
  /** Time to open all watch streams (response headers received), ms. */
  openMs: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms))),
  ]);
}

/**
 * `watchers` watch streams on one namespace's pods, then one write at a time (a create, then
 * a merge patch of that pod, alternating) and, for each, when every stream delivered it.
 */
export async function watchFanout(stack: Stack, watchers: number, writes: number, warmup: number): Promise<FanoutResult> {
  const http = new HttpClient(stack.apiserver.address, 1);
  const ns = 'w';
  const streams: WatchStream[] = [];
  try {
    await createNamespace(http, ns);
    const from = json<{ metadata: { resourceVersion: string } }>(await http.expect(200, 'GET', podsPath(ns))).metadata.resourceVersion;
    const opened = performance.now();
    // From a listed version, so a stream registered a little late still replays every write.
    const opening = Array.from({ length: watchers }, () => WatchStream.open(stack.apiserver.address, `${podsPath(ns)}?watch=1&resourceVersion=${from}`));
    const results = await Promise.allSettled(opening);
    for (const r of results) if (r.status === 'fulfilled') streams.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw new Error(`opening ${watchers} watches: ${String(failed.reason)}`);
    const openMs = performance.now() - opened;

    const afterResponse: number[] = [];
    const afterSend: number[] = [];
    const lastWatcher: number[] = [];
    const spread: number[] = [];
    const write: number[] = [];
    let beforeResponse = 0;
    for (let i = 0; i < warmup + writes; i++) {
      const n = i >> 1;
      const sent = performance.now();
      let r: Reply;
      if (i % 2 === 0) r = await http.expect(201, 'POST', podsPath(ns), { body: pod(`w-${n}`) });
      else r = await http.expect(200, 'PATCH', podsPath(ns, `w-${n}`), { body: { metadata: { labels: { touched: 'yes' } } }, contentType: 'application/merge-patch+json' });
      const answered = sent + r.ms;
      const rv = resourceVersionOf(r.body);
      await withTimeout(Promise.all(streams.map((s) => s.until(rv))), EVENT_TIMEOUT_MS, `event ${rv} on ${watchers} watches`);
      const broken = streams.find((s) => s.error);
      if (broken) throw new Error(`a watch stream failed: ${broken.error?.message}`);
      if (i < warmup) continue;
      let first = Infinity;
      let last = -Infinity;
      for (const s of streams) {
        const at = s.seen.get(rv) as number;
        if (at < answered) beforeResponse++;
        afterResponse.push(Math.max(0, at - answered));
        afterSend.push(at - sent);
        first = Math.min(first, at);
        last = Math.max(last, at);
      }
      lastWatcher.push(Math.max(0, last - answered));
      spread.push(last - first);
      write.push(r.ms);
      for (const s of streams) s.seen.delete(rv);
    }
    return { watchers, writes, afterResponse: summarize(afterResponse), afterSend: summarize(afterSend), lastWatcher: summarize(lastWatcher), spread: summarize(spread), write: summarize(write), beforeResponse, openMs };
  } finally {
    for (const s of streams) s.close();
    http.close();
  }
}
