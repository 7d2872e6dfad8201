import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run, waitFor } from './command.js';
import { hostNames } from './host-names.js';
import { ProcessRuntime } from './process-runtime.js';
import type { Sandbox } from './types.js';

const isRoot = process.getuid?.() === 0;
const here = path.dirname(fileURLToPath(import.meta.url));
const viteNode = path.resolve(here, '../../../node_modules/.bin/vite-node');

/** Stands in for the kubelet: starts a pod with two containers, prints it, then waits to be killed. */
const childScript = (runtimeModule: string): string => `
import { ProcessRuntime } from ${JSON.stringify(runtimeModule)};
const { ROOT_DIR, NODE_NAME, POD_CIDR, MARKER } = process.env;
const rt = await ProcessRuntime.create({ rootDir: ROOT_DIR, nodeName: NODE_NAME, podCIDR: POD_CIDR });
const sandbox = await rt.createSandbox({ uid: MARKER, namespace: 'default', name: 'p', hostname: 'p', hostNetwork: false });
for (const name of ['a', 'b']) {
  await rt.start({
    sandbox, name, attempt: 0, mounts: [], logPath: ROOT_DIR + '/logs/' + name + '.log',
    argv: ['/usr/bin/busybox', 'sh', '-c', 'sleep 1000 & sleep 1000; : ' + MARKER],
    env: { KITE_MARK: MARKER },
  });
}
console.log(JSON.stringify({ pid: process.pid, sandbox }));
setInterval(() => {}, 1 << 30);
`;

/** Host PIDs whose command line or environment carries the marker. */
async function markedPids(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const [cmdline, environ] = await Promise.all([
      readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => ''),
      readFile(`/proc/${name}/environ`, 'utf8').catch(() => ''),
    ]);
    if (cmdline.includes(marker) || environ.includes(`KITE_MARK=${marker}`)) found.push(Number(name));
  }
  return found;
}

describe.skipIf(!isRoot)('a killed kubelet (as root: real namespaces)', () => {
  const tag = randomBytes(3).toString('hex');
  const nodeName = `kite-kd-${tag}`;
  const podCIDR = `10.244.${100 + (parseInt(tag, 16) % 150)}.0/24`;
  const marker = `kite-marker-${tag}`;
  let rootDir = '';
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    if (rootDir) {
      const rt = await ProcessRuntime.create({ rootDir, nodeName, podCIDR });
      await rt.destroy();
      await rm(rootDir, { recursive: true, force: true });
    }
  });

  it('takes its containers with it, and recover() removes what the pod left on the node', async () => {
    rootDir = await mkdtemp(path.join(tmpdir(), `kite-kd-${tag}-`));
    const script = path.join(rootDir, 'kubelet.ts');
    await writeFile(script, childScript(path.join(here, 'process-runtime.ts')));
    child = spawn(viteNode, [script], {
      env: { ...process.env, ROOT_DIR: rootDir, NODE_NAME: nodeName, POD_CIDR: podCIDR, MARKER: marker },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`kubelet stand-in exited with ${code}`)));
    });
    const { pid, sandbox } = JSON.parse(first) as { pid: number; sandbox: Sandbox };
    // The stand-in must be the containers' parent, or killing it would prove nothing.
    expect(pid).toBe(child.pid);
    // Per container: the PID-1 shell, the program's shell and its two sleeps.
    const before = await waitFor(async () => {
      const pids = await markedPids(marker);
      return pids.length >= 8 ? pids : undefined;
    }, 5_000);
    expect(before?.length).toBeGreaterThanOrEqual(8);

    child.kill('SIGKILL');
    const left = await waitFor(async () => ((await markedPids(marker)).length === 0 ? true : undefined), 5_000);
    expect({ left: left ?? (await markedPids(marker)) }).toEqual({ left: true });

    // The dead kubelet's sandbox is still on the node until the next run recovers it.
    const names = hostNames(nodeName, rootDir);
    const ns = `/run/netns/${names.netns(marker)}`;
    expect(existsSync(ns)).toBe(true);
    expect(existsSync(sandbox.dir)).toBe(true);

    const rt = await ProcessRuntime.create({ rootDir, nodeName, podCIDR });
    try {
      expect(await rt.recover()).toEqual({ removedSandboxes: [marker] });
      expect(existsSync(ns)).toBe(false);
      await expect(run('ip', ['link', 'show', names.veth(marker)])).rejects.toThrow();
      expect(existsSync(`/sys/fs/cgroup/memory/${names.cgroup}/${marker}`)).toBe(false);
      expect(existsSync(path.join(rootDir, 'ipam', sandbox.ip))).toBe(false);
      expect(existsSync(sandbox.dir)).toBe(false);
      // A second recovery finds nothing left.
      expect(await rt.recover()).toEqual({ removedSandboxes: [] });
    } finally {
      await rt.destroy();
    }
  });
});
