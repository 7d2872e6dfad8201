import { fileURLToPath } from 'node:url';

/**
 * The kite-kubelet executable, for supervisors that start it (kite up, tests). Imported as
 * `@kite/kubelet/paths`, it loads none of the kubelet: supervisors stay small.
 */
export const kubeletBinPath = fileURLToPath(new URL('./bin.js', import.meta.url));

/**
 * V8 flags the kubelet runs with (`node <flags> bin.js`; bin.js's shebang carries the same).
 * Its live heap is small and steady while it churns through short-lived objects: V8's default
 * young generation (up to 16 MiB per semi-space) holds on to some 10–25 MiB of garbage that a
 * 2 MiB one does not, for no measurable CPU (docs/benchmarks.md, "Kubelet memory").
 */
export const KUBELET_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
