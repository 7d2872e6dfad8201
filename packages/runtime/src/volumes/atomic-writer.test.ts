import { execFile } from 'node:child_process';
import { lstat, mkdtemp, open, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomicDir, type AtomicFile } from './atomic-writer.js';
import { mountAt, readMounts, unmountUnder } from './mounts.js';

const exec = promisify(execFile);
const isRoot = process.geteuid?.() === 0;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `kite-atomic-${process.pid}-`));
});
afterEach(async () => {
  await unmountUnder(dir).catch(() => exec('umount', ['-R', '-l', dir]));
  await rm(dir, { recursive: true, force: true });
});

const file = (p: string, data: string | Buffer, mode = 0o644): AtomicFile => ({ path: p, data: Buffer.from(data), mode });

async function hidden(vol: string): Promise<string[]> {
  return (await readdir(vol)).filter((n) => n.startsWith('..')).sort();
}

describe('writeAtomicDir', () => {
  it('projects files behind ..data with one link per top-level name', async () => {
    const vol = path.join(dir, 'vol');
    await writeAtomicDir(vol, [file('game.properties', 'lives=3'), file('ui/colors', 'red'), file('ui/deep/x', 'x')]);
    const ts = await readlink(path.join(vol, '..data'));
    expect(ts).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\w+$/);
    expect(await hidden(vol)).toEqual([ts, '..data'].sort());
    expect(await readlink(path.join(vol, 'game.properties'))).toBe('..data/game.properties');
    expect(await readlink(path.join(vol, 'ui'))).toBe('..data/ui');
    expect((await readdir(vol)).filter((n) => !n.startsWith('..')).sort()).toEqual(['game.properties', 'ui']);
    expect(await readFile(path.join(vol, 'ui/deep/x'), 'utf8')).toBe('x');
    expect((await stat(path.join(vol, ts))).mode & 0o777).toBe(0o755);
  });

  it.each([0o400, 0o444, 0o600, 0o644, 0o755, 0o777])('applies mode %o exactly, whatever the umask', async (mode) => {
    const vol = path.join(dir, 'vol');
    const old = process.umask(0o077);
    try {
      await writeAtomicDir(vol, [file('secret', 's3cr3t', mode), file('nested/key', 'k', mode)]);
    } finally {
      process.umask(old);
    }
    expect((await stat(path.join(vol, 'secret'))).mode & 0o7777).toBe(mode);
    expect((await stat(path.join(vol, 'nested/key'))).mode & 0o7777).toBe(mode);
  });

  it('updates: swaps ..data, drops names no longer given, removes the old directory', async () => {
    const vol = path.join(dir, 'vol');
    await writeAtomicDir(vol, [file('a', 'one'), file('sub/b', 'two')]);
    const first = await readlink(path.join(vol, '..data'));
    await writeAtomicDir(vol, [file('a', 'ONE'), file('c', 'three')]);
    const second = await readlink(path.join(vol, '..data'));
    expect(second).not.toBe(first);
    expect(await hidden(vol)).toEqual([second, '..data'].sort());
    expect((await readdir(vol)).filter((n) => !n.startsWith('..')).sort()).toEqual(['a', 'c']);
    expect(await readFile(path.join(vol, 'a'), 'utf8')).toBe('ONE');
    await expect(lstat(path.join(vol, 'sub'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves an unchanged payload alone, but rewrites for a changed mode', async () => {
    const vol = path.join(dir, 'vol');
    await writeAtomicDir(vol, [file('a', 'same', 0o644)]);
    const first = await readlink(path.join(vol, '..data'));
    await writeAtomicDir(vol, [file('a', 'same', 0o644)]);
    expect(await readlink(path.join(vol, '..data'))).toBe(first);
    await writeAtomicDir(vol, [file('a', 'same', 0o400)]);
    expect(await readlink(path.join(vol, '..data'))).not.toBe(first);
    expect((await stat(path.join(vol, 'a'))).mode & 0o777).toBe(0o400);
  });

  it('shows a reader the old file or the new one, never part of either', async () => {
    const vol = path.join(dir, 'vol');
    const versions = [Buffer.alloc(2 << 20, 'a'), Buffer.alloc(1 << 20, 'b')];
    await writeAtomicDir(vol, [{ path: 'x', data: versions[0]!, mode: 0o644 }]);

    // A reader that opened the old file keeps reading it whole after the swap and the removal.
    const holder = await open(path.join(vol, '..data', 'x'), 'r');
    let done = false;
    const seen = new Set<string>();
    const reader = (async () => {
      let reads = 0;
      while (!done || reads < 10) {
        const got = await readFile(path.join(vol, 'x'));
        reads++;
        const ok = versions.some((v) => v.equals(got));
        if (!ok) throw new Error(`read ${got.length} bytes that are neither version`);
        seen.add(got.subarray(0, 1).toString());
      }
      return reads;
    })();
    try {
      for (let i = 1; i <= 20; i++) await writeAtomicDir(vol, [{ path: 'x', data: versions[i % 2]!, mode: 0o644 }]);
    } finally {
      done = true;
    }
    expect(await reader).toBeGreaterThanOrEqual(10);
    expect([...seen].sort()).toEqual(['a', 'b']);
    expect((await holder.readFile()).equals(versions[0]!)).toBe(true);
    await holder.close();
    expect(await hidden(vol)).toHaveLength(2);
  });

  it.each([
    ['', /must not be empty/],
    ['/etc/passwd', /must be relative path/],
    ['../escape', /must not contain '\.\.'/],
    ['a/../../b', /must not contain '\.\.'/],
    ['..data', /must not start with '\.\.'/],
    ['..hidden/x', /must not start with '\.\.'/],
    [`${'n'.repeat(256)}`, /filenames must be less than or equal to 255/],
  ])('rejects path %j', async (p, message) => {
    await expect(writeAtomicDir(path.join(dir, 'vol'), [file(p, 'x')])).rejects.toThrow(message);
  });

  it('rejects the same path twice', async () => {
    await expect(writeAtomicDir(path.join(dir, 'vol'), [file('a/b', '1'), file('a//b', '2')])).rejects.toThrow(/given twice/);
  });

  it.skipIf(!isRoot)('puts secrets on a tmpfs mounted once (needs root to mount)', async () => {
    const vol = path.join(dir, 'secret');
    await writeAtomicDir(vol, [file('token', 't1', 0o400)], { tmpfs: true });
    expect(await mountAt(vol)).toMatchObject({ fsType: 'tmpfs', source: 'kite-tmpfs' });
    await writeAtomicDir(vol, [file('token', 't2', 0o400)], { tmpfs: true });
    expect((await readMounts()).filter((m) => m.mountPoint === vol)).toHaveLength(1);
    expect(await readFile(path.join(vol, 'token'), 'utf8')).toBe('t2');
    await unmountUnder(vol);
    expect(await mountAt(vol)).toBeUndefined();
  });
});
