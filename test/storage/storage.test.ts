import { EtcdStorage, type WatchEvent } from '@kite/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, startKiteStore, tempDir, waitFor, type Proc } from '../support/processes.js';

// @kite/storage must behave the same on kite-store and on a real etcd.
describe.each(['kite-store', 'etcd'] as const)('EtcdStorage against %s', (server) => {
  let proc: Proc & { endpoint: string };
  let removeDir: () => Promise<void>;
  let storage: EtcdStorage;

  beforeAll(async () => {
    const t = await tempDir(`storage-${server}`);
    removeDir = t.remove;
    proc = server === 'etcd' ? await startEtcd(t.dir) : await startKiteStore(t.dir);
    storage = new EtcdStorage({ endpoints: [`http://${proc.endpoint}`] });
  });

  afterAll(async () => {
    storage?.close();
    await proc?.stop();
    await removeDir?.();
  });

  it('creates once, then answers with the existing object', async () => {
    const first = await storage.create('/registry/pods/default/a', Buffer.from('v1'));
    expect(first.ok).toBe(true);
    const again = await storage.create('/registry/pods/default/a', Buffer.from('v2'));
    expect(again).toMatchObject({ ok: false, current: { value: Buffer.from('v1'), version: 1 } });
    if (first.ok && !again.ok) expect(again.current?.modRevision).toBe(first.revision);
    const got = await storage.get('/registry/pods/default/a');
    expect(got.kv?.value.toString()).toBe('v1');
    expect((await storage.get('/registry/pods/default/missing')).kv).toBeUndefined();
  });

  it('updates and deletes only at the expected revision', async () => {
    const created = await storage.create('/registry/cm/default/x', Buffer.from('1'));
    if (!created.ok) throw new Error('create failed');
    const updated = await storage.update('/registry/cm/default/x', Buffer.from('2'), created.revision);
    expect(updated).toMatchObject({ ok: true, prev: { value: Buffer.from('1') } });
    const stale = await storage.update('/registry/cm/default/x', Buffer.from('3'), created.revision);
    expect(stale).toMatchObject({ ok: false, current: { value: Buffer.from('2'), version: 2 } });
    expect(await storage.delete('/registry/cm/default/x', created.revision)).toMatchObject({ ok: false });
    if (!updated.ok) throw new Error('update failed');
    expect(await storage.delete('/registry/cm/default/x', updated.revision)).toMatchObject({ ok: true, prev: { value: Buffer.from('2') } });
    expect(await storage.delete('/registry/cm/default/x')).toEqual({ ok: false });
  });

  it('lists in consistent pages', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await storage.create(`/registry/ns/${n}`, Buffer.from(n));
    const page1 = await storage.list('/registry/ns/', { limit: 2 });
    expect(page1.kvs.map((k) => k.key)).toEqual(['/registry/ns/a', '/registry/ns/b']);
    expect(page1).toMatchObject({ more: true, count: 5 });
    await storage.create('/registry/ns/bb', Buffer.from('late')); // after page 1: not in this list
    const page2 = await storage.list('/registry/ns/', { limit: 2, after: '/registry/ns/b', revision: page1.revision });
    expect(page2.kvs.map((k) => k.key)).toEqual(['/registry/ns/c', '/registry/ns/d']);
    expect(page2.count).toBe(3);
    const page3 = await storage.list('/registry/ns/', { limit: 2, after: '/registry/ns/d', revision: page1.revision });
    expect(page3).toMatchObject({ more: false, count: 1 });
  });

  it('watches from a past revision, then live, with previous values', async () => {
    const c = await storage.create('/registry/w/one', Buffer.from('1'));
    if (!c.ok) throw new Error('create failed');
    await storage.update('/registry/w/one', Buffer.from('2'), c.revision);
    const events: WatchEvent[] = [];
    const cancel = storage.watchPrefix('/registry/w/', c.revision, { onEvents: (e) => events.push(...e), onError: (err) => events.push(err as never) });
    try {
      await waitFor('replayed events', () => (events.length >= 2 ? true : undefined));
      await storage.delete('/registry/w/one');
      await waitFor('the live delete', () => (events.length >= 3 ? true : undefined));
      expect(events.map((e) => e.type)).toEqual(['put', 'put', 'delete']);
      expect(events[1]).toMatchObject({ type: 'put', kv: { value: Buffer.from('2') }, prev: { value: Buffer.from('1') } });
      expect(events[2]).toMatchObject({ type: 'delete', key: '/registry/w/one', prev: { value: Buffer.from('2') } });
    } finally {
      cancel();
    }
  });

  it('ends a watch from a compacted revision with a Compacted error', async () => {
    const c = await storage.create('/registry/old/k', Buffer.from('1'));
    if (!c.ok) throw new Error('create failed');
    const u = await storage.update('/registry/old/k', Buffer.from('2'), c.revision);
    if (!u.ok) throw new Error('update failed');
    await storage.compact(u.revision);
    const err = await new Promise<Error>((resolve) => storage.watchPrefix('/registry/old/', c.revision, { onEvents: () => undefined, onError: resolve }));
    expect(err).toMatchObject({ kind: 'Compacted' });
    await expect(storage.list('/registry/old/', { revision: c.revision })).rejects.toMatchObject({ kind: 'Compacted' });
  });
});

describe('EtcdStorage watch across a store restart', () => {
  it('resumes from the next revision without losing or repeating events', async () => {
    const { dir, remove } = await tempDir('storage-restart');
    let store = await startKiteStore(dir);
    const endpoint = store.endpoint;
    const storage = new EtcdStorage({ endpoints: [endpoint] });
    try {
      const events: WatchEvent[] = [];
      storage.watchPrefix('/r/', 0, { onEvents: (e) => events.push(...e), onError: () => undefined });
      await waitFor('the watch to see a write', async () => {
        await storage.create('/r/first', Buffer.from('1'));
        return events.length > 0 ? true : undefined;
      });
      await store.stop('SIGKILL');
      store = await startKiteStore(dir, ['--listen', endpoint]);
      const second = await waitFor('the store to answer again', () => storage.create('/r/second', Buffer.from('2')).catch(() => undefined));
      expect(second.ok).toBe(true);
      await waitFor('the event written after the restart', () => (events.some((e) => e.type === 'put' && e.kv.key === '/r/second') ? true : undefined));
      expect(events.map((e) => (e.type === 'put' ? e.kv.key : e.key))).toEqual(['/r/first', '/r/second']);
    } finally {
      storage.close();
      await store.stop();
      await remove();
    }
  });
});
