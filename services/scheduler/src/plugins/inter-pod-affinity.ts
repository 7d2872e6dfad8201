import type { CycleState } from '../framework/cycle-state.js';
import { MAX_NODE_SCORE, type FilterPlugin, type PreFilterPlugin, type ScorePlugin, type Snapshot } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';

export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/** Existing pods' required affinity terms count this much in scoring (hardPodAffinityWeight). */
const HARD_POD_AFFINITY_WEIGHT = 1;

const pair = (key: string, value: string): string => `${key}\u0000${value}`;
const FILTER_KEY = 'PreFilterInterPodAffinity';
const SCORE_KEY = 'PreScoreInterPodAffinity';

interface FilterState {
  /** Topology pairs where an existing pod's required anti-affinity selects the incoming pod. */
  existingAnti: Map<string, number>;
  /** Pairs holding pods that match all of the incoming pod's required affinity terms. */
  affinity: Map<string, number>;
  /** Pairs holding pods that the incoming pod's anti-affinity terms select. */
  anti: Map<string, number>;
}

function bump(m: Map<string, number>, node: NodeInfo, key: string, by = 1): void {
  const v = node.labels[key];
  if (v !== undefined) m.set(pair(key, v), (m.get(pair(key, v)) ?? 0) + by);
}

const matchesAll = (terms: AffinityTerm[], p: PodInfo, ns: Record<string, string> | undefined): boolean => terms.every((t) => termMatches(t, p, ns));

function satisfiesAffinity(s: FilterState, pod: PodInfo, node: NodeInfo, snap: Snapshot | undefined): boolean {
  let podsExist = true;
  for (const t of pod.requiredAffinity) {
    const v = node.labels[t.topologyKey];
    if (v === undefined) return false;
    if ((s.affinity.get(pair(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself must be able to start somewhere.
  return s.affinity.size === 0 && matchesAll(pod.requiredAffinity, pod, snap?.namespaceLabels(pod.namespace));
}

/**
 * Required pod affinity and anti-affinity (the pod's own terms, and existing pods'
 * anti-affinity against it) per topology domain; preferred terms as a score.
 */
export const interPodAffinity: PreFilterPlugin & FilterPlugin & ScorePlugin = {
  name: 'InterPodAffinity',
  preFilter(state: CycleState, pod: PodInfo, snap: Snapshot) {
    const s: FilterState = { existingAnti: new Map(), affinity: new Map(), anti: new Map() };
    const podNs = snap.namespaceLabels(pod.namespace);
    const own = pod.requiredAffinity.length > 0 || pod.requiredAntiAffinity.length > 0;
    for (const node of snap.nodes) {
      if (!own && node.podsWithRequiredAntiAffinity === 0) continue;
      for (const existing of node.pods.values()) {
        for (const t of existing.requiredAntiAffinity) if (termMatches(t, pod, podNs)) bump(s.existingAnti, node, t.topologyKey);
        if (!own) continue;
        const ns = snap.namespaceLabels(existing.namespace);
        if (pod.requiredAffinity.length > 0 && matchesAll(pod.requiredAffinity, existing, ns)) for (const t of pod.requiredAffinity) bump(s.affinity, node, t.topologyKey);
        for (const t of pod.requiredAntiAffinity) if (termMatches(t, existing, ns)) bump(s.anti, node, t.topologyKey);
      }
    }
    if (!own && s.existingAnti.size === 0) return Status.skip();
    state.write(FILTER_KEY, { s, snap });
    return Status.success();
  },
  filter(state, pod, node) {
    const got = state.read<{ s: FilterState; snap: Snapshot }>(FILTER_KEY);
    if (got === undefined) return Status.error('InterPodAffinity: PreFilter state missing');
    const { s, snap } = got;
    if (!satisfiesAffinity(s, pod, node, snap)) return Status.unresolvable(ERR_AFFINITY);
    for (const t of pod.requiredAntiAffinity) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && (s.anti.get(pair(t.topologyKey, v)) ?? 0) > 0) return Status.unschedulable(ERR_ANTI_AFFINITY);
    }
    if (s.existingAnti.size > 0) {
      for (const [k, v] of Object.entries(node.labels)) if ((s.existingAnti.get(pair(k, v)) ?? 0) > 0) return Status.unschedulable(ERR_EXISTING_ANTI_AFFINITY);
    }
    return Status.success();
  },
  preScore(state, pod, _nodes, snap) {
    const hasOwn = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
    const scores = new Map<string, number>();
    const podNs = snap.namespaceLabels(pod.namespace);
    let any = false;
    for (const node of snap.nodes) {
      if (!hasOwn && node.podsWithAffinity === 0) continue;
      for (const existing of node.pods.values()) {
        const ns = snap.namespaceLabels(existing.namespace);
        for (const t of pod.preferredAffinity) if (termMatches(t, existing, ns)) bump(scores, node, t.topologyKey, t.weight);
        for (const t of pod.preferredAntiAffinity) if (termMatches(t, existing, ns)) bump(scores, node, t.topologyKey, -t.weight);
        for (const t of existing.requiredAffinity) if (termMatches(t, pod, podNs)) bump(scores, node, t.topologyKey, HARD_POD_AFFINITY_WEIGHT);
        for (const t of existing.preferredAffinity) if (termMatches(t, pod, podNs)) bump(scores, node, t.topologyKey, t.weight);
        for (const t of existing.preferredAntiAffinity) if (termMatches(t, pod, podNs)) bump(scores, node, t.topologyKey, -t.weight);
        any = true;
      }
    }
    if (!any || scores.size === 0) return Status.skip();
    state.write(SCORE_KEY, scores);
    return Status.success();
  },
  score(state, _pod, node) {
    const scores = state.read<Map<string, number>>(SCORE_KEY);
    if (scores === undefined) return 0;
    let total = 0;
    for (const [k, v] of Object.entries(node.labels)) total += scores.get(pair(k, v)) ?? 0;
    return total;
  },
  normalizeScore(_state, _pod, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      min = Math.min(min, s.score);
      max = Math.max(max, s.score);
    }
    const diff = max - min;
    for (const s of scores) s.score = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
  },
};
