import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@kite/common';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, badRequest, internal } from '../../errors.js';
import type { Registry } from '../../registry/registry.js';
import { parseResourcePath } from '../request-info.js';
import { CHANNEL_PROTOCOLS, negotiate } from './channels.js';
import { execStreamsOverSpdy } from './exec-spdy.js';
import { execOverWebSocket } from './exec-ws.js';
import { Backlog } from './flow.js';
import type { KubeletClients } from './kubelet-client.js';
import { portForwardStreams } from './portforward.js';
import { execStart } from './session.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';
import { requireBound, requireNotCompleted, resolveTarget } from './target.js';

export const PORT_FORWARD_TUNNEL = 'SPDY/3.1+portforward.k8s.io';
const PORT_FORWARD_SPDY = 'portforward.k8s.io';
const EXEC_SPDY = ['v4.channel.k8s.io'];
/** `ws` accepts only RFC 7230 tokens as subprotocols and '/' is not one: it sees this alias instead. */
const TUNNEL_ALIAS = 'kite-spdy-3.1-portforward';

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' };

/** Answers an upgrade request with a Status (no 101), which kubectl prints. */
function refuse(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${REASONS[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const headerValues = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => x.split(',')).map((x) => x.trim());

export interface UpgradeDeps {
  registry: Registry;
  kubelets: KubeletClients;
  log: Logger;
}

/**
 * Upgrade requests for pods/exec, pods/attach and pods/portforward: WebSocket (channel
 * protocols, or the SPDY tunnel for port-forward) or raw SPDY/3.1. The pod is checked before
 * answering 101, so refusals reach the client as a Status.
 */
export function createUpgradeHandler(d: UpgradeDeps): { handle: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void; close: () => void } {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (protocols) => [...protocols][0] ?? false });
  wss.on('headers', (headers: string[]) => {
    const i = headers.findIndex((h) => h.toLowerCase() === `sec-websocket-protocol: ${TUNNEL_ALIAS}`);
    if (i >= 0) headers[i] = `Sec-WebSocket-Protocol: ${PORT_FORWARD_TUNNEL}`;
  });
  const active = new Set<Duplex>();

  const handle = async (req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const info = parseResourcePath(url.pathname);
    const sub = info?.subresource;
    if (info?.resource !== 'pods' || info.group !== '' || info.namespace === undefined || info.name === undefined || (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward'))
      throw badRequest(`upgrade is not supported for ${url.pathname}`);
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    const websocket = upgrade === 'websocket';
    if (!websocket && upgrade !== 'spdy/3.1') throw badRequest(`unsupported upgrade ${JSON.stringify(req.headers.upgrade ?? '')}: want websocket or SPDY/3.1`);
    const q = url.searchParams;
    const { namespace, name } = info;
    const kind = sub === 'portforward' ? 'portforward' : sub;
    const t = await resolveTarget(d.registry, namespace, name, q.get('container'), kind !== 'portforward');
    const kubelet = requireBound(t);
    requireNotCompleted(t, kind);
    const log = d.log.child({ pod: `${namespace}/${name}`, stream: kind, transport: websocket ? 'websocket' : 'spdy' });

    if (websocket) {
      const offered = req.headers['sec-websocket-protocol'];
      const protocol = kind === 'portforward' ? (headerValues(offered).includes(PORT_FORWARD_TUNNEL) ? PORT_FORWARD_TUNNEL : undefined) : negotiate(offered, CHANNEL_PROTOCOLS);
      if (protocol === undefined)
        throw badRequest(`unable to upgrade: none of the offered subprotocols ${JSON.stringify(offered ?? '')} is supported: want ${kind === 'portforward' ? PORT_FORWARD_TUNNEL : CHANNEL_PROTOCOLS.join(', ')}`);
      req.headers['sec-websocket-protocol'] = protocol === PORT_FORWARD_TUNNEL ? TUNNEL_ALIAS : protocol;
      const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(req, socket, head, resolve));
      if (kind === 'portforward') {
        const backlog = new Backlog(
          () => undefined,
          () => session.transportDrained(),
        );
        const session: SpdySession = new SpdySession({
          write: (b) => {
            if (ws.readyState !== ws.OPEN) return true;
            ws.send(b, () => backlog.done(b.length));
            return backlog.add(b.length);
          },
          onStream: portForwardStreams(d.kubelets, kubelet, namespace, name, log),
          onClose: () => ws.close(1000),
        });
        ws.on('message', (m: Buffer) => session.receive(m));
        ws.on('close', () => session.close(new Error('connection closed')));
        return;
      }
      const start = execStart(q, kind, namespace, name, t.container);
      return execOverWebSocket(ws, protocol, d.kubelets, kubelet, kind, start, log);
    }

    const versions = headerValues(req.headers['x-stream-protocol-version']);
    const supported = kind === 'portforward' ? [PORT_FORWARD_SPDY] : EXEC_SPDY;
    const version = supported.find((v) => versions.includes(v));
    if (version === undefined)
      throw new ApiError(403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${versions.join(' ')}], server accepts [${supported.join(' ')}]`);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${version}\r\n\r\n`);
    let onStream: (s: SpdyStream) => void;
    let abort = (): void => undefined;
    const closeSocket = (): void => void socket.end();
    if (kind === 'portforward') onStream = portForwardStreams(d.kubelets, kubelet, namespace, name, log);
    else {
      const h = execStreamsOverSpdy(() => session, closeSocket, d.kubelets, kubelet, kind, execStart(q, kind, namespace, name, t.container), log);
      onStream = h.onStream;
      abort = h.abort;
    }
    const session: SpdySession = new SpdySession({
      write: (b) => !socket.writable || socket.write(b),
      onStream,
      onClose: (err) => {
        if (err) log.debug({ err }, 'SPDY session ended');
        abort();
        closeSocket();
      },
    });
    socket.on('data', (b: Buffer) => session.receive(b));
    socket.on('drain', () => session.transportDrained());
    // The client half-closing TCP means it is gone (SPDY says goodbye with GOAWAY, not FIN).
    socket.on('end', () => socket.destroy());
    socket.on('close', () => {
      abort();
      session.close(new Error('connection closed'));
    });
    if (head.length > 0) session.receive(head);
  };

  const accept = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    active.add(socket);
    socket.on('close', () => active.delete(socket));
    socket.on('error', () => socket.destroy());
    handle(req, socket, head).catch((err: unknown) => {
      const e = err instanceof ApiError ? err : internal(err instanceof Error ? err.message : String(err));
      if (!(err instanceof ApiError)) d.log.error({ err, url: req.url }, 'streaming upgrade failed');
      if (socket.writable) refuse(socket, e);
      else socket.destroy();
    });
  };
  return {
    handle: accept,
    close: () => {
      for (const s of active) s.destroy();
      wss.close();
    },
  };
}
