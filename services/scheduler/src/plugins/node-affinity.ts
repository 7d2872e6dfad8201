import type { CycleState } from '../framework/cycle-state.js';
import { defaultNormalize, type FilterPlugin, type PreFilterPlugin, type PreFilterResult, type ScorePlugin } from '../framework/interfaces.js';
import { podMatchesNodeAffinity, termMatchesNode } from '../framework/node-selector.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';

export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_CONFLICT = 'pod affinity terms conflict';

const preferred = (pod: PodInfo) => pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];

/**
 * Filter: nodeSelector and requiredDuringScheduling node affinity. Score: the summed weights of
 * the preferred terms a node matches, scaled to 0…100.
 */
export const nodeAffinity: PreFilterPlugin & FilterPlugin & ScorePlugin = {
  name: 'NodeAffinity',
  preFilter(_state: CycleState, pod: PodInfo): Status | PreFilterResult {
    const required = pod.pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required === undefined && pod.pod.spec.nodeSelector === undefined) return Status.skip();
    const terms = required?.nodeSelectorTerms ?? [];
    if (terms.length === 0) return Status.success();
    // Terms pinned to node names (as DaemonSet pods are) narrow the candidates up front.
    let names: Set<string> | undefined;
    for (const t of terms) {
      let termNames: Set<string> | undefined;
      for (const f of t.matchFields ?? []) {
        if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
        const vals = new Set(f.values ?? []);
        termNames = termNames === undefined ? vals : new Set([...termNames].filter((n) => vals.has(n)));
      }
      // A term without a name pin admits every node: the terms are ORed.
      if (termNames === undefined) return Status.success();
      names = new Set([...(names ?? []), ...termNames]);
    }
    if (names === undefined) return Status.success();
    if (names.size === 0) return Status.unresolvable(ERR_CONFLICT);
    return { status: Status.success(), nodeNames: names };
  },
  filter(_state, pod, node) {
    return podMatchesNodeAffinity(pod.pod, node.node) ? Status.success() : Status.unresolvable(ERR_NODE_AFFINITY);
  },
  preScore(_state: CycleState, pod: PodInfo) {
    return preferred(pod).length === 0 ? Status.skip() : Status.success();
  },
  score(_state, pod, node) {
    let total = 0;
    for (const p of preferred(pod)) if (p.weight !== 0 && termMatchesNode(p.preference, node.node)) total += p.weight;
    return total;
  },
  normalizeScore(_state, _pod, scores) {
    defaultNormalize(scores, false);
  },
};
