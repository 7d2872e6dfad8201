import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@kite/client';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { FakeKubelet, listPods, nodeObject, startControlPlane, startControllerManager } from './harness.js';

interface NodeObj extends KubeObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; taints?: Array<{ key: string; effect: string; timeAdded?: string }> };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string }> };
}

const NODE = { apiVersion: 'v1', kind: 'Node' } as const;

describe('kite-controller-manager: node lifecycle and IPAM', () => {
  const cleanups = cleanupAfterEach();

  it('assigns free pod CIDRs, marks a silent node Unknown, taints it, evicts its pods after their toleration, and untaints it when it returns', async () => {
    const { api, client } = await startControlPlane(cleanups, ['--default-toleration-seconds', '2']);
    // A node that already holds the first subnet: IPAM must skip it.
    await client.create({ ...nodeObject({ name: 'n0' }), spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } });
    for (const name of ['n1', 'n2']) await client.create(nodeObject({ name }));
    const beating = new Set(['n0', 'n1', 'n2']);
    const beat = setInterval(() => {
      for (const n of beating) void client.heartbeat(n, 4).catch(() => undefined);
    }, 300);
    cleanups.push(() => clearInterval(beat));
    const kubelet = new FakeKubelet(client, ['n1', 'n2']);
    await kubelet.start();
    cleanups.push(() => kubelet.stop());
    const cm = await startControllerManager(api.grpcAddress, ['--controllers', 'nodelifecycle,nodeipam,replicaset,podgc']);
    cleanups.push(() => cm.stop());

    const cidrs = await waitFor('pod CIDRs', async () => {
      const items = (await client.list<NodeObj>(NODE)).items;
      return items.every((n) => n.spec?.podCIDR) ? Object.fromEntries(items.map((n) => [n.metadata.name, n.spec?.podCIDR])) : undefined;
    });
    expect(cidrs.n0).toBe('10.244.0.0/24');
    expect(new Set([cidrs.n1, cidrs.n2])).toEqual(new Set(['10.244.1.0/24', '10.244.2.0/24']));

    await client.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const placed = await waitFor('4 running pods on n1 and n2', async () => {
      const ps = await listPods(client);
      return ps.length === 4 && ps.every((p) => p.status?.phase === 'Running') ? ps : undefined;
    });
    const onN2 = placed.filter((p) => p.spec.nodeName === 'n2').map((p) => p.metadata.name);
    expect(onN2.length).toBe(2);
    // The apiserver gave every pod 2 s of toleration for both taints.
    expect(placed[0]?.spec.tolerations).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', tolerationSeconds: 2 })]),
    );

    // n2's kubelet dies: no lease renewals, no status, no pod updates.
    const silentAt = Date.now();
    beating.delete('n2');
    kubelet.dead.add('n2');
    const unknown = await waitFor('n2 Ready Unknown', async () => {
      const n = await client.get<NodeObj>(NODE, 'n2');
      return n.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'Unknown');
    }, 20_000);
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(3_500);
    expect(unknown).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const tainted = await waitFor('unreachable taint', async () => {
      const n = await client.get<NodeObj>(NODE, 'n2');
      return n.spec?.taints?.find((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute');
    });
    expect(tainted.timeAdded).toBeDefined();
    // Its pods are marked not ready at once and evicted after 2 s; n1's are untouched.
    await waitFor('n2 pods evicted', async () => {
      const ps = await listPods(client);
      return onN2.every((name) => ps.find((p) => p.metadata.name === name)?.metadata.deletionTimestamp !== undefined) ? true : undefined;
    }, 20_000);
    // timeAdded is in whole seconds, never after the taint really came: 2 s of toleration had passed.
    expect(Date.now() - Date.parse(tainted.timeAdded as string)).toBeGreaterThanOrEqual(2_000);
    const after = await listPods(client);
    expect(after.filter((p) => p.spec.nodeName === 'n1' && p.metadata.deletionTimestamp !== undefined)).toEqual([]);
    // The ReplicaSet replaces them on the live node.
    await waitFor('4 live pods again, on n1', async () => {
      const ps = (await listPods(client)).filter((p) => p.metadata.deletionTimestamp === undefined);
      return ps.length === 4 && ps.every((p) => p.spec.nodeName === 'n1' && p.status?.phase === 'Running') ? true : undefined;
    }, 20_000);
    const n1 = await client.get<NodeObj>(NODE, 'n1');
    expect(n1.spec?.taints ?? []).toEqual([]);

    // n2 comes back: lease renewed, kubelet posts Ready again; the taints go.
    beating.add('n2');
    const n2 = await client.get<NodeObj>(NODE, 'n2');
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await client.updateStatus({
      ...n2,
      ...NODE,
      status: { ...n2.status, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] },
    });
    await waitFor('n2 untainted', async () => {
      const n = await client.get<NodeObj>(NODE, 'n2');
      return (n.spec?.taints ?? []).length === 0 && n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? true : undefined;
    });

    // n2 is removed for good: its pods, stuck terminating without a kubelet, are force-deleted.
    expect((await listPods(client)).filter((p) => p.spec.nodeName === 'n2').length).toBe(2);
    await client.delete(NODE, 'n2');
    await waitFor('pods of the deleted node gone', async () => ((await listPods(client)).every((p) => p.spec.nodeName !== 'n2') ? true : undefined), 20_000);
    expect((await listPods(client)).length).toBe(4);
  });

  it('does not duplicate a StatefulSet pod whose node is unreachable until that pod is really gone', async () => {
    const { api, client } = await startControlPlane(cleanups, ['--default-toleration-seconds', '1']);
    for (const name of ['n1', 'n2']) await client.create(nodeObject({ name }));
    const beating = new Set(['n1', 'n2']);
    const beat = setInterval(() => {
      for (const n of beating) void client.heartbeat(n, 4).catch(() => undefined);
    }, 300);
    cleanups.push(() => clearInterval(beat));
    const kubelet = new FakeKubelet(client, ['n1', 'n2']);
    await kubelet.start();
    cleanups.push(() => kubelet.stop());
    const cm = await startControllerManager(api.grpcAddress, ['--controllers', 'nodelifecycle,statefulset']);
    cleanups.push(() => cm.stop());
    await client.create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: { serviceName: 'web', replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const placed = await waitFor('web-0 and web-1 running', async () => {
      const ps = await listPods(client, 'default', 'app=web');
      return ps.length === 2 && ps.every((p) => p.status?.phase === 'Running') ? ps : undefined;
    });
    const victim = placed.find((p) => p.spec.nodeName === 'n2');
    expect(victim).toBeDefined();
    beating.delete('n2');
    kubelet.dead.add('n2');
    await waitFor('the pod on n2 evicted', async () => {
      const p = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, victim?.metadata.name as string);
      return p.metadata.deletionTimestamp !== undefined ? true : undefined;
    }, 20_000);
    await waitFor('StatefulSet counts one live replica', async () => {
      const sts = await client.get<KubeObject & { status?: { replicas?: number } }>({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'default' }, 'web');
      return sts.status?.replicas === 1 ? true : undefined;
    });
    // Still exactly one pod with that identity: the terminating one.
    const same = (await listPods(client, 'default', 'app=web')).filter((p) => p.metadata.name === victim?.metadata.name);
    expect(same.map((p) => p.metadata.uid)).toEqual([victim?.metadata.uid]);
    // Force-deleting it (the node is known gone) frees the identity: it comes back on n1.
    await client.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, victim?.metadata.name as string, { gracePeriodSeconds: 0 });
    const back = await waitFor('identity recreated on n1', async () => {
      const p = (await listPods(client, 'default', 'app=web')).find((x) => x.metadata.name === victim?.metadata.name);
      return p && p.metadata.uid !== victim?.metadata.uid && p.spec.nodeName === 'n1' ? p : undefined;
    }, 20_000);
    expect(back.spec.hostname).toBe(victim?.metadata.name);
  });
});

