import type { CycleState } from './cycle-state.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Status } from './status.js';

/** The cluster as one scheduling cycle sees it: every node with its pods, and namespace labels. */
export interface Snapshot {
  readonly nodes: readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  namespaceLabels(namespace: string): Record<string, string> | undefined;
}

export interface Plugin {
  readonly name: string;
}

/** A PreFilter verdict that also narrows the candidates to these nodes (all others are rejected). */
export interface PreFilterResult {
  status: Status;
  nodeNames: ReadonlySet<string>;
}

/** Runs once per cycle before filtering, to precompute into CycleState, narrow the nodes, or reject the pod outright. */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | PreFilterResult;
}

/** Says whether the pod can run on one node. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface NodeScore {
  name: string;
  score: number;
}

/** Ranks the feasible nodes; scores are normalized to 0…MAX_NODE_SCORE and weighted. */
export interface ScorePlugin extends Plugin {
  /** Optional precomputation over the feasible nodes; Skip leaves this plugin out of the cycle. */
  preScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status;
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rewrites the scores in place into 0…MAX_NODE_SCORE. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

export const MAX_NODE_SCORE = 100;

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as Partial<PreFilterPlugin>).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as Partial<FilterPlugin>).filter === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as Partial<ScorePlugin>).score === 'function';

/**
 * Kubernetes' DefaultNormalizeScore: scales to 0…100 by the highest score; `reverse` makes
 * the lowest raw score the best.
 */
export function defaultNormalize(scores: NodeScore[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) max = Math.max(max, s.score);
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = MAX_NODE_SCORE;
    return;
  }
  for (const s of scores) {
    const v = Math.trunc((MAX_NODE_SCORE * s.score) / max);
    s.score = reverse ? MAX_NODE_SCORE - v : v;
  }
}
