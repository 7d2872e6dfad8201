import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountTmpfs, parseMountInfo, readMounts, unmountUnder } from './mounts.js';

const exec = promisify(execFile);
const isRoot = process.geteuid?.() === 0;

describe('parseMountInfo', () => {
  it('reads mount points, file systems and sources, unescaping them', () => {
    const text = [
      '22 27 0:21 / /proc rw,relatime - proc proc rw',
      '36 27 0:31 / /tmp/with\\040space rw,relatime shared:12 master:1 - tmpfs kite-tmpfs rw,size=1024k',
      '37 36 8:1 /sub /tmp/with\\040space/bind rw - ext4 /dev/sda1 rw',
      'garbage',
      '',
    ].join('\n');
    expect(parseMountInfo(text)).toEqual([
      { id: 22, parentId: 27, mountPoint: '/proc', fsType: 'proc', source: 'proc' },
      { id: 36, parentId: 27, mountPoint: '/tmp/with space', fsType: 'tmpfs', source: 'kite-tmpfs' },
      { id: 37, parentId: 36, mountPoint: '/tmp/with space/bind', fsType: 'ext4', source: '/dev/sda1' },
    ]);
  });
});

describe('unmountUnder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `kite-mounts-${process.pid}-`));
  });
  afterEach(async () => {
    // If the code under test failed, a blunt recursive lazy unmount still leaves nothing behind.
    await exec('umount', ['-R', '-l', dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const under = async (root: string): Promise<string[]> =>
    (await readMounts()).map((m) => m.mountPoint).filter((p) => p === root || p.startsWith(`${root}/`));

  it('does nothing for a missing directory or one without mounts', async () => {
    await expect(unmountUnder(path.join(dir, 'missing'))).resolves.toBeUndefined();
    await expect(unmountUnder(dir)).resolves.toBeUndefined();
  });

  it.skipIf(!isRoot)('unmounts nested, stacked, busy and oddly named mounts, deepest first, and nothing beside them (needs root to mount)', async () => {
    const vol = path.join(dir, 'vol');
    const sibling = path.join(dir, 'vol2');
    const nested = path.join(vol, 'a', 'with space');
    await mkdir(vol);
    await mkdir(sibling);
    await mountTmpfs(vol, { mode: 0o755 });
    await mountTmpfs(vol, { mode: 0o755 }); // stacked on the first
    await mkdir(nested, { recursive: true });
    await mountTmpfs(nested, { mode: 0o755 });
    await mountTmpfs(sibling, { mode: 0o755 });
    await writeFile(path.join(nested, 'held'), 'x');
    const held = await open(path.join(nested, 'held'), 'r');
    try {
      expect(await under(vol)).toEqual([vol, vol, nested]);
      await unmountUnder(vol);
      expect(await under(vol)).toEqual([]);
      expect(await under(sibling)).toEqual([sibling]);
    } finally {
      await held.close();
      await unmountUnder(sibling);
    }
    expect(await under(dir)).toEqual([]);
  });
});
