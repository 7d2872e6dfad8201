import { describe, expect, it } from 'vitest';
import { allocateSubnet, formatCidr, parseCidr } from './cidr.js';

describe('node IPAM CIDR arithmetic', () => {
  it.each([
    ['10.244.0.0/16', '10.244.0.0/16'],
    ['10.244.7.9/16', '10.244.0.0/16'],
    ['192.168.1.128/25', '192.168.1.128/25'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ])('parses %s as %s', (input, out) => expect(formatCidr(parseCidr(input))).toBe(out));

  it.each(['10.244.0.0', '10.244.0.0/33', '10.256.0.0/16', 'fd00::/64', ''])('rejects %j', (input) => expect(() => parseCidr(input)).toThrow());

  it.each<[string, string, number, string[], string | undefined]>([
    ['first subnet of an empty range', '10.244.0.0/16', 24, [], '10.244.0.0/24'],
    ['skips subnets in use', '10.244.0.0/16', 24, ['10.244.0.0/24', '10.244.1.0/24'], '10.244.2.0/24'],
    ['fills a hole', '10.244.0.0/16', 24, ['10.244.0.0/24', '10.244.2.0/24'], '10.244.1.0/24'],
    ['a larger block in use covers its subnets', '10.244.0.0/16', 24, ['10.244.0.0/23'], '10.244.2.0/24'],
    ['ignores CIDRs outside the range', '10.244.0.0/16', 24, ['10.1.0.0/24', 'garbage'], '10.244.0.0/24'],
    ['other mask sizes', '10.0.0.0/8', 16, ['10.0.0.0/16'], '10.1.0.0/16'],
    ['exhausted', '10.244.0.0/23', 24, ['10.244.0.0/24', '10.244.1.0/24'], undefined],
    ['a /32 per node', '10.0.0.0/30', 32, ['10.0.0.0/32', '10.0.0.1/32'], '10.0.0.2/32'],
  ])('%s', (_name, cluster, mask, used, want) => expect(allocateSubnet(parseCidr(cluster), mask, used)).toBe(want));
});
