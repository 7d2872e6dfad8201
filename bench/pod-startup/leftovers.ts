import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { nodeTag } from './cluster.js';

/** Where the runtime puts a node's cgroups, on v1 (memory, cpu) and v2 (unified, or pure v2). */
const CGROUP_ROOTS = ['/sys/fs/cgroup/memory/kite', '/sys/fs/cgroup/cpu/kite', '/sys/fs/cgroup/unified/kite', '/sys/fs/cgroup/kite'];

export interface Leftovers {
  /** Pod network namespaces (`kite-<tag>-<uid>`) still present. */
  netns: string[];
  /** Veths still on the node's bridge. */
  veths: string[];
  /** Pod cgroup directories still present under the node's. */
  podCgroups: string[];
  /** Mount points under the kubelets' root dirs. */
  mounts: string[];
  /** Processes still in the node's cgroups. */
  processes: number[];
  /** Not pods' (so not counted as left over): node bridges and node cgroup directories still there. */
  nodeBridges: string[];
  nodeCgroups: string[];
}

const ip = (...args: string[]): Promise<string> => new Promise((resolve) => execFile('ip', args, (_err, out) => resolve(String(out ?? ''))));

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

function mountsUnder(dirs: string[]): string[] {
  let info = '';
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const points = info.split('\n').map((l) => (l.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  return points.filter((p) => p !== '' && dirs.some((d) => p === d || p.startsWith(d + '/'))).sort((a, b) => b.length - a.length);
}

function procsIn(dir: string): number[] {
  const out: number[] = [];
  const visit = (d: string): void => {
    try {
      out.push(...readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number));
    } catch {
      // gone
    }
    for (const s of subdirs(d)) visit(s);
  };
  visit(dir);
  return out;
}

/** What the kubelets left behind of their pods once they stopped (all should be empty). */
export async function findLeftovers(nodes: string[], rootDirs: string[]): Promise<Leftovers> {
  const netnsNames = (await ip('netns', 'list')).split('\n').map((l) => l.split(' ')[0] ?? '');
  const found: Leftovers = { netns: [], veths: [], podCgroups: [], mounts: mountsUnder(rootDirs), processes: [], nodeBridges: [], nodeCgroups: [] };
  for (const node of nodes) {
    const tag = nodeTag(node);
    found.netns.push(...netnsNames.filter((n) => n.startsWith(`kite-${tag}-`)));
    const links = JSON.parse((await ip('-j', 'link', 'show', 'master', `kite-br${tag}`)) || '[]') as Array<{ ifname: string }>;
    found.veths.push(...links.map((l) => l.ifname));
    if ((await ip('link', 'show', `kite-br${tag}`)).trim() !== '') found.nodeBridges.push(`kite-br${tag}`);
    for (const root of CGROUP_ROOTS) {
      if (subdirs(root).includes(path.join(root, node))) found.nodeCgroups.push(path.join(root, node));
      found.podCgroups.push(...subdirs(path.join(root, node)));
      found.processes.push(...procsIn(path.join(root, node)));
    }
  }
  found.processes = [...new Set(found.processes)];
  return found;
}

export const leftoverCount = (l: Leftovers): number => l.netns.length + l.veths.length + l.podCgroups.length + l.mounts.length + l.processes.length;

function rmdirTree(dir: string): void {
  for (const s of subdirs(dir)) rmdirTree(s);
  try {
    rmdirSync(dir);
  } catch {
    // not there, or still busy
  }
}

/**
 * Removes what is left of the nodes: by design the runtime keeps a node's bridge and cgroup
 * directories across kubelet restarts, and after a failure there may be more. Synchronous so
 * that it can run from an 'exit' handler too.
 */
export function removeNodes(nodes: string[], rootDirs: string[]): void {
  const sh = (...args: string[]): void => {
    try {
      execFileSync(args[0] as string, args.slice(1), { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  for (const node of nodes) {
    const tag = nodeTag(node);
    for (const root of CGROUP_ROOTS) {
      for (const pid of procsIn(path.join(root, node))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    let names: string[] = [];
    try {
      names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0] ?? '');
    } catch {
      // no ip(8)
    }
    for (const ns of names.filter((n) => n.startsWith(`kite-${tag}-`))) sh('ip', 'netns', 'delete', ns);
    sh('ip', 'link', 'delete', `kite-br${tag}`);
    for (const root of CGROUP_ROOTS) rmdirTree(path.join(root, node));
  }
  for (const m of mountsUnder(rootDirs)) sh('umount', '-l', m);
  for (const d of rootDirs) rmSync(d, { recursive: true, force: true });
}
