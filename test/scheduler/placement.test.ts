import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@kite/client';
import { kubectlFor } from '../support/kubectl.js';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { failedSchedulingMessage, node, pod, startControlPlane, startScheduler, waitScheduled, type PodView } from './harness.js';

const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'default' } as const;

describe('kite-scheduler placement', () => {
  const cleanups = cleanupAfterEach();

  it('spreads identical pods over equal nodes and honours nodeSelector and taints', async () => {
    const { api, client } = await startControlPlane(cleanups);
    for (const n of [
      node({ name: 'n1', labels: { disk: 'ssd' } }),
      node({ name: 'n2' }),
      node({ name: 'n3', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    ]) {
      await client.create(n);
    }
    const s = await startScheduler(api.grpcAddress);
    cleanups.push(() => s.stop());

    const spread = ['a', 'b', 'c', 'd'];
    for (const name of spread) await client.create(pod(name, {}, { requests: { cpu: '500m', memory: '256Mi' } }));
    await client.create(pod('on-ssd', { nodeSelector: { disk: 'ssd' } }));
    await client.create(pod('tolerant', { nodeSelector: { 'kubernetes.io/hostname': 'n3' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    const placed = await waitScheduled(client, [...spread, 'on-ssd', 'tolerant']);
    // The tainted node takes none of the untolerating pods; the others share them evenly.
    const counts = new Map<string, number>();
    for (const name of spread) counts.set(placed.get(name) as string, (counts.get(placed.get(name) as string) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ n1: 2, n2: 2 });
    expect(placed.get('on-ssd')).toBe('n1');
    expect(placed.get('tolerant')).toBe('n3');

    // An untolerated taint plus a selector nobody matches: exact FailedScheduling text.
    await client.create(pod('nowhere', { nodeSelector: { disk: 'ssd' }, tolerations: [] }, { requests: { cpu: '3500m' } }));
    const msg = await failedSchedulingMessage(client, 'nowhere');
    expect(msg).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
    const p = await client.get<PodView>(POD, 'nowhere');
    expect(p.spec.nodeName).toBeUndefined();
  });

  it('leaves a pod too big for any node Pending with the reasons kubectl describe shows, and places it when a node fits', async () => {
    const { api, client } = await startControlPlane(cleanups);
    for (const name of ['n1', 'n2', 'n3']) await client.create(node({ name, cpu: '2', labels: name === 'n1' ? {} : { zone: 'b' } }));
    const s = await startScheduler(api.grpcAddress);
    cleanups.push(() => s.stop());
    await client.create(pod('big', {}, { requests: { cpu: '3' } }));
    const expected =
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    expect(await failedSchedulingMessage(client, 'big')).toBe(expected);
    const cond = await waitFor('PodScheduled=False', async () => {
      const p = await client.get<PodView>(POD, 'big');
      return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    });
    expect(cond).toMatchObject({ reason: 'Unschedulable', message: expected });

    const kubectl = await kubectlFor(api.url);
    cleanups.push(() => kubectl.remove());
    const describe = await kubectl.ok(['describe', 'pod', 'big']);
    expect(describe).toMatch(/Status:\s+Pending/);
    expect(describe).toMatch(/Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\. preemption:/);
    expect(describe.replace(/\s+/g, ' ')).toContain(expected);

    // A node that fits appears: the waiting pod moves back to the active queue and lands there.
    await client.create(node({ name: 'n4', cpu: '4' }));
    const placed = await waitScheduled(client, ['big']);
    expect(placed.get('big')).toBe('n4');
    await waitFor('Scheduled event', async () => {
      const evs = await client.list<KubeObject & { reason?: string; message?: string }>({ apiVersion: 'v1', kind: 'Event', namespace: 'default' });
      return evs.items.find((e) => e.reason === 'Scheduled' && e.message === 'Successfully assigned default/big to n4');
    });
  });

  it('follows node changes made with kubectl: label steers a waiting pod, cordon and taint keep new pods away', async () => {
    const { api, client } = await startControlPlane(cleanups);
    for (const name of ['n1', 'n2']) await client.create(node({ name }));
    const s = await startScheduler(api.grpcAddress);
    cleanups.push(() => s.stop());
    const kubectl = await kubectlFor(api.url);
    cleanups.push(() => kubectl.remove());

    await client.create(pod('wants-gpu', { nodeSelector: { gpu: 'true' } }));
    expect(await failedSchedulingMessage(client, 'wants-gpu')).toBe(
      "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    await kubectl.ok(['label', 'node', 'n2', 'gpu=true']);
    expect((await waitScheduled(client, ['wants-gpu'])).get('wants-gpu')).toBe('n2');

    await kubectl.ok(['cordon', 'n1']);
    await kubectl.ok(['taint', 'node', 'n2', 'maintenance=soon:NoSchedule']);
    await client.create(pod('late'));
    expect(await failedSchedulingMessage(client, 'late')).toBe(
      '0/2 nodes are available: 1 node(s) had untolerated taint {maintenance: soon}, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    await kubectl.ok(['uncordon', 'n1']);
    expect((await waitScheduled(client, ['late'])).get('late')).toBe('n1');
  });
});
