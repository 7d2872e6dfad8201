import type { Logger } from '@kite/common';
import type { KubeletExecStart } from '@kite/proto';
import type WebSocket from 'ws';
import { CLOSE, decode, encode, ERROR, parseResize, RESIZE, STDERR, STDIN, STDOUT } from './channels.js';
import type { KubeletClients } from './kubelet-client.js';
import { Backlog } from './flow.js';
import { startSession, type ExecInput } from './session.js';

/** exec/attach over the v4/v5 channel protocol on an accepted WebSocket. */
export function execOverWebSocket(ws: WebSocket, protocol: string, kubelets: KubeletClients, kubelet: string, kind: 'exec' | 'attach', start: KubeletExecStart, log: Logger): void {
  const backlog = new Backlog(
    () => session.pause(),
    () => session.resume(),
  );
  const send = (channel: number, data: Buffer | string): void => {
    if (ws.readyState !== ws.OPEN) return;
    const msg = encode(channel, data);
    backlog.add(msg.length);
    ws.send(msg, () => backlog.done(msg.length));
  };
  // The kubelet announces an established stream with an empty message on the first output channel.
  send(start.stdout ? STDOUT : start.stderr ? STDERR : ERROR, Buffer.alloc(0));
  const session: ExecInput = startSession(
    kubelets,
    kubelet,
    kind,
    start,
    {
      stdout: (d) => send(STDOUT, d),
      stderr: (d) => send(STDERR, d),
      finish: (status) => {
        send(ERROR, JSON.stringify(status));
        ws.close(1000);
      },
    },
    log,
  );
  ws.on('message', (msg: Buffer, isBinary: boolean) => {
    const m = decode(isBinary ? msg : Buffer.from(msg));
    if (m === undefined) return;
    if (m.channel === STDIN) {
      if (m.data.length > 0) session.stdin(m.data);
    } else if (m.channel === RESIZE) {
      const size = parseResize(m.data);
      if (size) session.resize(size.width, size.height);
    } else if (m.channel === CLOSE && protocol.startsWith('v5.') && m.data[0] === STDIN) session.stdinEnd();
  });
  ws.on('close', () => session.abort());
  ws.on('error', () => session.abort());
}
