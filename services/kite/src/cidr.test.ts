import { describe, expect, it } from 'vitest';
import { nodePodCIDR, parseClusterCIDR } from './cidr.js';

describe('parseClusterCIDR and nodePodCIDR', () => {
  const ok: Array<{ cidr: string; nodes: number; maxNodes: number; pods: Record<number, string> }> = [
    { cidr: '10.244.0.0/16', nodes: 3, maxNodes: 255, pods: { 1: '10.244.1.0/24', 2: '10.244.2.0/24', 255: '10.244.255.0/24' } },
    { cidr: '10.250.0.0/16', nodes: 50, maxNodes: 255, pods: { 1: '10.250.1.0/24', 50: '10.250.50.0/24' } },
    { cidr: '10.0.0.0/8', nodes: 50, maxNodes: 65535, pods: { 1: '10.0.1.0/24', 256: '10.1.0.0/24', 300: '10.1.44.0/24' } },
    { cidr: '172.16.0.0/12', nodes: 1, maxNodes: 4095, pods: { 1: '172.16.1.0/24', 4095: '172.31.255.0/24' } },
    { cidr: '192.168.16.0/20', nodes: 15, maxNodes: 15, pods: { 1: '192.168.17.0/24', 15: '192.168.31.0/24' } },
    { cidr: ' 10.251.0.0/16 ', nodes: 0, maxNodes: 255, pods: { 1: '10.251.1.0/24' } },
    { cidr: '10.9.9.0/24', nodes: 0, maxNodes: 0, pods: {} },
  ];
  for (const c of ok) {
    it(`${c.cidr} for ${c.nodes} nodes`, () => {
      const parsed = parseClusterCIDR(c.cidr, c.nodes);
      expect(parsed.text).toBe(c.cidr.trim());
      expect(parsed.maxNodes).toBe(c.maxNodes);
      for (const [i, want] of Object.entries(c.pods)) expect(nodePodCIDR(parsed, Number(i))).toBe(want);
      // Each node's /24 is its own, and never the first /24 of the range.
      const all = Array.from({ length: Math.min(c.maxNodes, 300) }, (_, i) => nodePodCIDR(parsed, i + 1));
      expect(new Set(all).size).toBe(all.length);
      expect(all).not.toContain(c.cidr.trim().replace(/\/\d+$/, '/24'));
    });
  }

  const bad: Array<{ cidr: string; nodes: number; error: RegExp }> = [
    { cidr: '10.244.0.0', nodes: 1, error: /--cluster-cidr must be an IPv4 CIDR such as 10\.244\.0\.0\/16, got "10\.244\.0\.0"/ },
    { cidr: 'fd00::/48', nodes: 1, error: /must be an IPv4 CIDR/ },
    { cidr: 'ten.0.0.0/8', nodes: 1, error: /must be an IPv4 CIDR/ },
    { cidr: '10.300.0.0/16', nodes: 1, error: /10\.300\.0\.0\/16: not an IPv4 address/ },
    { cidr: '10.0.0.0/7', nodes: 1, error: /the prefix must be \/8 to \/24/ },
    { cidr: '10.244.1.0/25', nodes: 1, error: /the prefix must be \/8 to \/24/ },
    { cidr: '10.244.1.0/16', nodes: 1, error: /host bits are set \(did you mean 10\.244\.0\.0\/16\?\)/ },
    { cidr: '10.244.0.0/24', nodes: 1, error: /--cluster-cidr 10\.244\.0\.0\/24 has room for 0 nodes .* not 1/ },
    { cidr: '10.244.0.0/23', nodes: 2, error: /has room for 1 node \(a \/24 each, the first unused\), not 2: give a larger one/ },
    { cidr: '192.168.16.0/20', nodes: 16, error: /has room for 15 nodes/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.cidr} for ${c.nodes} nodes`, () => {
      expect(() => parseClusterCIDR(c.cidr, c.nodes)).toThrow(c.error);
    });
  }

  it('has no /24 for a node beyond the range', () => {
    const c = parseClusterCIDR('10.244.0.0/23', 1);
    expect(() => nodePodCIDR(c, 2)).toThrow(/node-2 has no \/24 in 10\.244\.0\.0\/23/);
    expect(() => nodePodCIDR(c, 0)).toThrow(/node-0/);
  });
});
