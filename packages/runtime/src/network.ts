import { access, mkdir, open, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { contains, formatIp, gatewayOf, ipNumber, parseCidr, podPrefix, type Cidr } from './cidr.js';
import { ClusterLink } from './cluster-link.js';
import { run } from './command.js';
import { clusterBridgeName, type HostNames } from './host-names.js';

/**
 * Another interface on the host already has an address in the node's pod CIDR (another
 * cluster's node, a VPN, a docker network): routes to pods would go astray, so the node refuses
 * to start rather than clash silently.
 */
export class PodCIDRInUseError extends Error {
  override name = 'PodCIDRInUseError';
  constructor(
    readonly podCIDR: string,
    readonly iface: string,
    readonly address: string,
  ) {
    super(`pod CIDR ${podCIDR} is already in use on this machine: interface ${iface} has address ${address} in it`);
  }
}

interface IpAddrLink {
  ifname: string;
  addr_info?: Array<{ local: string; prefixlen: number }>;
}

export const NETNS_DIR = '/run/netns';
/** The node's network interfaces, by name. */
const SYS_NET = '/sys/class/net';

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pod networking for one runtime instance: a bridge holding the podCIDR's first address, and per
 * pod a network namespace joined to it by a veth. Addresses are leased by files under `ipamDir`
 * (created exclusively), so a restarted kubelet never hands out an address still in use. With a
 * cluster CIDR, the bridge also joins the cluster's shared bridge (ClusterLink) and pods get the
 * cluster's prefix length, so pods of every node of the cluster are on-link to each other.
 */
export class PodNetwork {
  readonly cidr: Cidr;
  readonly bridge: string;
  /** The prefix length of pod addresses (podPrefix). */
  readonly podPrefix: number;
  private readonly link: ClusterLink;
  private leases?: Map<string, string>; // ip → uid
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ip: string,
    private readonly names: HostNames,
    private readonly podCIDR: string,
    private readonly ipamDir: string,
    private readonly clusterCIDR?: string,
  ) {
    this.cidr = parseCidr(podCIDR);
    this.bridge = names.bridge;
    this.podPrefix = podPrefix(this.cidr, clusterCIDR === undefined ? undefined : parseCidr(clusterCIDR, 'cluster CIDR'));
    this.link = new ClusterLink(ip, names, clusterCIDR === undefined ? undefined : clusterBridgeName(clusterCIDR));
  }

  /**
   * Creates the bridge (or fixes its address) and brings it up; safe to repeat. Throws
   * PodCIDRInUseError, before changing anything, if another interface has an address in the CIDR.
   */
  async ensureBridge(): Promise<void> {
    const gw = `${gatewayOf(this.cidr)}/${this.cidr.prefix}`;
    const links = JSON.parse((await run(this.ip, ['-j', 'addr', 'show'])) || '[]') as IpAddrLink[];
    for (const link of links) {
      if (link.ifname === this.bridge) continue;
      for (const a of link.addr_info ?? []) {
        const n = ipNumber(a.local); // undefined for IPv6
        if (n !== undefined && contains(this.cidr, n)) throw new PodCIDRInUseError(this.podCIDR, link.ifname, `${a.local}/${a.prefixlen}`);
      }
    }
    const own = links.find((l) => l.ifname === this.bridge);
    if (own === undefined) {
      await run(this.ip, ['link', 'add', this.bridge, 'type', 'bridge']);
    }
    const have = (own?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
    if (!have.includes(gw)) {
      await run(this.ip, ['addr', 'flush', 'dev', this.bridge]);
      await run(this.ip, ['addr', 'add', gw, 'dev', this.bridge]);
    }
    await run(this.ip, ['link', 'set', this.bridge, 'up']);
  }

  /**
   * With a cluster CIDR, (re)joins the node bridge to the cluster's shared bridge; without one,
   * removes the link an earlier run in a cluster left. Call after ensureBridge.
   */
  async ensureClusterLink(): Promise<void> {
    if (this.clusterCIDR === undefined) await this.link.leave();
    else await this.link.join(this.bridge);
  }

  /** Leaves the cluster's shared bridge (deleting it if this node was the last), then deletes the node bridge. */
  async removeBridge(): Promise<void> {
    await this.link.leave();
    await run(this.ip, ['link', 'del', this.bridge]).catch(() => undefined);
  }

  /** Creates the pod's namespace, veth, address and routes; returns its IP and netns path. */
  async attach(uid: string): Promise<{ ip: string; netns: string }> {
    const ns = this.names.netns(uid);
    const veth = this.names.veth(uid);
    const ip = await this.lease(uid);
    // Half-made leftovers of an earlier attempt would make every step below fail.
    if ((await exists(path.join(NETNS_DIR, ns))) || (await exists(path.join(SYS_NET, veth)))) await this.detach(uid, { keepLease: true });
    // Two ip processes in all (one per namespace): each costs milliseconds, and many pods start at once.
    await run(this.ip, ['-batch', '-'], `netns add ${ns}\nlink add ${veth} type veth peer name eth0 netns ${ns}\nlink set ${veth} master ${this.bridge} up\n`);
    const batch = [
      `link set lo up`,
      `addr add ${ip}/${this.podPrefix} dev eth0`,
      `link set eth0 up`,
      // Beyond the cluster CIDR (if any), the host is reached through this node's gateway.
      `route add default via ${gatewayOf(this.cidr)}`,
    ].join('\n');
    await run(this.ip, ['-n', ns, '-batch', '-'], `${batch}\n`);
    return { ip, netns: path.join(NETNS_DIR, ns) };
  }

  /** Deletes the pod's veth and namespace (its processes must be gone) and frees its address. */
  async detach(uid: string, opts: { keepLease?: boolean } = {}): Promise<void> {
    const ns = this.names.netns(uid);
    const veth = this.names.veth(uid);
    // Deleting the veth first frees its name at once (a namespace goes away asynchronously);
    // -force carries on past whichever of the two is already gone.
    if ((await exists(path.join(NETNS_DIR, ns))) || (await exists(path.join(SYS_NET, veth)))) {
      await run(this.ip, ['-force', '-batch', '-'], `link del ${veth}\nnetns del ${ns}\n`).catch(() => undefined);
    }
    if (!opts.keepLease) await this.release(uid);
  }

  /** Namespaces of this instance's pods that exist on the host, by pod UID. */
  async existingNamespaces(): Promise<string[]> {
    const prefix = this.names.netnsPrefix;
    const names = await readdir(NETNS_DIR).catch(() => [] as string[]);
    return names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  }

  /** PIDs of processes living in the pod's network namespace. */
  async pidsIn(uid: string): Promise<number[]> {
    const out = await run(this.ip, ['netns', 'pids', this.names.netns(uid)]).catch(() => '');
    return out.split('\n').filter(Boolean).map(Number);
  }

  /** Veths still attached to the bridge whose pods are gone. */
  async strayVeths(keepUids: string[]): Promise<string[]> {
    const keep = new Set(keepUids.map((u) => this.names.veth(u)));
    const out = await run(this.ip, ['-j', 'link', 'show', 'master', this.bridge]).catch(() => '[]');
    const links = JSON.parse(out || '[]') as Array<{ ifname: string }>;
    return links.map((l) => l.ifname).filter((n) => n.startsWith('kitev') && !keep.has(n));
  }

  async deleteLink(name: string): Promise<void> {
    await run(this.ip, ['link', 'del', name]).catch(() => undefined);
  }

  /** Pod UIDs holding an address lease. */
  async leasedUids(): Promise<string[]> {
    return [...new Set((await this.loadLeases()).values())];
  }

  private async lease(uid: string): Promise<string> {
    return this.serial(async () => {
      const leases = await this.loadLeases();
      for (const [ip, owner] of leases) if (owner === uid) return ip;
      const last = this.cidr.base + 2 ** (32 - this.cidr.prefix) - 2;
      for (let n = this.cidr.base + 2; n <= last; n++) {
        const ip = formatIp(n);
        if (leases.has(ip)) continue;
        try {
          const fh = await open(path.join(this.ipamDir, ip), 'wx');
          await fh.writeFile(uid);
          await fh.close();
          leases.set(ip, uid);
          return ip;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
      throw new Error(`no free address left in ${formatIp(this.cidr.base)}/${this.cidr.prefix}`);
    });
  }

  private async release(uid: string): Promise<void> {
    await this.serial(async () => {
      const leases = await this.loadLeases();
      for (const [ip, owner] of [...leases]) {
        if (owner !== uid) continue;
        await rm(path.join(this.ipamDir, ip), { force: true });
        leases.delete(ip);
      }
    });
  }

  private async loadLeases(): Promise<Map<string, string>> {
    if (this.leases) return this.leases;
    await mkdir(this.ipamDir, { recursive: true });
    const leases = new Map<string, string>();
    for (const name of await readdir(this.ipamDir)) {
      leases.set(name, (await readFile(path.join(this.ipamDir, name), 'utf8').catch(() => '')).trim());
    }
    this.leases = leases;
    return leases;
  }

  /** Leases are read-modify-write: one at a time within this process. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }
}
