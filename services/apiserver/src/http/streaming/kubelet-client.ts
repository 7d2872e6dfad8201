import * as grpc from '@grpc/grpc-js';
import { loadKubeletServices, type KubeletExecFrame, type KubeletLogsRequest, type KubeletPortForwardFrame } from '@kite/proto';
import { ApiError, badRequest } from '../../errors.js';

type Client = grpc.Client & {
  Logs(req: KubeletLogsRequest): grpc.ClientReadableStream<{ data: Buffer }>;
  Exec(): grpc.ClientDuplexStream<KubeletExecFrame, KubeletExecFrame>;
  Attach(): grpc.ClientDuplexStream<KubeletExecFrame, KubeletExecFrame>;
  PortForward(): grpc.ClientDuplexStream<KubeletPortForwardFrame, KubeletPortForwardFrame>;
};

/**
 * One gRPC channel per kubelet address, kept for the life of the apiserver: streams are
 * multiplexed on it, and a node that changes address simply gets a new entry.
 */
export class KubeletClients {
  private readonly clients = new Map<string, Client>();

  get(address: string): Client {
    let c = this.clients.get(address);
    if (c === undefined) {
      const Ctor = loadKubeletServices().KubeletStreaming;
      c = new Ctor(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 16 * 1024 * 1024 }) as unknown as Client;
      this.clients.set(address, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

/** A kubelet's gRPC failure as the Kubernetes Status kubectl prints. */
export function kubeletError(err: unknown): ApiError {
  const e = err as Partial<grpc.ServiceError>;
  const msg = e.details ?? (err instanceof Error ? err.message : String(err));
  switch (e.code) {
    case grpc.status.NOT_FOUND:
      return new ApiError(404, 'NotFound', msg);
    case grpc.status.FAILED_PRECONDITION:
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.OUT_OF_RANGE:
      return badRequest(msg);
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return new ApiError(500, 'InternalError', `error dialing backend: ${msg}`);
    default:
      return new ApiError(500, 'InternalError', `Internal error occurred: ${msg}`);
  }
}
