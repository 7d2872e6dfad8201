import * as grpc from '@grpc/grpc-js';
import { GrpcError, type Logger } from '@kite/common';
import type { KubeletExecFrame, KubeletExecStart } from '@kite/proto';
import type { ExecSession, Runtime } from '@kite/runtime';
import type { PodLookup, PodRef } from '../streaming-contract.js';
import { toGrpcError } from './errors.js';

export type ExecCall = grpc.ServerDuplexStream<KubeletExecFrame, KubeletExecFrame>;

/** Opens the session a start frame asks for: a new process (exec) or the container's own streams (attach). */
export type SessionOpener = (start: KubeletExecStart, containerID: string) => Promise<ExecSession>;

export function podRef(start: KubeletExecStart): PodRef {
  const t = start.target ?? { namespace: '', pod: '', container: '' };
  const ref: PodRef = { namespace: t.namespace, name: t.pod };
  if (t.container !== '') ref.container = t.container;
  return ref;
}

export const execOpener =
  (runtime: Runtime): SessionOpener =>
  (start, containerID) => {
    if (!start.command || start.command.length === 0) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'you must specify at least one command for the container');
    return runtime.exec({ container: containerID, argv: start.command, tty: start.tty === true });
  };

/**
 * Runs one exec/attach session over a bidi stream: the first frame says what to run, stdin and
 * resizes flow in, output flows out, and the exit code is the last frame. The caller going away
 * kills the session, so an abandoned `kubectl exec` leaves no process behind.
 */
export function serveSession(pods: PodLookup, open: SessionOpener, call: ExecCall, log: Logger): void {
  let session: ExecSession | undefined;
  let finished = false;
  const pending: KubeletExecFrame[] = [];
  const fail = (err: unknown): void => {
    if (finished) return;
    finished = true;
    session?.kill();
    call.emit('error', toGrpcError(err));
  };
  const deliver = (f: KubeletExecFrame): void => {
    const s = session as ExecSession;
    if (f.stdin !== undefined && f.frame === 'stdin') s.stdin.write(f.stdin);
    else if (f.stdin_eof) s.stdin.end();
    else if (f.resize) s.resize(f.resize.width, f.resize.height);
  };
  const start = async (first: KubeletExecFrame): Promise<void> => {
    if (!first.start) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'the first frame must be start');
    const st = first.start;
    const target = pods.find(podRef(st), true);
    if (target.containerID === undefined) throw new GrpcError(grpc.status.FAILED_PRECONDITION, `container ${target.container} is not running`);
    const s = await open(st, target.containerID);
    session = s;
    if (finished) return s.kill();
    // A closed stdin pipe (the process exited first) must not crash the kubelet.
    s.stdin.on('error', () => undefined);
    call.write({ started: true });
    for (const f of pending.splice(0)) deliver(f);
    const pump = (stream: NodeJS.ReadableStream, key: 'stdout' | 'stderr', wanted: boolean): Promise<void> =>
      new Promise((resolve) => {
        stream.on('data', (d: Buffer) => {
          if (!wanted || finished) return;
          if (!call.write({ [key]: d })) {
            stream.pause();
            call.once('drain', () => stream.resume());
          }
        });
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', resolve);
      });
    const outputs = [pump(s.stdout, 'stdout', st.stdout !== false), pump(s.stderr, 'stderr', st.stderr !== false && st.tty !== true)];
    const code = await s.exit;
    await Promise.all(outputs);
    if (finished) return;
    finished = true;
    call.write({ exit_code: code });
    call.end();
  };
  let first = true;
  call.on('data', (f: KubeletExecFrame) => {
    if (first) {
      first = false;
      start(f).catch(fail);
      return;
    }
    if (session === undefined) pending.push(f);
    else deliver(f);
  });
  const abandon = (): void => {
    if (finished) return;
    finished = true;
    log.debug('exec caller went away; killing the session');
    session?.kill();
  };
  call.on('cancelled', abandon);
  call.on('error', abandon);
}
