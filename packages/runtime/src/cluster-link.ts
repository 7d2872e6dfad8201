import { access, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { run } from './command.js';
import { CLUSTER_BRIDGE_PREFIX, type HostNames } from './host-names.js';

const SYS_NET = '/sys/class/net';
/** Rounds of "create the shared bridge, attach to it" when other nodes keep deleting it. */
const JOIN_ATTEMPTS = 10;

const exists = (name: string): Promise<boolean> => access(path.join(SYS_NET, name)).then(() => true, () => false);

/** The interfaces attached to bridge `name`; undefined when there is no such bridge. */
const portsOf = (name: string): Promise<string[] | undefined> => readdir(path.join(SYS_NET, name, 'brif')).catch(() => undefined);

/** The bridge interface `name` is attached to, if any. */
const masterOf = (name: string): Promise<string | undefined> =>
  readlink(path.join(SYS_NET, name, 'master')).then((p) => path.basename(p), () => undefined);

/** The node bridge could not join its cluster's shared bridge; the message says why. */
export class ClusterLinkError extends Error {
  override name = 'ClusterLinkError';
  constructor(
    readonly sharedBridge: string,
    cause: Error,
  ) {
    super(`cannot join the node bridge to the cluster's shared bridge ${sharedBridge}: ${cause.message}`);
  }
}

/**
 * Joins a node bridge to its cluster's shared bridge (no address: a plain L2 segment), so that
 * the node bridges of one `kite up` form one Ethernet and pods on different nodes reach each
 * other by ARP; the host never routes between them. Every node's kubelet runs this against the
 * same shared bridge, created by whichever comes first and deleted by whichever leaves it empty.
 */
export class ClusterLink {
  constructor(
    private readonly ip: string,
    private readonly names: HostNames,
    /** The shared bridge (clusterBridgeName); undefined when the node is in no cluster now. */
    private readonly shared: string | undefined,
  ) {}

  /** Replaces whatever an earlier run of this node left with a fresh veth pair on both bridges. */
  async join(nodeBridge: string): Promise<void> {
    if (this.shared === undefined) throw new Error('no cluster bridge to join');
    const shared = this.shared;
    await this.leave();
    await this.attach(nodeBridge, shared).catch((err: unknown) => {
      throw new ClusterLinkError(shared, err as Error);
    });
  }

  private async attach(nodeBridge: string, shared: string): Promise<void> {
    const { node, cluster } = this.names.uplink;
    await run(this.ip, ['link', 'add', node, 'type', 'veth', 'peer', 'name', cluster]);
    await run(this.ip, ['link', 'set', node, 'master', nodeBridge, 'up']);
    let failure: unknown;
    for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
      try {
        // Another kubelet may have created it first: then the steps below tell whether it is there.
        await run(this.ip, ['link', 'add', shared, 'type', 'bridge']).catch(() => undefined);
        await run(this.ip, ['link', 'set', cluster, 'master', shared, 'up']);
        await run(this.ip, ['link', 'set', shared, 'up']);
        if ((await masterOf(cluster)) === shared) return;
        failure = new Error(`${cluster} is not on ${shared}`);
      } catch (err) {
        failure = err;
      }
      // The last other node deleted the bridge, or renamed it to retire it, at the same moment:
      // once it has (or has given it back) the next round finds it, or makes it again.
    }
    throw failure;
  }

  /**
   * Deletes the node's veth pair (what a killed kubelet left, too), then the shared bridge if no
   * node is on it any more. Safe to repeat; needs no configuration, as the pair says which
   * shared bridge it was on.
   */
  async leave(): Promise<void> {
    const { node, cluster } = this.names.uplink;
    // Also the bridge of an earlier run with another cluster CIDR.
    const attached = await masterOf(cluster);
    // One end takes the other with it; either may be all that is left of an interrupted join.
    for (const end of [node, cluster]) if (await exists(end)) await run(this.ip, ['link', 'del', end]).catch(() => undefined);
    // A run killed between renaming the shared bridge and deleting it.
    if (await exists(this.names.retiringBridge)) await this.settleRetiring(this.shared ?? attached);
    for (const shared of new Set([this.shared, attached])) {
      if (shared?.startsWith(CLUSTER_BRIDGE_PREFIX)) await this.retireIfEmpty(shared);
    }
  }

  /**
   * Checking "no ports" and deleting are two steps, and a node may attach in between; renamed
   * first, the bridge can no longer be attached to by name, so the check on it holds.
   */
  private async retireIfEmpty(shared: string): Promise<void> {
    if ((await portsOf(shared))?.length !== 0) return;
    // Fails when another node renamed (is retiring) it first.
    const renamed = await run(this.ip, ['link', 'set', shared, 'name', this.names.retiringBridge]).then(() => true, () => false);
    if (renamed) await this.settleRetiring(shared);
  }

  /** Deletes the renamed bridge if empty; otherwise hands its ports back to the shared bridge. */
  private async settleRetiring(shared: string | undefined): Promise<void> {
    const retiring = this.names.retiringBridge;
    const ports = (await portsOf(retiring)) ?? [];
    if (ports.length > 0 && shared !== undefined) {
      // A node attached between the check and the rename: the bridge is still in use.
      if (await run(this.ip, ['link', 'set', retiring, 'name', shared]).then(() => true, () => false)) return;
      // Meanwhile a node found no shared bridge and made a new one: move the ports there.
      for (const port of ports) await run(this.ip, ['link', 'set', port, 'master', shared]).catch(() => undefined);
    }
    // With no shared bridge to give them back to, its ports (if any) are lost: it goes anyway.
    await run(this.ip, ['link', 'del', retiring]).catch(() => undefined);
  }
}
