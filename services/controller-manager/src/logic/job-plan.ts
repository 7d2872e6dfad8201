import { completionIndex, duplicateIndexPods, firstPendingIndexes, indexFailureCounts, mergeIntervals, podIndexes, withIndexes } from './job-indexes.js';
import { countedFailedPods, failedIndexes, failureBackoffMs, hasBackoffLimitPerIndex, isIndexed, onlyReplaceFailedPods, succeededIndexes } from './job.js';
import { isPodActive, isTerminated } from './pods.js';
import { BURST_REPLICAS, podsToDelete } from './replicaset.js';
import type { Job, Pod } from './types.js';

/** One sync's pod work (manageJob): deletions take precedence over creations. */
export type PodPlan =
  | { kind: 'delete'; pods: Pod[] }
  /** For an Indexed Job, the indexes to create; otherwise `count` pods without one. */
  | { kind: 'create'; count: number; indexes?: number[] }
  | { kind: 'wait'; ms: number }
  | { kind: 'none' };

/** When a pod stopped: its last container's finish, else its last condition change, else its creation. */
export function finishedAt(p: Pod): number {
  let t = 0;
  for (const c of p.status?.containerStatuses ?? []) {
    const fin = (c.state?.terminated as { finishedAt?: string } | undefined)?.finishedAt;
    if (fin) t = Math.max(t, Date.parse(fin) || 0);
  }
  for (const c of p.status?.conditions ?? []) t = Math.max(t, Date.parse(c.lastTransitionTime ?? '') || 0);
  return t || Date.parse(p.metadata.creationTimestamp ?? '') || 0;
}

/** The failed pod a new pod of index `ix` replaces: the one with the most failures behind it, the latest on a tie. */
export function replacedPod(pods: readonly Pod[], ix: number): Pod | undefined {
  let best: Pod | undefined;
  const score = (p: Pod): number => indexFailureCounts(p).counted + indexFailureCounts(p).ignored;
  for (const p of pods) {
    if (p.status?.phase !== 'Failed' || completionIndex(p) !== ix) continue;
    if (best === undefined || score(p) > score(best) || (score(p) === score(best) && finishedAt(p) >= finishedAt(best))) best = p;
  }
  return best;
}

/** Time left of the job-wide failure back-off: counted failures so far, from the latest failure. */
function globalBackoffMs(job: Job, pods: readonly Pod[], nowMs: number, baseMs: number): number {
  const failed = countedFailedPods(job, pods);
  if (failed.length === 0) return 0;
  const count = Math.max(failed.length, job.status?.failed ?? 0);
  return Math.max(...failed.map(finishedAt)) + failureBackoffMs(count, baseMs) - nowMs;
}

/** Time left of an index's own back-off (backoffLimitPerIndex): by the failures of the pod it replaces. */
function indexBackoffMs(pods: readonly Pod[], ix: number, nowMs: number, baseMs: number): number {
  const prev = replacedPod(pods, ix);
  if (prev === undefined) return 0;
  const { counted, ignored } = indexFailureCounts(prev);
  return finishedAt(prev) + failureBackoffMs(counted + ignored + 1, baseMs) - nowMs;
}

/**
 * Brings the active pods to `wantActive`: deletes the surplus (for Indexed Jobs, first pods
 * without a valid index and repeats of an index), or creates the shortfall after the failure
 * back-off, for Indexed Jobs at the lowest indexes neither done, running, nor given up.
 * With podReplacementPolicy Failed, terminating pods still hold their place.
 */
export function planJobPods(job: Job, pods: readonly Pod[], wantActive: number, nowMs: number, backoffBaseMs: number): PodPlan {
  const completions = job.spec.completions ?? 0;
  const active = pods.filter(isPodActive);
  const surplus = Math.max(0, active.length - wantActive);
  let remove: Pod[];
  if (isIndexed(job)) {
    const { remove: bad, keep } = duplicateIndexPods(active, completions);
    remove = bad.length < surplus ? [...bad, ...podsToDelete(keep, keep, surplus - bad.length)] : bad;
  } else remove = podsToDelete(active, active, surplus);
  if (remove.length > 0) return { kind: 'delete', pods: remove.slice(0, BURST_REPLICAS) };

  const terminating = onlyReplaceFailedPods(job) ? pods.filter((p) => p.metadata.deletionTimestamp !== undefined && !isTerminated(p)) : [];
  const diff = Math.min(wantActive - terminating.length - active.length, BURST_REPLICAS);
  if (diff <= 0) return { kind: 'none' };
  const perIndex = hasBackoffLimitPerIndex(job);
  if (!perIndex) {
    const wait = globalBackoffMs(job, pods, nowMs, backoffBaseMs);
    if (wait > 0) return { kind: 'wait', ms: wait };
  }
  if (!isIndexed(job)) return { kind: 'create', count: diff };

  let taken = withIndexes(succeededIndexes(job, pods), [...podIndexes(active, completions), ...podIndexes(terminating, completions)]);
  if (perIndex) taken = mergeIntervals(taken, failedIndexes(job, pods));
  let indexes = firstPendingIndexes(taken, diff, completions);
  if (perIndex) {
    const waits = indexes.map((ix) => indexBackoffMs(pods, ix, nowMs, backoffBaseMs));
    const ready = indexes.filter((_ix, i) => (waits[i] as number) <= 0);
    if (ready.length === 0 && indexes.length > 0) return { kind: 'wait', ms: Math.min(...waits) };
    indexes = ready;
  }
  return indexes.length > 0 ? { kind: 'create', count: indexes.length, indexes } : { kind: 'none' };
}
