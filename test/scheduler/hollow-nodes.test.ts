import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@kite/client';
import { repoRoot, startProcess, waitFor, cleanupAfterEach } from '../support/processes.js';
import { pod, startControlPlane, startScheduler } from './harness.js';

const kubeletBin = path.join(repoRoot, 'services/kubelet/dist/bin.js');
const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'default' } as const;

interface PodView extends KubeObject {
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ ready: boolean; state: { running?: unknown } }> };
}

describe('kite-kubelet --hollow-nodes', () => {
  const cleanups = cleanupAfterEach();

  it('registers its nodes, reports the pods bound to them Running, deletes what is marked for deletion, and stops cleanly', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const hollow = startProcess(
      process.execPath,
      [kubeletBin, '--hollow-nodes', '20', '--node-name-prefix', 'hn-', '--apiserver', api.grpcAddress, '--metrics-listen', '127.0.0.1:0', '--log-level', 'warn'],
    );
    cleanups.push(() => hollow.stop('SIGKILL'));
    await waitFor('the hollow kubelet to serve', () => (/hollow nodes hn-0\.\.hn-19 serving/.test(hollow.output()) ? true : undefined), 30_000);

    const nodes = await client.list<KubeObject & { status: { allocatable: Record<string, string>; conditions: Array<{ type: string; status: string }> } }>({ apiVersion: 'v1', kind: 'Node' });
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `hn-${i}`).sort());
    for (const n of nodes.items) {
      expect(n.status.allocatable).toEqual({ cpu: '4', memory: '33554432Ki', pods: '110' });
      expect(n.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    const lease = await client.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-node-lease' }, 'hn-7');
    expect(lease.spec).toMatchObject({ holderIdentity: 'hn-7', leaseDurationSeconds: 40 });

    const s = await startScheduler(api.grpcAddress, ['--leader-elect', 'false']);
    cleanups.push(() => s.stop());
    const names = Array.from({ length: 100 }, (_, i) => `p-${i}`);
    await Promise.all(names.map((n) => client.create(pod(n, {}, { requests: { cpu: '100m', memory: '500Mi' } }))));

    const running = await waitFor(
      '100 pods Running on hollow nodes',
      async () => {
        const list = await client.list<PodView>(POD);
        const done = list.items.filter((p) => p.status?.phase === 'Running');
        return done.length === 100 ? list.items : undefined;
      },
      60_000,
    );
    for (const p of running) {
      expect(p.spec.nodeName).toMatch(/^hn-(1?\d)$/);
      expect(p.status?.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(p.status?.containerStatuses).toEqual([expect.objectContaining({ ready: true, state: { running: expect.any(Object) } })]);
      expect(Object.fromEntries((p.status?.conditions ?? []).map((c) => [c.type, c.status]))).toMatchObject({ PodScheduled: 'True', Ready: 'True', ContainersReady: 'True' });
    }
    // Twenty nodes, a hundred pods: the scheduler spreads them rather than piling them up.
    expect(new Set(running.map((p) => p.spec.nodeName)).size).toBeGreaterThan(10);

    // A pod on a node gets a deletionTimestamp first; the hollow kubelet finishes the delete.
    await client.delete(POD, 'p-0');
    await waitFor('p-0 to be gone', async () => ((await client.list<PodView>(POD)).items.some((p) => p.metadata.name === 'p-0') ? undefined : true), 20_000);

    expect(await hollow.stop('SIGTERM', 10_000)).toBe(0);
  });
});
