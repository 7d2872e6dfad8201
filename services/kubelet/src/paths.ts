import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostNames, type HostNames } from '@kite/runtime';

/** The kite-kubelet executable, for supervisors that start it (kite up, tests). */
export const kubeletBinPath = fileURLToPath(new URL('./bin.js', import.meta.url));

/**
 * V8 flags the kubelet runs with (`node <flags> bin.js`; bin.js's shebang carries the same).
 * Its live heap is small and steady while it churns through short-lived objects: V8's default
 * young generation (up to 16 MiB per semi-space) holds on to some 10–25 MiB of garbage that a
 * 2 MiB one does not, for no measurable CPU (docs/benchmarks.md, "Kubelet memory").
 */
export const KUBELET_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/**
 * What a kubelet's runtime is called on the host (bridge, pod network namespaces, cgroups):
 * named after the node and its --root-dir, so two kubelets with one node name do not collide.
 * For tools that find or remove what a kubelet left (tests, benchmarks).
 */
export function kubeletHostNames(nodeName: string, rootDir: string): HostNames {
  return hostNames(nodeName, path.resolve(rootDir));
}
