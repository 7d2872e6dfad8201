import type { SchemaRegistry } from '@kite/api';
import { ApiError, badRequest } from '../errors.js';
import type { KObject } from '../object.js';
import { finishDeletionIfDone } from './deletion.js';
import { applyPatch } from './patch.js';
import type { Resource, WriteOptions } from './resource.js';
import type { UpdateSubresource } from './strategy.js';

export interface WriteResult {
  object: KObject;
  /** 201 when the write created the object, else 200. */
  code: 200 | 201;
  warnings: string[];
}

/** Create, as POST and gRPC Create do it. */
export async function createObject(r: Resource, namespace: string | undefined, body: unknown, opts: WriteOptions): Promise<WriteResult> {
  const { obj, warnings } = r.decode(body, opts);
  return { object: r.withType(await r.create(namespace, obj, opts)), code: 201, warnings };
}

/**
 * Replace (PUT), of the object, its status or (namespaces) its finalizers. An object marked for
 * deletion whose last finalizer this removed is deleted now.
 */
export async function replaceObject(
  r: Resource,
  namespace: string | undefined,
  name: string,
  subresource: UpdateSubresource | undefined,
  body: unknown,
  opts: WriteOptions,
): Promise<WriteResult> {
  const { obj, warnings } = r.decode(body, opts);
  const updated = await r.update(namespace, name, subresource, () => obj, opts);
  const gone = opts.dryRun ? undefined : await finishDeletionIfDone(r, updated);
  return { object: r.withType(gone ?? updated), code: 200, warnings };
}

/** Patch of any type; server-side apply creates an object that does not exist yet. */
export async function patchObject(
  schema: SchemaRegistry,
  r: Resource,
  namespace: string | undefined,
  name: string,
  subresource: 'status' | undefined,
  type: string,
  patch: unknown,
  opts: WriteOptions,
): Promise<WriteResult> {
  const apply = type === 'application/apply-patch+yaml';
  if (apply && (opts.fieldManager === undefined || opts.fieldManager === '')) throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
  const warnings: string[] = [];
  try {
    const updated = await r.update(
      namespace,
      name,
      subresource,
      (current) => {
        const { obj, warnings: w } = r.decode(applyPatch(schema, r.kind, type, current, patch), opts);
        warnings.push(...w);
        return obj;
      },
      opts,
    );
    const gone = opts.dryRun ? undefined : await finishDeletionIfDone(r, updated);
    return { object: r.withType(gone ?? updated), code: 200, warnings };
  } catch (err) {
    if (!(apply && err instanceof ApiError && err.code === 404 && subresource === undefined)) throw err;
    const { obj, warnings: w } = r.decode(applyPatch(schema, r.kind, type, undefined, patch), opts);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    obj.metadata.name = name;
    return { object: r.withType(await r.create(namespace, obj, opts)), code: 201, warnings: w };
  }
}
