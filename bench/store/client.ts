import * as grpc from '@grpc/grpc-js';
import { loadEtcdServices } from '@kite/proto';

type Callback = (err: grpc.ServiceError | null, res: any) => void;
type UnaryFn = (req: object, options: grpc.CallOptions, cb: Callback) => grpc.ClientUnaryCall;

const CALL_TIMEOUT_MS = 30_000;

/** Options that give every client its own HTTP/2 connection (grpc-js shares them by default). */
const ownConnection: grpc.ChannelOptions = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

/** One gRPC channel (one TCP connection) to an etcd v3 endpoint, KV and Watch. */
export class Channel {
  private readonly kv: grpc.Client;
  private readonly watchClient: grpc.Client;
  /** A KV client that skips decoding Range responses, to time the server without the client's decode. */
  private readonly rawKv: grpc.Client;

  constructor(readonly endpoint: string) {
    const svc = loadEtcdServices();
    const creds = grpc.credentials.createInsecure();
    this.kv = new svc.KV(endpoint, creds, ownConnection);
    this.watchClient = new svc.Watch(endpoint, creds, { ...ownConnection });
    this.rawKv = new grpc.Client(endpoint, creds, ownConnection);
  }

  private unary<T>(method: string, req: object): Promise<T> {
    const fn = (this.kv as unknown as Record<string, UnaryFn>)[method] as UnaryFn;
    return new Promise((resolve, reject) => {
      fn.call(this.kv, req, { deadline: Date.now() + CALL_TIMEOUT_MS }, (err, res) => (err ? reject(err) : resolve(res as T)));
    });
  }

  put(key: Buffer, value: Buffer): Promise<any> {
    return this.unary('Put', { key, value });
  }

  range(key: Buffer, rangeEnd: Buffer, extra: object = {}): Promise<any> {
    return this.unary('Range', { key, range_end: rangeEnd, ...extra });
  }

  txn(req: object): Promise<any> {
    return this.unary('Txn', req);
  }

  /** A Range whose response is received but not decoded; resolves with its size in bytes. */
  rangeRaw(key: Buffer, rangeEnd: Buffer): Promise<number> {
    const def = loadEtcdServices().KV.service.Range as grpc.MethodDefinition<object, unknown>;
    return new Promise((resolve, reject) => {
      this.rawKv.makeUnaryRequest<object, Buffer>(
        def.path,
        def.requestSerialize,
        (b: Buffer) => b,
        { key, range_end: rangeEnd },
        { deadline: Date.now() + CALL_TIMEOUT_MS },
        (err, res) => (err ? reject(err) : resolve(res?.length ?? 0)),
      );
    });
  }

  watch(): grpc.ClientDuplexStream<object, any> {
    return (this.watchClient as unknown as { Watch(): grpc.ClientDuplexStream<object, any> }).Watch();
  }

  /** Resolves once the connection is up (or rejects after `timeoutMs`). */
  ready(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => this.kv.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.kv.close();
    this.watchClient.close();
    this.rawKv.close();
  }
}

/** `n` channels to one endpoint; callers spread their in-flight loops over them. */
export class ChannelPool {
  readonly channels: Channel[];

  constructor(endpoint: string, n: number) {
    this.channels = Array.from({ length: n }, () => new Channel(endpoint));
  }

  async ready(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.ready()));
  }

  close(): void {
    for (const c of this.channels) c.close();
  }
}
