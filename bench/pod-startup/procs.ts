import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { killRegistered, startProcess, type Proc } from '../store/procs.js';

/**
 * Processes this bench owns directly (scheduler, kubelets). Each runs in its own process group
 * so a terminal's ^C reaches only the bench, which then stops them in order: a kubelet hit by
 * ^C and then by the bench's SIGTERM a second later would take the repeat as "exit now" and
 * leave its pods' namespaces behind.
 */
const owned = new Map<number, ChildProcess>();

export type OwnedProc = Proc;

export function startOwned(cmd: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): OwnedProc {
  return startProcess(cmd, args, env, { detached: true, registry: owned, ...(onLine ? { onLine } : {}) });
}

/** For the last resort (a second ^C, an uncaught error): SIGKILL every owned process now. */
export function killOwnedNow(): void {
  killRegistered(owned);
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
