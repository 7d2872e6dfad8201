import * as grpc from '@grpc/grpc-js';
import { loadKiteServices } from '@kite/proto';

/** A Kubernetes object as JSON: what every kite.v1 call carries. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string | null;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
    finalizers?: string[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Which resource a call is about. */
export interface Target {
  apiVersion: string;
  kind: string;
  /** Omitted for cluster-scoped kinds, or to list/watch every namespace. */
  namespace?: string;
}

/** The apiserver's answer to a failed call, with the Kubernetes reason and HTTP code. */
export class KiteApiError extends Error {
  override name = 'KiteApiError';
  constructor(
    message: string,
    /** HTTP status code of the Kubernetes Status (404, 409, 422 …); 503 when unreachable. */
    readonly code: number,
    /** Kubernetes reason: NotFound, AlreadyExists, Conflict, Invalid, Expired … */
    readonly reason: string,
    readonly status?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof KiteApiError && e.code === 404;
export const isConflict = (e: unknown): boolean => e instanceof KiteApiError && e.reason === 'Conflict';
export const isAlreadyExists = (e: unknown): boolean => e instanceof KiteApiError && e.reason === 'AlreadyExists';

function fromGrpc(err: grpc.ServiceError): KiteApiError {
  const raw = err.metadata?.get('kite-status-bin')[0];
  if (raw !== undefined) {
    const status = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)) as { message?: string; code?: number; reason?: string };
    return new KiteApiError(status.message ?? err.details, status.code ?? 500, status.reason ?? 'InternalError', status);
  }
  const code = err.code === grpc.status.UNAVAILABLE ? 503 : err.code === grpc.status.DEADLINE_EXCEEDED ? 504 : 500;
  return new KiteApiError(err.details || err.message, code, code === 503 ? 'ServiceUnavailable' : code === 504 ? 'Timeout' : 'InternalError');
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandler<T> {
  onEvent(type: WatchEventType, object: T): void;
  /** The stream ended: `err` undefined for a clean end (timeout, server shutdown). */
  onEnd(err?: KiteApiError): void;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

type Unary = (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => grpc.ClientUnaryCall;

const target = (t: Target): object => ({ api_version: t.apiVersion, kind: t.kind, namespace: t.namespace ?? '' });
const targetOf = (o: KubeObject): Target => {
  if (!o.apiVersion || !o.kind) throw new KiteApiError('object needs apiVersion and kind', 400, 'BadRequest');
  return { apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) };
};
const parse = <T>(b: Buffer): T => JSON.parse(b.toString('utf8')) as T;

/** The typed client of the apiserver's kite.v1 gRPC API. */
export class KiteClient {
  private readonly objects: grpc.Client;
  private readonly nodes: grpc.Client;

  constructor(
    address: string,
    private readonly timeoutMs = 10_000,
  ) {
    const s = loadKiteServices();
    const creds = grpc.credentials.createInsecure();
    const opts = { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000, 'grpc.max_receive_message_length': 256 * 1024 * 1024 };
    this.objects = new s.ObjectService(address, creds, opts);
    this.nodes = new s.NodeService(address, creds, opts);
  }

  private call<T>(client: grpc.Client, method: string, req: object): Promise<T> {
    const fn = (client as unknown as Record<string, Unary>)[method] as Unary;
    return new Promise((resolve, reject) =>
      fn.call(client, req, { deadline: Date.now() + this.timeoutMs }, (err, res) => (err ? reject(fromGrpc(err)) : resolve(res as T))),
    );
  }

  async get<T extends KubeObject = KubeObject>(t: Target, name: string): Promise<T> {
    const r = await this.call<{ object: Buffer }>(this.objects, 'Get', { target: target(t), name });
    return parse<T>(r.object);
  }

  async list<T extends KubeObject = KubeObject>(t: Target, o: ListOptions = {}): Promise<{ items: T[]; resourceVersion: string; continue: string }> {
    const r = await this.call<{ items: Buffer[]; resource_version: string; continue: string }>(this.objects, 'List', {
      target: target(t),
      label_selector: o.labelSelector ?? '',
      field_selector: o.fieldSelector ?? '',
      limit: o.limit ?? 0,
      continue: o.continue ?? '',
      resource_version: o.resourceVersion ?? '',
    });
    return { items: r.items.map((b) => parse<T>(b)), resourceVersion: r.resource_version, continue: r.continue };
  }

  async create<T extends KubeObject>(obj: T, o: WriteOptions = {}): Promise<T> {
    const r = await this.call<{ object: Buffer }>(this.objects, 'Create', { target: target(targetOf(obj)), object: Buffer.from(JSON.stringify(obj)), options: writeOpts(o) });
    return parse<T>(r.object);
  }

  /** Replaces the object; a set resourceVersion makes it conditional (409 Conflict if stale). */
  async update<T extends KubeObject>(obj: T, o: WriteOptions = {}): Promise<T> {
    return this.replace(obj, '', o);
  }

  async updateStatus<T extends KubeObject>(obj: T, o: WriteOptions = {}): Promise<T> {
    return this.replace(obj, 'status', o);
  }

  /**
   * Replaces a namespace's spec.finalizers (namespaces/finalize; nothing else of `ns` is taken
   * but its resourceVersion precondition). A terminating namespace left with no finalizer is
   * removed, and the answer is the namespace as it was last stored.
   */
  async finalizeNamespace<T extends KubeObject>(ns: T, o: WriteOptions = {}): Promise<T> {
    return this.replace({ ...ns, apiVersion: 'v1', kind: 'Namespace' }, 'finalize', o);
  }

  private async replace<T extends KubeObject>(obj: T, subresource: string, o: WriteOptions): Promise<T> {
    const r = await this.call<{ object: Buffer }>(this.objects, 'Update', {
      target: target(targetOf(obj)),
      object: Buffer.from(JSON.stringify(obj)),
      subresource,
      options: writeOpts(o),
    });
    return parse<T>(r.object);
  }

  async patch<T extends KubeObject = KubeObject>(
    t: Target,
    name: string,
    patchType: 'merge' | 'strategic' | 'json' | 'apply',
    patch: unknown,
    o: WriteOptions & { subresource?: 'status' } = {},
  ): Promise<T> {
    const types = {
      merge: 'application/merge-patch+json',
      strategic: 'application/strategic-merge-patch+json',
      json: 'application/json-patch+json',
      apply: 'application/apply-patch+yaml',
    };
    const r = await this.call<{ object: Buffer }>(this.objects, 'Patch', {
      target: target(t),
      name,
      patch_type: types[patchType],
      patch: Buffer.from(JSON.stringify(patch)),
      subresource: o.subresource ?? '',
      options: writeOpts(o),
    });
    return parse<T>(r.object);
  }

  /** Deletes (or, for pods on a node and objects with finalizers, marks for deletion). */
  async delete<T extends KubeObject = KubeObject>(t: Target, name: string, o: DeleteOptions = {}): Promise<T> {
    const req: Record<string, unknown> = {
      target: target(t),
      name,
      propagation_policy: o.propagationPolicy ?? '',
      precondition_uid: o.preconditions?.uid ?? '',
      precondition_resource_version: o.preconditions?.resourceVersion ?? '',
      dry_run: o.dryRun ?? false,
    };
    if (o.gracePeriodSeconds !== undefined) req.grace_period_seconds = o.gracePeriodSeconds;
    const r = await this.call<{ object: Buffer }>(this.objects, 'Delete', req);
    return parse<T>(r.object);
  }

  /** Assigns a pod to a node (pods/binding); `uid` guards against a re-created pod. */
  async bind(namespace: string, name: string, nodeName: string, uid = ''): Promise<void> {
    await this.call(this.objects, 'Bind', { namespace, name, node_name: nodeName, uid });
  }

  /** Renews the node's Lease in kube-node-lease. */
  async heartbeat(nodeName: string, leaseDurationSeconds: number): Promise<{ renewTime: string; resourceVersion: string }> {
    const r = await this.call<{ renew_time: string; resource_version: string }>(this.nodes, 'Heartbeat', {
      node_name: nodeName,
      lease_duration_seconds: leaseDurationSeconds,
    });
    return { renewTime: r.renew_time, resourceVersion: r.resource_version };
  }

  /** Streams changes; returns a function that stops the watch. */
  watch<T extends KubeObject = KubeObject>(t: Target, o: WatchOptions, handler: WatchHandler<T>): () => void {
    const stream = (this.objects as unknown as { Watch(req: object): grpc.ClientReadableStream<{ type: WatchEventType; object: Buffer }> }).Watch({
      target: target(t),
      label_selector: o.labelSelector ?? '',
      field_selector: o.fieldSelector ?? '',
      resource_version: o.resourceVersion ?? '',
      allow_bookmarks: o.allowBookmarks ?? false,
    });
    let done = false;
    const finish = (err?: KiteApiError): void => {
      if (done) return;
      done = true;
      handler.onEnd(err);
    };
    stream.on('data', (ev: { type: WatchEventType; object: Buffer }) => {
      if (!done) handler.onEvent(ev.type, parse<T>(ev.object));
    });
    stream.on('error', (err: grpc.ServiceError) => finish(err.code === grpc.status.CANCELLED ? undefined : fromGrpc(err)));
    stream.on('end', () => finish());
    return () => {
      done = true;
      stream.cancel();
    };
  }

  close(): void {
    this.objects.close();
    this.nodes.close();
  }
}

function writeOpts(o: WriteOptions): object {
  return { dry_run: o.dryRun ?? false, field_manager: o.fieldManager ?? '' };
}
