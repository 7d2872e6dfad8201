import { describe, expect, it } from 'vitest';
import { COMPLETION_INDEX, INDEX_FAILURE_COUNT, INDEX_IGNORED_FAILURE_COUNT } from './job-indexes.js';
import { planJobPods, replacedPod, type PodPlan } from './job-plan.js';
import { indexedPodParts } from './job-pod.js';
import { pod } from './testing.js';
import type { Job, Pod } from './types.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');
const LONG_AGO = '2024-01-01T00:00:00Z';
const JUST_NOW = '2024-01-01T00:09:59Z';

const job = (spec: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'default', uid: 'uid-j' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c' }] } }, ...spec },
  status,
});
const indexedJob = (completions: number, parallelism: number, extra: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job =>
  job({ completionMode: 'Indexed', completions, parallelism, ...extra }, status);

/** A pod of index `ix`: r(unning), s(ucceeded), f(ailed, finished at `at`), t(erminating). */
function ix(state: 'r' | 's' | 'f' | 't', index: number, o: { name?: string; at?: string; failures?: number; ignored?: number } = {}): Pod {
  const phase = { r: 'Running', s: 'Succeeded', f: 'Failed', t: 'Running' }[state];
  const p = pod({ name: o.name ?? `${state}${index}`, phase, ready: state === 'r', deleting: state === 't', readySince: o.at ?? LONG_AGO });
  p.metadata.annotations = {
    [COMPLETION_INDEX]: String(index),
    ...(o.failures !== undefined ? { [INDEX_FAILURE_COUNT]: String(o.failures) } : {}),
    ...(o.ignored !== undefined ? { [INDEX_IGNORED_FAILURE_COUNT]: String(o.ignored) } : {}),
  };
  return p;
}
const names = (plan: PodPlan): unknown => (plan.kind === 'delete' ? { kind: 'delete', pods: plan.pods.map((p) => p.metadata.name).sort() } : plan);

describe('Indexed Job pod plan', () => {
  it.each<[string, Job, Pod[], number, unknown]>([
    ['starts the lowest indexes', indexedJob(3, 2), [], 2, { kind: 'create', count: 2, indexes: [0, 1] }],
    ['skips running and succeeded indexes', indexedJob(5, 2), [ix('s', 0), ix('r', 1)], 2, { kind: 'create', count: 1, indexes: [2] }],
    ['skips indexes recorded in completedIndexes', indexedJob(5, 3, {}, { completedIndexes: '0-2' }), [], 2, { kind: 'create', count: 2, indexes: [3, 4] }],
    ['retries a failed index', indexedJob(3, 3), [ix('s', 0), ix('f', 1), ix('r', 2)], 2, { kind: 'create', count: 1, indexes: [1] }],
    ['nothing to do at wantActive', indexedJob(3, 2), [ix('r', 0), ix('r', 1)], 2, { kind: 'none' }],
    ['deletes a repeated index first', indexedJob(3, 3), [ix('r', 0, { name: 'a' }), ix('r', 0, { name: 'b', at: JUST_NOW }), ix('r', 1)], 3, { kind: 'delete', pods: ['b'] }],
    ['deletes an index past completions', indexedJob(2, 2), [ix('r', 0), ix('r', 5)], 2, { kind: 'delete', pods: ['r5'] }],
    ['terminating pods are replaced at once (TerminatingOrFailed)', indexedJob(2, 2), [ix('t', 0), ix('r', 1)], 2, { kind: 'create', count: 1, indexes: [0] }],
    ['with podReplacementPolicy Failed they hold their index', indexedJob(2, 2, { podReplacementPolicy: 'Failed' }), [ix('t', 0), ix('r', 1)], 2, { kind: 'none' }],
    ['a podFailurePolicy implies Failed', indexedJob(3, 3, { podFailurePolicy: { rules: [] } }), [ix('t', 0)], 3, { kind: 'create', count: 2, indexes: [1, 2] }],
  ])('%s', (_name, j, pods, want, plan) => expect(names(planJobPods(j, pods, want, NOW, 1_000))).toEqual(plan));

  it('waits out the job-wide failure back-off after a recent failure', () => {
    expect(planJobPods(indexedJob(2, 1), [ix('f', 0, { at: JUST_NOW })], 1, NOW, 10_000)).toEqual({ kind: 'wait', ms: 9_000 });
  });

  it('an Ignored failure does not hold creation back', () => {
    const rules = [{ action: 'Ignore', onPodConditions: [{ type: 'Ready', status: 'False' }] }];
    expect(planJobPods(indexedJob(2, 1, { podFailurePolicy: { rules } }), [ix('f', 0, { at: JUST_NOW })], 1, NOW, 10_000)).toEqual({ kind: 'create', count: 1, indexes: [0] });
  });

  describe('backoffLimitPerIndex', () => {
    const perIndex = (extra: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job => indexedJob(3, 3, { backoffLimitPerIndex: 1, ...extra }, status);
    it('gives up an index after its retries, and runs the others', () => {
      const pods = [ix('f', 0, { failures: 0 }), ix('f', 0, { name: 'f0b', failures: 1 })];
      expect(planJobPods(perIndex(), pods, 3, NOW, 1_000)).toEqual({ kind: 'create', count: 2, indexes: [1, 2] });
    });
    it('skips indexes recorded in failedIndexes', () => {
      expect(planJobPods(perIndex({}, { failedIndexes: '1' }), [], 3, NOW, 1_000)).toEqual({ kind: 'create', count: 2, indexes: [0, 2] });
    });
    it('backs off per index, not job-wide', () => {
      const pods = [ix('f', 0, { failures: 0, at: JUST_NOW })];
      expect(planJobPods(perIndex(), pods, 3, NOW, 10_000)).toEqual({ kind: 'create', count: 2, indexes: [1, 2] });
      expect(planJobPods(perIndex(), [...pods, ix('r', 1), ix('r', 2)], 3, NOW, 10_000)).toEqual({ kind: 'wait', ms: 9_000 });
    });
  });
});

describe('NonIndexed Job pod plan', () => {
  it.each<[string, Job, Pod[], number, unknown]>([
    ['creates the shortfall', job({ completions: 5, parallelism: 3 }), [pod({ name: 'a' })], 3, { kind: 'create', count: 2 }],
    ['deletes the surplus, not-ready first', job({ parallelism: 1 }), [pod({ name: 'a' }), pod({ name: 'b', ready: false })], 1, { kind: 'delete', pods: ['b'] }],
    ['podReplacementPolicy Failed counts terminating pods', job({ podReplacementPolicy: 'Failed' }), [pod({ name: 't', deleting: true })], 1, { kind: 'none' }],
  ])('%s', (_name, j, pods, want, plan) => expect(names(planJobPods(j, pods, want, NOW, 1_000))).toEqual(plan));
});

describe('the pod of an index', () => {
  const j = (extra: Partial<Job['spec']> = {}): Job =>
    indexedJob(3, 2, {
      template: {
        metadata: { labels: { app: 'x' } },
        spec: {
          restartPolicy: 'Never',
          subdomain: 'workers',
          hostname: 'ignored',
          initContainers: [{ name: 'init' }],
          containers: [{ name: 'c', env: [{ name: 'A', value: '1' }] }, { name: 'own', env: [{ name: 'JOB_COMPLETION_INDEX', value: 'mine' }] }],
        },
      },
      ...extra,
    });
  const fromAnnotation = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } };

  it('is named, labelled, annotated and hostnamed after its index, with the index in every container’s env', () => {
    const parts = indexedPodParts(j(), 2, undefined);
    expect(parts).toMatchObject({ generateName: 'j-2-', labels: { [COMPLETION_INDEX]: '2' }, annotations: { [COMPLETION_INDEX]: '2' }, spec: { hostname: 'j-2' } });
    expect(parts.spec.subdomain).toBeUndefined();
    expect(parts.spec.containers).toEqual([
      { name: 'c', env: [{ name: 'A', value: '1' }, fromAnnotation] },
      { name: 'own', env: [{ name: 'JOB_COMPLETION_INDEX', value: 'mine' }] },
    ]);
    expect(parts.spec.initContainers).toEqual([{ name: 'init', env: [fromAnnotation] }]);
    expect(parts.annotations[INDEX_FAILURE_COUNT]).toBeUndefined();
  });

  it('with backoffLimitPerIndex, carries the failures of the pod it replaces', () => {
    const rules = [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [137] } }];
    expect(indexedPodParts(j({ backoffLimitPerIndex: 2 }), 0, undefined).annotations[INDEX_FAILURE_COUNT]).toBe('0');
    expect(indexedPodParts(j({ backoffLimitPerIndex: 2 }), 0, ix('f', 0, { failures: 1 })).annotations[INDEX_FAILURE_COUNT]).toBe('2');
    const killed = ix('f', 0, { failures: 1 });
    killed.status = { ...killed.status, containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 137 } } }] };
    const parts = indexedPodParts(j({ backoffLimitPerIndex: 2, podFailurePolicy: { rules } }), 0, killed);
    expect(parts.annotations).toMatchObject({ [INDEX_FAILURE_COUNT]: '1', [INDEX_IGNORED_FAILURE_COUNT]: '1' });
  });

  it('replaces the failed pod of the index with the most failures behind it', () => {
    const pods = [ix('f', 0, { name: 'old', failures: 0 }), ix('f', 0, { name: 'new', failures: 1 }), ix('f', 1, { name: 'other', failures: 5 })];
    expect(replacedPod(pods, 0)?.metadata.name).toBe('new');
    expect(replacedPod(pods, 2)).toBeUndefined();
  });
});
