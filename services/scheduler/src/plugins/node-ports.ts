import type { FilterPlugin } from '../framework/interfaces.js';
import { portKey } from '../framework/node-info.js';
import { Status } from '../framework/status.js';

export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/**
 * hostPort conflicts: the same protocol and port conflict when either side binds 0.0.0.0 or
 * both bind the same address.
 */
export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter(_state, pod, node) {
    for (const hp of pod.hostPorts) {
      if (hp.ip === '0.0.0.0') {
        const prefix = `${hp.protocol}/`;
        const suffix = `/${hp.port}`;
        for (const k of node.usedPorts.keys()) if (k.startsWith(prefix) && k.endsWith(suffix)) return Status.unschedulable(ERR_NODE_PORTS);
      } else if (node.usedPorts.has(portKey(hp)) || node.usedPorts.has(portKey({ ...hp, ip: '0.0.0.0' }))) {
        return Status.unschedulable(ERR_NODE_PORTS);
      }
    }
    return Status.success();
  },
};
