import { completionIndex, indexFailureCounts, parseIndexes, totalIndexes, withIndexes, type Interval } from './job-indexes.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { condition, isPodReady, restarts } from './pods.js';
import type { Condition, Job, Pod } from './types.js';

export const DEFAULT_BACKOFF_LIMIT = 6;
const MAX_INT32 = 2 ** 31 - 1;

export const isIndexed = (job: Job): boolean => job.spec.completionMode === 'Indexed';

export const hasBackoffLimitPerIndex = (job: Job): boolean => isIndexed(job) && job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null;

/** The apiserver defaults it; a job stored before that gets Kubernetes' default here. */
export const backoffLimit = (job: Job): number => job.spec.backoffLimit ?? (hasBackoffLimitPerIndex(job) ? MAX_INT32 : DEFAULT_BACKOFF_LIMIT);

/** podReplacementPolicy Failed (implied by a podFailurePolicy): a replacement waits until the pod it replaces is gone. */
export const onlyReplaceFailedPods = (job: Job): boolean =>
  job.spec.podReplacementPolicy === 'Failed' || ((job.spec.podReplacementPolicy === undefined || job.spec.podReplacementPolicy === null) && job.spec.podFailurePolicy != null);

const completions = (job: Job): number => job.spec.completions ?? 0;

/** Indexed Jobs only count pods whose index is one the job has. */
function validPods(job: Job, pods: readonly Pod[]): readonly Pod[] {
  if (!isIndexed(job)) return pods;
  return pods.filter((p) => {
    const ix = completionIndex(p);
    return ix !== undefined && ix < completions(job);
  });
}

/** Failed pods that count against backoffLimit: all of them but those an Ignore rule matched. */
export const countedFailedPods = (job: Job, pods: readonly Pod[]): Pod[] =>
  validPods(job, pods).filter((p) => p.status?.phase === 'Failed' && (job.spec.podFailurePolicy == null || matchPodFailurePolicy(job, p).counts));

/** Indexes that succeeded: those status recorded plus those of succeeded pods. */
export function succeededIndexes(job: Job, pods: readonly Pod[]): Interval[] {
  const done = validPods(job, pods).filter((p) => p.status?.phase === 'Succeeded');
  return withIndexes(parseIndexes(job.status?.completedIndexes, completions(job)), done.map((p) => completionIndex(p) as number));
}

/**
 * With backoffLimitPerIndex, indexes that will not be retried: recorded ones, plus those whose
 * failed pod matched FailIndex or had used up the index's retries.
 */
export function failedIndexes(job: Job, pods: readonly Pod[]): Interval[] {
  const limit = job.spec.backoffLimitPerIndex ?? 0;
  const failed = validPods(job, pods).filter((p) => {
    if (p.status?.phase !== 'Failed') return false;
    const m = matchPodFailurePolicy(job, p);
    if (m.action === 'FailIndex') return true;
    return m.counts && indexFailureCounts(p).counted >= limit;
  });
  return withIndexes(parseIndexes(job.status?.failedIndexes, completions(job)), failed.map((p) => completionIndex(p) as number));
}

export interface JobCounts {
  active: number;
  ready: number;
  succeeded: number;
  failed: number;
  terminating: number;
}

/**
 * What the job's pods add up to. Finished pods are counted from the pods still there, never
 * below what status already recorded (a finished pod someone deleted stays counted); an
 * Indexed Job's successes are its succeeded indexes.
 */
export function countPods(job: Job, pods: readonly Pod[]): JobCounts {
  let active = 0;
  let ready = 0;
  let succeeded = 0;
  let terminating = 0;
  for (const p of pods) {
    const phase = p.status?.phase;
    if (phase === 'Succeeded') succeeded++;
    else if (phase === 'Failed') continue;
    else if (p.metadata.deletionTimestamp !== undefined) terminating++;
    else {
      active++;
      if (isPodReady(p)) ready++;
    }
  }
  return {
    active,
    ready,
    succeeded: isIndexed(job) ? totalIndexes(succeededIndexes(job, pods)) : Math.max(succeeded, job.status?.succeeded ?? 0),
    failed: Math.max(countedFailedPods(job, pods).length, job.status?.failed ?? 0),
    terminating,
  };
}

export const isFinished = (job: Job): boolean => (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export type JobVerdict =
  | { kind: 'running'; wantActive: number }
  | { kind: 'failed'; reason: string; message: string }
  | { kind: 'succeeded' };

const fail = (reason: string, message: string): JobVerdict => ({ kind: 'failed', reason, message });

/** Container restarts of running OnFailure pods reached backoffLimit (pastBackoffLimitOnFailure). */
function pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[]): boolean {
  if (job.spec.template.spec?.restartPolicy !== 'OnFailure') return false;
  const n = pods.filter((p) => p.status?.phase === 'Running' || p.status?.phase === 'Pending').reduce((sum, p) => sum + restarts(p), 0);
  const limit = backoffLimit(job);
  return limit === 0 ? n > 0 : n >= limit;
}

/**
 * The job controller's accounting, in its order: a condition already reached stands; then a
 * FailJob rule of the pod failure policy, backoffLimit (pod failures, or container restarts of
 * OnFailure pods), the active deadline (which does not run while suspended), failed indexes;
 * then success at completions (or, without completions, once one pod succeeded and none runs);
 * else how many pods should be running.
 */
export function jobVerdict(job: Job, counts: JobCounts, pods: readonly Pod[], nowMs: number): JobVerdict {
  const conds = job.status?.conditions ?? [];
  if (conds.some((c) => (c.type === 'SuccessCriteriaMet' || c.type === 'Complete') && c.status === 'True')) return { kind: 'succeeded' };
  const existing = conds.find((c) => (c.type === 'FailureTarget' || c.type === 'Failed') && c.status === 'True');
  if (existing) return fail(existing.reason ?? 'BackoffLimitExceeded', existing.message ?? '');
  if (job.spec.podFailurePolicy != null) {
    for (const p of pods) {
      const msg = p.status?.phase === 'Failed' ? matchPodFailurePolicy(job, p).failJobMessage : undefined;
      if (msg !== undefined) return fail('PodFailurePolicy', msg);
    }
  }
  if (counts.failed > backoffLimit(job) || pastBackoffLimitOnFailure(job, pods)) return fail('BackoffLimitExceeded', 'Job has reached the specified backoff limit');
  const start = Date.parse(job.status?.startTime ?? '');
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && !job.spec.suspend && !Number.isNaN(start) && nowMs - start >= deadline * 1000)
    return fail('DeadlineExceeded', 'Job was active longer than specified deadline');
  if (hasBackoffLimitPerIndex(job)) {
    const failedIx = totalIndexes(failedIndexes(job, pods));
    const max = job.spec.maxFailedIndexes;
    if (max !== undefined && max !== null && failedIx > max) return fail('MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes');
    if (failedIx > 0 && failedIx + counts.succeeded >= completions(job)) return fail('FailedIndexes', 'Job has failed indexes');
  }
  const parallelism = job.spec.parallelism ?? 1;
  if (job.spec.completions !== undefined && job.spec.completions !== null) {
    if (counts.succeeded >= job.spec.completions) return { kind: 'succeeded' };
    return { kind: 'running', wantActive: Math.max(0, Math.min(parallelism, job.spec.completions - counts.succeeded)) };
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

/**
 * How spec.suspend changes the Suspended condition: True (JobSuspended) when the job is
 * suspended, False (JobResumed) when a suspended job is resumed; undefined when it stays as is.
 * Going from no condition to False is no change, as ensureJobConditionStatus has it.
 */
export function suspendChange(job: Job, nowIso: string): { conditions: Condition[]; event: 'Suspended' | 'Resumed' } | undefined {
  const conds = job.status?.conditions ?? [];
  const suspended = condition(conds, 'Suspended')?.status === 'True';
  const at = { lastProbeTime: nowIso, lastTransitionTime: nowIso };
  if (job.spec.suspend && !suspended) return { conditions: withCondition(conds, { type: 'Suspended', status: 'True', ...at, reason: 'JobSuspended', message: 'Job suspended' }), event: 'Suspended' };
  if (!job.spec.suspend && suspended) return { conditions: withCondition(conds, { type: 'Suspended', status: 'False', ...at, reason: 'JobResumed', message: 'Job resumed' }), event: 'Resumed' };
  return undefined;
}

/** When ttlSecondsAfterFinished lets the job go (ms since epoch), or undefined. */
export function ttlExpiry(job: Job): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || !isFinished(job)) return undefined;
  const fin = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  const at = Date.parse(job.status?.completionTime ?? fin?.lastTransitionTime ?? '');
  return Number.isNaN(at) ? undefined : at + ttl * 1000;
}
