import { condition } from './pods.js';
import type { Condition, Node, Pod, Taint, Toleration } from './types.js';

export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const NOT_READY = 'node.kubernetes.io/not-ready';
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * tryUpdateNodeHealth's verdict once the kubelet has been silent past the grace period: every
 * condition becomes Unknown (Ready added if the kubelet never posted it). Undefined when
 * nothing changes.
 */
export function markUnknown(node: Node, nowMs: number): Condition[] | undefined {
  const conds = node.status?.conditions ?? [];
  const now = iso(nowMs);
  let changed = false;
  const out = conds.map((c) => {
    if (c.status === 'Unknown') return c;
    changed = true;
    return { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now };
  });
  if (condition(conds, 'Ready') === undefined) {
    changed = true;
    out.push({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: now, lastTransitionTime: now });
  }
  return changed ? out : undefined;
}

/** The NoSchedule and NoExecute taints the Ready condition calls for. */
export function conditionTaints(node: Node): Array<{ key: string; effect: string }> {
  const ready = condition(node.status?.conditions, 'Ready');
  if (ready === undefined || ready.status === 'True') return [];
  const key = ready.status === 'False' ? NOT_READY : UNREACHABLE;
  return [
    { key, effect: 'NoSchedule' },
    { key, effect: 'NoExecute' },
  ];
}

/**
 * The node's taints with the lifecycle ones brought in line with its Ready condition; the
 * rest untouched. Undefined when they already match.
 */
export function reconcileTaints(node: Node, nowMs: number): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const want = conditionTaints(node);
  const ours = (t: Taint): boolean => (t.key === UNREACHABLE || t.key === NOT_READY) && (t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const keep = current.filter((t) => !ours(t) || want.some((w) => w.key === t.key && w.effect === t.effect));
  const add = want.filter((w) => !current.some((t) => t.key === w.key && t.effect === w.effect));
  if (add.length === 0 && keep.length === current.length) return undefined;
  return [...keep, ...add.map((w) => ({ ...w, ...(w.effect === 'NoExecute' ? { timeAdded: iso(nowMs) } : {}) }))];
}

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * The taint manager's verdict for a pod on a node with NoExecute taints: `now` when some taint
 * is not tolerated, the moment the shortest tolerationSeconds runs out, or `never`.
 */
export function evictionTime(pod: Pod, taints: readonly Taint[], nowMs: number): number | 'never' {
  const noExec = taints.filter((t) => t.effect === 'NoExecute');
  if (noExec.length === 0) return 'never';
  let at: number | 'never' = 'never';
  for (const taint of noExec) {
    const matching = (pod.spec.tolerations ?? []).filter((t) => tolerates(t, taint));
    if (matching.length === 0) return nowMs;
    // Several tolerations for one taint: the pod stays as long as the most generous allows.
    let forever = false;
    let longest = -Infinity;
    for (const t of matching) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) forever = true;
      else longest = Math.max(longest, t.tolerationSeconds);
    }
    if (forever) continue;
    const added = Date.parse(taint.timeAdded ?? '') || nowMs;
    const due = added + Math.max(0, longest) * 1000;
    at = at === 'never' ? due : Math.min(at, due);
  }
  return at;
}
