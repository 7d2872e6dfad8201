import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * Processes this bench owns directly (scheduler, kubelets). Each runs in its own process group
 * so a terminal's ^C reaches only the bench, which then stops them in order: a kubelet hit by
 * ^C and then by the bench's SIGTERM a second later would take the repeat as "exit now" and
 * leave its pods' namespaces behind.
 */
const owned = new Map<number, ChildProcess>();

export interface OwnedProc {
  pid: number;
  exited: Promise<number | null>;
  /** The head and tail of what it printed. */
  output(): string;
  /** SIGTERM, SIGKILL after `graceMs`; resolves with the exit code (-1 for a signal). */
  stop(graceMs: number): Promise<number | null>;
}

export function startOwned(cmd: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): OwnedProc {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const pid = child.pid;
  owned.set(pid, child);
  let out = '';
  let partial = '';
  const keep = (d: Buffer): void => {
    const s = d.toString();
    out += s;
    if (out.length > 1_000_000) out = out.slice(0, 100_000) + out.slice(-400_000);
    if (!onLine) return;
    const text = partial + s;
    const end = text.lastIndexOf('\n');
    partial = end < 0 ? text : text.slice(end + 1);
    if (end >= 0) for (const line of text.slice(0, end).split('\n')) onLine(line);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      owned.delete(pid);
      resolve(code ?? (signal ? -1 : null));
    });
    child.on('error', (err) => {
      out += `\nspawn error: ${err.message}\n`;
      owned.delete(pid);
      resolve(-1);
    });
  });
  return {
    pid,
    exited,
    output: () => out,
    async stop(graceMs) {
      if (!owned.has(pid)) return exited;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (owned.has(pid)) process.kill(pid, 'SIGKILL');
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** For the last resort (a second ^C, an uncaught error): SIGKILL every owned process now. */
export function killOwnedNow(): void {
  for (const [pid, child] of owned) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  owned.clear();
}

/** Waits for a line matching `re` in the output; fails when the process exits first or time runs out. */
export async function waitForOutput(p: OwnedProc, what: string, re: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
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

export interface Memory {
  /** Resident now, MiB. */
  rss: number;
  /** Highest resident so far, MiB. */
  hwm: number;
  /** Of `rss`: anonymous memory (heap, stacks) and file pages (mostly node's own binary, shared). */
  anon: number;
  file: number;
}

export async function memoryOf(pid: number): Promise<Memory | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
  } catch {
    return undefined;
  }
}

const CLK_TCK = 100;

export interface CpuTimes {
  /** The process's own user + system seconds. */
  own: number;
  /** User + system seconds of its children that it has waited for (ip, mount, ... once they end). */
  children: number;
}

export async function cpuTimesOf(pid: number): Promise<CpuTimes | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" ending the command name: utime, stime, cutime, cstime are 14-17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return { own: ((f[11] ?? 0) + (f[12] ?? 0)) / CLK_TCK, children: ((f[13] ?? 0) + (f[14] ?? 0)) / CLK_TCK };
  } catch {
    return undefined;
  }
}
