import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './command.js';
import { ProcessRuntime } from './process-runtime.js';
import type { ContainerSpec, ExecSession, Sandbox } from './types.js';

const isRoot = process.getuid?.() === 0;
const BUSYBOX = '/usr/bin/busybox';

/** Everything the session prints from now on, as it comes. */
function output(session: ExecSession): () => string {
  let out = '';
  session.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  return () => out;
}

const until = (what: () => boolean): Promise<true | undefined> => waitFor(async () => (what() ? true : undefined), 10_000, 20);

// A container's own terminal (spec.tty), as `kubectl run -it` asks for; needs root like the rest.
describe.skipIf(!isRoot)('ProcessRuntime: containers with tty', () => {
  const tag = randomBytes(3).toString('hex');
  let rootDir: string;
  let rt: ProcessRuntime;
  let n = 0;

  beforeAll(async () => {
    rootDir = await mkdtemp(path.join(tmpdir(), `kite-tty-${tag}-`));
    rt = await ProcessRuntime.create({ rootDir, nodeName: `kite-tty-${tag}`, podCIDR: `10.244.${100 + (parseInt(tag, 16) % 150)}.0/24` });
  });

  afterAll(async () => {
    try {
      await rt?.destroy();
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });

  async function container(name: string, argv: string[], extra: Partial<ContainerSpec> = {}): Promise<ContainerSpec> {
    const uid = `${tag}-${name}-${n++}`;
    const sandbox: Sandbox = await rt.createSandbox({ uid, namespace: 'default', name, hostname: name, hostNetwork: false });
    return { sandbox, name, attempt: 0, argv, env: {}, mounts: [], logPath: path.join(rootDir, 'logs', uid, `${name}.log`), tty: true, ...extra };
  }

  it('runs the program on a terminal, logs what it shows, and keeps its exit code', async () => {
    const spec = await container('exit', [BUSYBOX, 'sh', '-c', 'tty; echo "TERM=$TERM"; exit 3']);
    const { id } = await rt.start(spec);
    expect(await rt.wait(id)).toMatchObject({ exitCode: 3, reason: 'Error' });
    const log = await readFile(spec.logPath, 'utf8');
    expect(log).toMatch(/ stdout [FP] \/dev\/pts\/\d+\r?$/m);
    expect(log).toContain('TERM=xterm');
  });

  it('gives an interactive shell a prompt and echo through attach, and resizes its terminal', async () => {
    const spec = await container('shell', [BUSYBOX, 'sh'], { stdin: true, stdinOnce: true });
    const { id } = await rt.start(spec);
    const session = rt.attach(id, { stdin: true });
    const seen = output(session);
    // kubectl attach sends a size one larger, then the real one, so that the shell redraws the
    // prompt (SIGWINCH) it printed before anyone attached; the real size must win.
    session.resize(124, 46);
    session.resize(123, 45);
    expect(await until(() => seen().includes('/ # '))).toBe(true);
    session.stdin.write('echo $((6*7))\r');
    expect(await until(() => seen().includes('42\r\n'))).toBe(true);
    // The terminal echoes what is typed, as on Kubernetes.
    expect(seen()).toContain('echo $((6*7))');
    session.stdin.write('for i in $(seq 100); do [ "$(stty size)" = "45 123" ] && break; sleep 0.05; done; stty size\r');
    expect(await until(() => /\n45 123\r\n/.test(seen()))).toBe(true);
    session.stdin.write('exit 4\r');
    expect(await session.exit).toBe(4);
  });

  it('resolves start() once the program runs: not script(1), its fork, its shell or env', async () => {
    for (let i = 0; i < 5; i++) {
      const argv = [BUSYBOX, 'sleep', String(1000 + i)];
      const { id, pid } = await rt.start(await container(`started-${i}`, argv));
      expect(await readFile(`/proc/${pid}/cmdline`, 'utf8')).toBe(argv.join('\0') + '\0');
      await rt.stop(id, 0);
    }
  });

  it('stops the program under script(1) with SIGTERM', async () => {
    const spec = await container('stop', [BUSYBOX, 'sh', '-c', 'trap "echo got TERM; exit 0" TERM; echo trapped; while :; do sleep 0.05; done']);
    const { id } = await rt.start(spec);
    await waitFor(async () => ((await readFile(spec.logPath, 'utf8').catch(() => '')).includes('trapped') || undefined), 5_000);
    const t0 = Date.now();
    expect(await rt.stop(id, 10_000)).toMatchObject({ exitCode: 0 });
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await readFile(spec.logPath, 'utf8')).toContain('got TERM');
  });

  it('closes stdin after the first attach session with stdinOnce, and not without it', async () => {
    const script = 'while read -r line; do echo "got $line"; done; echo EOF; sleep 1000';
    for (const once of [true, false]) {
      const spec = await container(`once-${once}`, [BUSYBOX, 'sh', '-c', script], { stdin: true, stdinOnce: once, tty: false });
      const { id } = await rt.start(spec);
      const first = rt.attach(id, { stdin: true });
      const seen = output(first);
      first.stdin.write('one\n');
      expect(await until(() => seen().includes('got one'))).toBe(true);
      first.kill();
      if (once) {
        expect(await waitFor(async () => ((await readFile(spec.logPath, 'utf8')).includes('EOF') || undefined), 5_000)).toBe(true);
      } else {
        const second = rt.attach(id, { stdin: true });
        const again = output(second);
        second.stdin.write('two\n');
        expect(await until(() => again().includes('got two'))).toBe(true);
        second.kill();
        expect(await readFile(spec.logPath, 'utf8')).not.toContain('EOF');
      }
      await rt.stop(id, 0);
    }
  });

  it('ends a tty shell with stdinOnce when its first attach session goes away (EOF on the terminal)', async () => {
    const { id } = await rt.start(await container('once-tty', [BUSYBOX, 'sh'], { stdin: true, stdinOnce: true }));
    const session = rt.attach(id, { stdin: true });
    const seen = output(session);
    session.stdin.write('echo $((6*7))\r');
    expect(await until(() => seen().includes('42\r\n'))).toBe(true);
    session.kill();
    expect(await rt.wait(id)).toMatchObject({ exitCode: 0 });
  });
});
