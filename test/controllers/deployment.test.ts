import { describe, expect, it } from 'vitest';
import { Informer, type KubeObject } from '@kite/client';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { FakeKubelet, listPods, startControlPlane, startControllerManager, type PodObj, startWorkers } from './harness.js';

interface RS extends KubeObject {
  spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}
interface Deploy extends KubeObject {
  spec: { replicas: number; paused?: boolean; template: { spec: { containers: Array<{ image: string }> } } };
  status?: { replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number; conditions?: Array<{ type: string; status: string; reason: string }> };
}

const RS_T = { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'default' } as const;
const DEP_T = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default' } as const;

const live = (pods: PodObj[]): PodObj[] => pods.filter((p) => p.metadata.deletionTimestamp === undefined);
const images = (pods: PodObj[]): string[] => [...new Set(live(pods).map((p) => p.spec.containers[0]?.image as string))].sort();

describe('kite-controller-manager: ReplicaSets and Deployments with kubectl', () => {
  const cleanups = cleanupAfterEach();

  it('creates, scales, rolls out within maxSurge/maxUnavailable, undoes, restarts, pauses, and cascades deletion', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    const { kubectl } = await startWorkers(cleanups, api, kubelet);

    const rsList = async (): Promise<RS[]> => (await client.list<RS>(RS_T)).items;
    const settled = async (replicas: number, image: string): Promise<true | undefined> => {
      const d = await client.get<Deploy>(DEP_T, 'web');
      const pods = live(await listPods(client, 'default', 'app=web'));
      const s = d.status ?? {};
      return s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.availableReplicas === replicas && s.replicas === replicas && pods.length === replicas && images(pods).join() === image ? true : undefined;
    };

    await kubectl.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    await waitFor('3 ready pods', () => settled(3, 'nginx'));
    const first = await rsList();
    expect(first).toHaveLength(1);
    expect(first[0]?.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(first[0]?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const pods = await listPods(client, 'default', 'app=web');
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${first[0]?.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: first[0]?.metadata.name, controller: true, blockOwnerDeletion: true })]);
    }
    expect(await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toContain('successfully rolled out');
    const table = await kubectl.ok(['get', 'deployment', 'web']);
    expect(table).toMatch(/web\s+3\/3\s+3\s+3/);

    await kubectl.ok(['scale', 'deployment', 'web', '--replicas=5']);
    await waitFor('5 ready pods', () => settled(5, 'nginx'));

    // Watch every pod change during the rollout: 5 replicas, maxSurge 2 (25% up), maxUnavailable 1 (25% down).
    const violations: string[] = [];
    let maxSeen = 0;
    const watch = new Informer<PodObj>(client, { apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, { labelSelector: 'app=web' });
    let armed = false;
    const check = (): void => {
      if (!armed) return;
      const ps = live(watch.list());
      const ready = ps.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      maxSeen = Math.max(maxSeen, ps.length);
      if (ps.length > 7) violations.push(`${ps.length} pods > 5 + maxSurge 2`);
      if (ready < 4) violations.push(`${ready} ready < 5 - maxUnavailable 1`);
    };
    watch.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
    watch.start();
    cleanups.push(() => watch.stop());
    await watch.waitForSync();
    armed = true;
    // New pods take a moment to become ready, so the rollout has to respect the limits.
    const slow = new Map<string, number>();
    kubelet.fate = (p) => {
      const seen = slow.get(p.metadata.uid as string) ?? Date.now();
      slow.set(p.metadata.uid as string, seen);
      if (Date.now() - seen < 300) {
        setTimeout(() => kubelet.resync(), 320);
        return 'pending';
      }
      return 'run';
    };
    await kubectl.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.25']);
    expect(await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain('successfully rolled out');
    await waitFor('rollout to nginx:1.25', () => settled(5, 'nginx:1.25'));
    expect(violations).toEqual([]);
    expect(maxSeen).toBeGreaterThan(5);
    kubelet.fate = () => 'run';

    const history = await kubectl.ok(['rollout', 'history', 'deployment/web']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\s*\n1\s+<none>\s*\n2\s+<none>/);

    await kubectl.ok(['rollout', 'undo', 'deployment/web']);
    await waitFor('undo to nginx', () => settled(5, 'nginx'));
    const afterUndo = await rsList();
    expect(afterUndo).toHaveLength(2);
    const original = afterUndo.find((r) => r.metadata.uid === first[0]?.metadata.uid);
    expect(original?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(original?.spec.replicas).toBe(5);

    await kubectl.ok(['rollout', 'restart', 'deployment/web']);
    await waitFor('restart rolls a third ReplicaSet', async () => ((await rsList()).length === 3 && (await settled(5, 'nginx')) ? true : undefined));

    await kubectl.ok(['rollout', 'pause', 'deployment/web']);
    await waitFor('paused condition', async () => {
      const d = await client.get<Deploy>(DEP_T, 'web');
      return d.status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused') ? true : undefined;
    });
    await kubectl.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.26']);
    // Paused: the template change makes no ReplicaSet; scaling still works.
    await kubectl.ok(['scale', 'deployment', 'web', '--replicas=2']);
    await waitFor('paused deployment scaled to 2', async () => (live(await listPods(client, 'default', 'app=web')).length === 2 ? true : undefined));
    expect((await rsList()).length).toBe(3);
    expect(images(await listPods(client, 'default', 'app=web'))).toEqual(['nginx']);
    await kubectl.ok(['rollout', 'resume', 'deployment/web']);
    await waitFor('resumed rollout to nginx:1.26', () => settled(2, 'nginx:1.26'));

    await kubectl.ok(["delete", "deployment", "web"]);
    await waitFor('ReplicaSets and pods garbage-collected', async () => ((await rsList()).length === 0 && (await listPods(client)).length === 0 ? true : undefined), 30_000);
  });

  it('Recreate stops every old pod before starting new ones; a stuck rollout exceeds its progress deadline', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'replicaset,deployment']);
    await kubectl.ok(['apply', '-f', '-'], {
      stdin: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  replicas: 2
  progressDeadlineSeconds: 2
  strategy: {type: Recreate}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: redis, image: redis}]
`,
    });
    await waitFor('2 running', async () => (live(await listPods(client, 'default', 'app=db')).filter((p) => p.status?.phase === 'Running').length === 2 ? true : undefined));
    const mixed: string[] = [];
    const watch = new Informer<PodObj>(client, { apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, { labelSelector: 'app=db' });
    const check = (): void => {
      const imgs = images(watch.list());
      if (imgs.length > 1) mixed.push(imgs.join(','));
    };
    watch.addEventHandler({ onAdd: check, onUpdate: check });
    watch.start();
    cleanups.push(() => watch.stop());
    await watch.waitForSync();
    // The new pods never become ready: the rollout stalls and must say so.
    kubelet.fate = (p) => (p.spec.containers[0]?.image === 'redis:7' ? 'unready' : 'run');
    await kubectl.ok(['set', 'image', 'deployment/db', 'redis=redis:7']);
    const d = await waitFor('ProgressDeadlineExceeded', async () => {
      const x = await client.get<Deploy>(DEP_T, 'db');
      return x.status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') ? x : undefined;
    }, 20_000);
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.status).toBe('False');
    expect(mixed).toEqual([]);
    expect(images(await listPods(client, 'default', 'app=db'))).toEqual(['redis:7']);
    const r = await kubectl(['rollout', 'status', 'deployment/db', '--timeout=10s']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('exceeded its progress deadline');
    // Once the pods become ready the rollout completes after all.
    kubelet.fate = () => 'run';
    kubelet.resync();
    expect(await kubectl.ok(['rollout', 'status', 'deployment/db', '--timeout=30s'])).toContain('successfully rolled out');
  });

  it('adopts orphans matching a ReplicaSet and releases pods relabelled out of it', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    await kubelet.start();
    cleanups.push(() => kubelet.stop());
    const orphan = await client.create<KubeObject>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const cm = await startControllerManager(api.grpcAddress, ['--controllers', 'replicaset']);
    cleanups.push(() => cm.stop());
    const rs = await client.create<KubeObject>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'x', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const two = await waitFor('2 pods, the orphan adopted', async () => {
      const ps = await listPods(client, 'default', 'app=x');
      return ps.length === 2 && ps.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid) ? ps : undefined;
    });
    expect(two.map((p) => p.metadata.uid)).toContain(orphan.metadata.uid);
    await client.patch({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, 'orphan', 'merge', { metadata: { labels: { app: 'debug' } } });
    const released = await waitFor('orphan released', async () => {
      const p = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, 'orphan');
      return p.metadata.ownerReferences === undefined ? p : undefined;
    });
    expect(released.metadata.labels).toEqual({ app: 'debug' });
    await waitFor('a replacement', async () => ((await listPods(client, 'default', 'app=x')).length === 2 ? true : undefined));
    const status = await waitFor('status', async () => {
      const x = await client.get<RS>(RS_T, 'x');
      return x.status?.readyReplicas === 2 ? x.status : undefined;
    });
    expect(status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });
});
