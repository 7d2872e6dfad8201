import { EtcdStorage, type WatchEvent } from '@kite/storage';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, startKiteStore, tempDir, waitFor, type StoreProc } from '../support/processes.js';

const WRITERS = 4;
const KILLS = 3;

// Kill the store again and again under writes while a watcher follows along: every
// acknowledged write survives, and the watcher sees each change exactly once, in order.
describe('chaos: kite-store killed under load', () => {
  const cleanups = cleanupAfterEach();

  it('loses no acknowledged write and no watch event across repeated SIGKILLs', async () => {
    const { dir, remove } = await tempDir('chaos-store');
    cleanups.push(remove);
    let store: StoreProc = await startKiteStore(dir);
    cleanups.push(() => store.stop('SIGKILL'));
    const endpoint = store.endpoint;
    const storage = new EtcdStorage({ endpoints: [endpoint], requestTimeoutMs: 2000 });
    cleanups.push(() => storage.close());

    const first = await storage.create('/chaos/start', Buffer.from('0'));
    if (!first.ok) throw new Error('first create failed');
    const events: WatchEvent[] = [];
    const revisions: number[] = [];
    const watchErrors: Error[] = [];
    storage.watchPrefix('/chaos/', first.revision + 1, {
      onEvents: (evs) => {
        events.push(...evs);
        for (const e of evs) revisions.push(e.type === 'put' ? e.kv.modRevision : e.modRevision);
      },
      onError: (err) => watchErrors.push(err),
    });

    const acked = new Set<string>();
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let seq = 0; !stop; seq++) {
        const key = `/chaos/${w}/${seq}`;
        const value = Buffer.from(`${w}:${seq}`);
        // Retry the same key until the store answers: an "already exists" with our value
        // means the attempt that the crash interrupted had in fact been applied.
        for (;;) {
          let res;
          try {
            res = await storage.create(key, value);
          } catch {
            // Killed mid-call (unavailable, reset stream, deadline): whether it applied is unknown.
            if (stop) return;
            await new Promise((r) => setTimeout(r, 20)); // back off while the store restarts
            continue;
          }
          if (res.ok || res.current?.value.equals(value)) break;
          throw new Error(`unexpected existing value at ${key}`);
        }
        acked.add(key);
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

    for (let kill = 0; kill < KILLS; kill++) {
      const target = acked.size + 300;
      await waitFor(`${target} acknowledged writes`, () => (acked.size >= target ? true : undefined), 30_000);
      await store.stop('SIGKILL');
      store = await startKiteStore(dir, ['--listen', endpoint]);
    }
    const target = acked.size + 300;
    await waitFor(`${target} acknowledged writes after the last restart`, () => (acked.size >= target ? true : undefined), 30_000);
    stop = true;
    await Promise.all(writers);

    const listed = await storage.list('/chaos/');
    const stored = new Set(listed.kvs.map((kv) => kv.key));
    for (const key of acked) expect(stored.has(key), `acknowledged ${key} is missing`).toBe(true);
    expect(watchErrors).toEqual([]);
    await waitFor('the watcher to catch up', () => (events.length >= stored.size - 1 ? true : undefined), 30_000);
    const seen = events.map((e) => (e.type === 'put' ? e.kv.key : e.key));
    expect(new Set(seen).size).toBe(seen.length); // each create seen once
    expect([...seen].sort()).toEqual([...stored].filter((k) => k !== '/chaos/start').sort());
    for (let i = 1; i < revisions.length; i++) expect(revisions[i] as number).toBeGreaterThan(revisions[i - 1] as number);
  });
});
