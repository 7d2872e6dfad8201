import { describe, expect, it } from 'vitest';
import { COMPLETION_INDEX, INDEX_FAILURE_COUNT } from './job-indexes.js';
import { countPods, failedIndexes, failureBackoffMs, jobVerdict, succeededIndexes, suspendChange, ttlExpiry } from './job.js';
import { pod } from './testing.js';
import type { Job, Pod } from './types.js';

const job = (spec: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'default', uid: 'uid-j' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c' }] } }, ...spec },
  status,
});
const pods = (running: number, succeeded: number, failed: number, extra: Pod[] = []): Pod[] => [
  ...Array.from({ length: running }, (_, i) => pod({ name: `r${i}` })),
  ...Array.from({ length: succeeded }, (_, i) => pod({ name: `s${i}`, phase: 'Succeeded', ready: false })),
  ...Array.from({ length: failed }, (_, i) => pod({ name: `f${i}`, phase: 'Failed', ready: false })),
  ...extra,
];
const NOW = Date.parse('2024-01-01T00:10:00Z');

describe('Job accounting', () => {
  it('counts active, ready, succeeded, failed and terminating pods, never below recorded status', () => {
    const ps = pods(2, 1, 1, [pod({ name: 't', deleting: true }), pod({ name: 'u', ready: false })]);
    expect(countPods(job(), ps)).toEqual({ active: 3, ready: 2, succeeded: 1, failed: 1, terminating: 1 });
    expect(countPods(job({}, { succeeded: 4, failed: 0 }), ps)).toMatchObject({ succeeded: 4, failed: 1 });
  });

  it.each<[string, Partial<Job['spec']>, Job['status'], Pod[], ReturnType<typeof jobVerdict>]>([
    ['starts parallelism pods', { completions: 3, parallelism: 2 }, {}, [], { kind: 'running', wantActive: 2 }],
    ['never more than completions left', { completions: 3, parallelism: 2 }, {}, pods(1, 2, 0), { kind: 'running', wantActive: 1 }],
    ['succeeds at completions', { completions: 3, parallelism: 2 }, {}, pods(0, 3, 0), { kind: 'succeeded' }],
    ['work queue: parallelism until one succeeds', { parallelism: 3 }, {}, pods(3, 0, 0), { kind: 'running', wantActive: 3 }],
    ['work queue: success lets running pods finish', { parallelism: 3 }, {}, pods(2, 1, 0), { kind: 'running', wantActive: 2 }],
    ['work queue: done when one succeeded and none runs', { parallelism: 3 }, {}, pods(0, 1, 0), { kind: 'succeeded' }],
    ['failures within backoffLimit are retried', { completions: 1, backoffLimit: 2 }, {}, pods(0, 0, 2), { kind: 'running', wantActive: 1 }],
    ['past backoffLimit fails', { completions: 1, backoffLimit: 2 }, {}, pods(0, 0, 3), { kind: 'failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }],
    ['default backoffLimit is 6', { completions: 1 }, {}, pods(0, 0, 7), { kind: 'failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }],
    ['active deadline', { completions: 1, activeDeadlineSeconds: 60 }, { startTime: '2024-01-01T00:00:00Z' }, pods(1, 0, 0), { kind: 'failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }],
    ['within the active deadline', { completions: 1, activeDeadlineSeconds: 6000 }, { startTime: '2024-01-01T00:00:00Z' }, pods(1, 0, 0), { kind: 'running', wantActive: 1 }],
    ['a FailureTarget already set stays failed', { completions: 1 }, { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded', message: 'm' }] }, [], { kind: 'failed', reason: 'DeadlineExceeded', message: 'm' }],
  ])('%s', (_name, spec, status, ps, want) => {
    const j = job(spec, status);
    expect(jobVerdict(j, countPods(j, ps), ps, NOW)).toEqual(want);
  });

  it('counts container restarts of OnFailure pods against backoffLimit', () => {
    const j = job({ completions: 1, backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c' }] } } });
    const ps = [pod({ name: 'a', restarts: 3 })];
    expect(jobVerdict(j, countPods(j, ps), ps, NOW).kind).toBe('failed');
  });

  it.each([
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [20, 360_000],
  ])('failure back-off after %i failures is %i ms', (failed, ms) => expect(failureBackoffMs(failed, 10_000)).toBe(ms));

  it.each<[string, Partial<Job['spec']>, Job['status'], number | undefined]>([
    ['no ttl', {}, { completionTime: '2024-01-01T00:00:00Z', conditions: [{ type: 'Complete', status: 'True' }] }, undefined],
    ['not finished', { ttlSecondsAfterFinished: 5 }, {}, undefined],
    ['complete', { ttlSecondsAfterFinished: 5 }, { completionTime: '2024-01-01T00:00:00Z', conditions: [{ type: 'Complete', status: 'True' }] }, Date.parse('2024-01-01T00:00:05Z')],
    ['failed, from the condition', { ttlSecondsAfterFinished: 0 }, { conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: '2024-01-01T00:01:00Z' }] }, Date.parse('2024-01-01T00:01:00Z')],
  ])('ttlSecondsAfterFinished: %s', (_name, spec, status, want) => expect(ttlExpiry(job(spec, status))).toBe(want));

  it('fails at an OnFailure pod’s restarts reaching backoffLimit, as pastBackoffLimitOnFailure', () => {
    const j = job({ completions: 1, backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c' }] } } });
    const at = (n: number): Pod[] => [pod({ name: 'a', restarts: n })];
    expect(jobVerdict(j, countPods(j, at(1)), at(1), NOW).kind).toBe('running');
    expect(jobVerdict(j, countPods(j, at(2)), at(2), NOW).kind).toBe('failed');
  });
});

/** A finished pod of `index` whose container exited with `code`. */
function exited(name: string, code: number, index?: number, failuresBefore?: number): Pod {
  const p = pod({ name, phase: code === 0 ? 'Succeeded' : 'Failed', ready: false });
  p.status = { ...p.status, containerStatuses: [{ name: 'c', state: { terminated: { exitCode: code } } }] };
  if (index !== undefined) p.metadata.annotations = { [COMPLETION_INDEX]: String(index), ...(failuresBefore !== undefined ? { [INDEX_FAILURE_COUNT]: String(failuresBefore) } : {}) };
  return p;
}
const verdict = (j: Job, ps: Pod[]): ReturnType<typeof jobVerdict> => jobVerdict(j, countPods(j, ps), ps, NOW);

describe('podFailurePolicy in the verdict', () => {
  const rules = [
    { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } },
    { action: 'Ignore', onExitCodes: { operator: 'In', values: [137] } },
  ];
  const j = job({ completions: 2, parallelism: 2, backoffLimit: 1, podFailurePolicy: { rules } });

  it('a FailJob match fails the job with reason PodFailurePolicy, before backoffLimit', () => {
    expect(verdict(j, [exited('a', 42)])).toEqual({ kind: 'failed', reason: 'PodFailurePolicy', message: 'Container c for pod default/a failed with exit code 42 matching FailJob rule at index 0' });
  });

  it('Ignored failures do not count against backoffLimit', () => {
    const ps = [exited('a', 137), exited('b', 137), exited('c', 137)];
    expect(countPods(j, ps).failed).toBe(0);
    expect(verdict(j, ps)).toEqual({ kind: 'running', wantActive: 2 });
  });

  it('other failures count', () => {
    expect(verdict(j, [exited('a', 1), exited('b', 1)])).toMatchObject({ kind: 'failed', reason: 'BackoffLimitExceeded' });
  });
});

describe('Indexed Job accounting', () => {
  const j = (extra: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job => job({ completionMode: 'Indexed', completions: 3, parallelism: 2, ...extra }, status);

  it('counts each index once, merged with completedIndexes, ignoring indexes it does not have', () => {
    const ps = [exited('a', 0, 0), exited('b', 0, 0), exited('c', 0, 2), exited('d', 0, 9), exited('e', 0)];
    expect(succeededIndexes(j(), ps)).toEqual([{ first: 0, last: 0 }, { first: 2, last: 2 }]);
    expect(countPods(j(), ps).succeeded).toBe(2);
    expect(countPods(j({}, { completedIndexes: '1' }), ps).succeeded).toBe(3);
    expect(verdict(j({}, { completedIndexes: '1' }), ps)).toEqual({ kind: 'succeeded' });
  });

  it('a failed index is retried, the failure counting against backoffLimit', () => {
    expect(verdict(j({ backoffLimit: 1 }), [exited('a', 1, 0)])).toEqual({ kind: 'running', wantActive: 2 });
    expect(verdict(j({ backoffLimit: 1 }), [exited('a', 1, 0), exited('b', 1, 1)])).toMatchObject({ kind: 'failed', reason: 'BackoffLimitExceeded' });
  });

  it('backoffLimitPerIndex: an index fails once its retries are used up', () => {
    const perIndex = j({ backoffLimitPerIndex: 1 });
    expect(failedIndexes(perIndex, [exited('a', 1, 1, 0)])).toEqual([]);
    expect(failedIndexes(perIndex, [exited('a', 1, 1, 0), exited('b', 1, 1, 1)])).toEqual([{ first: 1, last: 1 }]);
    expect(verdict(perIndex, [exited('a', 1, 1, 0), exited('b', 1, 1, 1)])).toEqual({ kind: 'running', wantActive: 2 });
    expect(verdict(perIndex, [exited('a', 1, 1, 1), exited('b', 0, 0), exited('c', 0, 2)])).toEqual({ kind: 'failed', reason: 'FailedIndexes', message: 'Job has failed indexes' });
    expect(verdict(j({ backoffLimitPerIndex: 0, maxFailedIndexes: 0 }), [exited('a', 1, 1)])).toEqual({
      kind: 'failed',
      reason: 'MaxFailedIndexesExceeded',
      message: 'Job has exceeded the specified maximal number of failed indexes',
    });
  });

  it('backoffLimitPerIndex makes the job-wide backoffLimit unlimited unless set', () => {
    const ps = Array.from({ length: 8 }, (_, i) => exited(`f${i}`, 1, i % 3, 0));
    expect(verdict(j({ backoffLimitPerIndex: 5 }), ps).kind).toBe('running');
  });
});

describe('suspend', () => {
  const T = '2024-01-01T00:10:00Z';
  const suspendedCond = { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: T, lastTransitionTime: T };
  const resumedCond = { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed', lastProbeTime: T, lastTransitionTime: T };

  it.each<[string, boolean, Job['status'], ReturnType<typeof suspendChange>]>([
    ['suspending sets Suspended True', true, {}, { conditions: [suspendedCond], event: 'Suspended' }],
    ['staying suspended changes nothing', true, { conditions: [suspendedCond] }, undefined],
    ['resuming sets Suspended False', false, { conditions: [suspendedCond] }, { conditions: [resumedCond], event: 'Resumed' }],
    ['a job never suspended gets no condition', false, {}, undefined],
    ['suspending again after a resume', true, { conditions: [resumedCond] }, { conditions: [suspendedCond], event: 'Suspended' }],
  ])('%s', (_name, suspend, status, want) => expect(suspendChange(job({ suspend }, status), T)).toEqual(want));

  it('the active deadline does not run while suspended', () => {
    const j = (suspend: boolean): Job => job({ completions: 1, activeDeadlineSeconds: 60, suspend }, { startTime: '2024-01-01T00:00:00Z' });
    expect(verdict(j(true), []).kind).toBe('running');
    expect(verdict(j(false), [])).toMatchObject({ kind: 'failed', reason: 'DeadlineExceeded' });
  });
});
