import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informer, KiteApiError, KiteClient, type KubeObject } from '@kite/client';
import { freePort, startApiServer, startKiteStore, tempDir, waitFor, type ApiServerProc, type StoreProc } from '../support/processes.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap' };
const configMap = (name: string, data: Record<string, string> = {}): KubeObject => ({ ...CM, metadata: { name, namespace: 'default' }, data });

async function rejection(p: Promise<unknown>): Promise<KiteApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KiteApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('kite.v1 gRPC API and the client informers', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let store: StoreProc;
  let api: ApiServerProc;
  let grpcPort: number;
  let client: KiteClient;

  beforeAll(async () => {
    dir = await tempDir('kite-grpc-');
    store = await startKiteStore(`${dir.dir}/store`);
    grpcPort = await freePort();
    api = await startApiServer([store.endpoint], ['--grpc-listen', `127.0.0.1:${grpcPort}`]);
    client = new KiteClient(api.grpcAddress);
  });

  afterAll(async () => {
    client?.close();
    await api?.stop();
    await store?.stop();
    await dir?.remove();
  });

  it('creates, reads, lists, updates, patches and deletes through the registry', async () => {
    const created = await client.create(configMap('g1', { a: '1' }));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    const got = await client.get(CM_T, 'g1');
    expect(got.data).toEqual({ a: '1' });
    const updated = await client.update({ ...got, data: { a: '2' } });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(got.metadata.resourceVersion));
    const stale = await rejection(client.update({ ...got, data: { a: '3' } }));
    expect([stale.code, stale.reason]).toEqual([409, 'Conflict']);
    const patched = await client.patch(CM_T, 'g1', 'merge', { data: { b: 'x' } });
    expect(patched.data).toEqual({ a: '2', b: 'x' });
    await client.create(configMap('g2'));
    const list = await client.list(CM_T, { fieldSelector: 'metadata.name=g2' });
    expect(list.items.map((o) => o.metadata.name)).toEqual(['g2']);
    await client.delete(CM_T, 'g1');
    const gone = await rejection(client.get(CM_T, 'g1'));
    expect([gone.code, gone.reason, gone.message]).toEqual([404, 'NotFound', 'configmaps "g1" not found']);
  });

  it('answers bad input with the Kubernetes reason and code', async () => {
    const dup = await rejection(client.create(configMap('g2')));
    expect([dup.code, dup.reason]).toEqual([409, 'AlreadyExists']);
    const invalid = await rejection(client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }));
    expect([invalid.code, invalid.reason]).toEqual([422, 'Invalid']);
    expect(invalid.message).toContain('metadata.name');
    const noNs = await rejection(client.create({ ...configMap('g3'), metadata: { name: 'g3', namespace: 'nowhere' } }));
    expect([noNs.code, noNs.message]).toEqual([404, 'namespaces "nowhere" not found']);
    const unknownKind = await rejection(client.get({ apiVersion: 'v1', kind: 'Widget' }, 'x'));
    expect(unknownKind.code).toBe(404);
  });

  it('finalizeNamespace replaces only spec.finalizers, conditionally, and finishes a terminating namespace', async () => {
    const NS = { apiVersion: 'v1', kind: 'Namespace' };
    const ns = await client.create<KubeObject>({ ...NS, metadata: { name: 'grpc-fin' } });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    const kept = await client.finalizeNamespace({ ...ns, metadata: { ...ns.metadata, labels: { ignored: 'yes' } }, spec: { finalizers: ['example.com/keep'] } });
    expect([kept.spec, kept.metadata.labels]).toEqual([{ finalizers: ['example.com/keep'] }, { 'kubernetes.io/metadata.name': 'grpc-fin' }]);
    const stale = await rejection(client.finalizeNamespace({ ...ns, spec: { finalizers: [] } }));
    expect([stale.code, stale.reason]).toEqual([409, 'Conflict']);

    await client.delete(NS, 'grpc-fin');
    const terminating = await client.get(NS, 'grpc-fin');
    expect(terminating.status).toMatchObject({ phase: 'Terminating' });
    await client.finalizeNamespace({ ...terminating, spec: { finalizers: [] } });
    expect((await rejection(client.get(NS, 'grpc-fin'))).code).toBe(404);
    expect((await rejection(client.finalizeNamespace({ ...terminating, spec: { finalizers: [] } }))).code).toBe(404);
  });

  it('binds a pod once and renews node leases on heartbeat', async () => {
    const pod = await client.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bind-me', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await client.bind('default', 'bind-me', 'node-a', pod.metadata.uid);
    const bound = await client.get<KubeObject & { spec: { nodeName?: string } }>({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, 'bind-me');
    expect(bound.spec.nodeName).toBe('node-a');
    const again = await rejection(client.bind('default', 'bind-me', 'node-b'));
    expect(again.reason).toBe('Conflict');

    const first = await client.heartbeat('node-a', 40);
    const second = await client.heartbeat('node-a', 40);
    expect(Number(second.resourceVersion)).toBeGreaterThan(Number(first.resourceVersion));
    const lease = await client.get<KubeObject & { spec: Record<string, unknown> }>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-node-lease' }, 'node-a');
    expect(lease.spec).toMatchObject({ holderIdentity: 'node-a', leaseDurationSeconds: 40, renewTime: second.renewTime });
  });

  it('keeps an informer in sync across an apiserver restart, re-listing on 410', async () => {
    const informer = new Informer(client, CM_T, { labelSelector: 'inf=yes', backoffMs: 50, maxBackoffMs: 200 });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_, o) => seen.push(`update ${o.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    const labelled = (name: string): KubeObject => ({ ...configMap(name), metadata: { name, namespace: 'default', labels: { inf: 'yes' } } });
    await client.create(labelled('i1'));
    await client.create(labelled('i2'));
    informer.start();
    await informer.waitForSync();
    expect(informer.list().map((o) => o.metadata.name).sort()).toEqual(['i1', 'i2']);
    await client.create(labelled('i3'));
    await client.patch(CM_T, 'i1', 'merge', { data: { x: '1' } });
    await waitFor('watch events', () => (seen.includes('add i3') && seen.includes('update i1') ? true : undefined));

    // Changes made while the informer's apiserver is down come back through a re-list.
    await api.stop();
    const other = await startApiServer([store.endpoint]);
    const otherClient = new KiteClient(other.grpcAddress);
    try {
      await otherClient.delete(CM_T, 'i2');
      await otherClient.create(labelled('i4'));
    } finally {
      otherClient.close();
      await other.stop();
    }
    api = await startApiServer([store.endpoint], ['--grpc-listen', `127.0.0.1:${grpcPort}`]);
    await waitFor('informer to catch up', () => (informer.get('default/i4') !== undefined && informer.get('default/i2') === undefined ? true : undefined), 20_000);
    expect(seen).toContain('delete i2');
    expect(informer.list().map((o) => o.metadata.name).sort()).toEqual(['i1', 'i3', 'i4']);
    informer.stop();
  });
});

const CM_T = { ...CM, namespace: 'default' };
