import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { kubeletHostNames } from '@kite/kubelet';

/** Controller roots the runtime's cgroups live under, on v1 (memory, cpu) and v2 (unified, or pure v2). */
const CGROUP_ROOTS = ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/unified', '/sys/fs/cgroup'];

/** A kubelet the bench started: the runtime names its bridge, netns and cgroups after both. */
export interface NodeRef {
  name: string;
  rootDir: string;
}

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
export async function findLeftovers(nodes: NodeRef[]): Promise<Leftovers> {
  const netnsNames = (await ip('netns', 'list')).split('\n').map((l) => l.split(' ')[0] ?? '');
  const found: Leftovers = { netns: [], veths: [], podCgroups: [], mounts: mountsUnder(nodes.map((n) => n.rootDir)), processes: [], nodeBridges: [], nodeCgroups: [] };
  for (const node of nodes) {
    const names = kubeletHostNames(node.name, node.rootDir);
    found.netns.push(...netnsNames.filter((n) => n.startsWith(names.netnsPrefix)));
    const links = JSON.parse((await ip('-j', 'link', 'show', 'master', names.bridge)) || '[]') as Array<{ ifname: string }>;
    found.veths.push(...links.map((l) => l.ifname));
    if ((await ip('link', 'show', names.bridge)).trim() !== '') found.nodeBridges.push(names.bridge);
    for (const root of CGROUP_ROOTS) {
      const dir = path.join(root, names.cgroup);
      if (subdirs(path.dirname(dir)).includes(dir)) found.nodeCgroups.push(dir);
      found.podCgroups.push(...subdirs(dir));
      found.processes.push(...procsIn(dir));
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
export function removeNodes(nodes: NodeRef[]): void {
  const sh = (...args: string[]): void => {
    try {
      execFileSync(args[0] as string, args.slice(1), { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  for (const node of nodes) {
    const names = kubeletHostNames(node.name, node.rootDir);
    for (const root of CGROUP_ROOTS) {
      for (const pid of procsIn(path.join(root, names.cgroup))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    let netnsNames: string[] = [];
    try {
      netnsNames = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0] ?? '');
    } catch {
      // no ip(8)
    }
    for (const ns of netnsNames.filter((n) => n.startsWith(names.netnsPrefix))) sh('ip', 'netns', 'delete', ns);
    sh('ip', 'link', 'delete', names.bridge);
    for (const root of CGROUP_ROOTS) rmdirTree(path.join(root, names.cgroup));
  }
  const rootDirs = nodes.map((n) => n.rootDir);
  for (const m of mountsUnder(rootDirs)) sh('umount', '-l', m);
  for (const d of rootDirs) rmSync(d, { recursive: true, force: true });
}
