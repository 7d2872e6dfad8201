import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@kite/common';
import { GrpcError } from '@kite/common';
import { loadEtcdServices } from '@kite/proto';
import type { Counter, Histogram } from 'prom-client';
import { EtcdErrors } from './errors.js';
import type { HeaderFactory } from './header.js';
import type { Lessor } from './lease.js';
import type { Mvcc } from './mvcc.js';
import { encodePutResponse, encodeRangeResponse, encodeWatchResponse } from './encode.js';
import { checkRangeRequest, evalRangeRecords } from './range.js';
import { applyDelete, applyPut, checkDeleteRequest, checkPutRequest, checkPutState, checkTxnRequest, executeTxn, isReadOnlyTxn } from './txn.js';
import type { WatchHub } from './watch.js';
import type * as W from './wire.js';

export interface StoreServices {
  mvcc: Mvcc;
  lessor: Lessor;
  hub: WatchHub;
  header: HeaderFactory;
  log: Logger;
  maxRequestBytes: number;
  maxTxnOps: number;
  status: () => Promise<object>;
  members: () => object[];
  metrics: { requests: Counter<'method' | 'code'>; latency: Histogram<'method'> };
}

/** The wire size of each request, recorded as it is decoded, for etcd's request-size limit. */
const wireSize = Symbol('wireSize');
type Sized = { [wireSize]?: number };

/** etcd measures a request when it enters raft: after the static checks, before the state ones. */
function checkSize(s: StoreServices, req: unknown): void {
  if (((req as Sized)[wireSize] ?? 0) > s.maxRequestBytes) throw EtcdErrors.requestTooLarge();
}

/**
 * Adjusts proto-loader's method definitions: requests remember their wire size (for etcd's
 * request-size limit), and the listed methods' responses are encoded by `encoders`.
 */
function withCodecs(def: grpc.ServiceDefinition, encoders: Record<string, (res: never) => Uint8Array> = {}): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(def)) {
    const decode = method.requestDeserialize;
    const encode = encoders[name] as ((res: unknown) => Uint8Array) | undefined;
    out[name] = {
      ...method,
      requestDeserialize: (buf: Buffer) => {
        const obj = decode(buf) as Sized;
        obj[wireSize] = buf.length;
        return obj;
      },
      ...(encode ? { responseSerialize: (res: unknown) => asBuffer(encode(res)) } : {}),
    };
  }
  return out as grpc.ServiceDefinition;
}

// protobufjs' Node writer already returns Buffers; anything else is wrapped without copying.
const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const preEncoded = (res: Uint8Array): Uint8Array => res;

function toServiceError(err: unknown, log: Logger): Partial<grpc.ServiceError> {
  if (err instanceof GrpcError) return { code: err.code, details: err.message, message: err.message };
  log.error({ err }, 'internal error');
  const message = err instanceof Error ? err.message : String(err);
  return { code: grpc.status.INTERNAL, details: message, message };
}

function unary<Req, Res>(s: StoreServices, method: string, fn: (req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  const latency = s.metrics.latency.labels(method);
  const ok = s.metrics.requests.labels(method, 'OK');
  return (call, callback) => {
    const started = performance.now();
    let result: Promise<Res>;
    try {
      result = Promise.resolve(fn(call.request));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (res) => {
        latency.observe((performance.now() - started) / 1000);
        ok.inc();
        callback(null, res);
      },
      (err: unknown) => {
        latency.observe((performance.now() - started) / 1000);
        const e = toServiceError(err, s.log);
        s.metrics.requests.inc({ method, code: grpc.status[e.code ?? grpc.status.UNKNOWN] ?? 'UNKNOWN' });
        callback(e);
      },
    );
  };
}

function kvService(s: StoreServices): grpc.UntypedServiceImplementation {
  const ctx = { mvcc: s.mvcc, hasLease: (id: string) => s.lessor.has(id) };
  return {
    Range: unary(s, 'Range', async (req: W.RangeRequest): Promise<Uint8Array> => {
      checkRangeRequest(req);
      const current = await s.mvcc.readable();
      const rev = s.mvcc.checkReadRev(Number(req.revision), current);
      const { records, more, count } = evalRangeRecords(s.mvcc.index, req, rev);
      return encodeRangeResponse(s.header(current), records, more, count, req.keys_only);
    }),
    Put: unary(s, 'Put', async (req: W.PutRequest): Promise<Uint8Array> => {
      checkPutRequest(req);
      checkSize(s, req);
      checkPutState(ctx, req);
      const write = s.mvcc.beginWrite();
      const prev = applyPut(write, req);
      const rev = await write.commit();
      return encodePutResponse(s.header(rev), req.prev_kv ? prev : undefined);
    }),
    DeleteRange: unary(s, 'DeleteRange', async (req: W.DeleteRangeRequest): Promise<W.DeleteRangeResponse> => {
      checkDeleteRequest(req);
      checkSize(s, req);
      const write = s.mvcc.beginWrite();
      const res = applyDelete(write, req);
      const rev = write.readRev;
      await write.commit();
      res.header = s.header(rev);
      return res;
    }),
    Txn: unary(s, 'Txn', async (req: W.TxnRequest): Promise<W.TxnResponse> => {
      checkTxnRequest(req, s.maxTxnOps);
      if (!isReadOnlyTxn(req)) checkSize(s, req);
      const { write, response } = executeTxn(ctx, req);
      const rev = write.readRev;
      await write.commit();
      response.header = s.header(rev);
      return response;
    }),
    Compact: unary(s, 'Compact', async (req: W.CompactionRequest) => {
      await s.mvcc.readable();
      await s.mvcc.compact(Number(req.revision));
      return { header: s.header(s.mvcc.durableRev) };
    }),
  };
}

function watchService(s: StoreServices): grpc.UntypedServiceImplementation {
  return {
    Watch: (call: grpc.ServerDuplexStream<W.WatchRequest, W.WatchResponse>) => {
      const stream = s.hub.openStream({
        write: (res, done) => {
          if (!call.writable) return done();
          call.write(res, () => done());
        },
      });
      call.on('data', (req: W.WatchRequest) => {
        if (req.create_request) stream.create(req.create_request);
        else if (req.cancel_request) stream.cancel(Number(req.cancel_request.watch_id));
        else if (req.progress_request) stream.requestProgress();
      });
      const close = (): void => {
        stream.close();
        if (call.writable) call.end();
      };
      call.on('end', close);
      call.on('error', () => stream.close());
      call.on('cancelled', () => stream.close());
    },
  };
}

function leaseService(s: StoreServices): grpc.UntypedServiceImplementation {
  const current = (): number => s.mvcc.durableRev;
  return {
    LeaseGrant: unary(s, 'LeaseGrant', async (req: { TTL: string; ID: string }) => {
      checkSize(s, req);
      const { id, ttl } = await s.lessor.grant(Number(req.TTL), req.ID);
      return { header: s.header(current()), ID: id, TTL: ttl, error: '' };
    }),
    LeaseRevoke: unary(s, 'LeaseRevoke', async (req: { ID: string }) => {
      const rev = await s.lessor.revoke(req.ID);
      return { header: s.header(rev) };
    }),
    LeaseTimeToLive: unary(s, 'LeaseTimeToLive', async (req: { ID: string; keys: boolean }) => {
      const rev = await s.mvcc.readable();
      const t = s.lessor.timeToLive(req.ID);
      if (!t) return { header: s.header(rev), ID: req.ID, TTL: -1 };
      return {
        header: s.header(rev),
        ID: req.ID,
        TTL: t.ttl,
        grantedTTL: t.granted,
        keys: req.keys ? t.keys.map((k) => Buffer.from(k, 'latin1')) : [],
      };
    }),
    LeaseLeases: unary(s, 'LeaseLeases', async () => {
      const rev = await s.mvcc.readable();
      return { header: s.header(rev), leases: s.lessor.list().map((ID) => ({ ID })) };
    }),
    LeaseKeepAlive: (call: grpc.ServerDuplexStream<{ ID: string }, object>) => {
      call.on('data', (req: { ID: string }) => {
        const TTL = s.lessor.keepAlive(req.ID);
        if (call.writable) call.write({ header: s.header(current()), ID: req.ID, TTL });
      });
      call.on('end', () => call.writable && call.end());
      call.on('error', () => undefined);
    },
  };
}

/** Registers etcd's KV, Watch, Lease, Maintenance and Cluster services on `server`. */
export function addStoreServices(server: grpc.Server, s: StoreServices): void {
  const svc = loadEtcdServices();
  server.addService(withCodecs(svc.KV.service, { Range: preEncoded, Put: preEncoded }), kvService(s));
  server.addService(withCodecs(svc.Watch.service, { Watch: encodeWatchResponse }), watchService(s));
  server.addService(withCodecs(svc.Lease.service), leaseService(s));
  server.addService(svc.Maintenance.service, {
    Status: unary(s, 'Status', () => s.status()),
  });
  server.addService(svc.Cluster.service, {
    MemberList: unary(s, 'MemberList', () => ({ header: s.header(s.mvcc.durableRev), members: s.members() })),
  });
}
