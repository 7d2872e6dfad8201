import { scaledValue } from './intstr.js';
import { condition } from './pods.js';
import type { Condition, Deployment, ReplicaSet } from './types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

export const replicasOf = (d: Deployment): number => d.spec.replicas ?? 1;
export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec.replicas ?? 0;
export const isRolling = (d: Deployment): boolean => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and both zero would
 * deadlock the rollout, so maxUnavailable becomes 1.
 */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  if (!isRolling(d)) return { maxSurge: 0, maxUnavailable: 0 };
  const replicas = replicasOf(d);
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(ru.maxSurge, replicas, true, '25%');
  let maxUnavailable = scaledValue(ru.maxUnavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** MaxUnavailable as status and availability read it: never above replicas. */
export function maxUnavailable(d: Deployment): number {
  if (!isRolling(d) || replicasOf(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, replicasOf(d));
}

export const sumSpec = (rss: readonly ReplicaSet[]): number => rss.reduce((n, rs) => n + specReplicas(rs), 0);
const sumStatus = (rss: readonly ReplicaSet[], f: 'replicas' | 'readyReplicas' | 'availableReplicas'): number => rss.reduce((n, rs) => n + (rs.status?.[f] ?? 0), 0);

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSReplicas(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): number {
  if (!isRolling(d)) return replicasOf(d);
  const { maxSurge } = resolveFenceposts(d);
  const current = sumSpec(all);
  const maxTotal = replicasOf(d) + maxSurge;
  const have = specReplicas(newRS);
  if (current >= maxTotal) return have;
  const up = Math.min(maxTotal - current, replicasOf(d) - have);
  return have + Math.max(0, up);
}

const createdAt = (rs: ReplicaSet): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
const oldestFirst = (a: ReplicaSet, b: ReplicaSet): number => createdAt(a) - createdAt(b) || String(a.metadata.name).localeCompare(String(b.metadata.name));

/**
 * reconcileOldReplicaSets for RollingUpdate: first scale down old pods that are not available
 * anyway (they cost no availability), then as many available ones as minAvailable allows.
 * Returns the new spec.replicas per old ReplicaSet name (only those that change).
 */
export function scaleDownOld(d: Deployment, oldRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Map<string, number> {
  const out = new Map<string, number>();
  const replicasNow = (rs: ReplicaSet): number => out.get(rs.metadata.name as string) ?? specReplicas(rs);
  if (sumSpec(oldRSs) === 0) return out;
  const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return out;
  const sorted = [...oldRSs].sort(oldestFirst);
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    if (specReplicas(rs) === 0) continue;
    const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    out.set(rs.metadata.name as string, specReplicas(rs) - down);
    cleaned += down;
  }
  // Availability is counted from ReplicaSet status, which cleaning unhealthy pods does not lower.
  const available = sumStatus(all, 'availableReplicas');
  if (available <= minAvailable) return out;
  const total = available - minAvailable;
  let scaled = 0;
  for (const rs of sorted) {
    if (scaled >= total) break;
    const cur = replicasNow(rs);
    if (cur === 0) continue;
    const down = Math.min(cur, total - scaled);
    out.set(rs.metadata.name as string, cur - down);
    scaled += down;
  }
  return out;
}

/** isScalingEvent: an active ReplicaSet was last sized for a different spec.replicas. */
export function isScalingEvent(d: Deployment, active: readonly ReplicaSet[]): boolean {
  return active.some((rs) => {
    const a = rs.metadata.annotations?.[DESIRED_REPLICAS];
    return a !== undefined && Number(a) !== replicasOf(d);
  });
}

/**
 * Proportional scaling (the deployment sync's scale()) when spec.replicas changes mid-rollout:
 * each active ReplicaSet gets its share of the new total by the size it had under the old one
 * (its max-replicas annotation); leftovers go to the largest. Returns new spec.replicas by name.
 */
export function proportionalScale(d: Deployment, active: readonly ReplicaSet[]): Map<string, number> {
  const out = new Map<string, number>();
  const { maxSurge } = resolveFenceposts(d);
  const allowed = replicasOf(d) + maxSurge;
  const toAdd = allowed - sumSpec(active);
  if (toAdd === 0) return out;
  const created = (rs: ReplicaSet): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
  const sorted = [...active].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? created(b) - created(a) : created(a) - created(b)));
  let added = 0;
  for (const rs of sorted) {
    if (specReplicas(rs) === 0) continue;
    let fraction: number;
    if (replicasOf(d) === 0) fraction = -specReplicas(rs);
    else {
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? d.status?.replicas ?? 0) || 0;
      fraction = annotated === 0 ? 0 : Math.round((specReplicas(rs) * allowed) / annotated) - specReplicas(rs);
    }
    const left = toAdd - added;
    const share = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
    out.set(rs.metadata.name as string, specReplicas(rs) + share);
    added += share;
  }
  const first = sorted[0];
  if (first && added < toAdd) {
    const name = first.metadata.name as string;
    out.set(name, Math.max(0, (out.get(name) ?? specReplicas(first)) + toAdd - added));
  }
  return out;
}

export const revisionOf = (rs: { metadata: { annotations?: Record<string, string> } }): number => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
export const maxRevision = (rss: readonly ReplicaSet[]): number => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

/** Old ReplicaSets beyond revisionHistoryLimit that are fully scaled down, oldest revision first. */
export function historyToDelete(d: Deployment, oldRSs: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const idle = oldRSs.filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && rs.metadata.deletionTimestamp === undefined);
  const excess = idle.length - limit;
  if (excess <= 0) return [];
  return [...idle].sort((a, b) => revisionOf(a) - revisionOf(b) || oldestFirst(a, b)).slice(0, excess);
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions: Condition[];
  collisionCount?: number;
}

export const cond = (type: string, status: string, reason: string, message: string, now: string): Condition => ({
  type,
  status,
  lastUpdateTime: now,
  lastTransitionTime: now,
  reason,
  message,
});

/** SetDeploymentCondition: a condition whose status and reason are unchanged keeps its times. */
export function setCondition(conds: readonly Condition[], c: Condition, keepTransitionIfSameStatus = true): Condition[] {
  const cur = condition(conds, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return [...conds];
  const next = cur && cur.status === c.status && keepTransitionIfSameStatus ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  return [...conds.filter((x) => x.type !== c.type), next];
}

/** calculateStatus: counts from the ReplicaSets plus the Available condition. */
export function calculateStatus(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: string): DeploymentStatus {
  const available = sumStatus(all, 'availableReplicas');
  const unavailable = Math.max(0, sumSpec(all) - available);
  let conditions = [...(d.status?.conditions ?? [])];
  conditions =
    available >= replicasOf(d) - maxUnavailable(d)
      ? setCondition(conditions, cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now))
      : setCondition(conditions, cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
  return {
    ...(d.metadata.generation !== undefined ? { observedGeneration: d.metadata.generation } : {}),
    replicas: sumStatus(all, 'replicas'),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sumStatus(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    conditions,
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
}

/** DeploymentComplete: every replica updated and available, and nothing old left. */
export const isComplete = (d: Deployment, s: DeploymentStatus): boolean =>
  s.updatedReplicas === replicasOf(d) && s.replicas === replicasOf(d) && s.availableReplicas === replicasOf(d) && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);

/** DeploymentProgressing: something moved since the last status. */
export function isProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = s.replicas - s.updatedReplicas;
  return s.updatedReplicas > (old.updatedReplicas ?? 0) || newOld < oldOld || s.readyReplicas > (old.readyReplicas ?? 0) || s.availableReplicas > (old.availableReplicas ?? 0);
}

export const hasProgressDeadline = (d: Deployment): boolean => d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

/**
 * syncRolloutStatus's Progressing condition. Returns the conditions and, while a rollout is
 * under way, how long until the deadline should be checked again.
 */
export function progressingCondition(d: Deployment, s: DeploymentStatus, newRSName: string | undefined, nowMs: number): { conditions: Condition[]; recheckMs?: number } {
  const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let conditions = s.conditions;
  if (!hasProgressDeadline(d)) return { conditions: conditions.filter((c) => c.type !== 'Progressing') };
  const cur = condition(conditions, 'Progressing');
  if (d.spec.paused) return { conditions };
  const done = s.replicas === s.updatedReplicas && cur?.reason === 'NewReplicaSetAvailable';
  if (done) return { conditions };
  const rsName = newRSName ?? '';
  if (isComplete(d, s)) {
    conditions = setCondition(conditions, cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, now));
    return { conditions };
  }
  const deadlineMs = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
  if (isProgressing(d, s)) {
    const c = cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, now);
    if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
    conditions = [...conditions.filter((x) => x.type !== 'Progressing'), c];
    return { conditions, recheckMs: deadlineMs };
  }
  if (cur && cur.reason !== 'ProgressDeadlineExceeded' && cur.reason !== 'NewReplicaSetAvailable') {
    const since = Date.parse(cur.lastUpdateTime ?? cur.lastTransitionTime ?? '') || nowMs;
    if (since + deadlineMs <= nowMs) {
      conditions = setCondition(conditions, cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, now));
      return { conditions };
    }
    return { conditions, recheckMs: since + deadlineMs - nowMs + 1 };
  }
  return { conditions };
}
