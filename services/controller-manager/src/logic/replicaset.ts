import { condition, isPodAvailable, isPodReady, restarts } from './pods.js';
import type { Pod, ReplicaSet } from './types.js';

/** At most this many creations or deletions per sync, as kube-controller-manager's burstReplicas. */
export const BURST_REPLICAS = 500;

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const phaseOrdinal = (p: Pod): number => PHASE_ORDER[p.status?.phase ?? 'Pending'] ?? 0;
const deletionCost = (p: Pod): number => {
  const v = Number(p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0);
  return Number.isFinite(v) ? v : 0;
};
const time = (s: string | null | undefined): number => (s ? Date.parse(s) : 0);
const readySince = (p: Pod): number => time(condition(p.status?.conditions, 'Ready')?.lastTransitionTime);

/**
 * Kubernetes' ActivePodsWithRanks order: negative when `a` should go before `b`. Unscheduled
 * before scheduled, Pending before Unknown before Running, not ready before ready, lower
 * pod-deletion-cost first, pods doubled up on a node first, recently ready before long ready,
 * more restarts first, newer before older.
 */
export function compareForDeletion(a: Pod, b: Pod, rank: (p: Pod) => number): number {
  const aNode = Boolean(a.spec.nodeName);
  const bNode = Boolean(b.spec.nodeName);
  if (aNode !== bNode) return aNode ? 1 : -1;
  if (phaseOrdinal(a) !== phaseOrdinal(b)) return phaseOrdinal(a) - phaseOrdinal(b);
  const aReady = isPodReady(a);
  const bReady = isPodReady(b);
  if (aReady !== bReady) return aReady ? 1 : -1;
  if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
  if (rank(a) !== rank(b)) return rank(b) - rank(a);
  if (aReady && bReady && readySince(a) !== readySince(b)) return readySince(b) - readySince(a);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp);
}

/**
 * The `count` pods to delete, best candidates first. `related` are the active pods of every
 * ReplicaSet of the same owner: a node already running many of them is the one to thin out.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of related) if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  const rank = (p: Pod): number => (p.spec.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => compareForDeletion(a, b, rank)).slice(0, Math.max(0, count));
}

/** Positive: pods to create; negative: pods to delete; capped at the burst size. */
export function replicaDiff(active: number, desired: number): number {
  const d = desired - active;
  return Math.sign(d) * Math.min(Math.abs(d), BURST_REPLICAS);
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
}

export function replicaSetStatus(rs: ReplicaSet, active: readonly Pod[], nowMs: number): ReplicaSetStatus {
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of active) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fully++;
    if (isPodReady(p)) ready++;
    if (isPodAvailable(p, minReady, nowMs)) available++;
  }
  return {
    replicas: active.length,
    fullyLabeledReplicas: fully,
    readyReplicas: ready,
    availableReplicas: available,
    ...(rs.metadata.generation !== undefined ? { observedGeneration: rs.metadata.generation } : {}),
  };
}
