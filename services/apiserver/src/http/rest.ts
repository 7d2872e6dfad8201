import type http from 'node:http';
import { apiVersionOf } from '@kite/api';
import { ApiError, badRequest, methodNotAllowed, notImplemented } from '../errors.js';
import type { KObject } from '../object.js';
import { deleteObject } from '../registry/deletion.js';
import type { Registry } from '../registry/registry.js';
import type { Resource, WriteOptions } from '../registry/resource.js';
import { objectFilter } from '../registry/selectable-fields.js';
import { mediaType, parseStructured, PROTOBUF, readBody } from './body.js';
import { applyPatch, PATCH_TYPES } from '../registry/patch.js';
import { createObject, patchObject, replaceObject } from '../registry/operations.js';
import type { RequestInfo } from './request-info.js';
import { sendJson, warningHeaders } from './respond.js';
import { handleBinding, handleEviction, scaleOf, applyScale } from '../registry/subresources.js';
import { toTable, wantsTable, type IncludeObject } from './table.js';
import type { Streaming } from './streaming/index.js';
import { serveWatch } from './watch.js';

export interface RestContext {
  registry: Registry;
  /** Decodes a `application/vnd.kubernetes.protobuf` body into Kubernetes JSON. */
  decodeProtobuf(body: Buffer): unknown;
  /** pods/log, exec, attach, portforward (upgrades arrive through the server's 'upgrade' event). */
  streaming?: Streaming;
}

const STREAMING = new Set(['log', 'exec', 'attach', 'portforward']);

function writeOptions(q: URLSearchParams): WriteOptions {
  const dryRun = q.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw badRequest(`Invalid dry run value: ${d}; supported values: All`);
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(fv)) throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${fv}"`);
  const o: WriteOptions = { dryRun: dryRun.length > 0, fieldValidation: fv as WriteOptions['fieldValidation'] };
  const fm = q.get('fieldManager');
  if (fm !== null) o.fieldManager = fm;
  return o;
}

async function readObject(ctx: RestContext, req: http.IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  const type = mediaType(req.headers['content-type']);
  if (type === PROTOBUF) return ctx.decodeProtobuf(body);
  return parseStructured(body, type, ['application/json', 'application/yaml', PROTOBUF]);
}

/** A single object, or a one-row Table when kubectl asked for one. */
function sendObject(req: http.IncomingMessage, res: http.ServerResponse, code: number, obj: KObject, q: URLSearchParams, warnings: string[] = []): void {
  if (wantsTable(req.headers.accept))
    return sendJson(res, code, toTable(obj.kind as string, [obj], { resourceVersion: obj.metadata.resourceVersion }, (q.get('includeObject') as IncludeObject) ?? 'Metadata'));
  sendJson(res, code, obj, 'application/json', warningHeaders(warnings));
}

function needName(info: RequestInfo): string {
  if (info.name === undefined) throw methodNotAllowed();
  return info.name;
}

/** Serves one REST request for a resource. */
export async function serveResource(ctx: RestContext, req: http.IncomingMessage, res: http.ServerResponse, info: RequestInfo, q: URLSearchParams): Promise<void> {
  const r = ctx.registry.resource(info.group, info.version, info.resource as string);
  if (r === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  if (!r.kind.namespaced && info.namespace !== undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  const ns = r.kind.namespaced ? info.namespace : undefined;
  const sub = info.subresource;
  if (sub !== undefined && !r.kind.subresources.includes(sub as never)) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  if (sub !== undefined && STREAMING.has(sub)) {
    if (ctx.streaming !== undefined && r.kind.kind === 'Pod' && ns !== undefined && info.name !== undefined) return ctx.streaming.serve(req, res, sub, ns, info.name, q);
    throw notImplemented(`${r.kind.resource}/${sub} is not available yet: kite's kubelet streaming service is not built (pod ${info.name ?? ''})`);
  }
  const method = req.method ?? 'GET';

  if (sub === 'binding' || sub === 'eviction') {
    if (method !== 'POST') throw methodNotAllowed();
    const body = await readObject(ctx, req);
    const status = sub === 'binding' ? await handleBinding(r, ns, needName(info), body, writeOptions(q)) : await handleEviction(r, ns, needName(info), body);
    return sendJson(res, 201, status);
  }
  if (sub === 'scale') return serveScale(ctx, req, res, r, ns, needName(info), q, method);
  if (sub === 'finalize') {
    // Kubernetes' FinalizeREST is an Updater only: no get, patch or delete through this door.
    if (method !== 'PUT') throw methodNotAllowed();
    const w = await replaceObject(r, ns, needName(info), 'finalize', await readObject(ctx, req), writeOptions(q));
    return sendObject(req, res, w.code, w.object, q, w.warnings);
  }

  switch (method) {
    case 'GET':
      if (info.name !== undefined) return sendObject(req, res, 200, await r.get(ns, info.name), q);
      return serveCollection(req, res, r, ns, q);
    case 'POST': {
      if (info.name !== undefined) throw methodNotAllowed();
      const w = await createObject(r, ns, await readObject(ctx, req), writeOptions(q));
      return sendObject(req, res, w.code, w.object, q, w.warnings);
    }
    case 'PUT': {
      const w = await replaceObject(r, ns, needName(info), sub === 'status' ? 'status' : undefined, await readObject(ctx, req), writeOptions(q));
      return sendObject(req, res, w.code, w.object, q, w.warnings);
    }
    case 'PATCH':
      return servePatch(ctx, req, res, r, ns, needName(info), sub === 'status' ? 'status' : undefined, q);
    case 'DELETE': {
      // A subresource is never a way to delete its object.
      if (sub !== undefined) throw methodNotAllowed();
      if (info.name === undefined) {
        if (r.kind.kind === 'Namespace') throw methodNotAllowed();
        return serveDeleteCollection(ctx, req, res, r, ns, q);
      }
      const opts = await deleteOptions(ctx, req, q);
      const result = await deleteObject(r, ns, info.name, opts);
      return sendJson(res, 200, result.object);
    }
    default:
      throw methodNotAllowed();
  }
}

async function serveCollection(req: http.IncomingMessage, res: http.ServerResponse, r: Resource, ns: string | undefined, q: URLSearchParams): Promise<void> {
  const filter = objectFilter(r.kind, q.get('labelSelector'), q.get('fieldSelector'));
  const watch = q.get('watch');
  const table = wantsTable(req.headers.accept);
  const include = (q.get('includeObject') as IncludeObject | null) ?? 'Metadata';
  if (watch === 'true' || watch === '1')
    return serveWatch(req, res, r, {
      namespace: ns,
      filter,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      timeoutSeconds: q.has('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined,
      bookmarks: q.get('allowWatchBookmarks') === 'true',
      table: table ? include : undefined,
    });
  const limit = Number(q.get('limit') ?? 0);
  if (!Number.isSafeInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${q.get('limit')}`);
  const list = await r.list({
    namespace: ns,
    filter,
    limit,
    continueToken: q.get('continue') || undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
  });
  const meta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continueToken !== undefined) meta.continue = list.continueToken;
  if (list.remaining !== undefined && list.remaining > 0) meta.remainingItemCount = list.remaining;
  if (table) return sendJson(res, 200, toTable(r.kind.kind, list.items, meta, include));
  sendJson(res, 200, { kind: `${r.kind.kind}List`, apiVersion: apiVersionOf(r.kind), metadata: meta, items: list.items });
}

async function servePatch(
  ctx: RestContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  r: Resource,
  ns: string | undefined,
  name: string,
  sub: 'status' | undefined,
  q: URLSearchParams,
): Promise<void> {
  const type = mediaType(req.headers['content-type']);
  if (!PATCH_TYPES.includes(type)) throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
  const patch = parseStructured(await readBody(req), type, PATCH_TYPES);
  const w = await patchObject(ctx.registry.schema, r, ns, name, sub, type, patch, writeOptions(q));
  return sendObject(req, res, w.code, w.object, q, w.warnings);
}

async function deleteOptions(ctx: RestContext, req: http.IncomingMessage, q: URLSearchParams): Promise<Parameters<typeof deleteObject>[3]> {
  const body = await readBody(req);
  let o: Record<string, unknown> = {};
  if (body.length > 0) {
    const type = mediaType(req.headers['content-type']);
    const parsed = type === PROTOBUF ? ctx.decodeProtobuf(body) : parseStructured(body, type, ['application/json', PROTOBUF]);
    if (typeof parsed === 'object' && parsed !== null) o = parsed as Record<string, unknown>;
  }
  const grace = q.get('gracePeriodSeconds') ?? o.gracePeriodSeconds;
  const result: Parameters<typeof deleteObject>[3] = { dryRun: q.getAll('dryRun').length > 0 || (Array.isArray(o.dryRun) && o.dryRun.length > 0) };
  if (grace !== undefined && grace !== null) {
    const g = Number(grace);
    if (!Number.isInteger(g)) throw badRequest(`invalid gracePeriodSeconds: ${String(grace)}`);
    result.gracePeriodSeconds = g;
  }
  // The legacy orphanDependents flag means what propagationPolicy=Orphan says.
  const legacy = o.orphanDependents === true || q.get('orphanDependents') === 'true' ? 'Orphan' : o.orphanDependents === false ? 'Background' : undefined;
  const pp = q.get('propagationPolicy') ?? o.propagationPolicy ?? legacy;
  if (typeof pp === 'string') {
    if (!['Orphan', 'Background', 'Foreground'].includes(pp)) throw badRequest(`propagationPolicy: Unsupported value: "${pp}": supported values: "Foreground", "Background", "Orphan"`);
    result.propagationPolicy = pp;
  }
  if (typeof o.preconditions === 'object' && o.preconditions !== null) result.preconditions = o.preconditions as { uid?: string; resourceVersion?: string };
  return result;
}

async function serveDeleteCollection(ctx: RestContext, req: http.IncomingMessage, res: http.ServerResponse, r: Resource, ns: string | undefined, q: URLSearchParams): Promise<void> {
  const opts = await deleteOptions(ctx, req, q);
  const filter = objectFilter(r.kind, q.get('labelSelector'), q.get('fieldSelector'));
  const list = await r.list({ namespace: ns, filter, limit: 0 });
  const items: KObject[] = [];
  for (const o of list.items) {
    try {
      items.push((await deleteObject(r, ns, o.metadata.name as string, opts)).object);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  sendJson(res, 200, { kind: `${r.kind.kind}List`, apiVersion: apiVersionOf(r.kind), metadata: { resourceVersion: list.resourceVersion }, items });
}

async function serveScale(
  ctx: RestContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  r: Resource,
  ns: string | undefined,
  name: string,
  q: URLSearchParams,
  method: string,
): Promise<void> {
  if (method === 'GET') return sendJson(res, 200, scaleOf(await r.get(ns, name)));
  if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
  const opts = writeOptions(q);
  const type = mediaType(req.headers['content-type']);
  const body = method === 'PUT' ? await readObject(ctx, req) : parseStructured(await readBody(req), type, PATCH_TYPES);
  const updated = await r.update(
    ns,
    name,
    undefined,
    (current) => {
      const scale = method === 'PUT' ? body : applyPatch(ctx.registry.schema, undefined, type, scaleOf(current) as KObject, body);
      return applyScale(current, scale);
    },
    opts,
  );
  sendJson(res, 200, scaleOf(updated));
}

