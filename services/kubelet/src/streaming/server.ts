import type * as grpc from '@grpc/grpc-js';
import { bindGrpcServer, createGrpcServer, formatHostPort, shutdownGrpcServer, type HostPort, type Logger } from '@kite/common';
import { loadKubeletServices } from '@kite/proto';
import type { Runtime } from '@kite/runtime';
import type { LogLocator, PodLookup } from '../streaming-contract.js';
import { attachOpener } from './attach.js';
import { execOpener, serveSession, type ExecCall } from './exec.js';
import { serveLogs } from './logs.js';
import { servePortForward } from './port-forward.js';

export interface StreamingServerOptions {
  /** Where the apiserver reaches this kubelet (port 0 picks one; advertise the bound port on the Node). */
  listen: HostPort;
  runtime: Runtime;
  pods: PodLookup;
  logs: LogLocator;
  log: Logger;
}

export interface StreamingServer {
  /** The bound address, host:port. */
  address: string;
  port: number;
  close(): Promise<void>;
}

/** Serves kite.v1 KubeletStreaming: logs, exec, attach and port-forward for this node's pods. */
export async function startStreamingServer(o: StreamingServerOptions): Promise<StreamingServer> {
  const log = o.log.child({ component: 'streaming' });
  const server = createGrpcServer();
  const exec = execOpener(o.runtime);
  const attach = attachOpener(o.runtime, o.logs);
  const impl: grpc.UntypedServiceImplementation = {
    Logs: (call: Parameters<typeof serveLogs>[1]) => {
      void serveLogs(o.logs, call);
    },
    Exec: (call: ExecCall) => serveSession(o.pods, exec, call, log),
    Attach: (call: ExecCall) => serveSession(o.pods, attach, call, log),
    PortForward: (call: Parameters<typeof servePortForward>[2]) => servePortForward(o.pods, o.runtime, call, log),
  };
  server.addService(loadKubeletServices().KubeletStreaming.service, impl);
  const bound = await bindGrpcServer(server, o.listen);
  const address = formatHostPort(bound);
  log.info({ address }, 'kubelet streaming server listening');
  return { address, port: bound.port, close: () => shutdownGrpcServer(server, 1000) };
}
