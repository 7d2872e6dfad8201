import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { rawEtcd } from '../support/etcd-client.js';
import { cleanupAfterEach, startKiteStore, storeBin, tempDir, waitFor } from '../support/processes.js';

const run = promisify(execFile);

describe('kite-store as a process', () => {
  const cleanups = cleanupAfterEach();

  async function store(args: string[] = []) {
    const t = await tempDir('proc');
    cleanups.push(t.remove);
    const s = await startKiteStore(t.dir, args);
    cleanups.push(() => s.stop('SIGKILL'));
    const client = rawEtcd(s.endpoint);
    cleanups.push(() => client.close());
    return { s, client };
  }

  it('serves /healthz, /readyz and /metrics, and exits 0 on SIGTERM', async () => {
    const { s, client } = await store();
    await client.call('KV', 'Put', { key: Buffer.from('k'), value: Buffer.from('v') });
    const healthz = await fetch(`http://${s.metrics}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await (await fetch(`http://${s.metrics}/readyz?verbose`)).text()).toContain('[+]backend ok');
    const metrics = await (await fetch(`http://${s.metrics}/metrics`)).text();
    expect(metrics).toMatch(/^kite_store_revision 2$/m);
    expect(metrics).toMatch(/^kite_store_requests_total\{method="Put",code="OK"\} 1$/m);
    expect(metrics).toContain('kite_store_process_resident_memory_bytes');
    expect(await s.stop('SIGTERM')).toBe(0);
  });

  it('compacts history automatically by revision count', async () => {
    const { client } = await store(['--auto-compaction-retention', '10']);
    for (let i = 0; i < 40; i++) await client.call('KV', 'Put', { key: Buffer.from(`k${i % 3}`), value: Buffer.from(String(i)) });
    const err = await waitFor('automatic compaction', async () => {
      try {
        await client.call('KV', 'Range', { key: Buffer.from('k0'), revision: 2 });
        return undefined;
      } catch (e) {
        return e as Error;
      }
    });
    expect(err.message).toContain('etcdserver: mvcc: required revision has been compacted');
    // the newest revisions are still readable
    const res = await client.call('KV', 'Range', { key: Buffer.from('k'), range_end: Buffer.from('l'), revision: 35 });
    expect(res.kvs).toHaveLength(3);
  });

  it('cancels the watchers of a stream whose client stops reading', async () => {
    const { client } = await store(['--max-watch-pending-bytes', String(256 * 1024)]);
    const stream = client.watch();
    cleanups.push(() => stream.cancel());
    const responses: any[] = [];
    stream.on('data', (r) => responses.push(r));
    stream.on('error', () => undefined);
    stream.write({ create_request: { key: Buffer.from('/slow/'), range_end: Buffer.from('/slow0') } });
    await waitFor('the watch to be created', () => (responses.some((r) => r.created) ? true : undefined));
    stream.pause();
    const value = Buffer.alloc(64 * 1024, 'x');
    // Far more than HTTP/2 windows hold, so the unread bytes pile up on the server.
    await Promise.all(Array.from({ length: 160 }, (_, i) => client.call('KV', 'Put', { key: Buffer.from(`/slow/${i}`), value })));
    stream.resume();
    const cancel = await waitFor('the cancellation', () => responses.find((r) => r.canceled));
    expect(cancel.cancel_reason).toMatch(/too slow/);
    // The store keeps serving, and new watches work.
    const other = client.watch();
    cleanups.push(() => other.cancel());
    other.on('error', () => undefined);
    const got: any[] = [];
    other.on('data', (r) => got.push(r));
    other.write({ create_request: { key: Buffer.from('/slow/0') } });
    await waitFor('a fresh watch', () => (got.some((r) => r.created) ? true : undefined));
  });

  it('sends progress notifications to idle watchers that asked for them', async () => {
    const { client } = await store(['--watch-progress-notify-interval', '200ms']);
    const put = await client.call('KV', 'Put', { key: Buffer.from('/p/a'), value: Buffer.from('1') });
    const stream = client.watch();
    cleanups.push(() => stream.cancel());
    stream.on('error', () => undefined);
    const responses: any[] = [];
    stream.on('data', (r) => responses.push(r));
    stream.write({ create_request: { key: Buffer.from('/p/'), range_end: Buffer.from('/p0'), progress_notify: true } });
    stream.write({ create_request: { key: Buffer.from('/q/'), range_end: Buffer.from('/q0'), watch_id: 7 } });
    const progress = await waitFor('a progress notification', () =>
      responses.find((r) => !r.created && r.events.length === 0 && r.watch_id === '0'),
    );
    expect(progress.header.revision).toBe(put.header.revision);
    // only the watcher that asked gets them
    expect(responses.filter((r) => r.watch_id === '7' && !r.created)).toEqual([]);
  });

  it('says plainly when its data directory or address is taken', async () => {
    const { s } = await store();
    const sameDir = await run(process.execPath, [storeBin, '--data-dir', s.dataDir, '--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0']).catch(
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(sameDir).toMatchObject({ code: 1 });
    expect((sameDir as { stderr: string }).stderr).toContain(`data directory ${s.dataDir} is in use by another kite-store`);
    const t = await tempDir('proc-port');
    cleanups.push(t.remove);
    const samePort = await run(process.execPath, [storeBin, '--data-dir', t.dir, '--listen', s.endpoint, '--metrics-listen', '127.0.0.1:0']).catch(
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(samePort).toMatchObject({ code: 1 });
    expect((samePort as { stderr: string }).stderr).toContain(`cannot listen on ${s.endpoint}: the address is already in use`);
  });

  it('refuses bad flags with a message naming the flag', async () => {
    const err = await run(process.execPath, [storeBin, '--auto-compaction-mode', 'weekly']).catch((e: unknown) => e as { code: number; stderr: string });
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain('--auto-compaction-mode must be "revision" or "periodic"');
  });
});
