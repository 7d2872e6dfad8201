import { describe, expect, it } from 'vitest';
import { Informer, isNotFound, type KubeObject } from '@kite/client';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { FakeKubelet, listPods, nodeObject, startControlPlane, startControllerManager, startWorkers } from './harness.js';

interface NamespaceObj extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

const NS = { apiVersion: 'v1', kind: 'Namespace' } as const;
const CM = { apiVersion: 'v1', kind: 'ConfigMap' } as const;

/** The namespace's contents: every object of these kinds in it, as `kind/name`. */
const CONTENT = [
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
] as const;

describe('kite-controller-manager: namespace controller', () => {
  const cleanups = cleanupAfterEach();

  it('kubectl delete namespace removes its deployment, replica set, pods and config map, then the namespace (default controllers)', async () => {
    const { api, client } = await startControlPlane(cleanups);
    // Pods go onto a node, so their deletion is graceful and waits for the (fake) kubelet.
    await client.create(nodeObject({ name: 'node-a' }));
    const kubelet = new FakeKubelet(client, ['node-a']);
    const { kubectl } = await startWorkers(cleanups, api, kubelet);
    // Every version of the namespace, to see what it went through on its way out.
    const seen: NamespaceObj[] = [];
    const watch = new Informer<NamespaceObj>(client, NS);
    watch.addEventHandler({ onUpdate: (_o, n) => void (n.metadata.name === 'team' && seen.push(n)) });
    watch.start();
    cleanups.push(() => watch.stop());
    await watch.waitForSync();

    await kubectl.ok(['create', 'namespace', 'team']);
    await kubectl.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '-n', 'team']);
    await kubectl.ok(['create', 'configmap', 'settings', '--from-literal=mode=fast', '-n', 'team']);
    await kubectl.ok(['run', 'solo', '--image=busybox', '-n', 'team']);
    await waitFor('three running pods on node-a', async () => {
      const pods = await listPods(client, 'team');
      return pods.length === 3 && pods.every((p) => p.spec.nodeName === 'node-a' && p.status?.phase === 'Running') ? pods : undefined;
    });

    const deleted = await kubectl(['delete', 'namespace', 'team', '--timeout=60s'], { timeoutMs: 70_000 });
    expect([deleted.code, deleted.stdout, deleted.stderr]).toEqual([0, 'namespace "team" deleted\n', '']);
    expect((await kubectl(['get', 'namespace', 'team'])).stderr).toBe('Error from server (NotFound): namespaces "team" not found\n');
    for (const t of CONTENT) expect([t.kind, (await client.list({ ...t, namespace: 'team' })).items]).toEqual([t.kind, []]);

    const terminating = seen.filter((n) => n.status?.phase === 'Terminating');
    expect(terminating.length).toBeGreaterThan(0);
    const last = terminating[terminating.length - 1] as NamespaceObj;
    expect(last.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'NamespaceDeletionDiscoveryFailure=False',
      'NamespaceDeletionGroupVersionParsingFailure=False',
      'NamespaceDeletionContentFailure=False',
      'NamespaceContentRemaining=False',
      'NamespaceFinalizersRemaining=False',
    ]);
    // The finalizer went only in the namespace's last version, the controller's finalize.
    expect(terminating.slice(0, -1).every((n) => n.spec?.finalizers?.includes('kubernetes'))).toBe(true);
  });

  it('a namespace stays Terminating, saying why, while its content waits on a finalizer', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const cm = await startControllerManager(api.grpcAddress);
    cleanups.push(() => cm.stop());
    await client.create({ ...NS, metadata: { name: 'held' } });
    await client.create({ ...CM, metadata: { name: 'pinned', namespace: 'held', finalizers: ['example.com/hold'] }, data: {} });
    await client.delete(NS, 'held');

    const why = await waitFor('the namespace to report what remains', async () => {
      const ns = await client.get<NamespaceObj>(NS, 'held');
      const c = ns.status?.conditions ?? [];
      return c.some((x) => x.type === 'NamespaceFinalizersRemaining' && x.status === 'True') ? ns : undefined;
    });
    expect(why.status?.phase).toBe('Terminating');
    expect(why.spec?.finalizers).toEqual(['kubernetes']);
    expect(why.status?.conditions?.filter((c) => c.status === 'True').map((c) => [c.type, c.reason, c.message])).toEqual([
      ['NamespaceContentRemaining', 'SomeResourcesRemain', 'Some resources are remaining: configmaps. has 1 resource instances'],
      ['NamespaceFinalizersRemaining', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances'],
    ]);
    expect((await client.get({ ...CM, namespace: 'held' }, 'pinned')).metadata.deletionTimestamp).toBeDefined();

    await client.patch({ ...CM, namespace: 'held' }, 'pinned', 'merge', { metadata: { finalizers: null } });
    // Kubernetes looks again at content held by finalizers after 15 s / 2 + 1 s.
    await waitFor(
      'the namespace to go',
      async () => {
        try {
          await client.get(NS, 'held');
          return undefined;
        } catch (err) {
          if (isNotFound(err)) return true;
          throw err;
        }
      },
      30_000,
    );
  });
});
