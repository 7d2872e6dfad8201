import { condition, isPodReady, restarts } from './pods.js';
import type { Condition, Job, Pod } from './types.js';

export const DEFAULT_BACKOFF_LIMIT = 6;

export interface JobCounts {
  active: number;
  ready: number;
  succeeded: number;
  failed: number;
  terminating: number;
}

/**
 * What the job's pods add up to. Finished pods are counted from the pods still there, never
 * below what status already recorded (a finished pod someone deleted stays counted).
 */
export function countPods(job: Job, pods: readonly Pod[]): JobCounts {
  let active = 0;
  let ready = 0;
  let succeeded = 0;
  let failed = 0;
  let terminating = 0;
  for (const p of pods) {
    const phase = p.status?.phase;
    if (phase === 'Succeeded') succeeded++;
    else if (phase === 'Failed') failed++;
    else if (p.metadata.deletionTimestamp !== undefined) terminating++;
    else {
      active++;
      if (isPodReady(p)) ready++;
    }
  }
  return {
    active,
    ready,
    succeeded: Math.max(succeeded, job.status?.succeeded ?? 0),
    failed: Math.max(failed, job.status?.failed ?? 0),
    terminating,
  };
}

export const isFinished = (job: Job): boolean => (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export type JobVerdict =
  | { kind: 'running'; wantActive: number }
  | { kind: 'failed'; reason: string; message: string }
  | { kind: 'succeeded' };

/**
 * The job controller's accounting: fail on the active deadline or past the backoff limit
 * (pod failures, plus container restarts for OnFailure pods), succeed when completions pods
 * succeeded (or, without completions, when one did and none is left running), else say how
 * many pods should be running.
 */
export function jobVerdict(job: Job, counts: JobCounts, pods: readonly Pod[], nowMs: number): JobVerdict {
  const existing = (job.status?.conditions ?? []).find((c) => (c.type === 'FailureTarget' || c.type === 'Failed') && c.status === 'True');
  if (existing) return { kind: 'failed', reason: existing.reason ?? 'BackoffLimitExceeded', message: existing.message ?? '' };
  if ((job.status?.conditions ?? []).some((c) => (c.type === 'SuccessCriteriaMet' || c.type === 'Complete') && c.status === 'True')) return { kind: 'succeeded' };
  const start = Date.parse(job.status?.startTime ?? '');
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && !Number.isNaN(start) && nowMs - start >= deadline * 1000)
    return { kind: 'failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  const limit = job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
  const onFailureRestarts = job.spec.template.spec?.restartPolicy === 'OnFailure' ? pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').reduce((n, p) => n + restarts(p), 0) : 0;
  if (counts.failed > limit || (onFailureRestarts > 0 && counts.failed + onFailureRestarts > limit))
    return { kind: 'failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  if (completions !== undefined && completions !== null) {
    if (counts.succeeded >= completions) return { kind: 'succeeded' };
    return { kind: 'running', wantActive: Math.max(0, Math.min(parallelism, completions - counts.succeeded)) };
  }
  // Work-queue jobs: the first success means the work is done; running pods finish it off.
  if (counts.succeeded > 0) return counts.active === 0 ? { kind: 'succeeded' } : { kind: 'running', wantActive: counts.active };
  return { kind: 'running', wantActive: parallelism };
}

/** Delay before replacing failed pods: base doubling per failure, capped (the pod failure back-off). */
export const failureBackoffMs = (failed: number, baseMs: number, maxMs = 360_000): number => (failed <= 0 ? 0 : Math.min(baseMs * 2 ** (failed - 1), maxMs));

/** Adds or replaces a condition, keeping the transition time when its status is unchanged. */
export function withCondition(conds: readonly Condition[] | undefined, c: Condition): Condition[] {
  const cur = condition(conds, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason && cur.message === c.message) return [...(conds ?? [])];
  return [...(conds ?? []).filter((x) => x.type !== c.type), cur && cur.status === c.status ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c];
}

/** When ttlSecondsAfterFinished lets the job go (ms since epoch), or undefined. */
export function ttlExpiry(job: Job): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || !isFinished(job)) return undefined;
  const fin = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  const at = Date.parse(job.status?.completionTime ?? fin?.lastTransitionTime ?? '');
  return Number.isNaN(at) ? undefined : at + ttl * 1000;
}
