import type net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { GrpcError, type Logger } from '@kite/common';
import type { KubeletPortForwardFrame } from '@kite/proto';
import type { Runtime } from '@kite/runtime';
import type { PodLookup } from '../streaming-contract.js';
import { toGrpcError } from './errors.js';

type Call = grpc.ServerDuplexStream<KubeletPortForwardFrame, KubeletPortForwardFrame>;

/**
 * One forwarded TCP connection: the start frame names the pod and port, then bytes flow both
 * ways and each side's `eof` half-closes the other, as a TCP connection would.
 */
export function servePortForward(pods: PodLookup, runtime: Runtime, call: Call, log: Logger): void {
  let socket: net.Socket | undefined;
  let done = false;
  const pending: KubeletPortForwardFrame[] = [];
  const finish = (err?: unknown): void => {
    if (done) return;
    done = true;
    socket?.destroy();
    if (err === undefined) call.end();
    else call.emit('error', toGrpcError(err));
  };
  const deliver = (f: KubeletPortForwardFrame): void => {
    const s = socket as net.Socket;
    if (f.frame === 'data' && f.data) s.write(f.data);
    else if (f.eof) s.end();
  };
  const start = async (f: KubeletPortForwardFrame): Promise<void> => {
    if (!f.start) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'the first frame must be start');
    const { namespace, pod, port } = f.start;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `invalid port ${port}`);
    const target = pods.find({ namespace, name: pod }, false);
    let s: net.Socket;
    try {
      s = await runtime.connect(target.sandbox, port);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new GrpcError(grpc.status.UNAVAILABLE, `error forwarding port ${port} to pod ${target.podUID}: failed to connect to localhost:${port} inside the pod's network: ${why}`);
    }
    socket = s;
    if (done) return void s.destroy();
    call.write({ connected: true });
    for (const p of pending.splice(0)) deliver(p);
    s.on('data', (d: Buffer) => {
      if (!call.write({ data: d })) {
        s.pause();
        call.once('drain', () => s.resume());
      }
    });
    s.on('end', () => {
      if (!done) call.write({ eof: true });
    });
    s.on('close', () => finish());
    s.on('error', (err) => log.debug({ err, port }, 'port-forward connection failed'));
  };
  let first = true;
  call.on('data', (f: KubeletPortForwardFrame) => {
    if (first) {
      first = false;
      start(f).catch(finish);
    } else if (socket === undefined) pending.push(f);
    else deliver(f);
  });
  call.on('cancelled', () => {
    done = true;
    socket?.destroy();
  });
  call.on('error', () => {
    done = true;
    socket?.destroy();
  });
}
