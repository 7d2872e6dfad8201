import type { FilterPlugin } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';
import { toleratedBy } from '../framework/taints.js';

export const ERR_NODE_UNSCHEDULABLE = 'node(s) were unschedulable';

/** Cordoned nodes (spec.unschedulable) take only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(_state, pod, node) {
    if (!node.node.spec?.unschedulable) return Status.success();
    if (toleratedBy(pod.pod.spec.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return Status.success();
    return Status.unresolvable(ERR_NODE_UNSCHEDULABLE);
  },
};
