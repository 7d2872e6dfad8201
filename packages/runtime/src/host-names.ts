import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * What one runtime instance names on the host: its bridge, its pods' network namespaces and
 * veths, its cgroup directory. These are global to the machine, and node names are not (every
 * `kite up` has a node-1), so they carry a tag of the node name and the instance's directory:
 * two kubelets with the same node name but different root dirs never share or clean up each
 * other's things.
 */
export interface HostNames {
  /** 8 hex of sha256(node name, NUL, the instance directory's real path). */
  tag: string;
  /** `kite-br<tag>`: 15 bytes, the longest interface name Linux allows. */
  bridge: string;
  /** Every pod network namespace of the instance starts with this: `kite-<tag>-`. */
  netnsPrefix: string;
  /** Below each cgroup controller root: `kite/<node>-<tag>`, pods and containers under it. */
  cgroup: string;
  netns(podUid: string): string;
  veth(podUid: string): string;
}

/** Longest node name kept in a cgroup directory name (NAME_MAX is 255; the tag needs 9). */
const CGROUP_NODE_CHARS = 200;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Host names for the runtime of node `nodeName` whose state lives in `instanceDir` (the
 * kubelet's --root-dir). The same pair always gives the same names, also once the directory is
 * gone, so leftovers can still be found.
 */
export function hostNames(nodeName: string, instanceDir: string): HostNames {
  const tag = sha256(`${nodeName}\0${canonicalDir(instanceDir)}`).slice(0, 8);
  // A node name is a DNS subdomain, but nothing here should turn into a path elsewhere.
  const cgroupNode = nodeName.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, CGROUP_NODE_CHARS);
  const netnsPrefix = `kite-${tag}-`;
  return {
    tag,
    bridge: `kite-br${tag}`,
    netnsPrefix,
    cgroup: path.join('kite', `${cgroupNode}-${tag}`),
    netns: (uid) => `${netnsPrefix}${uid}`,
    veth: (uid) => `kitev${sha256(`${tag}/${uid}`).slice(0, 9)}`,
  };
}

/**
 * The real path of `dir`, resolving symlinks in whatever part of it exists: a relative path, a
 * symlinked /tmp and a directory already removed all name the same instance.
 */
function canonicalDir(dir: string): string {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  for (let cur = abs; ; cur = path.dirname(cur)) {
    try {
      return path.join(realpathSync(cur), ...missing);
    } catch {
      // not there (yet, or any more): resolve its parent
    }
    if (path.dirname(cur) === cur) return abs;
    missing.unshift(path.basename(cur));
  }
}
