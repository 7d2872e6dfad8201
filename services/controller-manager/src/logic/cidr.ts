/** IPv4 CIDR arithmetic for node IPAM (kite's pod network is IPv4 only). */
export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIPv4(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`invalid IPv4 address ${JSON.stringify(ip)}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export const formatIPv4 = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export function parseCidr(s: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m) throw new Error(`invalid CIDR ${JSON.stringify(s)} (IPv4 a.b.c.d/n expected)`);
  const prefix = Number(m[2]);
  if (prefix > 32) throw new Error(`invalid CIDR ${JSON.stringify(s)}: prefix over 32`);
  const ip = parseIPv4(m[1] as string);
  const size = 2 ** (32 - prefix);
  // Like net.ParseCIDR, host bits are masked off: 10.244.1.7/16 is 10.244.0.0/16.
  return { base: ip - (ip % size), prefix };
}

export const formatCidr = (c: Cidr): string => `${formatIPv4(c.base)}/${c.prefix}`;

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  if (inner.prefix < outer.prefix) return false;
  const size = 2 ** (32 - outer.prefix);
  return inner.base >= outer.base && inner.base < outer.base + size;
}

/** How many node subnets of `/maskSize` the cluster range holds. */
export const subnetCount = (cluster: Cidr, maskSize: number): number => 2 ** (maskSize - cluster.prefix);

/**
 * The first `/maskSize` subnet of `cluster` not in `used` (CIDR strings), or undefined when
 * the range is exhausted. Strings in `used` outside the range or of another size are ignored,
 * except that a larger block inside the range occupies every subnet it covers.
 */
export function allocateSubnet(cluster: Cidr, maskSize: number, used: Iterable<string>): string | undefined {
  const size = 2 ** (32 - maskSize);
  const taken = new Set<number>();
  for (const u of used) {
    let c: Cidr;
    try {
      c = parseCidr(u);
    } catch {
      continue;
    }
    if (!contains(cluster, c) && !contains(c, cluster)) continue;
    const span = 2 ** (32 - c.prefix);
    const from = Math.max(c.base, cluster.base);
    const to = Math.min(c.base + span, cluster.base + 2 ** (32 - cluster.prefix));
    for (let b = from - ((from - cluster.base) % size); b < to; b += size) taken.add(b);
  }
  const n = subnetCount(cluster, maskSize);
  for (let i = 0; i < n; i++) {
    const base = cluster.base + i * size;
    if (!taken.has(base)) return formatCidr({ base, prefix: maskSize });
  }
  return undefined;
}
