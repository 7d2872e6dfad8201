import { MAX_NODE_SCORE, type ScorePlugin } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

/**
 * NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in equal
 * proportion after placing the pod (one minus the standard deviation of the fractions).
 * Pods that request nothing are skipped, as Kubernetes does for best-effort pods.
 */
export const balancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  preScore(_state, pod) {
    return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? Status.skip() : Status.success();
  },
  score(_state, pod, node) {
    const fractions: number[] = [];
    const add = (requested: number, capacity: number): void => {
      if (capacity > 0) fractions.push(Math.min(1, requested / capacity));
    };
    add(node.requested.milliCPU + pod.requests.milliCPU, node.allocatable.milliCPU);
    add(node.requested.memory + pod.requests.memory, node.allocatable.memory);
    const std = fractions.length === 2 ? Math.abs((fractions[0] as number) - (fractions[1] as number)) / 2 : 0;
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  },
};
