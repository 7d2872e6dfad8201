import { describe, expect, it } from 'vitest';
import { Informer, type KiteClient, type KubeObject } from '@kite/client';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { FakeKubelet, listPods, startControlPlane, type PodObj, startWorkers } from './harness.js';

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface JobObj extends KubeObject {
  status?: { active?: number; succeeded?: number; failed?: number; ready?: number; startTime?: string; completedIndexes?: string; conditions?: Cond[] };
}
const JOB = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'default' } as const;
const INDEX = 'batch.kubernetes.io/job-completion-index';
const live = (ps: PodObj[]): PodObj[] => ps.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
const condition = (j: JobObj, type: string): Cond | undefined => j.status?.conditions?.find((c) => c.type === type);

function jobYaml(name: string, spec: string, podSpec = ''): string {
  return `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${spec}
  template:
    spec:
      restartPolicy: Never
${podSpec}      containers: [{name: c, image: busybox, command: [sh, -c, 'exit 0']}]
`;
}

const jobWhere = (client: KiteClient, name: string, what: string, ok: (j: JobObj) => boolean, timeoutMs = 30_000): Promise<JobObj> =>
  waitFor(
    `job ${name}: ${what}`,
    async () => {
      const j = await client.get<JobObj>(JOB, name);
      return ok(j) ? j : undefined;
    },
    timeoutMs,
  );

/** Ends a pod as a kubelet would report it: its container `c` exited with `exitCode`. */
async function exitPod(client: KiteClient, p: PodObj, exitCode: number): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await client.updateStatus({
    ...p,
    apiVersion: 'v1',
    kind: 'Pod',
    status: {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      startTime: now,
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }],
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: now, finishedAt: now } } }],
    },
  });
}

describe('kite-controller-manager: Indexed, suspended and policy-governed Jobs', () => {
  const cleanups = cleanupAfterEach();

  it('runs an Indexed Job of 3 completions, 2 at a time, retrying a failed index, to completedIndexes 0-2', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    // Each pod runs a moment, so two overlap; the first pod of index 1 fails.
    const fates = new Map<string, 'succeed' | 'fail'>();
    const born = new Map<string, number>();
    kubelet.fate = (p) => {
      const uid = p.metadata.uid as string;
      if (!born.has(uid)) born.set(uid, Date.now());
      if (Date.now() - (born.get(uid) as number) < 200) {
        setTimeout(() => kubelet.resync(), 220);
        return 'run';
      }
      if (!fates.has(uid)) fates.set(uid, p.metadata.annotations?.[INDEX] === '1' && ![...fates.values()].includes('fail') ? 'fail' : 'succeed');
      return fates.get(uid) as 'succeed' | 'fail';
    };
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'job']);

    let maxActive = 0;
    const watch = new Informer<PodObj>(client, { apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, { labelSelector: 'job-name=idx' });
    const count = (): void => void (maxActive = Math.max(maxActive, live(watch.list()).length));
    watch.addEventHandler({ onAdd: count, onUpdate: count });
    watch.start();
    cleanups.push(() => watch.stop());
    await watch.waitForSync();

    await kubectl.ok(['apply', '-f', '-'], { stdin: jobYaml('idx', '  completionMode: Indexed\n  completions: 3\n  parallelism: 2', '      subdomain: workers\n') });
    const done = await jobWhere(client, 'idx', 'Complete', (j) => condition(j, 'Complete')?.status === 'True');
    expect(done.status).toMatchObject({ succeeded: 3, failed: 1, active: 0, completedIndexes: '0-2' });
    expect(maxActive).toBe(2);

    const pods = await listPods(client, 'default', 'job-name=idx');
    expect(pods).toHaveLength(4);
    for (const p of pods) {
      const ix = p.metadata.annotations?.[INDEX] as string;
      expect(p.metadata.labels?.[INDEX]).toBe(ix);
      expect(p.metadata.name).toMatch(new RegExp(`^idx-${ix}-[a-z0-9]{5}$`));
      expect(p.spec).toMatchObject({ hostname: `idx-${ix}`, subdomain: 'workers' });
      expect(p.spec.containers[0]).toMatchObject({ env: [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${INDEX}']` } } }] });
    }
    expect(pods.map((p) => `${p.metadata.annotations?.[INDEX]}:${p.status?.phase}`).sort()).toEqual(['0:Succeeded', '1:Failed', '1:Succeeded', '2:Succeeded']);
    expect(await kubectl.ok(['get', 'job', 'idx'])).toMatch(/idx\s+Complete\s+3\/3\s+\d+s/);
    expect(await kubectl.ok(['get', 'job', 'idx', '-o', 'jsonpath={.status.completedIndexes} {.spec.completionMode} {.spec.backoffLimit}'])).toBe('0-2 Indexed 6');
  });

  it('starts no pods while suspended, deletes them on suspend, and resets startTime on resume', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'job']);

    await kubectl.ok(['apply', '-f', '-'], { stdin: jobYaml('later', '  suspend: true\n  completions: 2\n  parallelism: 2') });
    const suspended = await jobWhere(client, 'later', 'Suspended', (j) => condition(j, 'Suspended')?.status === 'True');
    expect(condition(suspended, 'Suspended')).toMatchObject({ reason: 'JobSuspended', message: 'Job suspended' });
    expect(suspended.status?.startTime).toBeUndefined();
    expect(await listPods(client, 'default', 'job-name=later')).toEqual([]);
    expect(await kubectl.ok(['get', 'job', 'later'])).toMatch(/later\s+Suspended\s+0\/2\s+\s+\d+s/);

    await kubectl.ok(['patch', 'job', 'later', '--type=strategic', '-p', '{"spec":{"suspend":false}}']);
    const resumed = await jobWhere(client, 'later', 'resumed with 2 ready pods', (j) => condition(j, 'Suspended')?.status === 'False' && j.status?.ready === 2);
    expect(condition(resumed, 'Suspended')).toMatchObject({ reason: 'JobResumed', message: 'Job resumed' });
    const firstStart = resumed.status?.startTime as string;
    expect(firstStart).toBeDefined();

    await kubectl.ok(['patch', 'job', 'later', '--type=strategic', '-p', '{"spec":{"suspend":true}}']);
    await jobWhere(client, 'later', 'suspended again, its pods gone', (j) => condition(j, 'Suspended')?.status === 'True' && (j.status?.active ?? 0) === 0);
    await waitFor('pods of the suspended job deleted', async () => ((await listPods(client, 'default', 'job-name=later')).length === 0 ? true : undefined));

    // startTime is in whole seconds: resume once a second has passed so a reset shows.
    await waitFor('a second since the first start', () => (Date.now() >= Date.parse(firstStart) + 1_000 ? true : undefined));
    kubelet.fate = () => 'succeed';
    await kubectl.ok(['patch', 'job', 'later', '--type=strategic', '-p', '{"spec":{"suspend":false}}']);
    const done = await jobWhere(client, 'later', 'Complete', (j) => condition(j, 'Complete')?.status === 'True');
    expect(Date.parse(done.status?.startTime ?? '')).toBeGreaterThan(Date.parse(firstStart));
    expect(done.status).toMatchObject({ succeeded: 2 });
  });

  it('fails a Job by a FailJob rule of its podFailurePolicy, after an Ignored failure that does not count', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const kubelet = new FakeKubelet(client);
    // The test ends the pods itself, with exit codes.
    kubelet.fate = () => 'pending';
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'job']);

    const policy = `  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes: {containerName: c, operator: In, values: [42]}
    - action: Ignore
      onExitCodes: {operator: In, values: [137]}`;
    const refused = await kubectl(['apply', '-f', '-'], { stdin: jobYaml('bad', policy).replace('restartPolicy: Never', 'restartPolicy: OnFailure') });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified');
    const noCompletions = await kubectl(['apply', '-f', '-'], { stdin: jobYaml('bad', '  completionMode: Indexed\n  parallelism: 2') });
    expect(noCompletions.stderr).toContain('spec.completions: Required value: when completion mode is Indexed');

    await kubectl.ok(['apply', '-f', '-'], { stdin: jobYaml('pfp', policy) });
    const first = await waitFor('the first pod', async () => (await listPods(client, 'default', 'job-name=pfp'))[0]);
    await exitPod(client, first, 137);
    // backoffLimit 0: had the failure counted, the job would have failed; instead it gets a new pod.
    const second = await waitFor('a replacement pod', async () => live(await listPods(client, 'default', 'job-name=pfp'))[0]);
    expect(second.metadata.name).not.toBe(first.metadata.name);
    expect((await client.get<JobObj>(JOB, 'pfp')).status?.failed ?? 0).toBe(0);

    await exitPod(client, second, 42);
    const failed = await jobWhere(client, 'pfp', 'Failed', (j) => condition(j, 'Failed')?.status === 'True');
    const message = `Container c for pod default/${second.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'PodFailurePolicy', message });
    expect(condition(failed, 'FailureTarget')).toMatchObject({ reason: 'PodFailurePolicy', message });
    expect(failed.status?.failed).toBe(1);
    expect(await kubectl.ok(['get', 'job', 'pfp'])).toMatch(/pfp\s+Failed\s+0\/1/);
    expect(await kubectl.ok(['get', 'job', 'pfp', '-o', 'jsonpath={.spec.podReplacementPolicy}'])).toBe('Failed');
  });
});
