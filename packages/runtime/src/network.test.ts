import { describe, expect, it } from 'vitest';
import { formatIp, gatewayOf, parseCidr, podPrefix } from './cidr.js';
import { renderHosts } from './sandbox.js';

describe('parseCidr', () => {
  const cases: Array<{ in: string; base?: string; prefix?: number; gateway?: string; error?: RegExp }> = [
    { in: '10.244.1.0/24', base: '10.244.1.0', prefix: 24, gateway: '10.244.1.1' },
    { in: '10.244.1.77/24', base: '10.244.1.0', prefix: 24, gateway: '10.244.1.1' },
    { in: '10.244.0.0/16', base: '10.244.0.0', prefix: 16, gateway: '10.244.0.1' },
    { in: '192.168.10.8/30', base: '192.168.10.8', prefix: 30, gateway: '192.168.10.9' },
    { in: '10.244.1.0/31', error: /out of range/ },
    { in: '10.244.300.0/24', error: /out of range/ },
    { in: 'fd00::/64', error: /not an IPv4 CIDR/ },
    { in: '10.244.1.0', error: /not an IPv4 CIDR/ },
  ];
  for (const c of cases) {
    it(c.in, () => {
      if (c.error) {
        expect(() => parseCidr(c.in)).toThrow(c.error);
        return;
      }
      const cidr = parseCidr(c.in);
      expect({ base: formatIp(cidr.base), prefix: cidr.prefix, gateway: gatewayOf(cidr) }).toEqual({
        base: c.base,
        prefix: c.prefix,
        gateway: c.gateway,
      });
    });
  }
});

describe('podPrefix', () => {
  const cases: Array<{ name: string; pod: string; cluster?: string; prefix?: number; error?: string }> = [
    { name: 'a node alone: its pod CIDR', pod: '10.244.1.0/24', prefix: 24 },
    { name: 'in a cluster: every pod IP of the cluster on-link', pod: '10.244.1.0/24', cluster: '10.244.0.0/16', prefix: 16 },
    { name: 'a cluster of one /24', pod: '10.9.0.0/24', cluster: '10.9.0.0/24', prefix: 24 },
    { name: 'a /26 node in a /22 cluster', pod: '192.168.2.64/26', cluster: '192.168.0.0/22', prefix: 22 },
    { name: 'a pod CIDR outside the cluster', pod: '10.245.1.0/24', cluster: '10.244.0.0/16', error: 'pod CIDR 10.245.1.0/24 is not inside cluster CIDR 10.244.0.0/16' },
    { name: 'a cluster smaller than the pod CIDR', pod: '10.244.0.0/16', cluster: '10.244.1.0/24', error: 'pod CIDR 10.244.0.0/16 is not inside cluster CIDR 10.244.1.0/24' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const run = (): number => podPrefix(parseCidr(c.pod), c.cluster === undefined ? undefined : parseCidr(c.cluster, 'cluster CIDR'));
      if (c.error) expect(run).toThrow(c.error);
      else expect(run()).toBe(c.prefix);
    });
  }
});

describe('renderHosts', () => {
  const base = { uid: 'u', namespace: 'ns1', name: 'web-0', hostname: 'web-0', hostNetwork: false };
  const cases: Array<{ name: string; spec: Parameters<typeof renderHosts>[0]; has: string[]; lacks?: string[] }> = [
    { name: 'plain', spec: base, has: ['127.0.0.1\tlocalhost', '10.244.1.5\tweb-0\n'], lacks: ['HostAliases'] },
    {
      name: 'subdomain',
      spec: { ...base, subdomain: 'web' },
      has: ['10.244.1.5\tweb-0.web.ns1.svc.cluster.local\tweb-0\n'],
    },
    {
      name: 'aliases',
      spec: { ...base, hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }] },
      has: ['# Entries added by HostAliases.', '10.1.2.3\tfoo.local\tbar.local\n'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const text = renderHosts(c.spec, '10.244.1.5');
      for (const s of c.has) expect(text).toContain(s);
      for (const s of c.lacks ?? []) expect(text).not.toContain(s);
    });
  }
});
