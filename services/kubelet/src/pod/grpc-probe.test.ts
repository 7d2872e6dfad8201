import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, runGrpc } from './grpc-probe.js';

describe('HealthCheck messages', () => {
  it.each([
    ['', ''],
    ['svc', '0a03737663'],
    ['x'.repeat(200), `0ac801${Buffer.from('x'.repeat(200)).toString('hex')}`],
  ])('encodes service %j', (service, hex) => {
    expect(encodeHealthCheckRequest(service).toString('hex')).toBe(hex);
  });

  it.each([
    ['', 0],
    ['0801', 1],
    ['0802', 2],
    // Unknown fields of each wire type are skipped.
    ['1203616263' + '0803' + '19' + '0000000000000000' + '25' + '00000000', 3],
  ])('decodes %s to status %i', (hex, status) => {
    expect(decodeHealthCheckResponse(Buffer.from(hex, 'hex'))).toBe(status);
  });
});

describe('runGrpc against a real gRPC server', () => {
  const server = new grpc.Server();
  let port: number;
  let bare: grpc.Server;
  let barePort: number;
  let slowPort: number;

  const health = (delayMs = 0): grpc.UntypedServiceImplementation => ({
    Check: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const service = call.request.length === 0 ? '' : call.request.subarray(2).toString();
      const status = service === '' ? 1 : service === 'down' ? 2 : 3;
      setTimeout(() => cb(null, Buffer.from([0x08, status])), delayMs);
    },
  });
  const definition = {
    Check: {
      path: '/grpc.health.v1.Health/Check',
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    },
  };
  const slow = new grpc.Server();

  const bind = (s: grpc.Server): Promise<number> =>
    new Promise((resolve, reject) => s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));

  beforeAll(async () => {
    server.addService(definition, health());
    port = await bind(server);
    bare = new grpc.Server();
    barePort = await bind(bare);
    slow.addService(definition, health(2_000));
    slowPort = await bind(slow);
  });
  afterAll(() => {
    for (const s of [server, bare, slow]) s.forceShutdown();
  });

  it('passes when the service is SERVING', async () => {
    expect(await runGrpc({ port }, '127.0.0.1', 2_000)).toEqual({ ok: true, output: '' });
  });

  it('fails with Kubernetes\' message when it is not', async () => {
    expect(await runGrpc({ port, service: 'down' }, '127.0.0.1', 2_000)).toEqual({ ok: false, output: 'service unhealthy (responded with "NOT_SERVING")' });
    expect(await runGrpc({ port, service: 'other' }, '127.0.0.1', 2_000)).toEqual({ ok: false, output: 'service unhealthy (responded with "SERVICE_UNKNOWN")' });
  });

  it('names a server without the health service, a slow one and a closed port', async () => {
    const bareResult = await runGrpc({ port: barePort }, '127.0.0.1', 2_000);
    expect(bareResult.ok).toBe(false);
    expect(bareResult.output).toMatch(/^this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
    expect(await runGrpc({ port: slowPort }, '127.0.0.1', 300)).toEqual({ ok: false, output: 'timeout: health rpc did not complete within 0.3s' });
    const closed = await freePort();
    const down = await runGrpc({ port: closed }, '127.0.0.1', 300);
    expect(down.ok).toBe(false);
    expect(down.output).toMatch(new RegExp(`^timeout: failed to connect service "127\\.0\\.0\\.1:${closed}" within 0\\.3s`));
  });
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
