import { isAlreadyExists, isConflict, isNotFound, type KiteClient, type KubeObject } from './kite-client.js';

/** coordination.k8s.io/v1 Lease as leader election reads and writes it. */
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectionOptions {
  /** Namespace and name of the Lease, e.g. kube-system/kube-scheduler. */
  namespace: string;
  name: string;
  /** Unique per candidate (hostname + random suffix, as client-go's callers do). */
  identity: string;
  /** How long a holder's claim lasts without renewal; others wait this long. Default 15 s. */
  leaseDurationMs?: number;
  /** A leader that cannot renew within this long steps down. Default 10 s. */
  renewDeadlineMs?: number;
  /** How often to try to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  /** Write an expired, holderless lease when stopping, so a successor need not wait. Default true. */
  releaseOnCancel?: boolean;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  onNewLeader?(identity: string): void;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Clock, for tests. */
  now?: () => number;
}

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

/** RFC 3339 with microseconds: the wire form of metav1.MicroTime. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z');

/**
 * client-go's LeaderElector over a Lease: acquire when the current holder's record has not
 * changed for a lease duration (measured on our own clock from when we last saw it change, so
 * clock skew between candidates does not matter), renew every retry period, and step down when
 * renewals keep failing past the renew deadline. Every write is conditional on the
 * resourceVersion just read, so two candidates can never both win one round.
 */
export class LeaderElector {
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private observed: { record: string; at: number; holder: string; lease?: Lease } | undefined;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private lastRenew = 0;
  private reportedLeader = '';
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KiteClient,
    private readonly opts: LeaderElectionOptions,
  ) {
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    this.now = opts.now ?? Date.now;
    if (!(this.leaseMs > this.renewMs && this.renewMs > this.retryMs && this.retryMs > 0)) {
      throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod > 0');
    }
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed, '' when none. */
  leader(): string {
    return this.observed?.holder ?? '';
  }

  start(): void {
    this.stopped = false;
    this.ticking = this.tick();
  }

  /** Stops campaigning; a leader releases the lease (if configured) and stops leading. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A renewal still in flight could land after the release and re-claim the lease.
    await this.ticking;
    if (!this.leading) return;
    this.leading = false;
    if (this.opts.releaseOnCancel ?? true) await this.release().catch(() => undefined);
    this.opts.onStoppedLeading();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    // Jitter as client-go's wait.JitterUntil does, so candidates do not retry in lockstep.
    const delay = this.leading ? ms : ms * (1 + Math.random() * 0.2);
    this.timer = setTimeout(() => {
      this.ticking = this.tick();
    }, delay);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (err) {
      this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err), lease: this.opts.name }, 'leader election: lease call failed');
    }
    if (this.stopped) return;
    if (ok) {
      this.lastRenew = this.now();
      if (!this.leading) {
        this.leading = true;
        this.opts.log?.info({ lease: `${this.opts.namespace}/${this.opts.name}`, identity: this.opts.identity }, 'acquired leadership');
        this.opts.onStartedLeading();
      }
    } else if (this.leading && this.now() - this.lastRenew >= this.renewMs) {
      this.leading = false;
      this.opts.log?.warn({ lease: `${this.opts.namespace}/${this.opts.name}` }, 'leadership lost: could not renew within the renew deadline');
      this.opts.onStoppedLeading();
    }
    this.schedule(this.retryMs);
  }

  private noteLeader(holder: string): void {
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder !== '') this.opts.onNewLeader?.(holder);
    }
  }

  /** One round: true when we hold the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const me = this.opts.identity;
    const durationSeconds = Math.ceil(this.leaseMs / 1000);
    let lease: Lease;
    try {
      lease = await this.client.get<Lease>({ ...LEASE, namespace: this.opts.namespace }, this.opts.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const fresh: Lease = {
        ...LEASE,
        metadata: { name: this.opts.name, namespace: this.opts.namespace },
        spec: { holderIdentity: me, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      };
      try {
        const created = await this.client.create(fresh);
        this.observe(created, now);
        return true;
      } catch (e) {
        if (isAlreadyExists(e)) return false;
        throw e;
      }
    }
    this.observe(lease, now);
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const heldByOther = holder !== '' && holder !== me;
    const duration = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (heldByOther && (this.observed as { at: number }).at + duration > now) return false;

    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: me,
        leaseDurationSeconds: durationSeconds,
        renewTime: microTime(now),
        acquireTime: holder === me ? (spec.acquireTime ?? microTime(now)) : microTime(now),
        leaseTransitions: holder === me ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      const updated = await this.client.update(next);
      this.observe(updated, now);
      return true;
    } catch (err) {
      // Someone else wrote first: not an error, just not us this round.
      if (isConflict(err)) return false;
      throw err;
    }
  }

  private observe(lease: Lease, now: number): void {
    const record = JSON.stringify(lease.spec ?? {});
    const holder = lease.spec?.holderIdentity ?? '';
    if (this.observed?.record !== record) this.observed = { record, at: now, holder, lease };
    this.noteLeader(holder);
  }

  private async release(): Promise<void> {
    const lease = await this.client.get<Lease>({ ...LEASE, namespace: this.opts.namespace }, this.opts.name);
    if (lease.spec?.holderIdentity !== this.opts.identity) return;
    const now = microTime(this.now());
    await this.client.update({
      ...lease,
      spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
    });
  }
}
