import type { Status } from './status.js';

/** Why no node fits: each node's rejecting status, or one PreFilter message for all. */
export interface Diagnosis {
  numAllNodes: number;
  nodeStatuses: Map<string, Status>;
  preFilterMsg?: string;
  /** The preemption (PostFilter) verdict, already prefixed with "preemption: ". */
  postFilterMsg?: string;
}

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/**
 * FitError.Error() of kube-scheduler: "0/N nodes are available: <reasons>. <postfilter>", the
 * reasons counted over nodes and sorted as strings ("1 Insufficient cpu, 2 node(s) …").
 */
export function fitErrorMessage(d: Diagnosis): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const hist = reasonHistogram(d.nodeStatuses.values());
    if (hist.length > 0) msg += ` ${hist.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

export function reasonHistogram(statuses: Iterable<Status>): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  // Go's sort.Strings: byte order, count first (so "10 …" sorts before "2 …", as upstream).
  return [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
