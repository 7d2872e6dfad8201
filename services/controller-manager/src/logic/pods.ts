import type { Condition, KubeObjectLike, OwnerReference, Pod } from './types.js';

export const condition = (conds: readonly Condition[] | undefined, type: string): Condition | undefined => (conds ?? []).find((c) => c.type === type);

export const isPodReady = (p: Pod): boolean => condition(p.status?.conditions, 'Ready')?.status === 'True';

export const isTerminated = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** controller.IsPodActive: not finished and not on its way out. */
export const isPodActive = (p: Pod): boolean => !isTerminated(p) && p.metadata.deletionTimestamp === undefined;

/** Ready for at least minReadySeconds (podutil.IsPodAvailable), by the Ready condition's transition time. */
export function isPodAvailable(p: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = condition(p.status?.conditions, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Milliseconds until a ready pod becomes available, 0 when it already is or never will on its own. */
export function msUntilAvailable(p: Pod, minReadySeconds: number, nowMs: number): number {
  const ready = condition(p.status?.conditions, 'Ready');
  if (ready?.status !== 'True' || minReadySeconds <= 0 || !ready.lastTransitionTime) return 0;
  return Math.max(0, Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000 - nowMs);
}

export const controllerRef = (o: KubeObjectLike): OwnerReference | undefined => (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);

export function ownerRefTo(owner: KubeObjectLike & { apiVersion?: string; kind?: string }, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name as string, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true };
}

/** A pod's total container restarts, for delete ranking. */
export const restarts = (p: Pod): number => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
