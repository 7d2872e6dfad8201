import { randomInt } from 'node:crypto';
import type { KObject } from '../../object.js';
import type { ServiceAllocator } from './core.js';
import { at, records } from './util.js';

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

/**
 * Picks free ClusterIPs and NodePorts by looking at the services that exist. Two services
 * created in the same instant could get the same address; Kubernetes avoids that with an
 * allocation map in the store, which kite does not have yet.
 */
export class ServiceIPs implements ServiceAllocator {
  private readonly base: number;
  private readonly size: number;

  constructor(
    cidr: string,
    private readonly services: () => KObject[],
  ) {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
    const bits = Number(m?.[2]);
    if (!m || bits > 30 || (m[1] as string).split('.').some((o) => Number(o) > 255)) throw new Error(`service CIDR must look like 10.96.0.0/12, got ${cidr}`);
    this.size = 2 ** (32 - bits);
    this.base = toInt(m[1] as string) - (toInt(m[1] as string) % this.size);
  }

  /** The first address: the `kubernetes` service's. */
  first(): string {
    return toIp(this.base + 1);
  }

  clusterIP(): string {
    const used = new Set(this.services().map((s) => at(s, 'spec', 'clusterIP')));
    // .1 is the apiserver's service, .10 the conventional DNS address.
    for (let i = 11; i < this.size - 1; i++) {
      const ip = toIp(this.base + i);
      if (!used.has(ip)) return ip;
    }
    throw new Error('no free ClusterIP left in the service CIDR');
  }

  nodePort(): number {
    const used = new Set(this.services().flatMap((s) => records(at(s, 'spec', 'ports')).map((p) => p.nodePort)));
    // From a random start, so concurrent creates rarely pick the same port, then every port in turn.
    const span = NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1;
    const start = randomInt(0, span);
    for (let i = 0; i < span; i++) {
      const port = NODE_PORT_RANGE.min + ((start + i) % span);
      if (!used.has(port)) return port;
    }
    throw new Error('no free NodePort left');
  }
}
