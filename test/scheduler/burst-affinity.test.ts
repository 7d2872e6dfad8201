import { Quantity } from '@kite/api';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { failedSchedulingMessage, node, pod, startControlPlane, startScheduler, waitScheduled, type PodView } from './harness.js';

const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'default' } as const;

describe('kite-scheduler under bursts and with pod affinity', () => {
  const cleanups = cleanupAfterEach();

  it('places a burst of 30 pods on 3 nodes without overcommitting any, and leaves the rest Pending', async () => {
    const { api, client } = await startControlPlane(cleanups);
    for (const name of ['n1', 'n2', 'n3']) await client.create(node({ name, cpu: '1', memory: '4Gi', pods: '12' }));
    const s = await startScheduler(api.grpcAddress);
    cleanups.push(() => s.stop());
    // 33 pods of 100m: exactly 30 fit (1000m per node), created all at once.
    const names = Array.from({ length: 33 }, (_, i) => `burst-${i}`);
    await Promise.all(names.map((n) => client.create(pod(n, {}, { labels: { app: 'burst' }, requests: { cpu: '100m', memory: '64Mi' } }))));
    const placed = await waitFor('30 pods placed and 3 reported unschedulable', async () => {
      const list = await client.list<PodView>(POD, { labelSelector: 'app=burst' });
      const bound = list.items.filter((p) => p.spec.nodeName);
      const failed = list.items.filter((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
      return bound.length === 30 && failed.length === 3 ? list.items : undefined;
    });
    const cpuByNode = new Map<string, bigint>();
    for (const p of placed) {
      if (!p.spec.nodeName) continue;
      const req = (p.spec as { containers: Array<{ resources: { requests: { cpu: string } } }> }).containers[0]?.resources.requests.cpu as string;
      cpuByNode.set(p.spec.nodeName, (cpuByNode.get(p.spec.nodeName) ?? 0n) + Quantity.parse(req).milli);
    }
    expect(Object.fromEntries(cpuByNode)).toEqual({ n1: 1000n, n2: 1000n, n3: 1000n });
    const pending = placed.find((p) => !p.spec.nodeName) as PodView;
    expect(await failedSchedulingMessage(client, pending.metadata.name as string)).toBe(
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
  });

  it('spreads anti-affine replicas one per node and co-locates an affine pod', async () => {
    const { api, client } = await startControlPlane(cleanups);
    for (const name of ['n1', 'n2', 'n3']) await client.create(node({ name, labels: { zone: name === 'n3' ? 'z2' : 'z1' } }));
    const s = await startScheduler(api.grpcAddress);
    cleanups.push(() => s.stop());
    const anti = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }],
        },
      },
    };
    const replicas = ['web-0', 'web-1', 'web-2'];
    for (const r of replicas) await client.create(pod(r, anti, { labels: { app: 'web' } }));
    const placed = await waitScheduled(client, replicas);
    expect(new Set(placed.values())).toEqual(new Set(['n1', 'n2', 'n3']));

    await client.create(pod('web-3', anti, { labels: { app: 'web' } }));
    expect(await failedSchedulingMessage(client, 'web-3')).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );

    // Required affinity to the pod in zone z2 can only be met on n3.
    await client.create(pod('db', {}, { labels: { app: 'db' } }));
    const dbNode = (await waitScheduled(client, ['db'])).get('db') as string;
    const zoneOf = { n1: 'z1', n2: 'z1', n3: 'z2' } as Record<string, string>;
    await client.create(
      pod('cache', {
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' }] } },
      }),
    );
    const cacheNode = (await waitScheduled(client, ['cache'])).get('cache') as string;
    expect(zoneOf[cacheNode]).toBe(zoneOf[dbNode]);

    // Deleting a replica frees its node for the waiting one.
    const freed = placed.get('web-0') as string;
    await client.delete(POD, 'web-0', { gracePeriodSeconds: 0 });
    expect((await waitScheduled(client, ['web-3'])).get('web-3')).toBe(freed);
  });
});
