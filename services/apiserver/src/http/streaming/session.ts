import type { Logger } from '@kite/common';
import type { KubeletExecFrame, KubeletExecStart } from '@kite/proto';
import { kubeletError, type KubeletClients } from './kubelet-client.js';

/** Where an exec/attach session's output goes, whatever the client's wire protocol. */
export interface ExecSink {
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
  /** The final `Status` (Success, NonZeroExitCode, or why it could not run); the sink then closes. */
  finish(status: Record<string, unknown>): void;
}

/** What the client's side feeds into a running session. */
export interface ExecInput {
  stdin(data: Buffer): void;
  stdinEnd(): void;
  resize(width: number, height: number): void;
  /** The client went away: the kubelet kills the process. */
  abort(): void;
  /** Stop/restart taking output from the kubelet while the client catches up (gRPC flow control does the rest). */
  pause(): void;
  resume(): void;
}

export const successStatus = (): Record<string, unknown> => ({ metadata: {}, status: 'Success' });

/** Kubernetes' Status for a non-zero exit, whose cause kubectl turns into its own exit code. */
export function exitStatus(code: number, command: string[]): Record<string, unknown> {
  if (code === 0) return successStatus();
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/**
 * Starts the session on the pod's kubelet, once the client's protocol is negotiated (so a
 * retried negotiation never runs a command twice), and relays it both ways.
 */
export function startSession(kubelets: KubeletClients, kubelet: string, kind: 'exec' | 'attach', start: KubeletExecStart, sink: ExecSink, log: Logger): ExecInput {
  const client = kubelets.get(kubelet);
  const call = kind === 'exec' ? client.Exec() : client.Attach();
  let done = false;
  const end = (status: Record<string, unknown>): void => {
    if (done) return;
    done = true;
    sink.finish(status);
  };
  call.on('data', (f: KubeletExecFrame) => {
    if (f.frame === 'stdout' && f.stdout) sink.stdout(f.stdout);
    else if (f.frame === 'stderr' && f.stderr) sink.stderr(f.stderr);
    else if (f.frame === 'exit_code') end(kind === 'exec' ? exitStatus(f.exit_code ?? 0, start.command ?? []) : successStatus());
  });
  call.on('error', (err) => {
    if (done) return;
    log.debug({ err, kind }, 'kubelet session failed');
    end({ ...kubeletError(err).toStatus(), metadata: {} });
  });
  call.on('end', () => end(successStatus()));
  call.write({ start });
  const send = (f: KubeletExecFrame): void => {
    if (!done) call.write(f);
  };
  return {
    stdin: (data) => send({ stdin: data }),
    stdinEnd: () => send({ stdin_eof: true }),
    resize: (width, height) => send({ resize: { width, height } }),
    abort: () => {
      if (done) return;
      done = true;
      call.cancel();
    },
    pause: () => call.pause(),
    resume: () => call.resume(),
  };
}

/** Exec/attach options from the query (`command` repeated; stdin/stdout/stderr/tty as true|1). */
export function execStart(q: URLSearchParams, kind: 'exec' | 'attach', namespace: string, pod: string, container: string): KubeletExecStart {
  const on = (k: string): boolean => q.get(k) === 'true' || q.get(k) === '1';
  return {
    target: { namespace, pod, container },
    command: kind === 'exec' ? q.getAll('command') : [],
    tty: on('tty'),
    stdin: on('stdin') || on('input'),
    stdout: on('stdout') || on('output'),
    stderr: on('stderr') || on('error'),
  };
}
