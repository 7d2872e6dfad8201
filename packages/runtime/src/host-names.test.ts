import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterBridgeName, hostNames, type HostNames } from './host-names.js';

const uid = '3f1c2a9e-8d4b-4e8f-9a61-0c5b7d2e1f00';
const every = (n: HostNames): string[] => [n.tag, n.bridge, n.netnsPrefix, n.cgroup, n.netns(uid), n.veth(uid), n.uplink.node, n.uplink.cluster, n.retiringBridge];

describe('hostNames', () => {
  let base = '';
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'kite-names-'));
    await mkdir(path.join(base, 'a'));
    await mkdir(path.join(base, 'b'));
    await symlink(path.join(base, 'a'), path.join(base, 'link-to-a'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('differ, every one of them, for one node name in two root dirs (two clusters with a node-1)', () => {
    const a = every(hostNames('node-1', path.join(base, 'a')));
    const b = every(hostNames('node-1', path.join(base, 'b')));
    for (const [i, name] of a.entries()) expect(name).not.toBe(b[i]);
  });

  it('differ between node names in one root dir, and between pods', () => {
    const a = hostNames('node-1', path.join(base, 'a'));
    const b = hostNames('node-2', path.join(base, 'a'));
    expect(a.bridge).not.toBe(b.bridge);
    expect(a.cgroup).not.toBe(b.cgroup);
    expect(a.veth(uid)).not.toBe(a.veth(`${uid}x`));
  });

  it('are the same for the same root dir however it is spelled, and once it is gone', () => {
    const want = every(hostNames('node-1', path.join(base, 'a')));
    const cases: Array<[string, string]> = [
      ['the same path', path.join(base, 'a')],
      ['a trailing slash', `${path.join(base, 'a')}/`],
      ['a relative path', path.relative(process.cwd(), path.join(base, 'a'))],
      ['a symlink to it', path.join(base, 'link-to-a')],
      ['dot segments', path.join(base, 'b', '..', 'a')],
    ];
    for (const [what, dir] of cases) expect({ what, names: every(hostNames('node-1', dir)) }).toEqual({ what, names: want });
    // A kubelet's root dir below a symlinked parent: removed or not, the same names.
    const below = hostNames('node-1', path.join(base, 'link-to-a', 'not-yet'));
    expect(every(below)).toEqual(every(hostNames('node-1', path.join(base, 'a', 'not-yet'))));
  });

  it('fit Linux limits: interface names 15 bytes, a cgroup directory name 255', () => {
    for (const node of ['node-1', 'a-very-long-node-name.example.com', `${'n'.repeat(63)}.${'x'.repeat(189)}`]) {
      const n = hostNames(node, path.join(base, 'a'));
      expect(n.tag).toMatch(/^[0-9a-f]{8}$/);
      for (const name of [n.bridge, n.veth(uid), n.uplink.node, n.uplink.cluster, n.retiringBridge]) {
        expect(name.length).toBeLessThanOrEqual(15);
        expect(name).toMatch(/^kite[a-z0-9-]+$/);
      }
      expect(n.bridge).toBe(`kite-br${n.tag}`);
      expect([n.uplink.node, n.uplink.cluster, n.retiringBridge]).toEqual([`kite-un${n.tag}`, `kite-uc${n.tag}`, `kite-rm${n.tag}`]);
      // A pod's veth is told apart from the node's own links by its prefix (stray veths are deleted).
      for (const name of [n.uplink.node, n.uplink.cluster]) expect(name.startsWith('kitev')).toBe(false);
      expect(n.netns(uid)).toBe(`${n.netnsPrefix}${uid}`);
      const [top, dir, ...rest] = n.cgroup.split('/');
      expect({ top, rest }).toEqual({ top: 'kite', rest: [] });
      expect(dir!.length).toBeLessThanOrEqual(255);
      expect(dir!.endsWith(`-${n.tag}`)).toBe(true);
    }
    // Readable: the node's name is in its cgroup directory's.
    expect(hostNames('node-1', path.join(base, 'a')).cgroup).toMatch(/^kite\/node-1-[0-9a-f]{8}$/);
  });

  it('never let a node name leave the kite cgroup tree', () => {
    expect(hostNames('../../etc', base).cgroup).toMatch(/^kite\/\.\._\.\._etc-[0-9a-f]{8}$/);
  });
});

describe('clusterBridgeName', () => {
  it('is kite-cl and 8 hex of the cluster CIDR, within the 15 bytes of an interface name', () => {
    for (const c of ['10.244.0.0/16', '10.0.0.0/8', '192.168.7.0/24']) expect(clusterBridgeName(c)).toMatch(/^kite-cl[0-9a-f]{8}$/);
  });

  it('is the same for every spelling of one CIDR, and differs between clusters', () => {
    const name = clusterBridgeName('10.244.0.0/16');
    expect([clusterBridgeName(' 10.244.0.0/16 '), clusterBridgeName('10.244.3.7/16')]).toEqual([name, name]);
    const others = ['10.245.0.0/16', '10.244.0.0/17', '10.244.0.0/15'].map(clusterBridgeName);
    expect(new Set([name, ...others]).size).toBe(4);
  });

  it('refuses what is not an IPv4 CIDR', () => {
    expect(() => clusterBridgeName('fd00::/64')).toThrow('cluster CIDR fd00::/64: not an IPv4 CIDR');
  });
});
