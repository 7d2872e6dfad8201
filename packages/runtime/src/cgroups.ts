import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupLayout } from './capabilities.js';
import { waitFor } from './command.js';

export interface CgroupLimits {
  memoryBytes?: number;
  cpuMillis?: number;
}

const CFS_PERIOD_US = 100_000;

/**
 * Cgroups for one runtime instance's containers: `<controller root>/<instance>/<pod uid>/<container>`
 * where `<instance>` is HostNames.cgroup (`kite/<node>-<tag>`), so a whole pod or a whole node
 * (after a crash) can be found, killed and removed by walking a tree.
 */
export class Cgroups {
  constructor(
    private readonly layout: CgroupLayout | undefined,
    /** HostNames.cgroup: relative to each controller root. */
    private readonly instance: string,
  ) {}

  /** Every hierarchy root kite uses on this machine, each with the instance's subtree. */
  private nodeDirs(): string[] {
    const l = this.layout;
    if (!l) return [];
    const roots = l.version === 1 ? [l.memory, l.cpu].filter((r): r is string => Boolean(r)) : [l.root];
    return roots.map((r) => path.join(r, this.instance));
  }

  private podDirs(podUid: string): string[] {
    return this.nodeDirs().map((d) => path.join(d, podUid));
  }

  /** Creates the container's cgroups with their limits; returns the dirs a process must join. */
  async create(podUid: string, key: string, limits: CgroupLimits): Promise<string[]> {
    const l = this.layout;
    if (!l) return [];
    if (l.version === 2) {
      const dir = path.join(l.root, this.instance, podUid, key);
      await this.enableV2Controllers(path.dirname(dir));
      await mkdir(dir, { recursive: true });
      if (l.memory && limits.memoryBytes !== undefined) {
        await writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
        // Without swap off a hog just pages out and the limit never bites.
        await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      }
      if (l.cpu && limits.cpuMillis !== undefined) {
        await writeFile(path.join(dir, 'cpu.max'), `${quotaUs(limits.cpuMillis)} ${CFS_PERIOD_US}`);
      }
      return [dir];
    }
    const dirs: string[] = [];
    if (l.memory) {
      const dir = path.join(l.memory, this.instance, podUid, key);
      await mkdir(dir, { recursive: true });
      if (limits.memoryBytes !== undefined) {
        await writeFile(path.join(dir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
        // memsw must be >= the memory limit; equal means no swap for this cgroup.
        await writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
        await writeFile(path.join(dir, 'memory.swappiness'), '0').catch(() => undefined);
      }
      dirs.push(dir);
    }
    if (l.cpu) {
      const dir = path.join(l.cpu, this.instance, podUid, key);
      await mkdir(dir, { recursive: true });
      if (limits.cpuMillis !== undefined) {
        await writeFile(path.join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
        await writeFile(path.join(dir, 'cpu.cfs_quota_us'), String(quotaUs(limits.cpuMillis)));
      }
      dirs.push(dir);
    }
    return dirs;
  }

  /** v2 only lets a child use controllers its parent delegates, level by level from the root. */
  private async enableV2Controllers(podDir: string): Promise<void> {
    const l = this.layout;
    if (!l || l.version !== 2) return;
    const wanted = [l.memory ? '+memory' : '', l.cpu ? '+cpu' : ''].filter(Boolean).join(' ');
    if (!wanted) return;
    const rel = path.relative(l.root, podDir).split(path.sep);
    let dir = l.root;
    for (const part of rel) {
      await writeFile(path.join(dir, 'cgroup.subtree_control'), wanted).catch(() => undefined);
      dir = path.join(dir, part);
      await mkdir(dir, { recursive: true });
    }
    await writeFile(path.join(dir, 'cgroup.subtree_control'), wanted).catch(() => undefined);
  }

  /** True when the kernel OOM-killed a process in the container's memory cgroup. */
  async oomKilled(podUid: string, key: string): Promise<boolean> {
    const l = this.layout;
    if (!l) return false;
    const file =
      l.version === 2
        ? path.join(l.root, this.instance, podUid, key, 'memory.events')
        : l.memory
          ? path.join(l.memory, this.instance, podUid, key, 'memory.oom_control')
          : undefined;
    if (!file) return false;
    try {
      const m = /^oom_kill\s+(\d+)$/m.exec(await readFile(file, 'utf8'));
      return m !== null && Number(m[1]) > 0;
    } catch {
      return false;
    }
  }

  /** PIDs in the pod's cgroups (or the whole node's), for killing what escaped its tree. */
  async pids(podUid?: string): Promise<number[]> {
    const tops = podUid ? this.podDirs(podUid) : this.nodeDirs();
    const found = new Set<number>();
    for (const top of tops) for (const dir of await walk(top)) for (const pid of await readProcs(dir)) found.add(pid);
    return [...found];
  }

  /** Kills every process in the pod's (or node's) cgroups and removes the directories. */
  async remove(podUid?: string): Promise<void> {
    const tops = podUid ? this.podDirs(podUid) : this.nodeDirs();
    const empty = await waitFor(
      async () => {
        const pids = await this.pids(podUid);
        for (const pid of pids) killQuietly(pid);
        return pids.length === 0 ? true : undefined;
      },
      5_000,
      20,
    );
    if (!empty) throw new Error(`processes left in cgroups ${tops.join(', ')}`);
    for (const top of tops) {
      // Children before parents: rmdir only works on an empty cgroup.
      for (const dir of (await walk(top)).reverse()) await rmdir(dir).catch(() => undefined);
    }
  }

  /** PIDs in one container's cgroups. */
  async pidsOf(podUid: string, key: string): Promise<number[]> {
    const found = new Set<number>();
    for (const dir of this.podDirs(podUid)) for (const pid of await readProcs(path.join(dir, key))) found.add(pid);
    return [...found];
  }

  /** Kills what is left in one container's cgroups and removes them (after reading its OOM count). */
  async removeContainer(podUid: string, key: string): Promise<void> {
    const dirs = this.podDirs(podUid).map((d) => path.join(d, key));
    await waitFor(
      async () => {
        let left = 0;
        for (const dir of dirs) {
          const pids = await readProcs(dir);
          left += pids.length;
          for (const pid of pids) killQuietly(pid);
        }
        return left === 0 ? true : undefined;
      },
      5_000,
      20,
    );
    for (const dir of dirs) await rmdir(dir).catch(() => undefined);
  }

  /** Pod UIDs with cgroups left under this node (from a previous run). */
  async podUids(): Promise<string[]> {
    const uids = new Set<string>();
    for (const top of this.nodeDirs()) {
      for (const e of await readdir(top, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) uids.add(e.name);
    }
    return [...uids];
  }
}

function quotaUs(millis: number): number {
  // The kernel refuses quotas under 1 ms.
  return Math.max(1000, Math.round((millis * CFS_PERIOD_US) / 1000));
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function readProcs(dir: string): Promise<number[]> {
  try {
    return (await readFile(path.join(dir, 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The directory and all cgroups below it, parents first; empty when it does not exist. */
async function walk(top: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string): Promise<boolean> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    out.push(dir);
    for (const e of entries) if (e.isDirectory()) await visit(path.join(dir, e.name));
    return true;
  };
  await visit(top);
  return out;
}
