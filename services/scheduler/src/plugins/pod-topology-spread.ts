import type { CycleState } from '../framework/cycle-state.js';
import { MAX_NODE_SCORE, type FilterPlugin, type PreFilterPlugin, type ScorePlugin, type Snapshot } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { podMatchesNodeAffinity } from '../framework/node-selector.js';
import type { TopologySpreadConstraint } from '../framework/objects.js';
import { labelSelector, type PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';
import { firstUntolerated } from '../framework/taints.js';

export const ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_MISSING_LABEL = `${ERR_CONSTRAINTS} (missing required label)`;

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
  matches(p: PodInfo): boolean;
}

function compile(pod: PodInfo, c: TopologySpreadConstraint): Constraint {
  const base = c.labelSelector ?? {};
  // matchLabelKeys: the pod's own values for those keys narrow the selector.
  const extra = (c.matchLabelKeys ?? []).filter((k) => pod.labels[k] !== undefined).map((k) => ({ key: k, operator: 'In', values: [pod.labels[k] as string] }));
  const sel = c.labelSelector === undefined && extra.length === 0 ? labelSelector(undefined) : labelSelector({ ...base, matchExpressions: [...(base.matchExpressions ?? []), ...extra] });
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    minDomains: c.minDomains ?? 1,
    honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: c.nodeTaintsPolicy === 'Honor',
    matches: (p) => p.namespace === pod.namespace && p.pod.metadata.deletionTimestamp === undefined && sel.matches(p.labels),
  };
}

/**
 * Kubernetes' system default constraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway)
 * for pods without their own. Upstream selects by the pod's Services and controllers; kite
 * selects the pods sharing the pod's controller (same controller ownerReference).
 */
function defaultConstraints(pod: PodInfo): Constraint[] {
  const owner = pod.pod.metadata.ownerReferences?.find((o) => o.controller);
  if (owner === undefined) return [];
  const matches = (p: PodInfo): boolean =>
    p.namespace === pod.namespace && p.pod.metadata.deletionTimestamp === undefined && (p.pod.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === owner.uid);
  return [
    { maxSkew: 3, topologyKey: HOSTNAME, minDomains: 1, honorAffinity: true, honorTaints: false, matches },
    { maxSkew: 5, topologyKey: ZONE, minDomains: 1, honorAffinity: true, honorTaints: false, matches },
  ];
}

const hasKeys = (node: NodeInfo, cs: Constraint[]): boolean => cs.every((c) => node.labels[c.topologyKey] !== undefined);

function eligible(pod: PodInfo, node: NodeInfo, c: Constraint): boolean {
  if (c.honorAffinity && !podMatchesNodeAffinity(pod.pod, node.node)) return false;
  if (c.honorTaints && firstUntolerated(node.node.spec?.taints, pod.pod.spec.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) return false;
  return true;
}

function countOn(node: NodeInfo, c: Constraint): number {
  let n = 0;
  for (const p of node.pods.values()) if (c.matches(p)) n++;
  return n;
}

interface FilterState {
  constraints: Constraint[];
  counts: Array<Map<string, number>>;
  minMatch: number[];
}

interface ScoreState {
  constraints: Constraint[];
  counts: Array<Map<string, number>>;
  weights: number[];
  ignored: Set<string>;
}

const FILTER_KEY = 'PreFilterPodTopologySpread';
const SCORE_KEY = 'PreScorePodTopologySpread';

const constraintsOf = (pod: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] =>
  (pod.pod.spec.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === when).map((c) => compile(pod, c));

/** topologySpreadConstraints: DoNotSchedule as a filter on skew, ScheduleAnyway as a score. */
export const podTopologySpread: PreFilterPlugin & FilterPlugin & ScorePlugin = {
  name: 'PodTopologySpread',
  preFilter(state: CycleState, pod: PodInfo, snap: Snapshot) {
    const constraints = constraintsOf(pod, 'DoNotSchedule');
    if (constraints.length === 0) return Status.skip();
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of snap.nodes) {
      if (!hasKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!eligible(pod, node, c)) return;
        const v = node.labels[c.topologyKey] as string;
        const m = counts[i] as Map<string, number>;
        m.set(v, (m.get(v) ?? 0) + countOn(node, c));
      });
    }
    const minMatch = constraints.map((c, i) => {
      const m = counts[i] as Map<string, number>;
      if (m.size < c.minDomains) return 0;
      let min = Infinity;
      for (const v of m.values()) min = Math.min(min, v);
      return min === Infinity ? 0 : min;
    });
    state.write<FilterState>(FILTER_KEY, { constraints, counts, minMatch });
    return Status.success();
  },
  filter(state, pod, node) {
    const s = state.read<FilterState>(FILTER_KEY);
    if (s === undefined) return Status.error('PodTopologySpread: PreFilter state missing');
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as Constraint;
      const v = node.labels[c.topologyKey];
      if (v === undefined) return Status.unresolvable(ERR_MISSING_LABEL);
      const self = c.matches(pod) ? 1 : 0;
      const skew = ((s.counts[i] as Map<string, number>).get(v) ?? 0) + self - (s.minMatch[i] as number);
      if (skew > c.maxSkew) return Status.unschedulable(ERR_CONSTRAINTS);
    }
    return Status.success();
  },
  preScore(state, pod, nodes, snap) {
    const own = pod.pod.spec.topologySpreadConstraints ?? [];
    const constraints = own.length > 0 ? constraintsOf(pod, 'ScheduleAnyway') : defaultConstraints(pod);
    if (constraints.length === 0) return Status.skip();
    // The pod's own constraints need every key on a node; system defaults apply key by key.
    const requireAll = own.length > 0;
    const usable = (n: NodeInfo): boolean => !requireAll || hasKeys(n, constraints);
    const ignored = new Set<string>();
    const domains = constraints.map(() => new Set<string>());
    for (const n of nodes) {
      if (!usable(n)) {
        ignored.add(n.name);
        continue;
      }
      constraints.forEach((c, i) => {
        const v = n.labels[c.topologyKey];
        if (v !== undefined) domains[i]?.add(v);
      });
    }
    const counts = constraints.map(() => new Map<string, number>());
    // Hostname domains are the candidate nodes themselves; other keys count across the cluster.
    constraints.forEach((c, i) => {
      const m = counts[i] as Map<string, number>;
      const pool = c.topologyKey === HOSTNAME ? nodes : snap.nodes;
      for (const n of pool) {
        if (!usable(n) || !eligible(pod, n, c)) continue;
        const v = n.labels[c.topologyKey];
        if (v === undefined || !domains[i]?.has(v)) continue;
        m.set(v, (m.get(v) ?? 0) + countOn(n, c));
      }
    });
    const weights = constraints.map((_c, i) => Math.log((domains[i]?.size ?? 0) + 2));
    state.write<ScoreState>(SCORE_KEY, { constraints, counts, weights, ignored });
    return Status.success();
  },
  score(state, _pod, node) {
    const s = state.read<ScoreState>(SCORE_KEY);
    if (s === undefined || s.ignored.has(node.name)) return 0;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const v = node.labels[c.topologyKey];
      if (v === undefined) return;
      const cnt = (s.counts[i] as Map<string, number>).get(v) ?? 0;
      score += cnt * (s.weights[i] as number) + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalizeScore(state, _pod, scores) {
    const s = state.read<ScoreState>(SCORE_KEY);
    if (s === undefined) return;
    let min = Infinity;
    let max = 0;
    for (const sc of scores) {
      if (s.ignored.has(sc.name)) continue;
      min = Math.min(min, sc.score);
      max = Math.max(max, sc.score);
    }
    for (const sc of scores) {
      if (s.ignored.has(sc.name)) sc.score = 0;
      else if (max === 0) sc.score = MAX_NODE_SCORE;
      else sc.score = Math.trunc((MAX_NODE_SCORE * (max + min - sc.score)) / max);
    }
  },
};
