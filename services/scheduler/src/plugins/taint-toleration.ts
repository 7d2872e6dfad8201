import { defaultNormalize, type FilterPlugin, type ScorePlugin } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';
import { firstUntolerated, toleratedBy } from '../framework/taints.js';

/**
 * Filter: a NoSchedule or NoExecute taint the pod does not tolerate rules the node out.
 * Score: fewer untolerated PreferNoSchedule taints is better.
 */
export const taintToleration: FilterPlugin & ScorePlugin = {
  name: 'TaintToleration',
  filter(_state, pod, node) {
    const taint = firstUntolerated(node.node.spec?.taints, pod.pod.spec.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    if (taint === undefined) return Status.success();
    return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  },
  score(_state, pod, node) {
    // Only tolerations that could cover PreferNoSchedule count (an empty effect covers all).
    const tolerations = (pod.pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    let n = 0;
    for (const taint of node.node.spec?.taints ?? []) if (taint.effect === 'PreferNoSchedule' && !toleratedBy(tolerations, taint)) n++;
    return n;
  },
  normalizeScore(_state, _pod, scores) {
    defaultNormalize(scores, true);
  },
};
