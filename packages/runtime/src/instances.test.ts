import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, waitFor } from './command.js';
import { hostNames } from './host-names.js';
import { PodCIDRInUseError } from './network.js';
import { ProcessRuntime } from './process-runtime.js';
import type { Sandbox } from './types.js';

const isRoot = process.getuid?.() === 0;
const BUSYBOX = '/usr/bin/busybox';

/** `n` /24s of 10.246.0.0/16 that no interface on this machine has an address in. */
async function freeCIDRs(n: number): Promise<string[]> {
  const used = new Set([...(await run('ip', ['-4', '-o', 'addr'])).matchAll(/inet 10\.246\.(\d+)\./g)].map((m) => Number(m[1])));
  const start = randomBytes(1)[0] as number;
  const picked: string[] = [];
  for (let i = 0; i < 256 && picked.length < n; i++) {
    const third = (start + i) % 256;
    if (!used.has(third)) picked.push(`10.246.${third}.0/24`);
  }
  if (picked.length < n) throw new Error('no free /24 left in 10.246.0.0/16');
  return picked;
}

async function httpGet(rt: ProcessRuntime, sandbox: Sandbox, file: string): Promise<string> {
  const socket = await rt.connect(sandbox, 8080);
  socket.end(`GET /${file} HTTP/1.0\r\nHost: x\r\n\r\n`);
  let out = '';
  for await (const chunk of socket) out += (chunk as Buffer).toString('utf8');
  return out;
}

const linkExists = (name: string): Promise<boolean> => run('ip', ['link', 'show', name]).then(() => true, () => false);

// Two clusters on one machine both have a node-1: their runtimes must not share or clean up
// each other's bridge, namespaces or cgroups.
describe.skipIf(!isRoot)('two runtimes with one node name (as root)', () => {
  const tag = randomBytes(3).toString('hex');
  const nodeName = `kite-inst-${tag}`;
  let base = '';
  const runtimes = new Map<'a' | 'b', { rootDir: string; podCIDR: string; rt?: ProcessRuntime }>();

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), `kite-inst-${tag}-`));
    const [cidrA, cidrB] = await freeCIDRs(2);
    runtimes.set('a', { rootDir: path.join(base, 'a'), podCIDR: cidrA! });
    runtimes.set('b', { rootDir: path.join(base, 'b'), podCIDR: cidrB! });
  });

  afterAll(async () => {
    try {
      for (const r of runtimes.values()) {
        // Also what a failed test left: a fresh runtime on the same dirs removes it.
        const rt = r.rt ?? (await ProcessRuntime.create({ rootDir: r.rootDir, nodeName, podCIDR: r.podCIDR }).catch(() => undefined));
        await rt?.destroy();
      }
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  async function serve(which: 'a' | 'b'): Promise<{ rt: ProcessRuntime; sandbox: Sandbox }> {
    const r = runtimes.get(which)!;
    const rt = await ProcessRuntime.create({ rootDir: r.rootDir, nodeName, podCIDR: r.podCIDR });
    r.rt = rt;
    // The same pod UID on both: even that must not collide.
    const sandbox = await rt.createSandbox({ uid: `pod-${tag}`, namespace: 'default', name: 'web', hostname: 'web', hostNetwork: false });
    const www = path.join(r.rootDir, 'www');
    await mkdir(www, { recursive: true });
    await writeFile(path.join(www, 'who'), `runtime ${which}\n`);
    await rt.start({
      sandbox,
      name: 'web',
      attempt: 0,
      argv: [BUSYBOX, 'httpd', '-f', '-p', '8080', '-h', '/srv'],
      env: {},
      mounts: [{ hostPath: www, containerPath: '/srv', readOnly: true }],
      logPath: path.join(r.rootDir, 'logs', 'web.log'),
    });
    return { rt, sandbox };
  }

  it('run a pod each at once; removing one runtime (and restarting it) leaves the other pod running', async () => {
    const a = await serve('a');
    const b = await serve('b');
    expect(a.rt.hostNames.bridge).not.toBe(b.rt.hostNames.bridge);
    expect(a.sandbox.netns).not.toBe(b.sandbox.netns);
    for (const [which, s] of [['a', a], ['b', b]] as const) {
      const body = await waitFor(() => httpGet(s.rt, s.sandbox, 'who').catch(() => undefined), 5_000, 20);
      expect(body).toContain(`runtime ${which}`);
    }

    // What a kubelet does when it stops, then when it starts again on the same dirs.
    await a.rt.destroy();
    runtimes.get('a')!.rt = undefined;
    expect(await linkExists(a.rt.hostNames.bridge)).toBe(false);
    expect(existsSync(a.sandbox.netns!)).toBe(false);
    expect(existsSync(`/sys/fs/cgroup/memory/${a.rt.hostNames.cgroup}`)).toBe(false);
    const again = await ProcessRuntime.create({ rootDir: runtimes.get('a')!.rootDir, nodeName, podCIDR: runtimes.get('a')!.podCIDR });
    runtimes.get('a')!.rt = again;
    expect(await again.recover()).toEqual({ removedSandboxes: [] });
    await again.destroy();
    runtimes.get('a')!.rt = undefined;

    const names = b.rt.hostNames;
    expect(existsSync(b.sandbox.netns!)).toBe(true);
    expect(await linkExists(names.veth(b.sandbox.uid))).toBe(true);
    expect(await run('ip', ['-o', '-4', 'addr', 'show', 'dev', names.bridge])).toContain(`${runtimes.get('b')!.podCIDR.replace(/0\/24$/, '1')}/24`);
    expect(existsSync(`/sys/fs/cgroup/memory/${names.cgroup}/${b.sandbox.uid}`)).toBe(true);
    expect(await httpGet(b.rt, b.sandbox, 'who')).toContain('runtime b');
  });

  it('refuses a pod CIDR another interface has an address in, naming both, and creates nothing', async () => {
    const b = runtimes.get('b')!;
    b.rt ??= await ProcessRuntime.create({ rootDir: b.rootDir, nodeName, podCIDR: b.podCIDR });
    const rootDir = path.join(base, 'c');
    // A /25 inside b's /24 holds b's bridge address.
    const overlapping = b.podCIDR.replace(/\/24$/, '/25');
    const err = await ProcessRuntime.create({ rootDir, nodeName, podCIDR: overlapping }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PodCIDRInUseError);
    expect((err as Error).message).toBe(
      `pod CIDR ${overlapping} is already in use on this machine: interface ${b.rt.hostNames.bridge} has address ${b.podCIDR.replace(/0\/24$/, '1')}/24 in it`,
    );
    expect(await linkExists(hostNames(nodeName, rootDir).bridge)).toBe(false);
  });
});
