import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, waitFor } from './command.js';
import { ProcessRuntime } from './process-runtime.js';
import type { ContainerSpec, ExecSession, Sandbox } from './types.js';

const isRoot = process.getuid?.() === 0;
const BUSYBOX = '/usr/bin/busybox';

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += (chunk as Buffer).toString('utf8');
  return out;
}

async function execOut(session: ExecSession): Promise<{ code: number; stdout: string; stderr: string }> {
  const [stdout, stderr, code] = await Promise.all([collect(session.stdout), collect(session.stderr), session.exit]);
  return { code, stdout, stderr };
}

async function httpGet(rt: ProcessRuntime, sandbox: Sandbox, port: number, file: string): Promise<string> {
  const socket = await rt.connect(sandbox, port);
  socket.end(`GET /${file} HTTP/1.0\r\nHost: x\r\n\r\n`);
  return collect(socket);
}

// Real namespaces, veths and cgroups need root; the CI runs these as root.
describe.skipIf(!isRoot)('ProcessRuntime (as root: real namespaces and cgroups)', () => {
  const tag = randomBytes(3).toString('hex');
  const nodeName = `kite-rt-${tag}`;
  const podCIDR = `10.244.${100 + (parseInt(tag, 16) % 150)}.0/24`;
  let rootDir: string;
  let rt: ProcessRuntime;
  let n = 0;

  beforeAll(async () => {
    rootDir = await mkdtemp(path.join(tmpdir(), `kite-rt-${tag}-`));
    rt = await ProcessRuntime.create({ rootDir, nodeName, podCIDR });
  });

  afterAll(async () => {
    try {
      await rt?.destroy();
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });

  async function sandbox(name: string): Promise<Sandbox> {
    const uid = `${tag}-${name}-${n++}`;
    return rt.createSandbox({ uid, namespace: 'default', name, hostname: name, hostNetwork: false });
  }

  function container(sb: Sandbox, name: string, argv: string[], extra: Partial<ContainerSpec> = {}): ContainerSpec {
    return {
      sandbox: sb,
      name,
      attempt: 0,
      argv,
      env: {},
      mounts: [],
      logPath: path.join(rootDir, 'logs', sb.uid, `${name}.log`),
      ...extra,
    };
  }

  it('reports full isolation on this machine', () => {
    expect(rt.capabilities).toMatchObject({ network: true, mounts: true, pid: true, limitations: [] });
  });

  it('lets two containers of one pod talk over localhost', async () => {
    const sb = await sandbox('localhost');
    const www = path.join(rootDir, 'www-localhost');
    await mkdir(www);
    await writeFile(path.join(www, 'index.html'), 'hello from the sidecar\n');
    const server = await rt.start(
      container(sb, 'server', [BUSYBOX, 'httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/srv'], {
        mounts: [{ hostPath: www, containerPath: '/srv', readOnly: true }],
      }),
    );
    const client = container(sb, 'client', [
      BUSYBOX,
      'sh',
      '-c',
      'for i in $(seq 50); do wget -q -O - http://127.0.0.1:8080/index.html && exit 0; sleep 0.1; done; exit 1',
    ]);
    const started = await rt.start(client);
    expect(await rt.wait(started.id)).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await readFile(client.logPath, 'utf8')).toContain('hello from the sidecar');
    // Not on the node's loopback: the server lives in the pod's network namespace only.
    await expect(rt.connect({ ...sb, netns: undefined }, 8080)).rejects.toThrow();
    await rt.stop(server.id, 0);
  });

  it('gives each pod its own :8080, reachable from the node at the pod IP', async () => {
    const pods = await Promise.all([sandbox('web-a'), sandbox('web-b')]);
    expect(new Set(pods.map((p) => p.ip)).size).toBe(2);
    for (const [i, sb] of pods.entries()) {
      const www = path.join(rootDir, `www-${sb.uid}`);
      await mkdir(www);
      await writeFile(path.join(www, 'who'), `pod ${i}\n`);
      await rt.start(
        container(sb, 'web', [BUSYBOX, 'httpd', '-f', '-p', '8080', '-h', '/srv'], {
          mounts: [{ hostPath: www, containerPath: '/srv', readOnly: true }],
        }),
      );
    }
    for (const [i, sb] of pods.entries()) {
      const body = await waitFor(() => httpGet(rt, sb, 8080, 'who').catch(() => undefined), 5_000, 20);
      expect(body).toContain(`pod ${i}`);
    }
    // Pods on one node reach each other across the bridge.
    const probe = container(pods[0]!, 'probe', [BUSYBOX, 'wget', '-q', '-O', '-', `http://${pods[1]!.ip}:8080/who`]);
    const { id } = await rt.start(probe);
    expect(await rt.wait(id)).toMatchObject({ exitCode: 0 });
    expect(await readFile(probe.logPath, 'utf8')).toContain('pod 1');
  });

  it('mounts volumes at their paths, read-only ones unwritable, with the pod hostname and hosts file', async () => {
    const sb = await sandbox('mounts');
    const rw = path.join(rootDir, 'rw');
    const ro = path.join(rootDir, 'ro');
    await mkdir(rw);
    await mkdir(ro);
    await writeFile(path.join(ro, 'config'), 'ro-content\n');
    await writeFile(path.join(ro, 'message'), 'message\n');
    const script = [
      'echo written > /srv/rw/out || exit 10',
      'grep -q ro-content /tmp/conf/config || exit 11',
      'touch /tmp/conf/x 2>/dev/null && exit 12',
      '[ "$(hostname)" = mounts ] || exit 13',
      `grep -q "${sb.ip}	mounts" /etc/hosts || exit 14`,
      '[ "$(cat /etc/hostname)" = mounts ] || exit 15',
      '[ "$(pwd)" = /srv/rw ] || exit 16',
      'echo tmpfile > /tmp/private',
      '[ "$(cat /dev/termination-log)" = message ] || exit 17',
      '[ ! -e /dev/kmsg ] && [ -c /dev/null ] && [ -c /dev/urandom ] || exit 18',
      'echo shm > /dev/shm/x && echo hi > /dev/null || exit 19',
      'exit 0',
    ].join('\n');
    const spec = container(sb, 'vols', [BUSYBOX, 'sh', '-c', script], {
      workingDir: '/srv/rw',
      mounts: [
        { hostPath: rw, containerPath: '/srv/rw', readOnly: false },
        { hostPath: ro, containerPath: '/tmp/conf', readOnly: true },
        { hostPath: path.join(ro, 'message'), containerPath: '/dev/termination-log', readOnly: false },
      ],
    });
    const { id } = await rt.start(spec);
    const status = await rt.wait(id);
    expect({ status, log: await readFile(spec.logPath, 'utf8') }).toMatchObject({ status: { exitCode: 0 } });
    expect(await readFile(path.join(rw, 'out'), 'utf8')).toBe('written\n');
    expect(existsSync(path.join(ro, 'x'))).toBe(false);
    // The container's /tmp is its own, not the node's.
    expect(existsSync('/tmp/private')).toBe(false);
    // The container's /dev is its own too: mount points are not made on the node's /dev.
    expect(existsSync('/dev/shm/x')).toBe(false);
  });

  it('fails start with the setup error when a mount source is missing', async () => {
    const sb = await sandbox('badmount');
    const spec = container(sb, 'bad', [BUSYBOX, 'true'], {
      mounts: [{ hostPath: path.join(rootDir, 'missing-dir', 'missing-file'), containerPath: '/srv/x', readOnly: false }],
    });
    await expect(rt.start(spec)).rejects.toThrow(/setup failed/);
  });

  const stops: Array<{ name: string; script: string; graceMs: number; exit: number; signal?: string; min: number; max: number }> = [
    // Traps TERM and exits 0 at once: stop() must not wait for the grace period.
    { name: 'term-trap', script: 'trap "exit 0" TERM; echo trapped; while :; do sleep 0.05; done', graceMs: 10_000, exit: 0, min: 0, max: 2_000 },
    // Default TERM action: killed by the signal.
    { name: 'term-default', script: 'echo trapped; exec sleep 1000', graceMs: 10_000, exit: 143, signal: 'SIGTERM', min: 0, max: 2_000 },
    // Ignores TERM: SIGKILLed when the grace period runs out.
    { name: 'term-ignore', script: 'trap "" TERM; echo trapped; while :; do sleep 0.05; done', graceMs: 1_500, exit: 137, signal: 'SIGKILL', min: 1_500, max: 2_500 },
  ];
  for (const c of stops) {
    it(`stop(): ${c.name} ends with ${c.exit} within ${c.min}..${c.max} ms`, async () => {
      const sb = await sandbox(c.name);
      const spec = container(sb, 'c', [BUSYBOX, 'sh', '-c', c.script]);
      const { id } = await rt.start(spec);
      // TERM before the trap is set would test the shell's start-up, not stop().
      await waitFor(async () => ((await readFile(spec.logPath, 'utf8').catch(() => '')).includes('trapped') || undefined), 5_000);
      const t0 = Date.now();
      const status = await rt.stop(id, c.graceMs);
      const elapsed = Date.now() - t0;
      expect(status.exitCode).toBe(c.exit);
      expect(status.signal).toBe(c.signal);
      expect(elapsed).toBeGreaterThanOrEqual(c.min);
      expect(elapsed).toBeLessThanOrEqual(c.max);
    });
  }

  it('reports OOMKilled when a container exceeds its memory limit', async () => {
    const sb = await sandbox('oom');
    const { id } = await rt.start(container(sb, 'hog', [BUSYBOX, 'tail', '/dev/zero'], { memoryLimitBytes: 32 << 20 }));
    expect(await rt.wait(id)).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('applies the CPU quota and memory limit to the container cgroup', async () => {
    const sb = await sandbox('limits');
    const spec = container(sb, 'c', [BUSYBOX, 'sh', '-c', 'cat /proc/self/cgroup; exec sleep 1000'], {
      memoryLimitBytes: 64 << 20,
      cpuLimitMillis: 250,
    });
    const { id } = await rt.start(spec);
    const base = `${rt.hostNames.cgroup}/${sb.uid}/c-0`;
    expect(base).toMatch(new RegExp(`^kite/${nodeName}-[0-9a-f]{8}/`));
    expect(await readFile(`/sys/fs/cgroup/cpu/${base}/cpu.cfs_quota_us`, 'utf8')).toBe('25000\n');
    expect(await readFile(`/sys/fs/cgroup/memory/${base}/memory.limit_in_bytes`, 'utf8')).toBe(`${64 << 20}\n`);
    const cgroupLine = await waitFor(async () => {
      const log = await readFile(spec.logPath, 'utf8').catch(() => '');
      return /memory:(\S+)/.exec(log)?.[1];
    }, 5_000);
    expect(cgroupLine).toBe(`/${base}`);
    await rt.stop(id, 0);
  });

  // The kubelet starts a pod's next container once start() resolves: the program must be running
  // by then, not the setup shell's fork or `env` still on the way to it.
  it('resolves start() once the program itself runs', async () => {
    const sb = await sandbox('started');
    for (let i = 0; i < 5; i++) {
      const argv = [BUSYBOX, 'sleep', String(1000 + i)];
      const { id, pid } = await rt.start(container(sb, `c${i}`, argv));
      expect(await readFile(`/proc/${pid}/cmdline`, 'utf8')).toBe(argv.join('\0') + '\0');
      await rt.stop(id, 0);
    }
  });

  it('makes the files an image creates at start during setup, where it can and only if missing', async () => {
    const sb = await sandbox('created');
    const logs = path.join(rootDir, 'created-logs');
    const ro = path.join(rootDir, 'created-ro');
    await mkdir(logs);
    await mkdir(ro);
    await writeFile(path.join(logs, 'kept.log'), 'old line\n');
    const { id } = await rt.start(
      container(sb, 'c', [BUSYBOX, 'sleep', '1000'], {
        mounts: [
          { hostPath: logs, containerPath: '/var/log/app', readOnly: false },
          { hostPath: ro, containerPath: '/etc/app', readOnly: true },
        ],
        createdAtStart: ['/var/log/app/access.log', '/var/log/app/kept.log', '/etc/app/x.log', '/missing/dir/y.log'],
      }),
    );
    // There once start() resolves, before the program has done anything.
    expect(await readFile(path.join(logs, 'access.log'), 'utf8')).toBe('');
    expect(await readFile(path.join(logs, 'kept.log'), 'utf8')).toBe('old line\n');
    expect(existsSync(path.join(ro, 'x.log'))).toBe(false);
    await rt.stop(id, 0);
  });

  it('execs in the container: namespaces, env, stdin, exit codes, a tty', async () => {
    const sb = await sandbox('exec');
    const { id } = await rt.start(
      container(sb, 'c', [BUSYBOX, 'sleep', '1000'], { env: { GREETING: 'hi', PATH: '/usr/bin:/bin' }, workingDir: '/srv' }),
    );
    const cases: Array<{ argv: string[]; env?: Record<string, string>; stdin?: string; tty?: boolean; code: number; out: RegExp }> = [
      { argv: ['hostname'], code: 0, out: /^exec\n$/ },
      { argv: ['sh', '-c', 'echo $GREETING $EXTRA; pwd'], env: { EXTRA: 'there' }, code: 0, out: /^hi there\n\/srv\n$/ },
      { argv: ['sh', '-c', 'exit 7'], code: 7, out: /^$/ },
      { argv: ['cat'], stdin: 'piped\n', code: 0, out: /^piped\n$/ },
      { argv: ['busybox', 'ps'], code: 0, out: /sleep 1000/ },
      { argv: ['sh', '-c', 'tty; exit 3'], tty: true, code: 3, out: /\/dev\/pts\/\d+/ },
    ];
    for (const c of cases) {
      const session = await rt.exec({ container: id, argv: c.argv, env: c.env, tty: c.tty });
      // A command that does not read stdin may be gone before it is closed (EPIPE), as the kubelet allows.
      session.stdin.on('error', () => undefined);
      session.stdin.end(c.stdin ?? '');
      const result = await execOut(session);
      expect({ argv: c.argv, code: result.code }).toEqual({ argv: c.argv, code: c.code });
      expect(result.stdout).toMatch(c.out);
    }
    await rt.stop(id, 0);
  });

  it('resizes an exec tty', async () => {
    const sb = await sandbox('tty');
    const { id } = await rt.start(container(sb, 'c', [BUSYBOX, 'sleep', '1000']));
    const session = await rt.exec({ container: id, argv: ['sh', '-c', 'while :; do stty size; sleep 0.05; done'], tty: true });
    let out = '';
    session.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    session.resize(123, 45);
    const seen = await waitFor(async () => (out.includes('45 123') ? true : undefined), 5_000);
    session.kill();
    expect(seen).toBe(true);
    expect(await session.exit).toBe(137);
    await rt.stop(id, 0);
  });

  it('runs a hostNetwork pod on the node network with the node hostname and its aliases', async () => {
    const uid = `${tag}-hostnet-${n++}`;
    const sb = await rt.createSandbox({
      uid,
      namespace: 'default',
      name: 'hostnet',
      hostname: 'hostnet',
      hostNetwork: true,
      hostAliases: [{ ip: '10.9.8.7', hostnames: ['alias.kite.test'] }],
    });
    expect(sb).toMatchObject({ ip: '127.0.0.1', isolated: true });
    expect(sb.netns).toBeUndefined();
    const spec = container(sb, 'c', [BUSYBOX, 'sh', '-c', 'hostname; grep alias.kite.test /etc/hosts']);
    const { id } = await rt.start(spec);
    expect(await rt.wait(id)).toMatchObject({ exitCode: 0 });
    const log = await readFile(spec.logPath, 'utf8');
    expect(log).toContain(` ${(await run('hostname', [])).trim()}\n`);
    expect(log).toContain('10.9.8.7\talias.kite.test');
    await rt.removeSandbox(uid);
  });

  it('attaches to a container that keeps stdin open', async () => {
    const sb = await sandbox('attach');
    const { id } = await rt.start(container(sb, 'c', [BUSYBOX, 'sh', '-c', 'read line; echo "got $line"'], { stdin: true }));
    const session = rt.attach(id);
    const out = collect(session.stdout);
    session.stdin.write('hello\n');
    expect(await session.exit).toBe(0);
    expect(await out).toBe('got hello\n');
  });

  it('removeSandbox leaves no netns, veth, cgroup, lease or pod directory', async () => {
    const sb = await sandbox('remove');
    await rt.start(container(sb, 'c', [BUSYBOX, 'sleep', '1000']));
    await rt.removeSandbox(sb.uid);
    const names = rt.hostNames;
    expect(existsSync(`/run/netns/${names.netns(sb.uid)}`)).toBe(false);
    await expect(run('ip', ['link', 'show', names.veth(sb.uid)])).rejects.toThrow();
    expect(existsSync(`/sys/fs/cgroup/memory/${names.cgroup}/${sb.uid}`)).toBe(false);
    expect(existsSync(`/sys/fs/cgroup/cpu/${names.cgroup}/${sb.uid}`)).toBe(false);
    expect(existsSync(path.join(rootDir, 'ipam', sb.ip))).toBe(false);
    expect(existsSync(sb.dir)).toBe(false);
  });
});
