import { describe, expect, it } from 'vitest';
import { formatIp, gatewayOf, parseCidr } from './network.js';
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
