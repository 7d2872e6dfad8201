import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { formatHostPort, type HostPort } from './address.js';

/** A process cannot start (port taken, data directory locked …); the CLI prints the message alone. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** An error a gRPC handler returns as-is: the code and message reach the client unchanged. */
export class GrpcError extends Error implements Partial<grpc.StatusObject> {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcError';
  }
  get details(): string {
    return this.message;
  }
}

export interface GrpcServerOptions {
  maxReceiveMessageLength?: number;
  maxSendMessageLength?: number;
}

/**
 * A server with keepalive settings that tolerate etcd-style clients (etcdctl pings every 2 s
 * without streams open) instead of answering them with GOAWAY "too_many_pings".
 */
export function createGrpcServer(opts: GrpcServerOptions = {}): grpc.Server {
  return new grpc.Server({
    // Channelz bookkeeping costs every call and nothing here reads it.
    'grpc.enable_channelz': 0,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 1000,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.max_receive_message_length': opts.maxReceiveMessageLength ?? 4 * 1024 * 1024,
    'grpc.max_send_message_length': opts.maxSendMessageLength ?? 2 ** 31 - 1,
  });
}

/** Binds insecurely (kite listens on loopback by default) and resolves to the bound address. */
export function bindGrpcServer(server: grpc.Server, listen: HostPort): Promise<HostPort> {
  return new Promise((resolve, reject) => {
    server.bindAsync(formatHostPort(listen), grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (!err) return resolve({ host: listen.host, port });
      const inUse = /EADDRINUSE/.test(err.message);
      reject(new StartupError(`cannot listen on ${formatHostPort(listen)}: ${inUse ? 'the address is already in use' : err.message}`));
    });
  });
}

/** Sends grpc-js's own messages (it writes to the console by default) to the process's logger. */
export function routeGrpcLogs(log: Logger): void {
  const write = (...args: unknown[]): void => log.debug({ source: 'grpc-js' }, args.map(String).join(' '));
  grpc.setLogger({ error: write, info: write, debug: write } as unknown as Partial<Console>);
}

/** Graceful shutdown with a deadline, after which open streams are cut. */
export function shutdownGrpcServer(server: grpc.Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
