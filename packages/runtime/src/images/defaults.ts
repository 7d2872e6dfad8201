import { mkdir, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { busyboxImage } from './busybox.js';
import type { ImageBuilder, ImageEntry } from './catalog.js';
import { nginxImage } from './nginx.js';
import { requireProgram } from './node-program.js';
import { extraPathFor } from './programs.js';

/** An entrypoint written as a shell script, like the official images' docker-entrypoint.sh. */
function shellEntrypoint(script: string): string[] {
  return ['/bin/sh', '-c', script, 'docker-entrypoint.sh'];
}

// The official redis image turns protected mode off at build time; `--save ''` keeps redis from
// dropping dump.rdb files on the node. Both go right after the program (and its .conf file), so
// options the user gives still win.
const REDIS_ENTRYPOINT = `case "$1" in -*|*.conf) set -- redis-server "$@";; esac
case "$1" in
  redis-server|*/redis-server)
    prog=$1; shift
    case "$1" in
      *.conf) conf=$1; shift; set -- "$prog" "$conf" --protected-mode no --save '' "$@";;
      *) set -- "$prog" --protected-mode no --save '' "$@";;
    esac;;
esac
exec "$@"`;

/** `redis`: redis-server in the foreground on 6379, working in a private /data. */
export const redisImage: ImageBuilder = {
  name: 'redis',
  async build({ ref, containerDir }) {
    const redis = await requireProgram(ref, 'redis-server', 'redis-server');
    const data = path.join(containerDir, 'redis-data');
    await mkdir(data, { recursive: true });
    return {
      entrypoint: shellEntrypoint(REDIS_ENTRYPOINT),
      cmd: ['redis-server', '--port', '6379'],
      workingDir: '/data',
      mounts: [{ hostPath: data, containerPath: '/data', readOnly: false }],
      pathPrefix: extraPathFor(redis),
    };
  },
};

// As in the official node image: `args: [server.js]` or `args: [-e, ...]` run under node.
const NODE_ENTRYPOINT = `if [ "\${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"`;

/** `node`: the Node.js the kubelet itself runs on. */
export const nodeImage: ImageBuilder = {
  name: 'node',
  build() {
    return Promise.resolve({ entrypoint: shellEntrypoint(NODE_ENTRYPOINT), cmd: ['node'], pathPrefix: extraPathFor(process.execPath) });
  },
};

/**
 * `python`: the node's python3, also reachable as `python` as in the official image. Python
 * block-buffers a pipe, and the kubelet reads containers through pipes, so prints would show in
 * `kubectl logs` only at exit: PYTHONUNBUFFERED makes them appear as they happen.
 */
export const pythonImage: ImageBuilder = {
  name: 'python',
  async build({ ref, containerDir }) {
    const python = await requireProgram(ref, 'python3', 'python3');
    const dir = path.join(containerDir, 'python-bin');
    await mkdir(dir, { recursive: true });
    for (const name of ['python', 'python3']) {
      const link = path.join(dir, name);
      await unlink(link).catch(() => undefined);
      await symlink(python, link);
    }
    return { cmd: ['python3'], env: { LANG: 'C.UTF-8', PYTHONUNBUFFERED: '1' }, pathPrefix: [dir] };
  },
};

// Sleeps until told to stop. As a PID namespace's first process it gets only signals it has
// handlers for, hence the trap: TERM ends it at once instead of at the grace period's SIGKILL.
// The sleep gets SIGKILL: a TERM that lands between its fork and its exec reaches the shell's
// inherited handler, is lost, and leaves the sleep running (holding the container's stdout).
const PAUSE_SCRIPT = `trap 'kill -9 $! 2>/dev/null; exit 0' TERM INT HUP; sleep infinity & wait`;

/** `pause` (also `registry.k8s.io/pause`): does nothing until signalled. */
export const pauseImage: ImageBuilder = {
  name: 'pause',
  build() {
    return Promise.resolve({ cmd: ['/bin/sh', '-c', PAUSE_SCRIPT] });
  },
};

export interface DefaultImagesOptions {
  /** See BusyboxOptions.sharedDir. */
  sharedDir?: string;
}

/** The catalog's built-in entries. */
export function defaultImages(opts: DefaultImagesOptions = {}): ImageEntry[] {
  return [busyboxImage(opts), nginxImage, nodeImage, pauseImage, pythonImage, redisImage];
}
