import type { Lease } from '@kite/client';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { node, pod, startControlPlane, startScheduler, waitScheduled } from './harness.js';

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-system' } as const;

async function metric(addr: string, name: string): Promise<string> {
  const text = await (await fetch(`http://${addr}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).join('\n');
}

describe('kite-scheduler leader election', () => {
  const cleanups = cleanupAfterEach();

  it('runs two schedulers with one acting; killing the leader hands over within the lease duration', async () => {
    const { api, client } = await startControlPlane(cleanups);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }).catch(() => undefined);
    await client.create(node({ name: 'n1' }));
    const timing = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms'];
    const a = await startScheduler(api.grpcAddress, ['--identity', 'sched-a', ...timing]);
    cleanups.push(() => a.stop());
    const b = await startScheduler(api.grpcAddress, ['--identity', 'sched-b', ...timing]);
    cleanups.push(() => b.stop());

    const first = await waitFor('a lease holder', async () => (await client.get<Lease>(LEASE, 'kube-scheduler')).spec?.holderIdentity || undefined);
    expect(['sched-a', 'sched-b']).toContain(first);
    const [leader, standby] = first === 'sched-a' ? [a, b] : [b, a];

    await client.create(pod('p1'));
    await waitScheduled(client, ['p1']);
    // Only the leader attempted anything; the standby is ready but idle.
    expect(await metric(leader.metrics, 'kite_scheduler_leader ')).toBe('kite_scheduler_leader 1');
    expect(await metric(standby.metrics, 'kite_scheduler_leader ')).toBe('kite_scheduler_leader 0');
    expect(await metric(leader.metrics, 'kite_scheduler_schedule_attempts_total{result="scheduled"}')).toBe('kite_scheduler_schedule_attempts_total{result="scheduled"} 1');
    expect(await metric(standby.metrics, 'kite_scheduler_schedule_attempts_total')).toBe('');
    expect((await fetch(`http://${standby.metrics}/readyz`)).status).toBe(200);

    const before = await client.get<Lease>(LEASE, 'kube-scheduler');
    const killedAt = Date.now();
    await leader.stop('SIGKILL');
    await client.create(pod('p2'));
    await waitScheduled(client, ['p2'], 'default', 10_000);
    const handover = Date.now() - killedAt;
    const after = await client.get<Lease>(LEASE, 'kube-scheduler');
    expect(after.spec?.holderIdentity).toBe(standby.identity);
    expect(after.spec?.leaseTransitions).toBe((before.spec?.leaseTransitions ?? 0) + 1);
    expect(after.spec?.leaseDurationSeconds).toBe(3);
    // Lease duration (3 s) plus a retry period and scheduling time.
    expect(handover).toBeLessThan(5_000);
  });

  it('a graceful stop releases the lease so the standby takes over at once', async () => {
    const { api, client } = await startControlPlane(cleanups);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }).catch(() => undefined);
    const timing = ['--lease-duration', '15s', '--renew-deadline', '10s', '--retry-period', '300ms'];
    const a = await startScheduler(api.grpcAddress, ['--identity', 'sched-a', ...timing]);
    cleanups.push(() => a.stop());
    await waitFor('sched-a to lead', async () => ((await client.get<Lease>(LEASE, 'kube-scheduler')).spec?.holderIdentity === 'sched-a' ? true : undefined));
    const b = await startScheduler(api.grpcAddress, ['--identity', 'sched-b', ...timing]);
    cleanups.push(() => b.stop());
    const stoppedAt = Date.now();
    expect(await a.stop('SIGTERM')).toBe(0);
    await waitFor('sched-b to lead', async () => ((await client.get<Lease>(LEASE, 'kube-scheduler')).spec?.holderIdentity === 'sched-b' ? true : undefined));
    // Far sooner than the 15 s lease would allow had it not been released.
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
  });
});
