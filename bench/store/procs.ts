import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const storeBin = path.join(repoRoot, 'services/store/dist/bin.js');

/**
 * Every child process and temp dir this bench creates, so that an error, a signal or a
 * plain exit can stop each child by its PID and remove each dir.
 */
const children = new Map<number, ChildProcess>();
const dirs = new Set<string>();

/** SIGKILLs every process of `registry` still running, by PID, and forgets them. */
export function killRegistered(registry: Map<number, ChildProcess>): void {
  for (const [pid, child] of registry) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  registry.clear();
}

/** Stops what is left synchronously (for 'exit' and signals): SIGKILL by PID, rm -rf. */
export function killAllNow(): void {
  killRegistered(children);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

let handlersInstalled = false;

/** On SIGINT/SIGTERM/uncaught errors: stop the children, remove the dirs, exit non-zero. */
export function installCleanupHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping ${children.size} child process(es)\n`);
      killAllNow();
      process.exit(130);
    });
  }
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `kite-bench-${prefix}-`));
  dirs.add(dir);
  return {
    dir,
    remove: async () => {
      await rm(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
  };
}

/** A port the OS just handed out, for etcd (which cannot be told to pick one). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface Proc {
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface StartOptions {
  /** Its own process group, so a terminal's ^C reaches only the bench. */
  detached?: boolean;
  /** Called with each complete line it prints (stdout and stderr). */
  onLine?: (line: string) => void;
  /** Where it is registered until it exits; default the registry killAllNow stops. */
  registry?: Map<number, ChildProcess>;
}

export function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, o: StartOptions = {}): Proc {
  const registry = o.registry ?? children;
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: o.detached === true });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const pid = child.pid;
  registry.set(pid, child);
  let out = '';
  let partial = '';
  const keep = (d: Buffer): void => {
    const s = d.toString();
    out += s;
    // Keep the head (startup lines) and a tail; etcdctl's progress bar can be long.
    if (out.length > 1_000_000) out = out.slice(0, 100_000) + out.slice(-400_000);
    if (!o.onLine) return;
    const text = partial + s;
    const end = text.lastIndexOf('\n');
    partial = end < 0 ? text : text.slice(end + 1);
    if (end >= 0) for (const line of text.slice(0, end).split('\n')) o.onLine(line);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      registry.delete(pid);
      resolve(code ?? (signal ? -1 : null));
    });
    child.on('error', (err) => {
      out += `\nspawn error: ${err.message}\n`;
      registry.delete(pid);
      resolve(-1);
    });
  });
  return {
    pid,
    output: () => out,
    exited,
    async stop(graceMs = 10_000) {
      if (!registry.has(pid)) return exited;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (registry.has(pid)) process.kill(pid, 'SIGKILL');
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Waits for a match of `re` in the output; fails when the process exits first or time runs out. */
export async function waitForOutput(p: Proc, what: string, re: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => (exited = true));
  for (;;) {
    const m = re.exec(p.output());
    if (m) return m;
    if (exited) throw new Error(`${what} exited before it was ready:\n${p.output().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${p.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Polls etcd's /health until it reports healthy (a leader is elected and it serves). */
async function waitForHealth(p: Proc, url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => (exited = true));
  for (;;) {
    try {
      const res = await fetch(url);
      const body = (await res.json()) as { health?: string };
      if (res.ok && body.health === 'true') return;
    } catch {
      // not listening yet
    }
    if (exited) throw new Error(`etcd exited before it was ready:\n${p.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for etcd at ${url}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Server extends Proc {
  name: 'kite-store' | 'etcd';
  endpoint: string;
  /** URL of the Prometheus text metrics. */
  metricsUrl: string;
  dataDir: string;
  /** From spawning the process to its first answer (kite: listening; etcd: /health OK). */
  startupMs: number;
}

/** Resident memory of a process, from /proc (Linux), in MiB. */
export async function rssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

export interface KiteOptions {
  /** Run node with --cpu-prof, writing the profile into this dir on exit. */
  cpuProfDir?: string;
  /** The kite-store entry point; default the built services/store/dist/bin.js. */
  bin?: string;
  /** Extra flags for node itself (before the script). */
  nodeArgs?: string[];
}

/** kite-store from its built bin, durable (default fsync), on OS-chosen loopback ports. */
export async function startKiteStore(dataDir: string, o: KiteOptions = {}): Promise<Server> {
  const nodeArgs = [...(o.nodeArgs ?? []), ...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [])];
  const started = performance.now();
  const p = startProcess(
    process.execPath,
    [...nodeArgs, o.bin ?? storeBin, '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--log-level', 'warn'],
  );
  const m = await waitForOutput(p, 'kite-store', /listening on (\S+) \(metrics (\S+)\)/);
  const startupMs = performance.now() - started;
  return { ...p, name: 'kite-store', endpoint: m[1] as string, metricsUrl: `http://${m[2] as string}/metrics`, dataDir, startupMs };
}

/** A single-member etcd with default durability (fsync on every WAL write), loopback only. */
export async function startEtcd(dataDir: string): Promise<Server> {
  const client = await freePort();
  const peer = await freePort();
  const endpoint = `127.0.0.1:${client}`;
  const started = performance.now();
  const p = startProcess(process.env.ETCD_BIN ?? 'etcd', [
    '--data-dir', dataDir,
    '--name', 'default',
    '--listen-client-urls', `http://${endpoint}`,
    '--advertise-client-urls', `http://${endpoint}`,
    '--listen-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-cluster', `default=http://127.0.0.1:${peer}`,
    '--logger', 'zap',
    '--log-level', 'warn',
  ]);
  await waitForHealth(p, `http://${endpoint}/health`);
  const startupMs = performance.now() - started;
  return { ...p, name: 'etcd', endpoint, metricsUrl: `http://${endpoint}/metrics`, dataDir, startupMs };
}

const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; undefined off Linux. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that ends the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Number of durable disk syncs so far: LevelDB synced batches, or etcd's WAL fsyncs. */
export async function diskSyncs(s: Server): Promise<number | undefined> {
  const metric = s.name === 'etcd' ? 'etcd_disk_wal_fsync_duration_seconds_count' : 'kite_store_disk_syncs';
  try {
    const res = await fetch(s.metricsUrl);
    const text = await res.text();
    const line = text.split('\n').find((l) => l.startsWith(metric + ' ') || l.startsWith(metric + '{'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine (all cores, everything but idle and iowait), from /proc/stat. */
export async function machineBusySeconds(): Promise<number | undefined> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return (total - idle) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the machine is quiet (under `maxCores` busy over a 1 s sample, this process
 * excluded) or `timeoutMs` passed; resolves with the last sample, in cores.
 */
export async function waitForQuiet(maxCores: number, timeoutMs: number, onBusy: (cores: number) => void): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  let warned = false;
  for (;;) {
    const m0 = await machineBusySeconds();
    const c0 = process.cpuUsage();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const m1 = await machineBusySeconds();
    const own = process.cpuUsage(c0);
    if (m0 === undefined || m1 === undefined) return undefined;
    const secs = (Date.now() - t0) / 1000;
    const cores = Math.max(0, (m1 - m0 - (own.user + own.system) / 1e6) / secs);
    if (cores <= maxCores || Date.now() > deadline) return cores;
    if (!warned) onBusy(cores);
    warned = true;
  }
}
