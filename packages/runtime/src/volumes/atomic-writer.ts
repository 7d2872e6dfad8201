import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mountAt, mountTmpfs } from './mounts.js';

export interface AtomicFile {
  /** Relative path inside the volume; may have directories (`config/app.yaml`). */
  path: string;
  data: Buffer;
  /** Permission bits, applied exactly (the umask does not apply). */
  mode: number;
}

const DATA = '..data';
const DATA_TMP = '..data_tmp';
const TIMESTAMPED = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\./;

/**
 * Projects `files` into `dir` as Kubernetes' AtomicWriter does (configMap, secret, downwardAPI,
 * projected volumes). The files live in a hidden `..<timestamp>` directory; `..data` links to it;
 * each top-level name is a link `name -> ..data/name`. An update writes a new timestamped
 * directory and renames a new `..data` link over the old one, so a reader inside a running
 * container (through its bind mount) sees the old set of files or the new one, never a mix or a
 * half-written file. Names starting with `..` are reserved.
 *
 * `tmpfs` mounts a tmpfs at `dir` first (secrets: never on disk). Not safe to call concurrently for
 * one `dir`: the kubelet's pod worker serialises it.
 */
export async function writeAtomicDir(dir: string, files: AtomicFile[], opts: { tmpfs?: boolean } = {}): Promise<void> {
  const payload = validatePayload(files);
  await mkdir(dir, { recursive: true });
  if (opts.tmpfs === true && (await mountAt(dir))?.fsType !== 'tmpfs') await mountTmpfs(dir, { mode: 0o755 });

  const oldTs = await readlink(path.join(dir, DATA)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  let stale: string[] = [];
  if (oldTs !== undefined) {
    const oldPaths = await walk(path.join(dir, oldTs));
    const wanted = new Set(payload.flatMap((f) => ancestorsAndSelf(f.path)));
    stale = oldPaths.filter((p) => !wanted.has(p));
    if (stale.length === 0 && (await sameContent(path.join(dir, oldTs), payload))) return;
  }

  const tsDir = await mkdtemp(path.join(dir, `..${timestampName(new Date())}.`));
  try {
    await chmod(tsDir, 0o755);
    for (const f of payload) {
      const target = path.join(tsDir, f.path);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      await writeFile(target, f.data, { mode: f.mode });
      await chmod(target, f.mode);
    }
    for (const top of new Set(payload.map((f) => f.path.split('/')[0]!))) {
      await symlink(path.join(DATA, top), path.join(dir, top)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    await rm(path.join(dir, DATA_TMP), { force: true });
    await symlink(path.basename(tsDir), path.join(dir, DATA_TMP));
    await rename(path.join(dir, DATA_TMP), path.join(dir, DATA));
  } catch (err) {
    await rm(tsDir, { recursive: true, force: true });
    throw err;
  }

  for (const p of stale) if (!p.includes('/')) await unlink(path.join(dir, p)).catch(() => undefined);
  // The previous directory, and any a crashed write left behind.
  for (const name of await readdir(dir)) {
    if (TIMESTAMPED.test(name) && name !== path.basename(tsDir)) await rm(path.join(dir, name), { recursive: true, force: true });
  }
}

/** `2006_01_02_15_04_05` in UTC, Kubernetes' layout for the hidden directories. */
function timestampName(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}`;
}

function validatePayload(files: AtomicFile[]): AtomicFile[] {
  const seen = new Set<string>();
  return files.map((f) => {
    if (f.path === '') throw new Error('invalid path: must not be empty');
    if (path.isAbsolute(f.path)) throw new Error(`invalid path: must be relative path: ${f.path}`);
    if (f.path.length > 4096) throw new Error('invalid path: must be less than or equal to 4096 characters');
    const items = f.path.split('/');
    for (const item of items) {
      if (item === '..') throw new Error(`invalid path: must not contain '..': ${f.path}`);
      if (item.length > 255) throw new Error('invalid path: filenames must be less than or equal to 255 characters');
    }
    if (items[0]!.startsWith('..') && items[0]!.length > 2) throw new Error(`invalid path: must not start with '..': ${f.path}`);
    const clean = path.posix.normalize(f.path).replace(/\/$/, '');
    if (clean === '.') throw new Error(`invalid path: must name a file: ${f.path}`);
    if (seen.has(clean)) throw new Error(`invalid path: given twice: ${f.path}`);
    seen.add(clean);
    return { ...f, path: clean };
  });
}

function ancestorsAndSelf(p: string): string[] {
  const parts = p.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Every file and directory under `root`, as relative paths. */
async function walk(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.map((e) => e.split(path.sep).join('/'));
}

async function sameContent(tsDir: string, payload: AtomicFile[]): Promise<boolean> {
  for (const f of payload) {
    const file = path.join(tsDir, f.path);
    const st = await stat(file).catch(() => undefined);
    if (st === undefined || !st.isFile() || (st.mode & 0o7777) !== (f.mode & 0o7777) || st.size !== f.data.length) return false;
    if (!(await readFile(file)).equals(f.data)) return false;
  }
  return true;
}
