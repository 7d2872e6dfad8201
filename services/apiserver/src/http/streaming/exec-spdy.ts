import type { Logger } from '@kite/common';
import type { KubeletExecStart } from '@kite/proto';
import type { KubeletClients } from './kubelet-client.js';
import { startSession, type ExecInput } from './session.js';
import type { SpdySession, SpdyStream } from './spdy/session.js';

/** How long the client has to open all the streams it asked for. */
const STREAMS_TIMEOUT_MS = 30_000;

/**
 * exec/attach over SPDY (`v4.channel.k8s.io`, what kubectl 1.29 speaks, and every version's
 * fallback): the client opens one stream per channel (`streamtype` error, stdin, stdout,
 * stderr, resize); the command starts once all it asked for exist.
 */
export function execStreamsOverSpdy(
  session: () => SpdySession,
  done: () => void,
  kubelets: KubeletClients,
  kubelet: string,
  kind: 'exec' | 'attach',
  start: KubeletExecStart,
  log: Logger,
): { onStream: (s: SpdyStream) => void; abort: () => void } {
  const expected = ['error'];
  if (start.stdin) expected.push('stdin');
  if (start.stdout) expected.push('stdout');
  if (start.stderr && !start.tty) expected.push('stderr');
  if (start.tty) expected.push('resize');
  const streams = new Map<string, SpdyStream>();
  let input: ExecInput | undefined;
  const timer = setTimeout(() => {
    log.debug({ got: [...streams.keys()], expected }, 'exec streams never arrived');
    session().close();
    done();
  }, STREAMS_TIMEOUT_MS);
  const relay = (s: SpdyStream | undefined, d: Buffer): void => {
    if (s === undefined || s.write(d)) return;
    input?.pause();
    s.once('drain', () => input?.resume());
  };
  const begin = (): void => {
    clearTimeout(timer);
    const out = streams.get('stdout');
    const err = streams.get('stderr');
    input = startSession(
      kubelets,
      kubelet,
      kind,
      start,
      {
        stdout: (d) => relay(out, d),
        stderr: (d) => relay(err, d),
        finish: (status) => {
          out?.end();
          err?.end();
          streams.get('error')?.end(JSON.stringify(status));
          session().close();
          done();
        },
      },
      log,
    );
    const stdin = streams.get('stdin');
    stdin?.on('data', (d: Buffer) => input?.stdin(d));
    stdin?.on('end', () => input?.stdinEnd());
    let pending = '';
    streams.get('resize')?.on('data', (d: Buffer) => {
      pending += d.toString();
      let i: number;
      while ((i = pending.indexOf('}')) >= 0) {
        const one = pending.slice(0, i + 1);
        pending = pending.slice(i + 1);
        try {
          const v = JSON.parse(one) as { Width?: number; Height?: number };
          if (typeof v.Width === 'number' && typeof v.Height === 'number') input?.resize(v.Width, v.Height);
        } catch {
          // A malformed size is ignored, as the kubelet does.
        }
      }
    });
  };
  const onStream = (s: SpdyStream): void => {
    const type = s.headers.streamtype ?? '';
    if (!expected.includes(type) || streams.has(type)) return s.reset();
    streams.set(type, s);
    if (type !== 'stdin' && type !== 'resize') s.resume();
    if (expected.every((t) => streams.has(t))) begin();
  };
  return {
    onStream,
    abort: () => {
      clearTimeout(timer);
      input?.abort();
    },
  };
}
