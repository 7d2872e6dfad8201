import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@kite/client';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { FakeKubelet, listPods, startControlPlane, startControllerManager, startWorkers } from './harness.js';

const CM_TYPE = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const CM = { ...CM_TYPE, namespace: 'default' } as const;
const EP = { apiVersion: 'v1', kind: 'Endpoints', namespace: 'default' } as const;

interface Subset {
  addresses?: Array<{ ip: string; targetRef?: { name: string } }>;
  notReadyAddresses?: Array<{ ip: string; targetRef?: { name: string } }>;
  ports?: Array<{ name?: string; port: number; protocol: string }>;
}

const exists = async (fn: () => Promise<unknown>): Promise<boolean> => {
  try {
    await fn();
    return true;
  } catch {
    return false;
  }
};

describe('kite-controller-manager: garbage collector and endpoints', () => {
  const cleanups = cleanupAfterEach();

  it('deletes dependents of a deleted owner, orphans or waits for them when the owner carries the orphan or foregroundDeletion finalizer', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const cm = await startControllerManager(api.grpcAddress, ['--controllers', 'garbagecollector']);
    cleanups.push(() => cm.stop());
    const owner = async (name: string, finalizers?: string[]): Promise<KubeObject> =>
      client.create({ ...CM_TYPE, metadata: { name, namespace: 'default', ...(finalizers ? { finalizers } : {}) }, data: {} });
    const dependent = async (name: string, o: KubeObject, block = false): Promise<KubeObject> =>
      client.create({
        ...CM_TYPE,
        metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name as string, uid: o.metadata.uid as string, ...(block ? { blockOwnerDeletion: true } : {}) }] },
        data: {},
      });
    const present = (name: string): Promise<boolean> => exists(() => client.get(CM, name));

    // Background: the owner goes at once, then its dependents (and theirs).
    const a = await owner('a');
    const a1 = await dependent('a1', a);
    await dependent('a2', a1);
    // A dependent with a second, live owner only loses the reference.
    const keep = await owner('keep');
    await client.create({
      ...CM_TYPE,
      metadata: {
        name: 'shared',
        namespace: 'default',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: a.metadata.uid as string },
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'keep', uid: keep.metadata.uid as string },
        ],
      },
      data: {},
    });
    await client.delete(CM, 'a');
    await waitFor('a1 and a2 collected', async () => (!(await present('a1')) && !(await present('a2')) ? true : undefined));
    const shared = await waitFor('shared loses its dangling reference', async () => {
      const s = await client.get(CM, 'shared');
      return s.metadata.ownerReferences?.length === 1 ? s : undefined;
    });
    expect(shared.metadata.ownerReferences?.[0]?.name).toBe('keep');

    // Orphan: the dependent survives without the reference; then the owner goes.
    const o = await owner('o', ['orphan']);
    await dependent('o1', o);
    await client.delete(CM, 'o');
    await waitFor('o removed', async () => (!(await present('o')) ? true : undefined));
    const o1 = await client.get(CM, 'o1');
    expect(o1.metadata.ownerReferences).toBeUndefined();

    // Foreground: the owner stays (marked) until its blocking dependents are gone.
    const f = await owner('f', ['foregroundDeletion']);
    await dependent('f1', f, true);
    // The dependent's own finalizer holds it, and so holds the owner.
    await client.patch(CM, 'f1', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
    await client.delete(CM, 'f');
    await waitFor('f1 marked for deletion', async () => ((await client.get(CM, 'f1')).metadata.deletionTimestamp ? true : undefined));
    expect((await client.get(CM, 'f')).metadata.deletionTimestamp).toBeDefined();
    await client.patch(CM, 'f1', 'merge', { metadata: { finalizers: null } });
    await waitFor('f removed after f1', async () => (!(await present('f')) && !(await present('f1')) ? true : undefined));
    expect(await present('keep')).toBe(true);
  });

  it('keeps Endpoints in line with the ready pods of a service, named ports resolved per pod', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'endpoint,replicaset']);
    const manifest = `
apiVersion: v1
kind: Service
metadata: {name: web, labels: {tier: front}}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: web}
  - {name: metrics, port: 9090, targetPort: 9100}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: nginx
        ports: [{name: web, containerPort: 8080}]
`;
    await kubectl.ok(['apply', '-f', '-'], { stdin: manifest });
    const subsets = async (): Promise<Subset[]> => ((await client.get<KubeObject & { subsets?: Subset[] }>(EP, 'web')).subsets ?? []);
    const ready = await waitFor('3 ready addresses', async () => {
      const s = await subsets();
      return s.length === 1 && s[0]?.addresses?.length === 3 ? s : undefined;
    });
    const pods = await listPods(client, 'default', 'app=web');
    expect(ready[0]?.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'metrics', port: 9100, protocol: 'TCP' },
    ]);
    expect(new Set(ready[0]?.addresses?.map((a) => a.ip))).toEqual(new Set(pods.map((p) => p.status?.podIP)));
    const ep = await client.get(EP, 'web');
    expect(ep.metadata.labels).toEqual({ tier: 'front' });

    // A pod that stops being ready moves to notReadyAddresses.
    const victim = pods[0]?.metadata.name as string;
    kubelet.fate = (p) => (p.metadata.name === victim ? 'unready' : 'run');
    kubelet.resync();
    const split = await waitFor('one not-ready address', async () => {
      const s = await subsets();
      return s[0]?.notReadyAddresses?.length === 1 && s[0]?.addresses?.length === 2 ? s : undefined;
    });
    expect(split[0]?.notReadyAddresses?.[0]?.targetRef?.name).toBe(victim);

    // Deleting the service deletes its endpoints.
    await kubectl.ok(['delete', 'service', 'web']);
    await waitFor('endpoints removed', async () => (!(await exists(() => client.get(EP, 'web'))) ? true : undefined));
  });
});
