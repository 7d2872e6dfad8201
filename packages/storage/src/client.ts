import * as grpc from '@grpc/grpc-js';
import { loadEtcdServices } from '@kite/proto';
import { fromWire, type WireKeyValue } from './convert.js';
import { classify } from './errors.js';
import { prefixEnd } from './keys.js';
import type { CasResult, KeyValue, ListOptions, ListResult } from './types.js';
import { WatchMux, type WatchHandler } from './watch.js';

export interface StorageOptions {
  /** etcd v3 endpoints, `host:port` or `http://host:port`. */
  endpoints: string[];
  /** Deadline for each unary call. Default 5 s. */
  requestTimeoutMs?: number;
}

type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

interface WireResponseOp {
  response_range?: { kvs: WireKeyValue[] };
  response_put?: { prev_kv?: WireKeyValue | null };
  response_delete_range?: { prev_kvs: WireKeyValue[] };
}

const hostPort = (endpoint: string): string => endpoint.replace(/^https?:\/\//, '').replace(/\/$/, '');

/**
 * One gRPC target for all endpoints: grpc-js's `ipv4:` scheme balances over several
 * addresses (pick-first, failing over), which is what an etcd cluster client needs.
 */
function target(endpoints: string[]): string {
  const addrs = endpoints.map(hostPort);
  if (addrs.length === 1) return addrs[0] as string;
  if (addrs.every((a) => /^\d+\.\d+\.\d+\.\d+:\d+$/.test(a))) return `ipv4:${addrs.join(',')}`;
  throw new Error(`several endpoints must all be IPv4 host:port, got ${endpoints.join(',')}`);
}

const compareModRevision = (key: Buffer, rev: number): object => ({
  key,
  target: 'MOD',
  result: 'EQUAL',
  mod_revision: rev,
});

/**
 * A typed etcd v3 client with the shapes Kubernetes' storage layer uses (and kine serves):
 * create is "put if mod_revision is 0", update and delete are compare-and-swap on the
 * object's mod_revision (its resourceVersion), and a lost race returns the current object.
 * Works against kite-store and a real etcd alike.
 */
export class EtcdStorage {
  private readonly clients: Record<'KV' | 'Lease' | 'Maintenance' | 'Watch', grpc.Client>;
  private readonly mux: WatchMux;
  private readonly timeoutMs: number;

  constructor(opts: StorageOptions) {
    const svc = loadEtcdServices();
    const t = target(opts.endpoints);
    const creds = grpc.credentials.createInsecure();
    // No 4 MiB cap on answers: a list of 10,000 pods is bigger, and etcd's Go client has none either.
    const channelOpts = { 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000, 'grpc.max_receive_message_length': -1 };
    this.clients = {
      KV: new svc.KV(t, creds, channelOpts),
      Lease: new svc.Lease(t, creds, channelOpts),
      Maintenance: new svc.Maintenance(t, creds, channelOpts),
      Watch: new svc.Watch(t, creds, channelOpts),
    };
    this.timeoutMs = opts.requestTimeoutMs ?? 5000;
    const watchClient = this.clients.Watch as unknown as { Watch(): grpc.ClientDuplexStream<object, never> };
    this.mux = new WatchMux(() => watchClient.Watch());
  }

  private call<T>(service: 'KV' | 'Lease' | 'Maintenance', method: string, req: object): Promise<T> {
    const client = this.clients[service] as unknown as Record<string, Unary>;
    const fn = client[method] as Unary;
    return new Promise((resolve, reject) =>
      fn.call(client, req, { deadline: Date.now() + this.timeoutMs }, (err, res) => (err ? reject(classify(err)) : resolve(res as T))),
    );
  }

  async get(key: string): Promise<{ kv?: KeyValue; revision: number }> {
    const res = await this.call<{ header: { revision: string }; kvs: WireKeyValue[] }>('KV', 'Range', { key: Buffer.from(key) });
    const first = res.kvs[0];
    return { kv: first ? fromWire(first) : undefined, revision: Number(res.header.revision) };
  }

  /** Keys under `prefix`, in key order, one consistent page at a time. */
  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const start = opts.after !== undefined ? Buffer.from(opts.after + '\0') : Buffer.from(prefix);
    const res = await this.call<{ header: { revision: string }; kvs: WireKeyValue[]; more: boolean; count: string }>('KV', 'Range', {
      key: start,
      range_end: prefixEnd(Buffer.from(prefix)),
      limit: opts.limit ?? 0,
      revision: opts.revision ?? 0,
    });
    return { kvs: res.kvs.map(fromWire), revision: Number(res.header.revision), more: res.more, count: Number(res.count) };
  }

  /** Puts `key` only if it does not exist; otherwise returns what is there. */
  create(key: string, value: Buffer, lease = '0'): Promise<CasResult> {
    return this.cas(key, compareModRevision(Buffer.from(key), 0), { request_put: { key: Buffer.from(key), value, lease } });
  }

  /** Puts `key` only if its mod_revision is still `modRevision`. */
  update(key: string, value: Buffer, modRevision: number, lease = '0'): Promise<CasResult> {
    return this.cas(key, compareModRevision(Buffer.from(key), modRevision), {
      request_put: { key: Buffer.from(key), value, lease, prev_kv: true },
    });
  }

  /** Deletes `key`, only if its mod_revision is still `modRevision` when one is given. */
  async delete(key: string, modRevision?: number): Promise<CasResult> {
    const del = { request_delete_range: { key: Buffer.from(key), prev_kv: true } };
    if (modRevision !== undefined) return this.cas(key, compareModRevision(Buffer.from(key), modRevision), del);
    const res = await this.call<{ header: { revision: string }; prev_kvs: WireKeyValue[] }>('KV', 'DeleteRange', del.request_delete_range);
    const prev = res.prev_kvs[0];
    return prev ? { ok: true, revision: Number(res.header.revision), prev: fromWire(prev) } : { ok: false };
  }

  private async cas(key: string, compare: object, op: object): Promise<CasResult> {
    const res = await this.call<{ header: { revision: string }; succeeded: boolean; responses: WireResponseOp[] }>('KV', 'Txn', {
      compare: [compare],
      success: [op],
      failure: [{ request_range: { key: Buffer.from(key) } }],
    });
    if (!res.succeeded) {
      const current = res.responses[0]?.response_range?.kvs[0];
      return { ok: false, current: current ? fromWire(current) : undefined };
    }
    const r = res.responses[0] ?? {};
    const prevWire = r.response_put?.prev_kv ?? r.response_delete_range?.prev_kvs[0];
    return { ok: true, revision: Number(res.header.revision), prev: prevWire ? fromWire(prevWire) : undefined };
  }

  /** Grants a lease of `ttlSeconds`; returns its ID. */
  async grantLease(ttlSeconds: number): Promise<string> {
    const res = await this.call<{ ID: string }>('Lease', 'LeaseGrant', { TTL: ttlSeconds, ID: 0 });
    return res.ID;
  }

  async compact(revision: number): Promise<void> {
    await this.call('KV', 'Compact', { revision });
  }

  /** The store's version and current revision (Maintenance.Status). */
  async status(): Promise<{ version: string; revision: number }> {
    const res = await this.call<{ version: string; header: { revision: string } }>('Maintenance', 'Status', {});
    return { version: res.version, revision: Number(res.header.revision) };
  }

  /**
   * Watches every key under `prefix` from `fromRevision` (0: from now), with previous values.
   * Returns a function that cancels the watch.
   */
  watchPrefix(prefix: string, fromRevision: number, handler: WatchHandler, progressNotify = false): () => void {
    const key = Buffer.from(prefix);
    return this.mux.watch({ key, rangeEnd: prefixEnd(key), fromRevision, prevKv: true, progressNotify }, handler);
  }

  /** Asks the store to tell every watch of this client the current revision, once caught up. */
  requestWatchProgress(): void {
    this.mux.requestProgress();
  }

  close(): void {
    this.mux.close();
    for (const c of Object.values(this.clients)) c.close();
  }
}
