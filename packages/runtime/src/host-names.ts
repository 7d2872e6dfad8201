import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { formatCidr, parseCidr } from './cidr.js';

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
  /**
   * The veth pair joining the node bridge to its cluster's shared bridge (see clusterBridgeName):
   * `kite-un<tag>` on the node bridge, `kite-uc<tag>` on the shared one.
   */
  uplink: { node: string; cluster: string };
  /**
   * `kite-rm<tag>`: what this node renames an empty-looking shared bridge to before it deletes
   * it, so that no node can attach to it between the check and the delete.
   */
  retiringBridge: string;
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
    uplink: { node: `kite-un${tag}`, cluster: `kite-uc${tag}` },
    retiringBridge: `kite-rm${tag}`,
  };
}

/** Every shared bridge starts with this; the rest is 8 hex of the cluster CIDR. */
export const CLUSTER_BRIDGE_PREFIX = 'kite-cl';

/**
 * The bridge every node of one cluster (one `kite up`) joins its node bridge to:
 * `kite-cl` + 8 hex of sha256 of the cluster CIDR, written canonically (`10.244.0.0/16`), so
 * every kubelet given that CIDR finds the same one. Two clusters on one machine already need
 * different cluster CIDRs, so they get different bridges.
 */
export function clusterBridgeName(clusterCIDR: string): string {
  return `${CLUSTER_BRIDGE_PREFIX}${sha256(formatCidr(parseCidr(clusterCIDR, 'cluster CIDR'))).slice(0, 8)}`;
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
