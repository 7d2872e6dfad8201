import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageCatalog, type ResolvedImage } from './catalog.js';
import { nginxConfig } from './nginx.js';

const exec = promisify(execFile);
const isRoot = process.geteuid?.() === 0;
const haveTools = existsSync('/usr/sbin/nginx') && existsSync('/bin/busybox');
const catalog = ImageCatalog.withDefaults();

let dir: string;
const cleanups: Array<() => Promise<unknown>> = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), `kite-nginx-${process.pid}-`));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const PRIVATE = '/var/lib/nginx';

function directives(conf: string, pattern: RegExp): string[] {
  return [...conf.matchAll(pattern)].map((m) => m[1]!);
}

describe('nginx config', () => {
  it('gives two containers disjoint pid and temp paths inside their own directories', async () => {
    const a = await catalog.resolve('nginx', path.join(dir, 'a'));
    const b = await catalog.resolve('nginx:alpine', path.join(dir, 'b'));
    const mountOf = (r: typeof a, at: string): string => r.mounts.find((m) => m.containerPath === at)!.hostPath;
    const paths = await Promise.all([a, b].map(async (r) => {
      const conf = await readFile(mountOf(r, '/etc/nginx/nginx.conf'), 'utf8');
      return directives(conf, /^\s*(?:pid|\w+_temp_path)\s+(\S+);/gm);
    }));
    expect(paths[0]!.length).toBeGreaterThanOrEqual(2);
    // Each container's private dir (on the node) is mounted where its config points.
    expect(mountOf(a, PRIVATE)).toBe(path.join(dir, 'a', 'nginx'));
    expect(mountOf(b, PRIVATE)).toBe(path.join(dir, 'b', 'nginx'));
    const base = (r: typeof a): string => (process.geteuid?.() === 0 ? PRIVATE : mountOf(r, PRIVATE));
    expect(paths[0]!.every((p) => p.startsWith(base(a) + '/'))).toBe(true);
    expect(paths[1]!.every((p) => p.startsWith(base(b) + '/'))).toBe(true);
  });

  it.each([
    [[], ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']],
    [['http_uwsgi', 'http_scgi'], ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path']],
  ])('leaves out temp paths of modules built without (%j)', (withoutModules, want) => {
    const conf = nginxConfig({ privateDir: '/p', rootWorkers: false, withoutModules });
    expect(directives(conf, /^\s*(\w+_temp_path)\s/gm)).toEqual(want);
    expect(conf).not.toMatch(/^user /m);
    expect(conf).toMatch(/^error_log stderr notice;$/m);
    expect(conf).toMatch(/access_log \/var\/log\/nginx\/access\.log main;/);
  });
});

interface Pod {
  ns: string;
  child: ChildProcess;
  output: () => string;
}

/**
 * Runs the resolved nginx the way the runtime will: in its own network namespace, with the
 * image's mounts and then the pod's volume mounts (later mounts cover earlier ones).
 * `ip netns exec` gives the process a private (slave) mount namespace, so nothing leaks.
 */
async function runInNetns(r: ResolvedImage, volumes: Array<{ hostPath: string; containerPath: string }>): Promise<Pod> {
  const ns = `kite-b-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await exec('ip', ['netns', 'add', ns]);
  cleanups.push(async () => {
    const { stdout } = await exec('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }));
    for (const pid of stdout.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exec('ip', ['netns', 'del', ns]);
  });
  await exec('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  const binds = [...r.mounts, ...volumes].map((m) => `mount --bind '${m.hostPath}' '${m.containerPath}'`);
  const argv = [...r.entrypoint, ...r.cmd];
  const child = spawn('ip', ['netns', 'exec', ns, '/bin/sh', '-c', `set -e; ${binds.join('; ')}; exec "$@"`, 'sh', ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  });
  return { ns, child, output: () => out };
}

async function fetchInNetns(pod: Pod, url: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return (await exec('ip', ['netns', 'exec', pod.ns, '/bin/busybox', 'wget', '-qO-', url], { timeout: 3000 })).stdout;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${(err as Error).message}\nnginx said:\n${pod.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!isRoot || !haveTools)('nginx in a network namespace (needs root, nginx and busybox)', () => {
  it('serves the default page on :80 in two pods at once, logging to its own dir or the pod volume', async () => {
    const plain = await catalog.resolve('nginx', path.join(dir, 'plain'));
    const sidecar = await catalog.resolve('nginx:1.14.2', path.join(dir, 'sidecar'));
    const logVolume = path.join(dir, 'log-volume');
    await mkdir(logVolume);

    const a = await runInNetns(plain, []);
    const b = await runInNetns(sidecar, [{ hostPath: logVolume, containerPath: '/var/log/nginx' }]);

    for (const pod of [a, b]) expect(await fetchInNetns(pod, 'http://127.0.0.1/')).toContain('Welcome to nginx!');

    // Without a volume, access.log lands in the container's private log dir; with one (the
    // sidecar pattern), in the volume.
    const accessLine = /"GET \/ HTTP\/1\.1" 200 \d+ "-" "Wget"/;
    const privateLog = (r: ResolvedImage): string => path.join(r.mounts.find((m) => m.containerPath === '/var/log/nginx')!.hostPath, 'access.log');
    await waitFor('the access line in the private log dir', async () => accessLine.test(await readFile(privateLog(plain), 'utf8').catch(() => '')));
    await waitFor('the access line in the volume', async () => accessLine.test(await readFile(path.join(logVolume, 'access.log'), 'utf8').catch(() => '')));
    expect(existsSync(privateLog(sidecar))).toBe(false);
    expect(a.output()).toMatch(/\[notice\] \d+#\d+: start worker processes?/);

    // Each master wrote its pid file in its own directory.
    for (const [pod, r] of [[a, plain], [b, sidecar]] as const) {
      const pidFile = path.join(r.mounts.find((m) => m.containerPath === PRIVATE)!.hostPath, 'nginx.pid');
      expect(Number((await readFile(pidFile, 'utf8')).trim())).toBe(pod.child.pid);
    }

    for (const pod of [a, b]) {
      const exited = new Promise<number | null>((resolve) => pod.child.once('exit', (code) => resolve(code)));
      pod.child.kill('SIGQUIT');
      expect(await exited).toBe(0);
    }
    expect(a.output()).not.toMatch(/\[(emerg|alert|crit)\]/);
  });
});
