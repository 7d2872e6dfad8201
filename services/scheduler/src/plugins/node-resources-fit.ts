import { MAX_NODE_SCORE, type FilterPlugin, type ScorePlugin } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Code, Status } from '../framework/status.js';

interface Shortfall {
  reason: string;
  /** The pod asks for more than the whole node has: evicting pods would not help. */
  unresolvable: boolean;
}

/** fit.go's fitsRequest: each requested resource against allocatable minus what is placed. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): Shortfall[] {
  const out: Shortfall[] = [];
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > alloc.pods) out.push({ reason: 'Too many pods', unresolvable: false });
  const req = pod.requests;
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar.size === 0) return out;
  const check = (name: string, want: number, have: number, placed: number): void => {
    if (want > 0 && want > have - placed) out.push({ reason: `Insufficient ${name}`, unresolvable: want > have });
  };
  check('cpu', req.milliCPU, alloc.milliCPU, used.milliCPU);
  check('memory', req.memory, alloc.memory, used.memory);
  check('ephemeral-storage', req.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage);
  for (const [name, want] of req.scalar) check(name, want, alloc.scalar.get(name) ?? 0, used.scalar.get(name) ?? 0);
  return out;
}

/** LeastAllocated over cpu and memory (weight 1 each), from the non-zero requests. */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const one = (requested: number, capacity: number): number => {
    if (capacity === 0 || requested > capacity) return 0;
    return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
  };
  const cpu = one(node.nonZeroRequested.milliCPU + pod.nonZeroRequests.milliCPU, node.allocatable.milliCPU);
  const mem = one(node.nonZeroRequested.memory + pod.nonZeroRequests.memory, node.allocatable.memory);
  return Math.trunc((cpu + mem) / 2);
}

/** Filter: requests fit what is left of allocatable. Score: LeastAllocated, favouring emptier nodes. */
export const nodeResourcesFit: FilterPlugin & ScorePlugin = {
  name: 'NodeResourcesFit',
  filter(_state, pod, node) {
    const short = insufficientResources(pod, node);
    if (short.length === 0) return Status.success();
    const code = short.some((s) => s.unresolvable) ? Code.UnschedulableAndUnresolvable : Code.Unschedulable;
    return new Status(code, short.map((s) => s.reason));
  },
  score(_state, pod, node) {
    return leastAllocatedScore(pod, node);
  },
};
