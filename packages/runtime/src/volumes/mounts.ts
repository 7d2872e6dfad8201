import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface MountInfo {
  id: number;
  parentId: number;
  mountPoint: string;
  fsType: string;
  source: string;
}

/** mountinfo escapes space, tab, newline and backslash as `\ooo`. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/<pid>/mountinfo (proc(5)): `id parent major:minor root mountpoint opts [tags] - fstype source superopts`. */
export function parseMountInfo(text: string): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || fields.length < dash + 3) continue;
    mounts.push({
      id: Number(fields[0]),
      parentId: Number(fields[1]),
      mountPoint: unescape(fields[4]!),
      fsType: fields[dash + 1]!,
      source: unescape(fields[dash + 2]!),
    });
  }
  return mounts;
}

export async function readMounts(): Promise<MountInfo[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** The mount at exactly `dir` (the topmost when stacked), if any. */
export async function mountAt(dir: string): Promise<MountInfo | undefined> {
  const real = await realpath(dir).catch(() => undefined);
  if (real === undefined) return undefined;
  return (await readMounts()).filter((m) => m.mountPoint === real).at(-1);
}

/** Mounts a tmpfs named `kite-tmpfs` (recognisable as ours in mount tables) at `dir`. */
export async function mountTmpfs(dir: string, opts: { mode: number; sizeBytes?: number | undefined }): Promise<void> {
  const options = [`mode=${opts.mode.toString(8).padStart(4, '0')}`];
  if (opts.sizeBytes !== undefined && opts.sizeBytes > 0) options.push(`size=${opts.sizeBytes}`);
  try {
    await exec('mount', ['-t', 'tmpfs', '-o', options.join(','), 'kite-tmpfs', dir]);
  } catch (err) {
    const detail = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
    throw new Error(`mounting a tmpfs at ${dir} failed (this needs root or CAP_SYS_ADMIN): ${detail}`);
  }
}

/**
 * Unmounts everything mounted at or below `dir`, deepest first (and, at one mount point, the
 * last-stacked first). A busy mount is detached lazily rather than left behind: the pod is gone
 * and whatever still holds it sees it until it lets go.
 */
export async function unmountUnder(dir: string): Promise<void> {
  const root = await realpath(dir).catch(() => undefined);
  if (root === undefined) return;
  const inside = (m: MountInfo): boolean => m.mountPoint === root || m.mountPoint.startsWith(root === '/' ? '/' : `${root}/`);
  // Propagation can make new mounts appear as others go; a few passes settle it.
  for (let pass = 0; pass < 5; pass++) {
    const mounts = (await readMounts()).map((m, order) => ({ m, order })).filter(({ m }) => inside(m));
    if (mounts.length === 0) return;
    mounts.sort((a, b) => depth(b.m.mountPoint) - depth(a.m.mountPoint) || b.order - a.order);
    for (const { m } of mounts) await unmount(m.mountPoint);
  }
  const left = (await readMounts()).filter(inside).map((m) => m.mountPoint);
  if (left.length > 0) throw new Error(`could not unmount everything under ${root}: ${left.join(', ')} still mounted`);
}

function depth(p: string): number {
  return p.split('/').length;
}

async function unmount(mountPoint: string): Promise<void> {
  try {
    await exec('umount', [mountPoint]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    if (/not mounted|no mount point/i.test(stderr)) return;
    try {
      await exec('umount', ['-l', mountPoint]);
    } catch (lazyErr) {
      const detail = ((lazyErr as { stderr?: string }).stderr ?? (lazyErr as Error).message).trim();
      throw new Error(`unmounting ${mountPoint} failed: ${detail}`);
    }
  }
}
