import { describe, expect, it } from 'vitest';
import { rawEtcd, type RawEtcd } from '../support/etcd-client.js';
import { cleanupAfterEach, startKiteStore, tempDir, waitFor, type StoreProc } from '../support/processes.js';

const WRITERS = 16;

interface Acked {
  key: string;
  value: string;
  rev: number;
  /** The second key of a two-key txn, which must exist exactly when the first does. */
  pair?: string;
}

// Acceptance point 3 of the store issue: SIGKILL under concurrent load loses no acknowledged
// write, half-applies no txn, and revisions continue from where they were.
describe('kite-store crash safety', () => {
  const cleanups = cleanupAfterEach();

  it('keeps every acknowledged write across SIGKILL', async () => {
    const { dir, remove } = await tempDir('crash');
    cleanups.push(remove);
    let store: StoreProc = await startKiteStore(dir);
    cleanups.push(() => store.stop('SIGKILL'));
    const client: RawEtcd = rawEtcd(store.endpoint);

    const acked: Acked[] = [];
    const inFlight = new Set<string>();
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      for (let seq = 0; !stop; seq++) {
        const key = `/crash/${w}/${seq}`;
        const value = `w${w}-s${seq}-${'x'.repeat(seq % 200)}`;
        inFlight.add(key);
        try {
          if (seq % 3 === 0) {
            const pair = `${key}/pair`;
            const res = await client.call('KV', 'Txn', {
              compare: [{ key: Buffer.from(key), target: 'CREATE', result: 'EQUAL', create_revision: 0 }],
              success: [
                { request_put: { key: Buffer.from(key), value: Buffer.from(value) } },
                { request_put: { key: Buffer.from(pair), value: Buffer.from(value) } },
              ],
            });
            expect(res.succeeded).toBe(true);
            acked.push({ key, value, rev: Number(res.header.revision), pair });
          } else {
            const res = await client.call('KV', 'Put', { key: Buffer.from(key), value: Buffer.from(value) });
            acked.push({ key, value, rev: Number(res.header.revision) });
          }
          inFlight.delete(key);
        } catch {
          return; // the store died under us; this write is unacknowledged
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    await waitFor('a few thousand acknowledged writes', () => (acked.length >= 3000 ? true : undefined), 60_000);
    expect(inFlight.size).toBeGreaterThan(0); // the kill lands mid-load, not after it
    process.kill(store.pid, 'SIGKILL');
    await store.exited;
    stop = true;
    await Promise.all(writers);
    client.close();

    store = await startKiteStore(dir);
    const after = rawEtcd(store.endpoint);
    cleanups.push(async () => after.close());
    const all = await after.call('KV', 'Range', { key: Buffer.from('/crash/'), range_end: Buffer.from('/crash0') });
    const byKey = new Map<string, { value: string; mod: number }>();
    for (const kv of all.kvs) byKey.set(kv.key.toString(), { value: kv.value.toString(), mod: Number(kv.mod_revision) });

    let maxAcked = 0;
    for (const a of acked) {
      const got = byKey.get(a.key);
      expect(got, `acknowledged ${a.key} is missing`).toBeDefined();
      expect(got?.value).toBe(a.value);
      expect(got?.mod).toBe(a.rev);
      if (a.pair) expect(byKey.get(a.pair)?.mod).toBe(a.rev);
      maxAcked = Math.max(maxAcked, a.rev);
    }
    // Unacknowledged two-key txns are all or nothing.
    for (const [key, kv] of byKey) {
      if (key.endsWith('/pair')) expect(byKey.get(key.slice(0, -'/pair'.length))?.mod).toBe(kv.mod);
      else if (Number(key.split('/')[3]) % 3 === 0) expect(byKey.get(`${key}/pair`)?.mod).toBe(kv.mod);
    }
    // Revisions are dense: every revision up to the newest is one write, none is reused.
    const current = Number(all.header.revision);
    expect(current).toBeGreaterThanOrEqual(maxAcked);
    expect(new Set([...byKey.values()].map((v) => v.mod)).size).toBe(current - 1);
    const next = await after.call('KV', 'Put', { key: Buffer.from('/after-crash'), value: Buffer.from('v') });
    expect(Number(next.header.revision)).toBe(current + 1);
  });
});
