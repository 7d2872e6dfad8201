import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeEmptyDir } from './empty-dir.js';
import { mountAt, readMounts, unmountUnder } from './mounts.js';

const exec = promisify(execFile);
const isRoot = process.geteuid?.() === 0;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `kite-emptydir-${process.pid}-`));
});
afterEach(async () => {
  await unmountUnder(dir).catch(() => exec('umount', ['-R', '-l', dir]));
  await rm(dir, { recursive: true, force: true });
});

const mountsAt = async (p: string): Promise<number> => (await readMounts()).filter((m) => m.mountPoint === p).length;

describe('makeEmptyDir', () => {
  it('makes a world-writable directory on disk and keeps its contents when called again', async () => {
    const vol = path.join(dir, 'pod', 'volumes', 'cache');
    expect(await makeEmptyDir(vol)).toBe(vol);
    expect((await stat(vol)).mode & 0o7777).toBe(0o777);
    expect(await mountAt(vol)).toBeUndefined();
    await writeFile(path.join(vol, 'kept'), 'yes');
    await makeEmptyDir(vol);
    expect(await readFile(path.join(vol, 'kept'), 'utf8')).toBe('yes');
  });

  it.skipIf(!isRoot)('puts medium Memory on a tmpfs of sizeLimit, once (needs root to mount)', async () => {
    const vol = path.join(dir, 'mem');
    const limit = 1024 * 1024;
    await makeEmptyDir(vol, { medium: 'Memory', sizeLimitBytes: limit });
    const mounted = await mountAt(vol);
    expect(mounted).toMatchObject({ fsType: 'tmpfs', source: 'kite-tmpfs' });
    const fs = await statfs(vol);
    expect(fs.blocks * fs.bsize).toBe(limit);
    expect((await stat(vol)).mode & 0o7777).toBe(0o777);

    await writeFile(path.join(vol, 'small'), Buffer.alloc(limit / 2));
    await expect(writeFile(path.join(vol, 'big'), Buffer.alloc(limit))).rejects.toMatchObject({ code: 'ENOSPC' });

    await makeEmptyDir(vol, { medium: 'Memory', sizeLimitBytes: limit });
    expect(await mountsAt(vol)).toBe(1);
    expect((await stat(path.join(vol, 'small'))).size).toBe(limit / 2);
  });

  it.skipIf(!isRoot)('mounts medium Memory without a size limit (needs root to mount)', async () => {
    const vol = path.join(dir, 'mem');
    await makeEmptyDir(vol, { medium: 'Memory' });
    expect((await mountAt(vol))?.fsType).toBe('tmpfs');
    await unmountUnder(vol);
    expect(await mountsAt(vol)).toBe(0);
  });
});
