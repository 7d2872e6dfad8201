/** An IPv4 CIDR as numbers: enough to hand out addresses and name the gateway. */
export interface Cidr {
  base: number;
  prefix: number;
}

/** `what` names the CIDR in the error (`podCIDR 10.0.0.0: not an IPv4 CIDR`). */
export function parseCidr(text: string, what = 'podCIDR'): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`${what} ${text}: not an IPv4 CIDR`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 8 || prefix > 30) throw new Error(`${what} ${text}: out of range`);
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: addr - (addr % size), prefix };
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function gatewayOf(c: Cidr): string {
  return formatIp(c.base + 1);
}

export function ipNumber(text: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return m ? m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0) : undefined;
}

export function contains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + 2 ** (32 - c.prefix);
}

export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && contains(outer, inner.base);
}

/**
 * The prefix length of a pod's address. Alone, the node's pod CIDR (10.244.1.5/24). In a
 * cluster whose node bridges share one L2 segment, the cluster CIDR's (10.244.1.5/16): every pod
 * IP of the cluster is then on-link, so a pod reaches another node's pods by ARP across the
 * shared bridge, with no router and so no IP forwarding on the host.
 */
export function podPrefix(pod: Cidr, cluster?: Cidr): number {
  if (cluster === undefined) return pod.prefix;
  if (!containsCidr(cluster, pod)) throw new Error(`pod CIDR ${formatCidr(pod)} is not inside cluster CIDR ${formatCidr(cluster)}`);
  return cluster.prefix;
}
