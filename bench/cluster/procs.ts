import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** One process of a `kite up` tree: the supervisor, a kite component, or something a pod runs. */
export interface TreeProc {
  pid: number;
  /** `kite up`, `kite-store`, `kite-kubelet node-2`, ... or the command name of anything else. */
  name: string;
  /** A kite process (a node running one of kite's bin.js), as opposed to a pod's processes. */
  kite: boolean;
}

export interface ProcMemory {
  /** VmRSS, MiB. */
  rss: number;
  /** Pss from smaps_rollup, MiB; undefined when not readable. */
  pss: number | undefined;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string[] {
  return (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').filter((a) => a !== '');
}

function parentOf(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** The `kite up` supervisor(s) running from `dataDir` (by their command line), for when state.json is not written yet. */
export function supervisorsOf(dataDir: string): number[] {
  return allPids().filter((pid) => {
    const argv = cmdline(pid);
    const i = argv.indexOf('--data-dir');
    return i > 0 && argv.includes('up') && argv[i + 1] !== undefined && path.resolve(argv[i + 1] as string) === path.resolve(dataDir) && !argv.includes('--detach');
  });
}

/** `root` and every process below it, named. */
export function processTree(root: number): TreeProc[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const ppid = parentOf(pid);
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: TreeProc[] = [];
  const visit = (pid: number): void => {
    out.push({ pid, ...nameOf(pid) });
    for (const c of children.get(pid) ?? []) visit(c);
  };
  if (parentOf(root) !== undefined) visit(root);
  return out;
}

function nameOf(pid: number): { name: string; kite: boolean } {
  const argv = cmdline(pid);
  const bin = argv.find((a) => a.endsWith('/dist/bin.js'));
  if (bin === undefined) return { name: (readText(`/proc/${pid}/comm`) ?? '?').trim(), kite: false };
  const component = path.basename(path.dirname(path.dirname(bin)));
  if (component === 'kite') return { name: 'kite up (supervisor)', kite: true };
  const node = argv[argv.indexOf('--node-name') + 1];
  return { name: component === 'kubelet' && argv.includes('--node-name') && node ? `kite-kubelet ${node}` : `kite-${component}`, kite: true };
}

export function memoryOf(pid: number): ProcMemory | undefined {
  const status = readText(`/proc/${pid}/status`);
  const rss = status === undefined ? undefined : /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (rss === undefined) return undefined;
  const pss = /^Pss:\s+(\d+) kB/m.exec(readText(`/proc/${pid}/smaps_rollup`) ?? '')?.[1];
  return { rss: Number(rss) / 1024, pss: pss === undefined ? undefined : Number(pss) / 1024 };
}

/** SIGKILL to every process in the trees (the last resort, synchronous for 'exit' handlers). */
export function killTrees(roots: number[]): void {
  for (const root of roots) {
    for (const p of processTree(root)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
