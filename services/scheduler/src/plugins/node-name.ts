import type { FilterPlugin } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const ERR_NODE_NAME = "node(s) didn't match the requested node name";

/** A pod naming a node fits only that node. */
export const nodeName: FilterPlugin = {
  name: 'NodeName',
  filter(_state, pod, node) {
    const want = pod.pod.spec.nodeName;
    return want && want !== node.name ? Status.unresolvable(ERR_NODE_NAME) : Status.success();
  },
};
