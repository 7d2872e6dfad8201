import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../support/processes.js';
import { failedSchedulingMessage, node, pod, startControlPlane, startScheduler, waitScheduled } from './harness.js';

describe('kite-scheduler topology spread and host ports', () => {
  const cleanups = cleanupAfterEach();

  it('keeps zones within maxSkew and never puts two pods on one hostPort', async () => {
    const { api, client } = await startControlPlane(cleanups);
    // Zone a has two nodes, zone b one: spreading by zone must still fill b as much as a.
    for (const [name, zone] of [['n1', 'a'], ['n2', 'a'], ['n3', 'b']] as const) {
      await client.create(node({ name, labels: { 'topology.kubernetes.io/zone': zone } }));
    }
    const s = await startScheduler(api.grpcAddress);
    cleanups.push(() => s.stop());

    const constraint = {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }],
    };
    const names = ['s0', 's1', 's2', 's3'];
    for (const n of names) {
      await client.create(pod(n, constraint, { labels: { app: 'spread' } }));
      await waitScheduled(client, [n]);
    }
    const placed = await waitScheduled(client, names);
    const inZoneB = [...placed.values()].filter((n) => n === 'n3').length;
    expect(inZoneB).toBe(2);

    const withPort = { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 9000 }] }] };
    const ported = ['h0', 'h1', 'h2'];
    for (const n of ported) await client.create(pod(n, withPort));
    expect(new Set((await waitScheduled(client, ported)).values())).toEqual(new Set(['n1', 'n2', 'n3']));
    await client.create(pod('h3', withPort));
    expect(await failedSchedulingMessage(client, 'h3')).toBe(
      "0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });
});
