import { applyConfiguration, applyJsonPatch, mergePatch, PatchError, strategicMerge, type JsonValue, type KindDef, type SchemaRegistry } from '@kite/api';
import { ApiError, badRequest } from '../errors.js';
import { isObject, type KObject } from '../object.js';

export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/**
 * Applies a patch of any of Kubernetes' four types to `current` (undefined when server-side
 * apply creates). `kind` undefined means a body without a schema (Scale): strategic merge
 * then behaves as a merge patch.
 */
export function applyPatch(schema: SchemaRegistry, kind: KindDef | undefined, type: string, current: KObject | undefined, patch: unknown): KObject {
  try {
    let out: JsonValue;
    const doc = current as unknown as JsonValue;
    switch (type) {
      case 'application/json-patch+json':
        out = applyJsonPatch(doc ?? {}, patch);
        break;
      case 'application/merge-patch+json':
        out = mergePatch(doc, patch as JsonValue);
        break;
      case 'application/strategic-merge-patch+json':
        out = kind === undefined ? mergePatch(doc, patch as JsonValue) : strategicMerge(schema, kind.type, doc, patch as JsonValue);
        break;
      case 'application/apply-patch+yaml':
        if (!isObject(patch)) throw badRequest('the apply configuration must be an object');
        out = kind === undefined ? mergePatch(doc, patch as JsonValue) : applyConfiguration(schema, kind.type, doc, patch as JsonValue);
        break;
      default:
        throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
    }
    if (!isObject(out)) throw badRequest('the patched document is not an object');
    const obj = out as KObject;
    if (!isObject(obj.metadata)) obj.metadata = {};
    return obj;
  } catch (err) {
    if (err instanceof PatchError) throw new ApiError(err.code, err.reason, err.message);
    throw err;
  }
}
