import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KObject } from '../../object.js';
import { NODE_PORT_RANGE, ServiceIPs } from './service-ips.js';

/** Lets a test choose what randomInt answers; otherwise the real one runs. */
const random = vi.hoisted(() => ({ next: undefined as undefined | ((min: number, max: number) => number) }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const randomInt = (min: number, max: number): number => (random.next ? random.next(min, max) : real.randomInt(min, max));
  return { ...real, randomInt, default: { ...real, randomInt } };
});

afterEach(() => {
  random.next = undefined;
});

const svc = (clusterIP: string | undefined, nodePorts: number[] = []): KObject => ({
  metadata: { name: `s-${clusterIP ?? 'none'}` },
  spec: { ...(clusterIP === undefined ? {} : { clusterIP }), ports: nodePorts.map((nodePort, i) => ({ port: 80 + i, nodePort })) },
});

describe('ServiceIPs: CIDR', () => {
  const cases: Array<[string, string, string]> = [
    ['10.96.0.0/12', '10.96.0.1', '10.96.0.11'],
    ['10.0.0.0/24', '10.0.0.1', '10.0.0.11'],
    // a host address inside the range is taken back to the network address
    ['10.96.5.7/16', '10.96.0.1', '10.96.0.11'],
    ['192.168.1.130/25', '192.168.1.129', '192.168.1.139'],
  ];
  it.each(cases)('%s: first %s, first allocation %s', (cidr, first, firstAllocated) => {
    const ips = new ServiceIPs(cidr, () => []);
    expect(ips.first()).toBe(first);
    expect(ips.clusterIP()).toBe(firstAllocated);
  });

  it.each(['', 'nope', '10.96.0.0', '10.96.0.0/', '10.96.0/12', '10.96.0.0/x', '::1/128', 'fd00::/108', ' 10.96.0.0/12'])('%j is rejected', (cidr) => {
    expect(() => new ServiceIPs(cidr, () => [])).toThrow(`service CIDR must look like 10.96.0.0/12, got ${cidr}`);
  });

  // Regression (a kite bug, fixed): the pattern only checks the shape, so a prefix over 32 or an octet over 255 is
  // accepted and produces addresses outside IPv4 (a /33 has "half an address"; 300.1.1.0/24
  // hands out 300.1.1.11). kube-apiserver refuses such a --service-cluster-ip-range at start.
  it.each(['10.96.0.0/33', '300.1.1.0/24', '10.96.0.0/99'])('%s is rejected', (cidr) => {
    expect(() => new ServiceIPs(cidr, () => [])).toThrow();
  });
});

describe('ServiceIPs.clusterIP', () => {
  it('skips addresses in use', () => {
    const existing = [svc('10.96.0.11'), svc('10.96.0.12'), svc('10.96.0.14')];
    expect(new ServiceIPs('10.96.0.0/12', () => existing).clusterIP()).toBe('10.96.0.13');
  });

  it('headless and ExternalName services hold no address', () => {
    const existing = [svc('None'), svc(undefined), svc('10.96.0.1')];
    expect(new ServiceIPs('10.96.0.0/12', () => existing).clusterIP()).toBe('10.96.0.11');
  });

  it('crosses into the next octet', () => {
    const existing = Array.from({ length: 245 }, (_, i) => svc(`10.96.0.${i + 11}`));
    expect(new ServiceIPs('10.96.0.0/16', () => existing).clusterIP()).toBe('10.96.1.0');
  });

  it('reads the services each time (a deleted service frees its address)', () => {
    let existing = [svc('10.96.0.11')];
    const ips = new ServiceIPs('10.96.0.0/12', () => existing);
    expect(ips.clusterIP()).toBe('10.96.0.12');
    existing = [];
    expect(ips.clusterIP()).toBe('10.96.0.11');
  });

  it('never hands out the broadcast address, and says when the range is full', () => {
    // a /28 has .0-.15: .11 to .14 are allocatable
    const existing = [svc('10.0.0.11'), svc('10.0.0.12'), svc('10.0.0.13')];
    expect(new ServiceIPs('10.0.0.0/28', () => existing).clusterIP()).toBe('10.0.0.14');
    existing.push(svc('10.0.0.14'));
    expect(() => new ServiceIPs('10.0.0.0/28', () => existing).clusterIP()).toThrow('no free ClusterIP left in the service CIDR');
  });
});

describe('ServiceIPs.nodePort', () => {
  it('is inside 30000-32767', () => {
    expect(NODE_PORT_RANGE).toEqual({ min: 30000, max: 32767 });
    const ips = new ServiceIPs('10.96.0.0/12', () => []);
    for (let i = 0; i < 200; i++) {
      const p = ips.nodePort();
      expect(p).toBeGreaterThanOrEqual(30000);
      expect(p).toBeLessThanOrEqual(32767);
    }
  });

  it('starts at a random offset into the whole range, both ends included', () => {
    const asked: Array<[number, number]> = [];
    random.next = (min, max) => {
      asked.push([min, max]);
      return 5;
    };
    expect(new ServiceIPs('10.96.0.0/12', () => []).nodePort()).toBe(30005);
    expect(asked).toEqual([[0, NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1]]);
  });

  it('skips ports in use, wrapping around the end of the range', () => {
    random.next = () => NODE_PORT_RANGE.max - NODE_PORT_RANGE.min;
    const existing = [svc('10.96.0.11', [32767, 30000]), svc('10.96.0.12', [30001])];
    expect(new ServiceIPs('10.96.0.0/12', () => existing).nodePort()).toBe(30002);
  });

  // Kubernetes' allocator scans its bitmap and finds any free port; so does kite.
  it('finds the last free port', () => {
    random.next = () => 0;
    const used = Array.from({ length: NODE_PORT_RANGE.max - NODE_PORT_RANGE.min }, (_, i) => NODE_PORT_RANGE.min + i);
    const existing = [svc('10.96.0.11', used)];
    expect(new ServiceIPs('10.96.0.0/12', () => existing).nodePort()).toBe(32767);
  });
});
