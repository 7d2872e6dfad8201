import { compareForDeletion } from './replicaset.js';
import type { Pod } from './types.js';

/** Indexed Jobs' bookkeeping (indexed_job_utils.go): completion indexes kept as ordered, merged intervals. */

export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';

/** An inclusive range of indexes. */
export interface Interval {
  first: number;
  last: number;
}

/** Merges two ordered interval lists, joining neighbours (3 and 4-6 become 3-6). */
export function mergeIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  const push = (iv: Interval): void => {
    const last = out[out.length - 1];
    if (last === undefined || iv.first > last.last + 1) out.push({ ...iv });
    else if (iv.last > last.last) last.last = iv.last;
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) push((a[i] as Interval).first < (b[j] as Interval).first ? (a[i++] as Interval) : (b[j++] as Interval));
  while (i < a.length) push(a[i++] as Interval);
  while (j < b.length) push(b[j++] as Interval);
  return out;
}

/** Adds single indexes, in any order, to an ordered interval list. */
export const withIndexes = (iv: readonly Interval[], indexes: Iterable<number>): Interval[] =>
  mergeIntervals(
    iv,
    [...new Set(indexes)].sort((x, y) => x - y).map((n) => ({ first: n, last: n })),
  );

export const totalIndexes = (iv: readonly Interval[]): number => iv.reduce((n, x) => n + x.last - x.first + 1, 0);

export const hasIndex = (iv: readonly Interval[], ix: number): boolean => iv.some((x) => x.first <= ix && ix <= x.last);

/** Kubernetes' compressed form: "0-2,4,6,7" (a run of two stays two numbers). */
export const formatIndexes = (iv: readonly Interval[]): string =>
  iv.map((x) => (x.last === x.first ? `${x.first}` : `${x.first}${x.last === x.first + 1 ? ',' : '-'}${x.last}`)).join(',');

/**
 * The intervals a status string holds, below `completions`. Corrupt pieces are skipped, as the
 * controller does, rather than failing the whole job.
 */
export function parseIndexes(s: string | undefined, completions: number): Interval[] {
  if (!s) return [];
  const out: Interval[] = [];
  for (const part of s.split(',')) {
    const [a, b] = part.split('-');
    const first = Number(a);
    if (a === undefined || a === '' || !Number.isInteger(first)) continue;
    if (first >= completions) break;
    let last = first;
    if (b !== undefined) {
      last = Number(b);
      if (b === '' || !Number.isInteger(last)) continue;
      last = Math.min(last, completions - 1);
    }
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.last === first - 1) prev.last = last;
    else out.push({ first, last });
  }
  return out;
}

function nonNegativeInt(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 2 ** 31 - 1 ? n : undefined;
}

/** The pod's completion index from its annotation, or undefined when missing or malformed. */
export const completionIndex = (p: Pod): number | undefined => nonNegativeInt(p.metadata.annotations?.[COMPLETION_INDEX]);

/** Failures of the pod's index before this pod (counted, and ignored by the pod failure policy). */
export const indexFailureCounts = (p: Pod): { counted: number; ignored: number } => ({
  counted: nonNegativeInt(p.metadata.annotations?.[INDEX_FAILURE_COUNT]) ?? 0,
  ignored: nonNegativeInt(p.metadata.annotations?.[INDEX_IGNORED_FAILURE_COUNT]) ?? 0,
});

/** The indexes of `pods` that are valid for `completions`. */
export function podIndexes(pods: readonly Pod[], completions: number): number[] {
  const out: number[] = [];
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix !== undefined && ix < completions) out.push(ix);
  }
  return out;
}

/** The first `count` indexes below `completions` that `taken` does not cover. */
export function firstPendingIndexes(taken: readonly Interval[], count: number, completions: number): number[] {
  const out: number[] = [];
  let candidate = 0;
  for (const iv of taken) {
    for (; candidate < completions && out.length < count && candidate < iv.first; candidate++) out.push(candidate);
    candidate = Math.max(candidate, iv.last + 1);
  }
  for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
  return out;
}

/**
 * Active pods that must go whatever the pod count: those without a valid index, those past
 * `completions`, and all but the best-ranked of each repeated index.
 */
export function duplicateIndexPods(active: readonly Pod[], completions: number): { remove: Pod[]; keep: Pod[] } {
  const remove: Pod[] = [];
  const byIndex = new Map<number, Pod[]>();
  for (const p of active) {
    const ix = completionIndex(p);
    if (ix === undefined || ix >= completions) remove.push(p);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
  }
  const keep: Pod[] = [];
  for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
    // The last in deletion order (the most advanced pod) stays, as controller.ActivePods sorts.
    const same = [...(byIndex.get(ix) as Pod[])].sort((a, b) => compareForDeletion(a, b, () => 0));
    remove.push(...same.slice(0, -1));
    keep.push(same[same.length - 1] as Pod);
  }
  return { remove, keep };
}

/** generateName `<job>-<index>-`, the job name cut so the whole stays within 58 characters. */
export function indexedGenerateName(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const MAX_GENERATED_NAME = 58;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME ? jobName.slice(0, MAX_GENERATED_NAME - suffix.length) + suffix : prefix;
}
