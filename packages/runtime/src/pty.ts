import { readlink } from 'node:fs/promises';
import { childrenOf, run, waitFor } from './command.js';

/**
 * util-linux script(1) gives a program a pseudo-terminal without native modules: quiet, output
 * flushed as it comes, the child's exit code (128 + N for signal N) as its own, a command string
 * run by `$SHELL -c`, and no typescript file.
 */
export const SCRIPT_FLAGS = '-qfec';

/** The environment of a program on a terminal: TERM=xterm unless set, as docker and containerd do. */
export function ttyEnv(env: Record<string, string>): Record<string, string> {
  return 'TERM' in env ? env : { ...env, TERM: 'xterm' };
}

/**
 * Resizes script(1)'s terminal in the order asked, one `stty` at a time: kubectl attach sends a
 * size one larger and then the real one (to force a redraw), and the two racing would leave the
 * larger. Sizes asked meanwhile collapse into the latest.
 */
export function ptyResizer(stty: string | undefined, scriptPid: number): (cols: number, rows: number) => void {
  let next: { cols: number; rows: number } | undefined;
  let busy = false;
  const drain = async (): Promise<void> => {
    busy = true;
    for (let size = next; size !== undefined; size = next) {
      next = undefined;
      await resizePty(stty!, scriptPid, size.cols, size.rows);
    }
    busy = false;
  };
  return (cols, rows) => {
    if (stty === undefined || scriptPid <= 0) return;
    next = { cols, rows };
    if (!busy) void drain();
  };
}

/** Sets the window size on the terminal script(1) made, found through its child's stdin. */
async function resizePty(stty: string, scriptPid: number, cols: number, rows: number): Promise<void> {
  const tty = await waitFor(
    async () => {
      for (const kid of await childrenOf(scriptPid)) {
        const link = await readlink(`/proc/${kid}/fd/0`).catch(() => '');
        if (link.startsWith('/dev/pts/')) return link;
      }
      return undefined;
    },
    1_000,
    10,
  );
  if (tty) await run(stty, ['-F', tty, 'cols', String(cols), 'rows', String(rows)]).catch(() => undefined);
}
