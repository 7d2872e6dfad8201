import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHostPath } from './host-path.js';

const exec = promisify(execFile);
let dir: string;
let server: net.Server;

// One of each kind of file; the block device is the first in /dev, if the node has any.
const blockDevice = readdirSync('/dev', { withFileTypes: true }).find((e) => e.isBlockDevice());
const fixtures = (): Record<string, string> => ({
  dir: path.join(dir, 'dir'),
  file: path.join(dir, 'file'),
  socket: path.join(dir, 'sock'),
  link: path.join(dir, 'link-to-dir'),
  fifo: path.join(dir, 'fifo'),
  char: '/dev/null',
  block: blockDevice ? path.join('/dev', blockDevice.name) : '',
  missing: path.join(dir, 'missing'),
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `kite-hostpath-${process.pid}-`));
  const f = fixtures();
  await mkdir(f['dir']!);
  await writeFile(f['file']!, '');
  await symlink(f['dir']!, f['link']!);
  await exec('mkfifo', [f['fifo']!]);
  server = net.createServer();
  await new Promise<void>((resolve) => server.listen(f['socket']!, resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('checkHostPath', () => {
  it.each<[string, string, string | null]>([
    ['', 'missing', null],
    ['Directory', 'dir', null],
    ['Directory', 'link', null],
    ['Directory', 'file', "hostPath type check failed: {path} is not a directory, it's a File"],
    ['Directory', 'missing', "hostPath {path} doesn't exist"],
    ['File', 'file', null],
    ['File', 'dir', "hostPath type check failed: {path} is not a file, it's a Directory"],
    ['Socket', 'socket', null],
    ['Socket', 'file', "hostPath type check failed: {path} is not a socket file, it's a File"],
    ['CharDevice', 'char', null],
    ['CharDevice', 'dir', "hostPath type check failed: {path} is not a character device, it's a Directory"],
    ['BlockDevice', 'char', "hostPath type check failed: {path} is not a block device, it's a CharDevice"],
    ['File', 'fifo', 'hostPath type check failed, {path} is not a file, unable to determine its type: only recognise file, directory, socket, block device and character device'],
    ['DirectoryOrCreate', 'file', "hostPath type check failed: {path} is not a directory, it's a File"],
    ['FileOrCreate', 'dir', "hostPath type check failed: {path} is not a file, it's a Directory"],
    ['Sock', 'socket', 'Sock is an invalid volume type'],
  ])('%s on %s', async (type, fixture, error) => {
    const p = fixtures()[fixture]!;
    const check = checkHostPath(p, type);
    if (error === null) await expect(check).resolves.toBeUndefined();
    else await expect(check).rejects.toThrow(error.replace('{path}', p));
  });

  it.skipIf(blockDevice === undefined)('accepts a block device', async () => {
    await expect(checkHostPath(fixtures()['block']!, 'BlockDevice')).resolves.toBeUndefined();
  });

  it('creates a missing directory, parents included, with mode 0755', async () => {
    const p = path.join(dir, 'made', 'deep');
    await checkHostPath(p, 'DirectoryOrCreate');
    const st = await stat(p);
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o777).toBe(0o755 & ~process.umask());
  });

  it('creates a missing file with mode 0644, but not its parent directory', async () => {
    const p = path.join(dir, 'made-file');
    await checkHostPath(p, 'FileOrCreate');
    const st = await stat(p);
    expect(st.isFile()).toBe(true);
    expect(st.mode & 0o777).toBe(0o644 & ~process.umask());
    await expect(checkHostPath(path.join(dir, 'no-parent', 'f'), 'FileOrCreate')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(path.join(dir, 'no-parent'))).toBe(false);
  });
});
