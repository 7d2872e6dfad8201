import path from 'node:path';
import { hostNames, type HostNames } from '@kite/runtime';

/**
 * What a kubelet's runtime is called on the host (bridge, pod network namespaces, cgroups):
 * named after the node and its --root-dir, so two kubelets with one node name do not collide.
 * For tools that find or remove what a kubelet left (tests, benchmarks).
 */
export function kubeletHostNames(nodeName: string, rootDir: string): HostNames {
  return hostNames(nodeName, path.resolve(rootDir));
}
