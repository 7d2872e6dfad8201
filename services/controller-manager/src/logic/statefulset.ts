import { isPodAvailable, isPodReady, isTerminated } from './pods.js';
import type { Pod, StatefulSet } from './types.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

/** The ordinal in `<set>-<n>`, or undefined for a pod not named like one of the set's. */
export function ordinalOf(setName: string, podName: string): number | undefined {
  const m = /^(.*)-(\d+)$/.exec(podName);
  if (!m || m[1] !== setName) return undefined;
  return Number(m[2]);
}

const runningAndReady = (p: Pod): boolean => p.status?.phase === 'Running' && isPodReady(p);

export type StsAction = { kind: 'create'; ordinal: number } | { kind: 'delete'; pod: Pod } | { kind: 'wait'; why: string };

/**
 * One pass of StatefulSet's update logic, returning what to do now. OrderedReady creates the
 * lowest missing ordinal only when every lower one is Running and Ready, removes the highest
 * surplus ordinal first and one at a time, and never acts while a pod is terminating. Parallel
 * creates and removes all at once. A RollingUpdate replaces pods from the highest ordinal down
 * to the partition, one at a time, each only once the others are Running and Ready. A pod whose
 * identity is still held by a terminating pod is never re-created until that one is gone.
 */
export function planStatefulSet(sts: StatefulSet, pods: readonly Pod[], updateRevision: string): StsAction[] {
  const name = sts.metadata.name as string;
  const replicas = sts.spec.replicas ?? 1;
  const start = sts.spec.ordinals?.start ?? 0;
  const parallel = sts.spec.podManagementPolicy === 'Parallel';
  const byOrdinal = new Map<number, Pod>();
  for (const p of pods) {
    const o = ordinalOf(name, p.metadata.name as string);
    if (o !== undefined) byOrdinal.set(o, p);
  }
  const actions: StsAction[] = [];
  // Finished pods are replaced (deleted now, created on a later pass).
  for (const p of byOrdinal.values()) if (isTerminated(p) && p.metadata.deletionTimestamp === undefined) actions.push({ kind: 'delete', pod: p });
  if (actions.length > 0 && !parallel) return actions;
  for (let o = start; o < start + replicas; o++) {
    const p = byOrdinal.get(o);
    if (p === undefined) {
      actions.push({ kind: 'create', ordinal: o });
      if (!parallel) return actions;
      continue;
    }
    if (isTerminated(p)) continue;
    if (!parallel && p.metadata.deletionTimestamp !== undefined) return [...actions, { kind: 'wait', why: `${p.metadata.name} is terminating` }];
    if (!parallel && !runningAndReady(p)) return [...actions, { kind: 'wait', why: `${p.metadata.name} is not Running and Ready` }];
  }
  const condemned = [...byOrdinal.entries()].filter(([o]) => o < start || o >= start + replicas).sort(([a], [b]) => b - a);
  for (const [, p] of condemned) {
    if (p.metadata.deletionTimestamp !== undefined) {
      if (!parallel) return [...actions, { kind: 'wait', why: `${p.metadata.name} is terminating` }];
      continue;
    }
    actions.push({ kind: 'delete', pod: p });
    if (!parallel) return actions;
  }
  if (actions.length > 0) return actions;
  if ((sts.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return actions;
  const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const live = [...byOrdinal.entries()].filter(([o]) => o >= start && o < start + replicas);
  // Replace one pod at a time, and only while every other one is healthy.
  if (live.some(([, p]) => p.metadata.deletionTimestamp !== undefined || !runningAndReady(p))) return actions;
  const stale = live.filter(([o, p]) => o - start >= partition && p.metadata.labels?.[REVISION_LABEL] !== updateRevision).sort(([a], [b]) => b - a)[0];
  if (stale) actions.push({ kind: 'delete', pod: stale[1] });
  return actions;
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

/** `current` is the current revision as the history resolved it; by default the one status names. */
export function statefulSetStatus(sts: StatefulSet, pods: readonly Pod[], updateRevision: string, nowMs: number, current?: string): StatefulSetStatus {
  const live = pods.filter((p) => !isTerminated(p) && p.metadata.deletionTimestamp === undefined);
  const prevCurrent = current ?? (sts.status?.currentRevision as string | undefined) ?? updateRevision;
  const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
  const replicas = sts.spec.replicas ?? 1;
  // Once every replica runs the update revision, it becomes the current one.
  const currentRevision = updated === replicas && live.length === replicas ? updateRevision : prevCurrent;
  return {
    ...(sts.metadata.generation !== undefined ? { observedGeneration: sts.metadata.generation } : {}),
    replicas: live.length,
    readyReplicas: live.filter(isPodReady).length,
    currentReplicas: live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length,
    updatedReplicas: updated,
    availableReplicas: live.filter((p) => isPodAvailable(p, sts.spec.minReadySeconds ?? 0, nowMs)).length,
    currentRevision,
    updateRevision,
    // Bumped by the history when a revision name collides; never reset.
    collisionCount: typeof sts.status?.collisionCount === 'number' ? sts.status.collisionCount : 0,
  };
}
