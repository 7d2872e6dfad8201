import { chmod, mkdir } from 'node:fs/promises';
import { mountAt, mountTmpfs } from './mounts.js';

export interface EmptyDirOptions {
  /** `Memory`: a tmpfs, counted against memory and gone with the pod (spec.volumes[].emptyDir.medium). */
  medium?: 'Memory';
  /** tmpfs size for `Memory`. On disk the kubelet enforces sizeLimit by eviction, not here. */
  sizeLimitBytes?: number;
}

/**
 * Creates an emptyDir volume at `dir` and returns it. World-writable like Kubernetes' (0777), so
 * containers running as any user can share it. Idempotent: a kubelet that restarts finds the
 * directory, or the tmpfs, already there and keeps its contents.
 */
export async function makeEmptyDir(dir: string, opts: EmptyDirOptions = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (opts.medium === 'Memory') {
    const mounted = await mountAt(dir);
    if (mounted?.fsType !== 'tmpfs') await mountTmpfs(dir, { mode: 0o777, sizeBytes: opts.sizeLimitBytes });
  }
  // After the mount: the tmpfs root is what containers see. Explicit, because mkdir obeys the umask.
  await chmod(dir, 0o777);
  return dir;
}
