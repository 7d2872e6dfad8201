import { mkdir, mkdtemp, readlink, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { ImageBuilder } from './catalog.js';
import { requireProgram } from './node-program.js';
import { programOutput } from './programs.js';

/** Where applet links live, under a container's own directory or the shared one. */
export const BUSYBOX_BIN = 'busybox-bin';

export interface BusyboxOptions {
  /**
   * A directory on the node that every container can see (under the kubelet's root dir, not
   * /tmp, which containers get privately). When set, the applet links are made there once and
   * shared: making ~260 symlinks per container costs tens of milliseconds on a slow disk.
   * Without it, each container gets its own links under its directory.
   */
  sharedDir?: string;
}

/**
 * `busybox`: Debian's busybox with every applet on PATH, so `sh`, `tail`, `wget`, `nslookup`
 * behave as in the busybox image rather than as the node's coreutils (a `/bin/sh` written out
 * in full is still the node's shell, but what it runs by name is busybox's).
 */
export function busyboxImage(opts: BusyboxOptions = {}): ImageBuilder {
  const shared = new Map<string, Promise<string>>();
  return {
    name: 'busybox',
    async build({ ref, containerDir }) {
      const busybox = await requireProgram(ref, 'busybox', 'busybox');
      let dir: string;
      if (opts.sharedDir !== undefined) {
        let made = shared.get(busybox);
        if (made === undefined) {
          made = linkAppletsOnce(busybox, path.join(opts.sharedDir, BUSYBOX_BIN));
          made.catch(() => shared.delete(busybox));
          shared.set(busybox, made);
        }
        dir = await made;
      } else {
        dir = path.join(containerDir, BUSYBOX_BIN);
        await linkApplets(busybox, dir);
      }
      return { cmd: ['sh'], pathPrefix: [dir] };
    },
  };
}

export async function busyboxApplets(busybox: string): Promise<string[]> {
  const out = await programOutput(busybox, ['--list']);
  return out.split('\n').filter((name) => name !== '' && !name.includes('/'));
}

/** One symlink per applet in `dir`; an existing link (a restart of the same container) is kept. */
export async function linkApplets(busybox: string, dir: string): Promise<void> {
  const applets = await busyboxApplets(busybox);
  await mkdir(dir, { recursive: true });
  await Promise.all(
    applets.map((applet) =>
      symlink(busybox, path.join(dir, applet)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      }),
    ),
  );
}

/**
 * Makes the shared link directory whole or not at all: built beside it and renamed into place,
 * so a kubelet killed halfway leaves no directory missing applets. One a previous kubelet made
 * for the same busybox is reused.
 */
async function linkAppletsOnce(busybox: string, dir: string): Promise<string> {
  if ((await readlink(path.join(dir, 'sh')).catch(() => undefined)) === busybox) return dir;
  await mkdir(path.dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  try {
    await linkApplets(busybox, tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}
