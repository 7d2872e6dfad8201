import { describe, expect, it } from 'vitest';
import { Informer, type KubeObject } from '@kite/client';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { FakeKubelet, listPods, nodeObject, startControlPlane, startControllerManager, type PodObj, startWorkers } from './harness.js';

interface JobObj extends KubeObject {
  status?: { active?: number; succeeded?: number; failed?: number; startTime?: string; completionTime?: string; conditions?: Array<{ type: string; status: string; reason?: string; lastTransitionTime?: string }> };
}
const JOB = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'default' } as const;
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const live = (ps: PodObj[]): PodObj[] => ps.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
const isReady = (p: PodObj | undefined): boolean => p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('kite-controller-manager: Jobs, DaemonSets and StatefulSets', () => {
  const cleanups = cleanupAfterEach();

  it('runs a Job with completions 3 and parallelism 2 to Complete, and fails one past its backoffLimit', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    // Pods of "ok" succeed a moment after starting; pods of "bad" fail.
    const born = new Map<string, number>();
    kubelet.fate = (p) => {
      const uid = p.metadata.uid as string;
      if (!born.has(uid)) born.set(uid, Date.now());
      if (p.metadata.labels?.['job-name'] === 'bad') return 'fail';
      if (Date.now() - (born.get(uid) as number) < 200) {
        setTimeout(() => kubelet.resync(), 220);
        return 'run';
      }
      return 'succeed';
    };
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'job']);

    let maxActive = 0;
    const watch = new Informer<PodObj>(client, { apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, { labelSelector: 'job-name=ok' });
    const count = (): void => void (maxActive = Math.max(maxActive, live(watch.list()).length));
    watch.addEventHandler({ onAdd: count, onUpdate: count });
    watch.start();
    cleanups.push(() => watch.stop());
    await watch.waitForSync();

    const job = (name: string, spec: string): string => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${spec}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [sh, -c, 'exit 0']}]
`;
    await kubectl.ok(['apply', '-f', '-'], { stdin: job('ok', '  completions: 3\n  parallelism: 2') });
    const done = await waitFor('job ok Complete', async () => {
      const j = await client.get<JobObj>(JOB, 'ok');
      return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
    }, 30_000);
    expect(done.status).toMatchObject({ succeeded: 3, active: 0 });
    expect(done.status?.completionTime).toBeDefined();
    expect(done.status?.conditions?.map((c) => c.type).sort()).toEqual(['Complete', 'SuccessCriteriaMet']);
    expect(maxActive).toBe(2);
    const pods = await listPods(client, 'default', 'job-name=ok');
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === 'ok' && p.metadata.ownerReferences?.[0]?.kind === 'Job')).toBe(true);
    expect(await kubectl.ok(['get', 'job', 'ok'])).toMatch(/ok\s+Complete\s+3\/3/);

    await kubectl.ok(['apply', '-f', '-'], { stdin: job('bad', '  backoffLimit: 1') });
    const failed = await waitFor('job bad Failed', async () => {
      const j = await client.get<JobObj>(JOB, 'bad');
      return j.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True') ? j : undefined;
    }, 30_000);
    expect(failed.status?.failed).toBe(2);
    expect(failed.status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe('BackoffLimitExceeded');
    expect(failed.status?.conditions?.find((c) => c.type === 'FailureTarget')?.reason).toBe('BackoffLimitExceeded');
    expect(await listPods(client, 'default', 'job-name=bad')).toHaveLength(2);
  });

  it('fails a Job at its activeDeadlineSeconds and deletes a finished one after ttlSecondsAfterFinished', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    kubelet.fate = (p) => (p.metadata.labels?.['job-name'] === 'quick' ? 'succeed' : 'run');
    await kubelet.start();
    cleanups.push(() => kubelet.stop());
    const cm = await startControllerManager(api.grpcAddress, ['--controllers', 'job,garbagecollector']);
    cleanups.push(() => cm.stop());
    const spec = (name: string, extra: Record<string, unknown>): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default' },
      spec: { ...extra, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    await client.create(spec('slow', { activeDeadlineSeconds: 1, parallelism: 2, completions: 4 }));
    await client.create(spec('quick', { ttlSecondsAfterFinished: 1 }));
    const slow = await waitFor('slow failed by deadline', async () => {
      const j = await client.get<JobObj>(JOB, 'slow');
      return j.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True') ? j : undefined;
    }, 20_000);
    // Both times are whole seconds: the failure comes no earlier than startTime + the deadline.
    const failedAt = Date.parse(slow.status?.conditions?.find((c) => c.type === 'Failed')?.lastTransitionTime ?? '');
    expect(failedAt - Date.parse(slow.status?.startTime ?? '')).toBeGreaterThanOrEqual(1000);
    expect(slow.status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe('DeadlineExceeded');
    expect(slow.status?.active ?? 0).toBe(0);
    expect(live(await listPods(client, 'default', 'job-name=slow'))).toEqual([]);
    // quick completes, then it and (through the garbage collector) its pod go.
    await waitFor('quick deleted after its ttl', async () => {
      const jobs = (await client.list<JobObj>(JOB)).items.map((j) => j.metadata.name);
      return !jobs.includes('quick') && (await listPods(client, 'default', 'job-name=quick')).length === 0 ? true : undefined;
    }, 20_000);
  });

  it('runs one DaemonSet pod per eligible node, follows nodes, and rolls an update out', async () => {
    const { api, client } = await startControlPlane(cleanups);
    await client.create(nodeObject({ name: 'n1' }));
    await client.create(nodeObject({ name: 'n2' }));
    await client.create(nodeObject({ name: 'n3', taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }));
    const kubelet = new FakeKubelet(client);
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'daemonset']);
    await kubectl.ok(['apply', '-f', '-'], {
      stdin: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: c, image: busybox}]
`,
    });
    const byNode = async (): Promise<Record<string, string>> =>
      Object.fromEntries(live(await listPods(client, 'default', 'app=agent')).map((p) => [p.spec.nodeName ?? '?', p.spec.containers[0]?.image as string]));
    const want = (expected: Record<string, string>) => async () => {
      const got = await byNode();
      return JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(expected).sort()) ? got : undefined;
    };
    await waitFor('pods on n1 and n2 only', want({ n1: 'busybox', n2: 'busybox' }));
    const pod = (await listPods(client, 'default', 'app=agent'))[0] as PodObj;
    expect(JSON.stringify(pod.spec.affinity)).toContain('"matchFields":[{"key":"metadata.name","operator":"In"');
    expect(pod.spec.tolerations).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' })]));

    await client.create(nodeObject({ name: 'n4' }));
    await waitFor('a pod for the new node', want({ n1: 'busybox', n2: 'busybox', n4: 'busybox' }));
    await client.delete(NODE, 'n1');
    await waitFor('the pod of the deleted node gone', want({ n2: 'busybox', n4: 'busybox' }));
    const ds = await waitFor('status', async () => {
      const d = await client.get<KubeObject & { status?: Record<string, number> }>({ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'default' }, 'agent');
      return d.status?.numberReady === 2 && d.status.desiredNumberScheduled === 2 ? d : undefined;
    });
    expect(ds.status).toMatchObject({ currentNumberScheduled: 2, numberMisscheduled: 0, updatedNumberScheduled: 2, numberAvailable: 2 });

    let maxUnavailable = 0;
    const watch = new Informer<PodObj>(client, { apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, { labelSelector: 'app=agent' });
    let armed = false;
    const check = (): void => {
      if (!armed) return;
      const ready = live(watch.list()).filter(isReady).length;
      maxUnavailable = Math.max(maxUnavailable, 2 - ready);
    };
    watch.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
    watch.start();
    cleanups.push(() => watch.stop());
    await watch.waitForSync();
    armed = true;
    await kubectl.ok(['set', 'image', 'daemonset/agent', 'c=busybox:1.36']);
    expect(await kubectl.ok(['rollout', 'status', 'daemonset/agent', '--timeout=30s'])).toContain('successfully rolled out');
    await waitFor('updated pods', want({ n2: 'busybox:1.36', n4: 'busybox:1.36' }));
    expect(maxUnavailable).toBe(1);
  });

  it('starts StatefulSet pods in order, removes them in reverse, and updates from the highest ordinal down', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    // Each pod takes a moment to become ready, so order is observable.
    const born = new Map<string, number>();
    kubelet.fate = (p) => {
      const uid = p.metadata.uid as string;
      if (!born.has(uid)) born.set(uid, Date.now());
      if (Date.now() - (born.get(uid) as number) < 150) {
        setTimeout(() => kubelet.resync(), 170);
        return 'pending';
      }
      return 'run';
    };
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'statefulset']);

    const events: string[] = [];
    const violations: string[] = [];
    const watch = new Informer<PodObj>(client, { apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, { labelSelector: 'app=web' });
    watch.addEventHandler({
      onAdd: (p) => {
        events.push(`+${p.metadata.name}`);
        const ord = Number((p.metadata.name as string).split('-')[1]);
        for (let i = 0; i < ord; i++) if (!isReady(watch.get(`default/web-${i}`))) violations.push(`web-${ord} created before web-${i} was ready`);
      },
      onDelete: (p) => events.push(`-${p.metadata.name}`),
    });
    watch.start();
    cleanups.push(() => watch.stop());
    await watch.waitForSync();

    await kubectl.ok(['apply', '-f', '-'], {
      stdin: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx}]
`,
    });
    expect(await kubectl.ok(['rollout', 'status', 'statefulset/web', '--timeout=30s'])).toContain('roll');
    await waitFor('3 ready', async () => (live(await listPods(client, 'default', 'app=web')).filter(isReady).length === 3 ? true : undefined));
    expect(events).toEqual(['+web-0', '+web-1', '+web-2']);
    expect(violations).toEqual([]);
    const web1 = watch.get('default/web-1') as PodObj;
    expect(web1.spec.hostname).toBe('web-1');
    expect(web1.spec.subdomain).toBe('web');
    expect(web1.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1' });

    events.length = 0;
    await kubectl.ok(['set', 'image', 'statefulset/web', 'c=nginx:1.25']);
    await waitFor('all updated', async () => {
      const ps = live(await listPods(client, 'default', 'app=web'));
      return ps.length === 3 && ps.every((p) => p.spec.containers[0]?.image === 'nginx:1.25' && isReady(p)) ? true : undefined;
    }, 30_000);
    expect(events).toEqual(['-web-2', '+web-2', '-web-1', '+web-1', '-web-0', '+web-0']);

    events.length = 0;
    await kubectl.ok(['scale', 'statefulset', 'web', '--replicas=1']);
    await waitFor('scaled to 1', async () => ((await listPods(client, 'default', 'app=web')).length === 1 ? true : undefined));
    expect(events).toEqual(['-web-2', '-web-1']);
  });
});
