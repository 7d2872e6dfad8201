import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@kite/common';
import { afterEach, describe, expect, it } from 'vitest';
import { Backend, type BatchOp } from './backend.js';

const put = (i: number): BatchOp[] => [{ type: 'put', key: Buffer.from(`r${String(i).padStart(4, '0')}`), value: Buffer.from('v') }];

describe('Backend group commit', () => {
  const dirs: string[] = [];
  const backends: Backend[] = [];
  afterEach(async () => {
    for (const b of backends.splice(0)) await b.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  async function open(writes: number, quietMs: number): Promise<Backend> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kite-backend-'));
    dirs.push(dir);
    const b = await Backend.open(dir, { sync: true, groupCommit: { writes, quietMs }, log: createLogger({ component: 'test', level: 'silent', pretty: false }) });
    backends.push(b);
    return b;
  }

  it('puts everything written in one turn into one synced batch', async () => {
    const b = await open(Infinity, 0);
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.write(put(i))));
    expect(b.batchesWritten).toBe(1);
    expect(b.opsWritten).toBe(20);
  });

  it('starts syncing a burst after a quiet spell once enough writes wait', async () => {
    const b = await open(8, 0);
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.write(put(i))));
    // the first 8 go at once; the other 12 queue behind that sync and share the next
    expect(b.batchesWritten).toBe(2);
    expect(b.opsWritten).toBe(20);
  });

  it('batches by turn when writes keep coming without a quiet spell', async () => {
    const b = await open(8, 60_000);
    await b.write(put(0)); // so the burst below follows a sync by far less than the quiet spell
    const before = b.batchesWritten;
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.write(put(i + 1))));
    expect(b.batchesWritten - before).toBe(1);
  });
});
