import { PluginRegistry } from '../framework/registry.js';
import { balancedAllocation } from './balanced-allocation.js';
import { interPodAffinity } from './inter-pod-affinity.js';
import { nodeAffinity } from './node-affinity.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFit } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { podTopologySpread } from './pod-topology-spread.js';
import { taintToleration } from './taint-toleration.js';

/** A registry holding every plugin kite ships. */
export function inTreeRegistry(): PluginRegistry {
  return new PluginRegistry()
    .register(nodeUnschedulable)
    .register(nodeName)
    .register(taintToleration)
    .register(nodeAffinity)
    .register(nodePorts)
    .register(nodeResourcesFit)
    .register(podTopologySpread)
    .register(interPodAffinity)
    .register(balancedAllocation);
}
