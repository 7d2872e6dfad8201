/**
 * The gRPC probe: `grpc.health.v1.Health/Check` on the pod's IP, insecure, as Kubernetes' prober
 * does it (pkg/probe/grpc), with its messages. The two messages are one field each, so they are
 * encoded here rather than through a .proto file.
 */
import * as grpc from '@grpc/grpc-js';
import type { ActionResult } from './actions.js';

export interface GRPCAction {
  port: number;
  service?: string;
}

const STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** HealthCheckRequest { string service = 1; } */
export function encodeHealthCheckRequest(service: string): Buffer {
  const s = Buffer.from(service, 'utf8');
  if (s.length === 0) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0x0a]), varint(s.length), s]);
}

/** HealthCheckResponse { ServingStatus status = 1; }: the status, or 0 (UNKNOWN) when absent. */
export function decodeHealthCheckResponse(b: Buffer): number {
  let status = 0;
  for (let i = 0; i < b.length; ) {
    const [key, afterKey] = readVarint(b, i);
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) {
      const [v, next] = readVarint(b, afterKey);
      if (field === 1) status = v;
      i = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(b, afterKey);
      i = next + len;
    } else if (wire === 1) i = afterKey + 8;
    else if (wire === 5) i = afterKey + 4;
    else throw new Error(`cannot decode HealthCheckResponse: wire type ${wire}`);
  }
  return status;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

function readVarint(b: Buffer, at: number): [number, number] {
  let v = 0;
  for (let shift = 0, i = at; i < b.length; shift += 7, i++) {
    const byte = b[i] as number;
    v += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [v, i + 1];
  }
  throw new Error('cannot decode HealthCheckResponse: truncated varint');
}

const Health = grpc.makeGenericClientConstructor(
  {
    Check: {
      path: '/grpc.health.v1.Health/Check',
      requestStream: false,
      responseStream: false,
      requestSerialize: (service: string) => encodeHealthCheckRequest(service),
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => decodeHealthCheckResponse(b),
    },
  },
  'Health',
);

type HealthClient = grpc.Client & {
  Check(service: string, metadata: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, status?: number) => void): void;
};

export async function runGrpc(action: GRPCAction, podIP: string, timeoutMs: number): Promise<ActionResult> {
  const service = action.service ?? '';
  const target = `${podIP.includes(':') ? `[${podIP}]` : podIP}:${action.port}`;
  const seconds = `${timeoutMs / 1000}s`;
  const client = new Health(target, grpc.credentials.createInsecure(), { 'grpc.primary_user_agent': 'kube-probe/1.32' }) as unknown as HealthClient;
  const deadline = Date.now() + timeoutMs;
  try {
    const connected = await new Promise<Error | undefined>((resolve) => client.waitForReady(deadline, (err) => resolve(err ?? undefined)));
    if (connected !== undefined) return { ok: false, output: `timeout: failed to connect service "${target}" within ${seconds}: ${connected.message}` };
    const status = await new Promise<number | grpc.ServiceError>((resolve) =>
      client.Check(service, new grpc.Metadata(), { deadline }, (err, s) => resolve(err ?? (s as number))),
    );
    if (typeof status !== 'number') {
      if (status.code === grpc.status.UNIMPLEMENTED) return { ok: false, output: `this server does not implement the grpc health protocol (grpc.health.v1.Health): ${status.details}` };
      if (status.code === grpc.status.DEADLINE_EXCEEDED) return { ok: false, output: `timeout: health rpc did not complete within ${seconds}` };
      return { ok: false, output: `rpc error: code = ${grpc.status[status.code] ?? status.code} desc = ${status.details}` };
    }
    if (status !== 1) return { ok: false, output: `service unhealthy (responded with "${STATUS[status] ?? status}")` };
    return { ok: true, output: '' };
  } finally {
    client.close();
  }
}
