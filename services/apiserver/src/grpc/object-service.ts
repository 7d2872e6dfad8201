import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@kite/common';
import { ApiError, badRequest, internal, notFound } from '../errors.js';
import type { KObject } from '../object.js';
import { deleteObject, type DeleteOptions } from '../registry/deletion.js';
import { createObject, patchObject, replaceObject } from '../registry/operations.js';
import type { Registry } from '../registry/registry.js';
import type { Resource, WriteOptions } from '../registry/resource.js';
import { objectFilter } from '../registry/selectable-fields.js';
import type { UpdateSubresource } from '../registry/strategy.js';
import { handleBinding } from '../registry/subresources.js';
import type { CacheEvent } from '../registry/watch-cache.js';
import { scopeEvents } from '../http/watch.js';

interface Target {
  api_version: string;
  kind: string;
  namespace: string;
}

interface Wire {
  target?: Target | null;
  name?: string;
  object?: Buffer;
  options?: { dry_run: boolean; field_manager: string } | null;
  subresource?: string;
  label_selector?: string;
  field_selector?: string;
  limit?: number;
  continue?: string;
  resource_version?: string;
  allow_bookmarks?: boolean;
  patch_type?: string;
  patch?: Buffer;
  grace_period_seconds?: number;
  _grace_period_seconds?: string;
  propagation_policy?: string;
  precondition_uid?: string;
  precondition_resource_version?: string;
  dry_run?: boolean;
  namespace?: string;
  node_name?: string;
  uid?: string;
}

const GRPC_CODE: Record<number, grpc.status> = {
  400: grpc.status.INVALID_ARGUMENT,
  403: grpc.status.PERMISSION_DENIED,
  404: grpc.status.NOT_FOUND,
  405: grpc.status.UNIMPLEMENTED,
  409: grpc.status.ABORTED,
  410: grpc.status.OUT_OF_RANGE,
  413: grpc.status.RESOURCE_EXHAUSTED,
  415: grpc.status.INVALID_ARGUMENT,
  422: grpc.status.INVALID_ARGUMENT,
  429: grpc.status.RESOURCE_EXHAUSTED,
  501: grpc.status.UNIMPLEMENTED,
  503: grpc.status.UNAVAILABLE,
  504: grpc.status.DEADLINE_EXCEEDED,
};

/** The Kubernetes Status rides in trailing metadata, so clients keep reason and code. */
export function toGrpcError(err: unknown, log: Logger): Partial<grpc.StatusObject> {
  let e: ApiError;
  if (err instanceof ApiError) e = err;
  else {
    log.error({ err }, 'grpc request failed');
    e = internal(err instanceof Error ? err.message : String(err));
  }
  const metadata = new grpc.Metadata();
  metadata.set('kite-status-bin', Buffer.from(JSON.stringify(e.toStatus())));
  const code = e.code === 409 && e.reason === 'AlreadyExists' ? grpc.status.ALREADY_EXISTS : (GRPC_CODE[e.code] ?? grpc.status.INTERNAL);
  return { code, details: e.message, metadata };
}

const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

function parseJson(b: Buffer | undefined): unknown {
  try {
    return JSON.parse((b ?? Buffer.alloc(0)).toString('utf8')) as unknown;
  } catch (err) {
    throw badRequest(`the object is not valid JSON: ${(err as Error).message}`);
  }
}

function writeOptions(o: Wire['options']): WriteOptions {
  const w: WriteOptions = { dryRun: o?.dry_run ?? false, fieldValidation: 'Strict' };
  if (o?.field_manager) w.fieldManager = o.field_manager;
  return w;
}

/** kite.v1 ObjectService: the same registry operations as the REST API, for kite's components. */
export function objectService(registry: Registry, log: Logger): grpc.UntypedServiceImplementation {
  const resolve = (t: Target | null | undefined): { r: Resource; ns: string | undefined } => {
    if (!t || !t.api_version || !t.kind) throw badRequest('target.api_version and target.kind are required');
    const k = registry.kinds.kind(t.api_version, t.kind);
    const r = k && registry.resource(k.group, k.version, k.resource);
    if (!r) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${t.kind} in ${t.api_version})`, {});
    return { r, ns: r.kind.namespaced ? t.namespace || undefined : undefined };
  };
  const needNs = (r: Resource, ns: string | undefined): string | undefined => {
    if (r.kind.namespaced && ns === undefined) throw badRequest(`a namespace is required for ${r.kind.resource}`);
    return ns;
  };

  const unary =
    (fn: (req: Wire) => Promise<unknown>) =>
    (call: grpc.ServerUnaryCall<Wire, unknown>, cb: grpc.sendUnaryData<unknown>): void => {
      fn(call.request).then(
        (res) => cb(null, res),
        (err: unknown) => cb(toGrpcError(err, log)),
      );
    };

  return {
    Get: unary(async (req) => {
      const { r, ns } = resolve(req.target);
      return { object: json(await r.get(needNs(r, ns), req.name ?? '')) };
    }),
    List: unary(async (req) => {
      const { r, ns } = resolve(req.target);
      const list = await r.list({
        namespace: ns,
        filter: objectFilter(r.kind, req.label_selector || null, req.field_selector || null),
        limit: req.limit ?? 0,
        continueToken: req.continue || undefined,
        resourceVersion: req.resource_version || undefined,
      });
      return { items: list.items.map(json), resource_version: list.resourceVersion, continue: list.continueToken ?? '' };
    }),
    Create: unary(async (req) => {
      const { r, ns } = resolve(req.target);
      return { object: json((await createObject(r, needNs(r, ns), parseJson(req.object), writeOptions(req.options))).object) };
    }),
    Update: unary(async (req) => {
      const { r, ns } = resolve(req.target);
      const body = parseJson(req.object) as KObject;
      const name = body?.metadata?.name;
      if (typeof name !== 'string' || name === '') throw badRequest('metadata.name is required for an update');
      let sub: UpdateSubresource | undefined = req.subresource === 'status' ? 'status' : undefined;
      if (req.subresource === 'finalize') {
        if (!r.kind.subresources.includes('finalize')) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${r.kind.resource}/finalize)`, {});
        sub = 'finalize';
      }
      return { object: json((await replaceObject(r, needNs(r, ns), name, sub, body, writeOptions(req.options))).object) };
    }),
    Patch: unary(async (req) => {
      const { r, ns } = resolve(req.target);
      const sub = req.subresource === 'status' ? 'status' : undefined;
      const w = await patchObject(registry.schema, r, needNs(r, ns), req.name ?? '', sub, req.patch_type ?? '', parseJson(req.patch), writeOptions(req.options));
      return { object: json(w.object) };
    }),
    Delete: unary(async (req) => {
      const { r, ns } = resolve(req.target);
      const opts: DeleteOptions = { dryRun: req.dry_run ?? false };
      if (req._grace_period_seconds === 'grace_period_seconds') opts.gracePeriodSeconds = req.grace_period_seconds ?? 0;
      if (req.propagation_policy) opts.propagationPolicy = req.propagation_policy;
      if (req.precondition_uid || req.precondition_resource_version) {
        opts.preconditions = {};
        if (req.precondition_uid) opts.preconditions.uid = req.precondition_uid;
        if (req.precondition_resource_version) opts.preconditions.resourceVersion = req.precondition_resource_version;
      }
      return { object: json((await deleteObject(r, needNs(r, ns), req.name ?? '', opts)).object) };
    }),
    Bind: unary(async (req) => {
      const r = registry.forKind('v1', 'Pod');
      if (req.uid) {
        const pod = await r.get(req.namespace, req.name ?? '');
        if (pod.metadata.uid !== req.uid) throw notFound(r.store.name, req.name ?? '');
      }
      await handleBinding(r, req.namespace, req.name ?? '', { target: { kind: 'Node', name: req.node_name } }, { dryRun: false, fieldValidation: 'Strict' });
      return {};
    }),
    Watch: (call: grpc.ServerWritableStream<Wire, unknown>) => {
      let unsubscribe: (() => void) | undefined;
      let ended = false;
      let timer: NodeJS.Timeout | undefined;
      const end = (): void => {
        if (ended) return;
        ended = true;
        clearInterval(timer);
        unsubscribe?.();
        call.end();
      };
      call.on('cancelled', end);
      call.on('close', end);
      try {
        const req = call.request;
        const { r, ns } = resolve(req.target);
        const filter = objectFilter(r.kind, req.label_selector || null, req.field_selector || null);
        const inScope = (o: KObject | undefined): boolean => o !== undefined && (ns === undefined || o.metadata.namespace === ns) && filter(o);
        let lastRv = req.resource_version ?? '';
        const sub = {
          send(events: CacheEvent[]): boolean {
            if (ended) return true;
            for (const { ev, type } of scopeEvents(events, inScope)) call.write({ type, object: json(r.withType(ev.object)) });
            if (events.length > 0) lastRv = String((events[events.length - 1] as CacheEvent).revision);
            return call.writableLength < 32 * 1024 * 1024;
          },
          close(err?: Error): void {
            if (err instanceof ApiError && !ended) call.write({ type: 'ERROR', object: json(err.toStatus()) });
            end();
          },
        };
        r.watch(req.resource_version || undefined, sub).then(
          (u) => {
            if (ended) return u();
            unsubscribe = u;
            if (req.allow_bookmarks)
              timer = setInterval(() => {
                const rv = String(Math.max(Number(lastRv || 0), r.cache.revision));
                call.write({ type: 'BOOKMARK', object: json({ kind: r.kind.kind, apiVersion: r.apiVersion, metadata: { resourceVersion: rv } }) });
              }, 10_000);
          },
          (err: unknown) => sub.close(err instanceof ApiError ? err : internal(String(err))),
        );
      } catch (err) {
        call.emit('error', toGrpcError(err, log));
      }
    },
  };
}
