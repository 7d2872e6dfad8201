import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageCatalog, type ResolvedImage } from './catalog.js';
import { imageEnv } from './container-command.js';

// The default images' programs run the way the kubelet will run them: argv = entrypoint + cmd
// (or args in place of cmd), PATH = pathPrefix + the image's PATH. No mount namespace here.

const catalog = ImageCatalog.withDefaults();
let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `kite-images-run-${process.pid}-`));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
  await rm(dir, { recursive: true, force: true });
});

function start(r: ResolvedImage, argv: string[], cwd = dir): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(argv[0]!, argv.slice(1), { env: imageEnv(r), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

async function run(r: ResolvedImage, argv: string[]): Promise<{ code: number | null; output: string }> {
  const p = start(r, argv);
  const code = await p.exit;
  return { code, output: p.output() };
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve().then(check).catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('busybox', () => {
  it.each([
    ['sh -c "wget --help"', ['sh', '-c', 'wget --help 2>&1'], /BusyBox v[\d.]+.*\n.*Usage: wget/s],
    ['tail and nslookup are busybox applets', ['sh', '-c', 'for p in tail nslookup; do readlink "$(command -v $p)"; done'], /busybox\n.*busybox\n/],
    ['the node /bin/sh still finds busybox tail', ['/bin/sh', '-c', 'tail --help 2>&1 | head -1'], /^BusyBox/],
    ['sleep takes fractions', ['sh', '-c', 'sleep 0.01 && echo done'], /^done\n$/],
  ])('%s', async (_, args, want) => {
    const r = await catalog.resolve('busybox:1.28', path.join(dir, 'c'));
    const { code, output } = await run(r, args);
    expect(output).toMatch(want);
    expect(code).toBe(0);
  });

  it('exits at once with the default cmd and no stdin, like the image', async () => {
    const r = await catalog.resolve('busybox', path.join(dir, 'c'));
    expect((await run(r, [...r.entrypoint, ...r.cmd])).code).toBe(0);
  });
});

describe('node and python', () => {
  it.each([
    ['node', ['-e', 'console.log(process.version)'], new RegExp(`^${process.version.replace(/\./g, '\\.')}\n$`)],
    ['node', ['node', '-e', 'console.log(6*7)'], /^42\n$/],
    ['python', ['python', '-c', 'import sys; print(sys.version_info[0])'], /^3\n$/],
  ])('%s with args %j', async (image, args, want) => {
    const r = await catalog.resolve(image, path.join(dir, 'c'));
    const { code, output } = await run(r, [...r.entrypoint, ...args]);
    expect(output).toMatch(want);
    expect(code).toBe(0);
  });
});

describe('redis', () => {
  it.skipIf(!existsSync('/usr/bin/redis-server'))('runs without protected mode or RDB saves, user options after ours (needs redis-server)', async () => {
    const r = await catalog.resolve('redis:7', path.join(dir, 'c'));
    const data = r.mounts[0]!.hostPath;
    const port = await freePort();
    const p = start(r, [...r.entrypoint, ...r.cmd, '--port', String(port), '--bind', '127.0.0.1'], data);
    const reply = await waitFor('redis to answer', () => ask(port, 'CONFIG GET protected-mode\r\nCONFIG GET save\r\nCONFIG GET port\r\n', 3));
    expect(reply).toBe(`*2\r\n$14\r\nprotected-mode\r\n$2\r\nno\r\n*2\r\n$4\r\nsave\r\n$0\r\n\r\n*2\r\n$4\r\nport\r\n$${String(port).length}\r\n${port}\r\n`);
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(existsSync(path.join(data, 'dump.rdb'))).toBe(false);
  });
});

describe('pause', () => {
  it('sleeps until TERM, then exits 0 and leaves no sleep behind', async () => {
    const r = await catalog.resolve('registry.k8s.io/pause:3.9', path.join(dir, 'c'));
    const p = start(r, [...r.entrypoint, ...r.cmd]);
    const pid = p.child.pid!;
    const sleeper = await waitFor('the sleep child', async () => {
      const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim();
      return children === '' ? undefined : Number(children.split(' ')[0]);
    });
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    await waitFor('the sleep to be gone', async () => {
      const stat = await readFile(`/proc/${sleeper}/stat`, 'utf8').catch(() => '');
      // Gone, or a zombie waiting for its (new) parent to reap it.
      return stat === '' || / Z /.test(stat) ? true : undefined;
    });
  });
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Sends inline commands and collects `replies` top-level RESP arrays. */
function ask(port: number, commands: string, replies: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if ((text.match(/^\*/gm) ?? []).length === replies && text.endsWith('\r\n') && complete(text, replies)) {
        socket.end();
        resolve(text);
      }
    });
    socket.write(commands);
  });
}

function complete(text: string, replies: number): boolean {
  // Each reply here is a two-element array of bulk strings: 1 + 2×2 lines.
  return text.split('\r\n').length - 1 === replies * 5;
}
