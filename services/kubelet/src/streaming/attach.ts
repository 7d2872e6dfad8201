import { PassThrough, Writable } from 'node:stream';
import type { AttachOptions, ExecSession, Runtime } from '@kite/runtime';
import { readLogs } from '@kite/runtime';
import type { LogLocator } from '../streaming-contract.js';
import { podRef, type SessionOpener } from './exec.js';

/** A runtime that can join a running container's own stdio (ProcessRuntime can). */
type AttachingRuntime = Runtime & { attach(containerID: string, opts?: AttachOptions): ExecSession | Promise<ExecSession> };

const canAttach = (r: Runtime): r is AttachingRuntime => typeof (r as Partial<AttachingRuntime>).attach === 'function';

/**
 * Attach joins the container's own stdio when the runtime offers it. Otherwise it falls back on
 * what the contract allows: the container's log from now on as output (both streams as
 * stdout), ending when the log is closed for good, and stdin discarded.
 */
export const attachOpener =
  (runtime: Runtime, logs: LogLocator): SessionOpener =>
  async (start, containerID) => {
    if (canAttach(runtime)) return runtime.attach(containerID, { stdin: start.stdin === true });
    const loc = logs.locate(podRef(start));
    const abort = new AbortController();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stderr.end();
    const exit = (async () => {
      try {
        for await (const chunk of readLogs(loc.path, { follow: true, tailLines: 0 }, abort.signal)) stdout.write(chunk);
      } finally {
        stdout.end();
      }
      return 0;
    })();
    const session: ExecSession = {
      stdin: new Writable({ write: (_c, _e, cb) => cb() }),
      stdout,
      stderr,
      exit,
      resize: () => undefined,
      kill: () => abort.abort(),
    };
    return Promise.resolve(session);
  };
