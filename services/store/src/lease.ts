import { randomBytes } from 'node:crypto';
import type { Logger } from '@kite/common';
import { leaseKey, type Backend, type StoredLease } from './backend.js';
import { EtcdErrors } from './errors.js';
import type { Mvcc } from './mvcc.js';

/** etcd's ceiling on a lease TTL, in seconds. */
const MAX_LEASE_TTL = 9_000_000_000;

interface Lease {
  id: string;
  ttl: number;
  expiresAt: number;
}

export interface LessorOptions {
  /** TTLs below this many seconds are raised to it (etcd: 2 s on default raft timing). */
  minTtlSeconds: number;
  checkIntervalMs: number;
}

/**
 * Leases: granted and revoked durably, renewed in memory (as etcd does), and on expiry
 * revoked like an explicit revoke — every attached key deleted in one revision.
 */
export class Lessor {
  private readonly leases = new Map<string, Lease>();
  private timer: NodeJS.Timeout | undefined;
  expired = 0;

  constructor(
    private readonly mvcc: Mvcc,
    private readonly backend: Backend,
    private readonly opts: LessorOptions,
    private readonly log: Logger,
  ) {}

  /** Restored leases get a full TTL again: nobody could renew them while the store was down. */
  restore(stored: StoredLease[]): void {
    const now = Date.now();
    for (const { id, ttl } of stored) this.leases.set(id, { id, ttl, expiresAt: now + ttl * 1000 });
  }

  get count(): number {
    return this.leases.size;
  }

  has(id: string): boolean {
    return this.leases.has(id);
  }

  async grant(ttlRequested: number, idRequested: string): Promise<{ id: string; ttl: number }> {
    let id = idRequested;
    if (id === '0') {
      do id = (randomBytes(8).readBigUInt64BE() & 0x7fff_ffff_ffff_ffffn).toString();
      while (id === '0' || this.leases.has(id));
    }
    if (ttlRequested > MAX_LEASE_TTL) throw EtcdErrors.leaseTTLTooLarge();
    if (this.leases.has(id)) throw EtcdErrors.leaseExists();
    const ttl = Math.max(ttlRequested, this.opts.minTtlSeconds);
    const lease: Lease = { id, ttl, expiresAt: Date.now() + ttl * 1000 };
    this.leases.set(id, lease);
    await this.backend.write([{ type: 'put', key: leaseKey(id), value: Buffer.from(JSON.stringify({ ttl })) }]);
    return { id, ttl };
  }

  /** Deletes the lease and its keys; resolves with the revision the response carries. */
  async revoke(id: string): Promise<number> {
    if (!this.leases.delete(id)) throw EtcdErrors.leaseNotFound();
    const keys = [...(this.mvcc.leaseKeys.get(id) ?? [])].sort();
    const write = this.mvcc.beginWrite();
    for (const key of keys) write.deleteRange({ start: key, end: undefined });
    return write.commit([{ type: 'del', key: leaseKey(id) }]);
  }

  /** Returns the granted TTL, or 0 for an unknown lease (not an error, as in etcd). */
  keepAlive(id: string): number {
    const lease = this.leases.get(id);
    if (!lease) return 0;
    lease.expiresAt = Date.now() + lease.ttl * 1000;
    return lease.ttl;
  }

  timeToLive(id: string): { ttl: number; granted: number; keys: string[] } | undefined {
    const lease = this.leases.get(id);
    if (!lease) return undefined;
    return {
      ttl: Math.trunc((lease.expiresAt - Date.now()) / 1000),
      granted: lease.ttl,
      keys: [...(this.mvcc.leaseKeys.get(id) ?? [])].sort(),
    };
  }

  /** Soonest to expire first, as etcd lists them. */
  list(): string[] {
    return [...this.leases.values()].sort((a, b) => a.expiresAt - b.expiresAt).map((l) => l.id);
  }

  start(): void {
    this.timer = setInterval(() => this.expire(), this.opts.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private expire(): void {
    const now = Date.now();
    for (const lease of [...this.leases.values()]) {
      if (lease.expiresAt > now) continue;
      this.expired++;
      this.revoke(lease.id).then(
        (rev) => this.log.debug({ lease: lease.id, rev }, 'lease expired'),
        (err: unknown) => this.log.error({ err, lease: lease.id }, 'revoking expired lease failed'),
      );
    }
  }
}
