import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExitStatus, RuntimeCapabilities, Sandbox } from './types.js';

const isRoot = process.getuid?.() === 0;
const here = path.dirname(fileURLToPath(import.meta.url));
const viteNode = path.resolve(here, '../../../node_modules/.bin/vite-node');

/** Runs as nobody: what the runtime reports and how its containers behave without privileges. */
const childScript = (runtimeModule: string): string => `
import { ProcessRuntime } from ${JSON.stringify(runtimeModule)};
import { readFileSync } from 'node:fs';
const { ROOT_DIR, NODE_NAME } = process.env;
const rt = await ProcessRuntime.create({ rootDir: ROOT_DIR, nodeName: NODE_NAME, podCIDR: '10.244.9.0/24' });
const sandbox = await rt.createSandbox({ uid: 'u1', namespace: 'default', name: 'p', hostname: 'p', hostNetwork: false });
const base = { sandbox, attempt: 0, mounts: [], env: { WHO: 'kite', KITE_MARK: process.env.MARK } };
const done = await rt.start({ ...base, name: 'done', logPath: ROOT_DIR + '/done.log', argv: ['/usr/bin/busybox', 'sh', '-c', 'echo "$WHO $HOME"; exit 4'] });
const doneStatus = await rt.wait(done.id);
const stubborn = await rt.start({
  ...base, name: 'stubborn', logPath: ROOT_DIR + '/stubborn.log',
  argv: ['/usr/bin/busybox', 'sh', '-c', 'trap "" TERM; sleep 1000 & echo trapped; while :; do sleep 0.05; done'],
});
while (!readFileSync(ROOT_DIR + '/stubborn.log', 'utf8').includes('trapped')) await new Promise((r) => setTimeout(r, 10));
const t0 = Date.now();
const stopStatus = await rt.stop(stubborn.id, 300);
const elapsed = Date.now() - t0;
await rt.destroy();
console.log(JSON.stringify({ capabilities: rt.capabilities, sandbox, doneStatus, log: readFileSync(ROOT_DIR + '/done.log', 'utf8'), stopStatus, elapsed }));
`;

async function markedPids(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const environ = await readFile(`/proc/${name}/environ`, 'utf8').catch(() => '');
    if (environ.includes(`KITE_MARK=${marker}`)) found.push(Number(name));
  }
  return found;
}

/** Whether user nobody can reach the repository (not when it was cloned under a 0700 directory). */
function nobodyCanRead(file: string): boolean {
  if (!isRoot) return false;
  try {
    execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', file]);
    return true;
  } catch {
    return false;
  }
}

const readable = nobodyCanRead(viteNode);
if (isRoot && !readable) process.stderr.write(`skipping the unprivileged runtime test: user nobody cannot read ${viteNode} (is the repository under a 0700 directory?)\n`);

describe.skipIf(!isRoot || !readable)('ProcessRuntime without privileges (as root, dropping to nobody; skipped when nobody cannot read the repository)', () => {
  const tag = randomBytes(3).toString('hex');
  const marker = `kite-np-marker-${tag}`;
  let rootDir = '';

  afterAll(async () => {
    if (rootDir) await rm(rootDir, { recursive: true, force: true });
  });

  it('falls back to the host network, says why, and still stops and reports containers', async () => {
    rootDir = await mkdtemp(path.join(tmpdir(), `kite-np-${tag}-`));
    await chmod(rootDir, 0o777);
    const script = path.join(rootDir, 'child.ts');
    await writeFile(script, childScript(path.join(here, 'process-runtime.ts')));
    const { stdout } = await promisify(execFile)(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', viteNode, script],
      { env: { PATH: process.env.PATH, ROOT_DIR: rootDir, NODE_NAME: `kite-np-${tag}`, HOME: rootDir, MARK: marker }, timeout: 30_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      capabilities: RuntimeCapabilities;
      sandbox: Sandbox;
      doneStatus: ExitStatus;
      stopStatus: ExitStatus;
      log: string;
      elapsed: number;
    };
    expect(result.capabilities).toMatchObject({ network: false, mounts: false, pid: false, memoryLimits: false, cpuQuota: false });
    expect(result.capabilities.limitations.join('\n')).toMatch(/CAP_SYS_ADMIN[\s\S]*memory[\s\S]*cpu/);
    expect(result.sandbox).toMatchObject({ ip: '127.0.0.1', isolated: false });
    expect(result.doneStatus).toMatchObject({ exitCode: 4, reason: 'Error' });
    // Only the spec's env reaches the program: HOME from the kubelet's env must not leak in.
    expect(result.log).toMatch(/ stdout F kite \n/);
    expect(result.stopStatus).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    expect(result.elapsed).toBeGreaterThanOrEqual(300);
    expect(result.elapsed).toBeLessThan(1_300);
    // The stopped container's background sleep went with its process group.
    expect(await markedPids(marker)).toEqual([]);
  });
});
