import type { Logger } from '@kite/common';
import type { KubeletPortForwardFrame } from '@kite/proto';
import { kubeletError, type KubeletClients } from './kubelet-client.js';
import type { SpdyStream } from './spdy/session.js';

/**
 * Handles the streams of one port-forward connection. kubectl opens, per local connection, an
 * `error` stream (half-closed at once) and a `data` stream sharing a `requestid`; the data
 * stream is piped to the pod's port through the kubelet, and a failure is written, as text, on
 * the error stream, which kubectl prints.
 */
export function portForwardStreams(kubelets: KubeletClients, kubelet: string, namespace: string, pod: string, log: Logger): (s: SpdyStream) => void {
  const errorStreams = new Map<string, SpdyStream>();
  const failures = new Map<string, string>();
  const report = (requestId: string, message: string): void => {
    const es = errorStreams.get(requestId);
    if (es === undefined) return void failures.set(requestId, message);
    es.end(message);
    errorStreams.delete(requestId);
  };
  return (s) => {
    const type = s.headers.streamtype;
    const requestId = s.headers.requestid ?? '';
    if (type === 'error') {
      s.resume();
      const early = failures.get(requestId);
      if (early !== undefined) {
        failures.delete(requestId);
        s.end(early);
      } else errorStreams.set(requestId, s);
      s.on('close', () => errorStreams.delete(requestId));
      return;
    }
    if (type !== 'data') return s.reset();
    const port = Number(s.headers.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      report(requestId, `invalid port ${JSON.stringify(s.headers.port ?? '')}`);
      return s.reset();
    }
    const call = kubelets.get(kubelet).PortForward();
    let finished = false;
    const closeErrorStream = (): void => {
      errorStreams.get(requestId)?.end();
      errorStreams.delete(requestId);
    };
    call.on('data', (f: KubeletPortForwardFrame) => {
      if (f.frame === 'data' && f.data && !s.write(f.data)) {
        call.pause();
        s.once('drain', () => call.resume());
      }
      else if (f.frame === 'eof') s.end();
    });
    call.on('end', () => {
      finished = true;
      s.end();
      closeErrorStream();
    });
    call.on('error', (err) => {
      if (finished) return;
      finished = true;
      const msg = kubeletError(err).message.replace(/^error dialing backend: /, '');
      log.debug({ err, port }, 'port-forward failed');
      report(requestId, msg);
      s.end();
    });
    call.write({ start: { namespace, pod, port } });
    s.on('data', (d: Buffer) => call.write({ data: d }));
    s.on('end', () => {
      if (!finished) call.write({ eof: true });
    });
    s.on('close', () => {
      if (!finished) {
        finished = true;
        call.cancel();
      }
    });
  };
}
