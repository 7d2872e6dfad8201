import { describe, expect, it } from 'vitest';
import { countPods, failureBackoffMs, jobVerdict, ttlExpiry } from './job.js';
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
});
