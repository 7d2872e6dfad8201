import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const storeBin = path.join(repoRoot, 'services/store/dist/bin.js');

export type Cleanup = () => Promise<unknown> | unknown;

/**
 * A list the test pushes cleanups onto as it starts things (processes, clients, temp dirs);
 * after each test they run in reverse order, whether it passed or not.
 */
export function cleanupAfterEach(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

/** A port the OS just handed out; for programs (etcd) that cannot be told to pick one. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `kite-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Waits for `check` to return a value (not undefined), polling until `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Proc {
  child: ChildProcess;
  pid: number;
  output: () => string;
  /** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    pid: child.pid as number,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (done) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Waits for `check`; if the process exits or never gets ready, stops it so nothing outlives the test. */
async function untilReady<T>(p: Proc, name: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  try {
    return await Promise.race([
      waitFor(`${name} to serve clients`, check),
      p.exited.then((code) => {
        throw new Error(`${name} exited with ${code}: ${p.output()}`);
      }),
    ]);
  } catch (err) {
    await p.stop('SIGKILL');
    throw err;
  }
}

export interface StoreProc extends Proc {
  endpoint: string;
  metrics: string;
  dataDir: string;
}

/** Starts kite-store from its built bin on OS-chosen ports; resolves once it listens. */
export async function startKiteStore(dataDir: string, extraArgs: string[] = []): Promise<StoreProc> {
  const p = startProcess(process.execPath, [storeBin, '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', ...extraArgs], {
    KITE_LOG_LEVEL: 'warn',
  });
  const m = await untilReady(p, 'kite-store', () => /listening on (\S+) \(metrics (\S+)\)/.exec(p.output()) ?? undefined);
  return { ...p, endpoint: m[1] as string, metrics: m[2] as string, dataDir };
}

export interface EtcdProc extends Proc {
  endpoint: string;
}

export const etcdBinary = process.env.ETCD_BIN ?? 'etcd';

/** Starts a real single-member etcd on loopback with its data in `dataDir`. */
export async function startEtcd(dataDir: string, extraArgs: string[] = []): Promise<EtcdProc> {
  const client = await freePort();
  const peer = await freePort();
  const endpoint = `127.0.0.1:${client}`;
  const p = startProcess(etcdBinary, [
    '--data-dir', dataDir,
    '--name', 'default',
    '--listen-client-urls', `http://${endpoint}`,
    '--advertise-client-urls', `http://${endpoint}`,
    '--listen-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-cluster', `default=http://127.0.0.1:${peer}`,
    '--log-level', 'warn',
    ...extraArgs,
  ]);
  // Asked rather than read from the log: at --log-level warn etcd 3.4 never says it is ready.
  await untilReady(p, 'etcd', async () => {
    const res = await fetch(`http://${endpoint}/health`);
    const body = (await res.json()) as { health?: string };
    return res.ok && body.health === 'true' ? true : undefined;
  });
  return { ...p, endpoint };
}

export const apiServerBin = path.join(repoRoot, 'services/apiserver/dist/bin.js');

export interface ApiServerProc extends Proc {
  /** REST address, host:port. */
  address: string;
  url: string;
  /** kite.v1 gRPC address, host:port. */
  grpcAddress: string;
}

/** Starts kite-apiserver on a free port against `etcdServers` and waits until it is ready. */
export async function startApiServer(etcdServers: string[], extraArgs: string[] = []): Promise<ApiServerProc> {
  const p = startProcess(
    process.execPath,
    [apiServerBin, '--etcd-servers', etcdServers.map((e) => (e.startsWith('http') ? e : `http://${e}`)).join(','), '--listen', '127.0.0.1:0', '--grpc-listen', '127.0.0.1:0', ...extraArgs],
    { KITE_LOG_LEVEL: 'warn' },
  );
  const m = await untilReady(p, 'kite-apiserver', () => /kite-apiserver listening on (\S+) \(grpc (\S+)\)/.exec(p.output()) ?? undefined);
  const address = m[1] as string;
  return { ...p, address, url: `http://${address}`, grpcAddress: m[2] as string };
}

export interface EtcdClusterProc {
  members: EtcdProc[];
  /** Client endpoints of every member, host:port. */
  endpoints: string[];
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * Starts a `size`-member etcd cluster on loopback, each member's data under `dir/<name>`, and
 * waits until every member reports healthy (which needs an elected leader).
 */
export async function startEtcdCluster(dir: string, size = 3): Promise<EtcdClusterProc> {
  const specs: { name: string; client: number; peer: number }[] = [];
  for (let i = 0; i < size; i++) specs.push({ name: `m${i}`, client: await freePort(), peer: await freePort() });
  const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peer}`).join(',');
  const members: EtcdProc[] = specs.map((s) => {
    const endpoint = `127.0.0.1:${s.client}`;
    const p = startProcess(etcdBinary, [
      '--data-dir', path.join(dir, s.name),
      '--name', s.name,
      '--listen-client-urls', `http://${endpoint}`,
      '--advertise-client-urls', `http://${endpoint}`,
      '--listen-peer-urls', `http://127.0.0.1:${s.peer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${s.peer}`,
      '--initial-cluster', initialCluster,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', path.basename(dir),
      '--log-level', 'warn',
    ]);
    return { ...p, endpoint };
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> => {
    await Promise.all(members.map((m) => m.stop(signal, graceMs)));
  };
  try {
    // Members cannot elect a leader until a quorum is up, so every member is started before any is asked.
    await Promise.all(
      members.map((m, i) =>
        Promise.race([
          waitFor(`etcd member ${specs[i]?.name} to be healthy`, async () => {
            const res = await fetch(`http://${m.endpoint}/health`);
            const body = (await res.json()) as { health?: string };
            return res.ok && body.health === 'true' ? true : undefined;
          }, 30_000),
          m.exited.then((code) => {
            throw new Error(`etcd member ${specs[i]?.name} exited with ${code}: ${m.output()}`);
          }),
        ]),
      ),
    );
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
  return { members, endpoints: members.map((m) => m.endpoint), stop };
}
