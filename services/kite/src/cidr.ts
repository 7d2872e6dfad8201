/** The pod network of a `kite up` cluster, cut into one /24 per node. */
export interface ClusterCIDR {
  /** As given, e.g. `10.244.0.0/16`: also the controller manager's --cluster-cidr. */
  text: string;
  base: number;
  prefix: number;
  /** Nodes it has room for: its /24s after the first, which stays unused (as 10.244.0.0/24 does). */
  maxNodes: number;
}

export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';

const format = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/**
 * Parses --cluster-cidr and checks that `nodes` fit in it; throws an Error whose message says
 * what is wrong, for the user to read.
 */
export function parseClusterCIDR(text: string, nodes: number): ClusterCIDR {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) throw new Error(`--cluster-cidr must be an IPv4 CIDR such as ${DEFAULT_CLUSTER_CIDR}, got ${JSON.stringify(text)}`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) throw new Error(`--cluster-cidr ${text}: not an IPv4 address`);
  if (prefix < 8 || prefix > 24) throw new Error(`--cluster-cidr ${text}: the prefix must be /8 to /24 (nodes get a /24 each)`);
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const base = addr - (addr % size);
  if (base !== addr) throw new Error(`--cluster-cidr ${text}: host bits are set (did you mean ${format(base)}/${prefix}?)`);
  const maxNodes = 2 ** (24 - prefix) - 1;
  if (nodes > maxNodes) {
    throw new Error(`--cluster-cidr ${text} has room for ${maxNodes} node${maxNodes === 1 ? '' : 's'} (a /24 each, the first unused), not ${nodes}: give a larger one`);
  }
  return { text: `${format(base)}/${prefix}`, base, prefix, maxNodes };
}

/** node-i's pod CIDR: the i-th /24 of the cluster CIDR (node-1 gets 10.244.1.0/24 of 10.244.0.0/16). */
export function nodePodCIDR(c: ClusterCIDR, i: number): string {
  if (!Number.isInteger(i) || i < 1 || i > c.maxNodes) throw new Error(`node-${i} has no /24 in ${c.text}`);
  return `${format(c.base + i * 256)}/24`;
}
