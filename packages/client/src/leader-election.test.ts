import { describe, expect, it } from 'vitest';
import { KiteApiError, type KiteClient, type KubeObject } from './kite-client.js';
import { LeaderElector, type Lease } from './leader-election.js';

/** Just enough of the apiserver for leases: get/create/update with resourceVersion checks. */
class FakeLeases {
  readonly objects = new Map<string, Lease>();
  private rv = 0;
  down = false;
  /** Delay before answering a get, and how many gets are waiting on it. */
  slowGetMs = 0;
  pendingGets = 0;

  client(): KiteClient {
    const check = (): void => {
      if (this.down) throw new KiteApiError('unavailable', 503, 'ServiceUnavailable');
    };
    return {
      get: async (_t: unknown, name: string) => {
        check();
        // Read at call time, answer later: a slow network, as a real stale read would be.
        const o = this.objects.get(name);
        if (this.slowGetMs > 0) {
          this.pendingGets++;
          await new Promise((r) => setTimeout(r, this.slowGetMs));
          this.pendingGets--;
        }
        if (!o) throw new KiteApiError(`leases "${name}" not found`, 404, 'NotFound');
        return structuredClone(o);
      },
      create: async (o: KubeObject) => {
        check();
        const name = o.metadata.name as string;
        if (this.objects.has(name)) throw new KiteApiError('exists', 409, 'AlreadyExists');
        const stored = { ...structuredClone(o), metadata: { ...o.metadata, resourceVersion: String(++this.rv) } } as Lease;
        this.objects.set(name, stored);
        return structuredClone(stored);
      },
      update: async (o: KubeObject) => {
        check();
        const name = o.metadata.name as string;
        const cur = this.objects.get(name);
        if (!cur) throw new KiteApiError('not found', 404, 'NotFound');
        if (o.metadata.resourceVersion !== cur.metadata.resourceVersion) throw new KiteApiError('the object has been modified', 409, 'Conflict');
        const stored = { ...structuredClone(o), metadata: { ...o.metadata, resourceVersion: String(++this.rv) } } as Lease;
        this.objects.set(name, stored);
        return structuredClone(stored);
      },
    } as unknown as KiteClient;
  }
}

const clock = { now: 1_700_000_000_000 };
function elector(store: FakeLeases, identity: string, extra: Partial<ConstructorParameters<typeof LeaderElector>[1]> = {}): LeaderElector {
  return new LeaderElector(store.client(), {
    namespace: 'kube-system',
    name: 'kube-scheduler',
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    now: () => clock.now,
    onStartedLeading: () => undefined,
    onStoppedLeading: () => undefined,
    ...extra,
  });
}

describe('LeaderElector.tryAcquireOrRenew', () => {
  it('creates the lease, renews it, and lets another take it only after a full lease duration unrenewed', async () => {
    const store = new FakeLeases();
    const a = elector(store, 'a');
    const b = elector(store, 'b');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const created = store.objects.get('kube-scheduler')?.spec;
    expect(created).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(created?.acquireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const steps: Array<[string, LeaderElector, number, boolean, string]> = [
      ['b while a is fresh', b, 1_000, false, 'a'],
      ['a renews', a, 1_000, true, 'a'],
      ['b sees the renewal: its wait starts over', b, 1_000, false, 'a'],
      ['b just before a lease duration since the last change', b, 14_000, false, 'a'],
      ['b after a full lease duration', b, 1_001, true, 'b'],
      ['a comes back: b is fresh now', a, 1_000, false, 'b'],
    ];
    for (const [what, who, advance, ok, holder] of steps) {
      clock.now += advance;
      expect(await who.tryAcquireOrRenew(), what).toBe(ok);
      expect(store.objects.get('kube-scheduler')?.spec?.holderIdentity, what).toBe(holder);
    }
    const spec = store.objects.get('kube-scheduler')?.spec;
    expect(spec?.leaseTransitions).toBe(1);
    expect(spec?.acquireTime).toBe(spec?.renewTime);
  });

  it('keeps acquireTime and transitions on renewal', async () => {
    const store = new FakeLeases();
    const a = elector(store, 'a');
    await a.tryAcquireOrRenew();
    const first = store.objects.get('kube-scheduler')?.spec;
    clock.now += 2000;
    await a.tryAcquireOrRenew();
    const second = store.objects.get('kube-scheduler')?.spec;
    expect(second?.acquireTime).toBe(first?.acquireTime);
    expect(second?.renewTime).not.toBe(first?.renewTime);
    expect(second?.leaseTransitions).toBe(0);
  });

  it('lets exactly one of two simultaneous candidates win', async () => {
    const store = new FakeLeases();
    const results = await Promise.all(['a', 'b', 'c'].map((id) => elector(store, id).tryAcquireOrRenew()));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('rejects inconsistent timings', () => {
    expect(() => elector(new FakeLeases(), 'a', { renewDeadlineMs: 20_000 })).toThrow(/leaseDuration > renewDeadline/);
  });
});

describe('LeaderElector loop', () => {
  const until = async (cond: () => boolean): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('condition not met');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('steps down when renewals fail past the renew deadline, and releases the lease on stop', async () => {
    const store = new FakeLeases();
    const events: string[] = [];
    const opts = { leaseDurationMs: 300, renewDeadlineMs: 200, retryPeriodMs: 20, now: Date.now };
    const a = elector(store, 'a', { ...opts, onStartedLeading: () => events.push('start'), onStoppedLeading: () => events.push('stop') });
    a.start();
    await until(() => a.isLeader());
    store.down = true;
    const downAt = Date.now();
    await until(() => !a.isLeader());
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(150);
    expect(events).toEqual(['start', 'stop']);
    store.down = false;
    await until(() => a.isLeader());
    await a.stop();
    expect(events).toEqual(['start', 'stop', 'start', 'stop']);
    expect(store.objects.get('kube-scheduler')?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    // A released lease is free at once.
    expect(await elector(store, 'b', { now: Date.now }).tryAcquireOrRenew()).toBe(true);
  });

  it('releases the lease even when stopped in the middle of a renewal', async () => {
    const store = new FakeLeases();
    const a = elector(store, 'a', { leaseDurationMs: 300, renewDeadlineMs: 200, retryPeriodMs: 20, now: Date.now });
    a.start();
    await until(() => a.isLeader());
    store.slowGetMs = 30;
    await until(() => store.pendingGets > 0);
    await a.stop();
    expect(store.objects.get('kube-scheduler')?.spec?.holderIdentity).toBe('');
  });
});
