import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, waitFor } from './command.js';
import { ClusterLink } from './cluster-link.js';
import { clusterBridgeName, hostNames, type HostNames } from './host-names.js';
import { ProcessRuntime } from './process-runtime.js';
import type { Sandbox } from './types.js';

const isRoot = process.getuid?.() === 0;
const BUSYBOX = '/usr/bin/busybox';

/** A /22 of 10.249.0.0/16 no interface has an address in: a cluster of two /24 nodes. */
async function freeCluster(): Promise<{ cluster: string; pods: [string, string] }> {
  const used = new Set([...(await run('ip', ['-4', '-o', 'addr'])).matchAll(/inet 10\.249\.(\d+)\./g)].map((m) => Math.floor(Number(m[1]) / 4)));
  const start = (randomBytes(1)[0] as number) % 64;
  for (let i = 0; i < 64; i++) {
    const k = ((start + i) % 64) * 4;
    if (used.has(k / 4)) continue;
    return { cluster: `10.249.${k}.0/22`, pods: [`10.249.${k + 1}.0/24`, `10.249.${k + 2}.0/24`] };
  }
  throw new Error('no free /22 left in 10.249.0.0/16');
}

const linkExists = (name: string): Promise<boolean> => run('ip', ['link', 'show', name]).then(() => true, () => false);

interface Node {
  name: string;
  rootDir: string;
  podCIDR: string;
  rt?: ProcessRuntime;
  sandbox?: Sandbox;
  container?: string;
}

// Two kubelets of one `kite up`: different pod CIDRs in one cluster CIDR, one shared bridge.
describe.skipIf(!isRoot)('two runtimes in one cluster CIDR (as root)', () => {
  const tag = randomBytes(3).toString('hex');
  let base = '';
  let cluster = '';
  const nodes: Node[] = [];

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), `kite-cl-${tag}-`));
    const free = await freeCluster();
    cluster = free.cluster;
    for (const [i, podCIDR] of free.pods.entries()) nodes.push({ name: `kite-cl-${tag}-${i + 1}`, rootDir: path.join(base, `n${i + 1}`), podCIDR });
  });

  afterAll(async () => {
    try {
      for (const n of nodes) {
        // Also what a failed test left: a fresh runtime on the same dirs removes it.
        const rt = n.rt ?? (await ProcessRuntime.create({ rootDir: n.rootDir, nodeName: n.name, podCIDR: n.podCIDR, clusterCIDR: cluster }).catch(() => undefined));
        await rt?.destroy();
      }
    } finally {
      if (cluster !== '' && (await linkExists(clusterBridgeName(cluster)))) await run('ip', ['link', 'del', clusterBridgeName(cluster)]);
      await rm(base, { recursive: true, force: true });
    }
  });

  async function serve(n: Node): Promise<void> {
    n.rt = await ProcessRuntime.create({ rootDir: n.rootDir, nodeName: n.name, podCIDR: n.podCIDR, clusterCIDR: cluster });
    n.sandbox = await n.rt.createSandbox({ uid: `pod-${tag}`, namespace: 'default', name: 'web', hostname: 'web', hostNetwork: false });
    const www = path.join(n.rootDir, 'www');
    await mkdir(www, { recursive: true });
    await writeFile(path.join(www, 'who'), `served by ${n.name}\n`);
    const info = await n.rt.start({
      sandbox: n.sandbox,
      name: 'web',
      attempt: 0,
      argv: [BUSYBOX, 'httpd', '-f', '-p', '8080', '-h', '/srv'],
      env: {},
      mounts: [{ hostPath: www, containerPath: '/srv', readOnly: true }],
      logPath: path.join(n.rootDir, 'logs', 'web.log'),
    });
    n.container = info.id;
  }

  /** `wget` (without -T: Debian's busybox crashes on it) run inside `from`'s pod against `to`'s pod IP; undefined until it answers. */
  async function fetch(from: Node, to: Node): Promise<string | undefined> {
    const session = await from.rt!.exec({ container: from.container!, argv: [BUSYBOX, 'wget', '-qO-', `http://${to.sandbox!.ip}:8080/who`] });
    session.stdin.end();
    let out = '';
    session.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    return (await session.exit) === 0 ? out : undefined;
  }

  it('lets each pod fetch from the other by pod IP; the last runtime to go takes the shared bridge', async () => {
    const [a, b] = nodes as [Node, Node];
    await serve(a);
    await serve(b);
    const shared = clusterBridgeName(cluster);
    const prefix = cluster.split('/')[1];
    for (const n of [a, b]) {
      const names = n.rt!.hostNames;
      // The pod address has the cluster's prefix; the host is still reached through the node's own gateway.
      expect(await run('ip', ['-n', path.basename(n.sandbox!.netns!), '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).toContain(`${n.sandbox!.ip}/${prefix}`);
      expect(await run('ip', ['-n', path.basename(n.sandbox!.netns!), 'route', 'show', 'default'])).toContain(`via ${n.podCIDR.replace(/0\/24$/, '1')}`);
      expect((await run('ip', ['-o', 'link', 'show', 'master', names.bridge])).includes(`${names.uplink.node}@`)).toBe(true);
      expect((await run('ip', ['-o', 'link', 'show', 'master', shared])).includes(`${names.uplink.cluster}@`)).toBe(true);
    }
    expect(await waitFor(() => fetch(a, b), 10_000, 50)).toBe(`served by ${b.name}\n`);
    expect(await waitFor(() => fetch(b, a), 10_000, 50)).toBe(`served by ${a.name}\n`);

    // What a kubelet does when it stops.
    const aNames = a.rt!.hostNames;
    await a.rt!.destroy();
    a.rt = undefined;
    for (const name of [aNames.bridge, aNames.uplink.node, aNames.uplink.cluster]) expect({ name, exists: await linkExists(name) }).toEqual({ name, exists: false });
    expect(await linkExists(shared)).toBe(true);
    expect(await run('ip', ['-o', 'link', 'show', 'master', shared])).toContain(`${b.rt!.hostNames.uplink.cluster}@`);
    // b's pod still serves: from its own netns (busybox wget against itself) and from the host.
    expect(await fetch(b, b)).toBe(`served by ${b.name}\n`);
    const socket = await b.rt!.connect(b.sandbox!, 8080);
    socket.end('GET /who HTTP/1.0\r\n\r\n');
    let body = '';
    for await (const chunk of socket) body += (chunk as Buffer).toString('utf8');
    expect(body).toContain(`served by ${b.name}`);

    await b.rt!.destroy();
    const bNames = b.rt!.hostNames;
    b.rt = undefined;
    expect(await linkExists(shared)).toBe(false);
    for (const name of [bNames.bridge, bNames.uplink.node, bNames.uplink.cluster, bNames.retiringBridge]) expect({ name, exists: await linkExists(name) }).toEqual({ name, exists: false });
  });
});

// Kubelets of one cluster start and stop at the same moment (kite up, kite down): the shared
// bridge is created by whichever comes first and deleted by whichever leaves it empty.
describe.skipIf(!isRoot)('nodes joining and leaving the shared bridge at once (as root)', () => {
  const tag = randomBytes(3).toString('hex');
  // Only named: no address is ever put on these bridges.
  const shared = clusterBridgeName(`10.248.${randomBytes(1)[0]}.0/24`);
  const nodes: Array<{ names: HostNames; link: ClusterLink }> = [];

  beforeAll(async () => {
    for (let i = 0; i < 6; i++) {
      const names = hostNames(`kite-race-${tag}-${i}`, tmpdir());
      nodes.push({ names, link: new ClusterLink('ip', names, shared) });
      await run('ip', ['link', 'add', names.bridge, 'type', 'bridge']);
    }
  });

  afterAll(async () => {
    for (const { names, link } of nodes) {
      await link.leave();
      await run('ip', ['link', 'del', names.bridge]).catch(() => undefined);
    }
    if (await linkExists(shared)) await run('ip', ['link', 'del', shared]);
  });

  const onShared = async (): Promise<string[]> => (await run('ip', ['-o', 'link', 'show', 'master', shared]).catch(() => '')).split('\n').map((l) => /^\d+: ([^@:]+)/.exec(l)?.[1] ?? '').filter(Boolean).sort();
  const uplinks = (ns: typeof nodes): string[] => ns.map((n) => n.names.uplink.cluster).sort();

  it('leave every joined node on it, and nothing once all have left', async () => {
    await Promise.all(nodes.map((n) => n.link.join(n.names.bridge)));
    expect(await onShared()).toEqual(uplinks(nodes));
    for (let round = 0; round < 5; round++) {
      // Half leave (the last of them may find it empty) while the others join again.
      const [going, staying] = [nodes.filter((_, i) => (i + round) % 2 === 0), nodes.filter((_, i) => (i + round) % 2 === 1)];
      await Promise.all([...going.map((n) => n.link.leave()), ...staying.map((n) => n.link.join(n.names.bridge))]);
      expect(await onShared()).toEqual(uplinks(staying));
      await Promise.all([...going.map((n) => n.link.join(n.names.bridge)), ...staying.map((n) => n.link.leave())]);
      expect(await onShared()).toEqual(uplinks(going));
      await Promise.all(staying.map((n) => n.link.join(n.names.bridge)));
    }
    await Promise.all(nodes.map((n) => n.link.leave()));
    expect(await linkExists(shared)).toBe(false);
    for (const { names } of nodes) {
      for (const name of [names.uplink.node, names.uplink.cluster, names.retiringBridge]) expect({ name, exists: await linkExists(name) }).toEqual({ name, exists: false });
    }
  });
});
