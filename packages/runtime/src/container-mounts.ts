/**
 * A container's mounts as one fstab that a single `mount -a -T <file>` carries out inside its
 * new mount namespace. One mount process instead of one per mount point (plus mkdir, ln,
 * chmod, cat...) is most of what a container start costs: some 30 short-lived processes
 * became one. Everything that can be done on the node beforehand (mount point files, the
 * private /dev's contents) is done by `prepareMounts` from Node, with no process at all.
 */
import { lstat, mkdir, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerSpec, MountSpec } from './types.js';

/**
 * Device nodes a container gets from the node; nothing else of the node's /dev is visible. Not
 * ptmx: the node's /dev/ptmx bound alone finds no `pts` beside it (the kernel looks for one in
 * the same mount) and fails with ENOENT, so /dev/ptmx is a link to pts/ptmx, as runc makes it.
 */
export const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

export interface MountPlanContext {
  /** Per-container directory on the node backing its private /tmp. */
  tmpDir: string;
  /** Per-container directory on the node that becomes its /dev. */
  devDir: string;
}

interface Entry {
  source: string;
  target: string;
  type: string;
  options: string[];
}

export interface MountPlan {
  /** The fstab text, in mount order. */
  fstab: string;
  /** Mount points that must exist as files (their source is not a directory), as node paths. */
  files: string[];
  /** The private /tmp directory to create (mode 1777), unless a volume is mounted at /tmp. */
  tmpDir?: string;
}

/** Normalized, without a trailing slash (`/srv/data/` and `/srv/data` are one mount point). */
const norm = (p: string): string => path.posix.normalize(p).replace(/(.)\/+$/, '$1');
const underTmp = (p: string): boolean => norm(p).startsWith('/tmp/');
const under = (p: string, dir: string): boolean => norm(p) === dir || norm(p).startsWith(`${dir}/`);

/** fstab fields are separated by white space: spaces, tabs, newlines and backslashes go as octal escapes. */
export function fstabField(s: string): string {
  return s.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * Program directories the container's PATH names on the node's /tmp (a kubelet whose root dir
 * lies there: busybox applet links) would vanish under the private /tmp: they are kept, read-only.
 */
function pathMounts(spec: ContainerSpec): MountSpec[] {
  return (spec.env.PATH ?? '')
    .split(':')
    .filter((p) => underTmp(p) && !spec.mounts.some((m) => norm(m.containerPath) === norm(p)))
    .map((p) => ({ hostPath: p, containerPath: p, readOnly: true }));
}

/**
 * The mounts, in order. Every source is a node path and may lie under the node's /tmp, so
 * everything is bound while /tmp is still the node's: volumes meant for /tmp are staged inside
 * the private /tmp directory, which goes over /tmp last. The private /dev is a directory in the
 * container's own directory holding bind mounts of the usual devices, the node's ptys and its own
 * /dev/shm, so mount points such as /dev/termination-log are made there, never on the node's /dev.
 */
export function mountPlan(spec: ContainerSpec, ctx: MountPlanContext, sourceIsDir: (p: string) => boolean): MountPlan {
  const entries: Entry[] = [];
  const files: string[] = [];
  const bind = (source: string, target: string, options: string[] = []): void => void entries.push({ source, target, type: 'none', options: ['bind', ...options] });
  const dir = spec.sandbox.dir;
  bind(path.join(dir, 'etc-hosts'), '/etc/hosts');
  // A host-network pod keeps the node's hostname (no UTS namespace), as in Kubernetes.
  if (spec.sandbox.netns) bind(path.join(dir, 'etc-hostname'), '/etc/hostname');
  for (const d of DEVICES) bind(`/dev/${d}`, path.join(ctx.devDir, d));
  entries.push({ source: '/dev/pts', target: path.join(ctx.devDir, 'pts'), type: 'none', options: ['rbind'] });
  entries.push({ source: 'shm', target: path.join(ctx.devDir, 'shm'), type: 'tmpfs', options: ['mode=1777', 'size=65536k', 'nosuid', 'nodev'] });
  entries.push({ source: ctx.devDir, target: '/dev', type: 'none', options: ['rbind'] });

  const wholeTmp = spec.mounts.find((m) => norm(m.containerPath) === '/tmp');
  const tmpSource = wholeTmp?.hostPath ?? ctx.tmpDir;
  const keep = pathMounts(spec);
  // Where a container path lies on the node once the earlier mounts are in place.
  const earlier: Array<{ containerPath: string; hostPath: string }> = [{ containerPath: '/dev', hostPath: ctx.devDir }];
  const onNode = (containerPath: string): string => {
    const p = norm(containerPath);
    let best: { containerPath: string; hostPath: string } | undefined;
    for (const e of earlier) if (under(p, e.containerPath) && (best === undefined || e.containerPath.length > best.containerPath.length)) best = e;
    return best === undefined ? p : path.join(best.hostPath, path.posix.relative(best.containerPath, p));
  };
  for (const m of [...spec.mounts, ...keep]) {
    if (m === wholeTmp) continue;
    const target = underTmp(m.containerPath) ? path.join(tmpSource, path.posix.relative('/tmp', norm(m.containerPath))) : norm(m.containerPath);
    const options: string[] = [];
    // libmount makes a missing directory mount point itself, at mount time (so inside earlier
    // mounts); a file mount point is made beforehand, on the node, where it will lie.
    if (sourceIsDir(m.hostPath)) options.push('X-mount.mkdir');
    else files.push(underTmp(m.containerPath) ? target : onNode(m.containerPath));
    if (m.readOnly) options.push('ro');
    bind(m.hostPath, target, options);
    if (!underTmp(m.containerPath)) earlier.push({ containerPath: norm(m.containerPath), hostPath: m.hostPath });
  }
  entries.push({ source: tmpSource, target: '/tmp', type: 'none', options: ['rbind', ...(wholeTmp?.readOnly ? ['ro'] : [])] });

  const fstab = entries.map((e) => `${fstabField(e.source)} ${fstabField(e.target)} ${e.type} ${e.options.join(',')} 0 0`).join('\n') + '\n';
  return { fstab, files, ...(wholeTmp ? {} : { tmpDir: ctx.tmpDir }) };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes the fstab (to `fstabPath`) and everything the mounts need on the node: a fresh /dev
 * directory with mount points for the devices and the /proc/self/fd links, the private /tmp,
 * and file mount points. Resolves with nothing; a missing mount source is left for mount to
 * report, in its own words, as the setup error.
 */
export async function prepareMounts(spec: ContainerSpec, ctx: MountPlanContext, fstabPath: string): Promise<void> {
  const dirs = new Map<string, boolean>();
  await Promise.all([...spec.mounts, ...pathMounts(spec)].map(async (m) => dirs.set(m.hostPath, await isDir(m.hostPath))));
  const plan = mountPlan(spec, ctx, (p) => dirs.get(p) ?? false);
  // A restarted container gets a fresh /dev, as it gets a fresh /tmp.
  await rm(ctx.devDir, { recursive: true, force: true });
  await mkdir(path.join(ctx.devDir, 'pts'), { recursive: true });
  await mkdir(path.join(ctx.devDir, 'shm'));
  await Promise.all([
    ...DEVICES.map((d) => writeFile(path.join(ctx.devDir, d), '')),
    symlink('/proc/self/fd', path.join(ctx.devDir, 'fd')),
    symlink('pts/ptmx', path.join(ctx.devDir, 'ptmx')),
    ...['stdin', 'stdout', 'stderr'].map((n, i) => symlink(`/proc/self/fd/${i}`, path.join(ctx.devDir, n))),
  ]);
  if (plan.tmpDir !== undefined) {
    await mkdir(plan.tmpDir, { recursive: true });
    await chmod(plan.tmpDir, 0o1777);
  }
  for (const f of plan.files) {
    if (await lstat(f).then(() => true, () => false)) continue;
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, '');
  }
  await writeFile(fstabPath, plan.fstab);
}
