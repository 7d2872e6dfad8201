import type { SchemaRegistry, TypeRef } from '../schema/dsl.js';
import { brief, deepClone, isJsonObject, jsonKind, setMember, type JsonKind, type JsonObject, type JsonValue } from './json.js';
import { orderMerged, type ElementId } from './list-order.js';
import { mergePatch } from './merge-patch.js';
import { PatchError } from './patch-error.js';
import { isRaw, itemType, memberSchema, mergesList, type MemberSchema } from './schema-lookup.js';

/**
 * Kubernetes strategic merge patch (`application/strategic-merge-patch+json`: `kubectl apply`,
 * `edit`, and `patch` by default), server side, as apimachinery's StrategicMergeMapPatch does it:
 * - maps merge recursively and `null` deletes a key; `$patch: replace` / `$patch: delete` in a
 *   map replace or empty it; `$retainKeys: [...]` drops every other key of the map;
 * - lists whose field has patchStrategy `merge` merge element-wise by patchMergeKey (patch
 *   elements update or insert, `{$patch: delete, <key>: v}` deletes, an element
 *   `{$patch: replace}` makes the rest of the patch list the whole list); merge lists of
 *   primitives take the union; every other list is replaced;
 * - `$setElementOrder/<field>` orders the merged list, `$deleteFromPrimitiveList/<field>`
 *   removes values from a primitive list;
 * - `raw` fields merge as JSON merge patch; fields the schema does not know merge maps and
 *   replace lists, directives still honoured.
 * Patch order wins in merged lists; see list-order.ts.
 */

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

function bad(message: string): PatchError {
  return new PatchError(message, 'BadRequest');
}

function noMergeKey(element: JsonValue, key: string): PatchError {
  return bad(`map: ${brief(element)} does not contain declared merge key: ${key}`);
}

function hasKey(v: JsonValue, key: string): v is JsonObject {
  return isJsonObject(v) && Object.hasOwn(v, key);
}

function idFor(key: string | undefined): ElementId {
  return key === undefined ? (v) => v : (v) => (hasKey(v, key) ? v[key] : undefined);
}

/** The one kind every element of the lists shares (apimachinery's sliceElementType). */
function elementKind(...lists: readonly JsonValue[][]): JsonKind | undefined {
  let kind: JsonKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = jsonKind(v);
      if (k === 'array') throw new PatchError('lists of lists are not supported');
      if (kind !== undefined && k !== kind) throw new PatchError(`list element types are not identical: ${brief(lists)}`);
      kind = k;
    }
  }
  return kind;
}

class Merger {
  constructor(private readonly registry: SchemaRegistry) {}

  /** Merges `patch` into `orig`, which this merge owns and may change. */
  object(orig: JsonObject, patch: JsonObject, type: TypeRef | undefined): JsonObject {
    if (Object.hasOwn(patch, DIRECTIVE)) {
      const directive = patch[DIRECTIVE];
      if (directive === 'delete') return {};
      if (directive !== 'replace') throw bad(`unknown patch type: ${brief(directive)} in map: ${brief(patch)}`);
      const rest = { ...patch };
      delete rest[DIRECTIVE];
      return this.object({}, rest, type);
    }
    if (Object.hasOwn(patch, RETAIN_KEYS)) retainKeys(orig, patch);
    const ordered = this.setElementOrder(orig, patch, type);

    for (const [key, value] of Object.entries(patch)) {
      if (key === RETAIN_KEYS || key.startsWith(SET_ORDER) || ordered.has(key)) continue;
      if (key.startsWith(DELETE_FROM)) {
        deleteFromPrimitiveList(orig, key, value);
      } else if (value === null) {
        delete orig[key];
      } else {
        const member = memberSchema(this.registry, type, key);
        setMember(orig, key, this.value(member, Object.hasOwn(orig, key) ? orig[key] : undefined, value));
      }
    }
    return orig;
  }

  private value(member: MemberSchema, cur: JsonValue | undefined, patch: JsonValue): JsonValue {
    if (isRaw(member.type)) return mergePatch(cur, patch);
    if (cur === undefined || jsonKind(cur) !== jsonKind(patch)) return this.fresh(member, patch);
    if (isJsonObject(patch)) {
      return member.patchStrategy === 'replace' ? this.fresh(member, patch) : this.object(cur as JsonObject, patch, member.type);
    }
    if (Array.isArray(patch)) return mergesList(member) ? this.list(member, cur as JsonValue[], patch) : this.fresh(member, patch);
    return patch;
  }

  /** A patch value with nothing under it: directives applied and nulls dropped, as a merge into nothing. */
  private fresh(member: MemberSchema, patch: JsonValue): JsonValue {
    if (isRaw(member.type)) return mergePatch(undefined, patch);
    if (isJsonObject(patch)) return this.object({}, patch, member.type);
    if (!Array.isArray(patch)) return patch;
    if (mergesList(member)) return this.list(member, [], patch);
    const items = itemType(member.type);
    return patch.map((el) => {
      if (isRaw(items)) return mergePatch(undefined, el);
      return isJsonObject(el) ? this.object({}, el, items) : deepClone(el);
    });
  }

  /** A merge-strategy list: `cur` (owned) with `patch` merged in. */
  private list(member: MemberSchema, cur: JsonValue[], patch: JsonValue[]): JsonValue[] {
    if (cur.length === 0 && patch.length === 0) return cur;
    if (elementKind(cur, patch) !== 'object') {
      const merged: JsonValue[] = [];
      for (const v of [...cur, ...patch]) if (!merged.includes(v)) merged.push(v);
      return orderMerged(merged, patch, cur, idFor(undefined));
    }

    const key = member.patchMergeKey;
    if (key === undefined) throw new PatchError(`cannot merge lists without merge key for ${brief(patch)}`);
    const items = itemType(member.type);
    const { live, elements } = this.listDirectives(cur, patch, key, items);
    const merged = [...live];
    for (const el of elements) {
      if (!hasKey(el, key)) throw noMergeKey(el, key);
      const at = merged.findIndex((x) => hasKey(x, key) && x[key] === el[key]);
      if (at >= 0) merged[at] = this.object(merged[at] as JsonObject, el, items);
      else merged.push(this.object({}, el, items));
    }
    return orderMerged(merged, elements, live, idFor(key));
  }

  /**
   * Applies the `$patch` elements of a list patch: deletions leave `live`, a `replace` makes the
   * other patch elements the whole list. Returns the live list left and the elements to merge.
   */
  private listDirectives(cur: JsonValue[], patch: JsonValue[], key: string, items: TypeRef | undefined): { live: JsonValue[]; elements: JsonObject[] } {
    let live = cur;
    let replace = false;
    const elements: JsonObject[] = [];
    for (const el of patch as JsonObject[]) {
      if (!Object.hasOwn(el, DIRECTIVE)) {
        elements.push(el);
        continue;
      }
      const directive = el[DIRECTIVE];
      if (directive === 'delete') {
        if (!Object.hasOwn(el, key)) throw noMergeKey(el, key);
        live = live.filter((x) => !(hasKey(x, key) && x[key] === el[key]));
      } else if (directive === 'replace') {
        replace = true;
      } else if (directive === 'merge') {
        throw bad('merging lists cannot yet be specified in the patch');
      } else {
        throw bad(`unknown patch type: ${brief(directive)} in map: ${brief(el)}`);
      }
    }
    if (replace) return { live: elements.map((el) => this.object({}, el, items)), elements: [] };
    return { live, elements };
  }

  /**
   * Handles each `$setElementOrder/<field>` with its field: merges the field's patch list, then
   * orders the result by the directive. Returns the fields it finished.
   */
  private setElementOrder(orig: JsonObject, patch: JsonObject, type: TypeRef | undefined): Set<string> {
    const done = new Set<string>();
    for (const [directive, order] of Object.entries(patch)) {
      if (!directive.startsWith(SET_ORDER)) continue;
      const field = directive.slice(SET_ORDER.length);
      if (field === '' || !Array.isArray(order)) throw bad('invalid patch format of setElementOrder list');
      const member = memberSchema(this.registry, type, field);
      const patchValue = Object.hasOwn(patch, field) ? patch[field] : undefined;
      // Only merge lists have an order to keep; a replaced or deleted list is handled as usual.
      if (!mergesList(member) || (patchValue !== undefined && !Array.isArray(patchValue))) continue;
      const curValue = Object.hasOwn(orig, field) ? orig[field] : undefined;
      const cur = Array.isArray(curValue) ? curValue : undefined;
      if (cur === undefined && patchValue === undefined) continue;

      const key = elementKind(cur ?? [], patchValue ?? [], order) === 'object' ? member.patchMergeKey : undefined;
      if (key !== undefined) for (const o of order) if (!hasKey(o, key)) throw noMergeKey(o, key);
      if (patchValue !== undefined) checkOrder(patchValue, order, key);
      const merged = patchValue === undefined ? (cur as JsonValue[]) : this.list(member, cur ?? [], patchValue);
      setMember(orig, field, orderMerged(merged, order, cur ?? [], idFor(key)));
      done.add(field);
    }
    return done;
  }
}

/** The patch list must name its elements in the same relative order as `$setElementOrder`. */
function checkOrder(list: JsonValue[], order: JsonValue[], key: string | undefined): void {
  const named = list.filter((el) => !(isJsonObject(el) && Object.hasOwn(el, DIRECTIVE)));
  const id = idFor(key);
  let p = 0;
  for (let s = 0; p < named.length && s < order.length; s++) {
    const el = named[p] as JsonValue;
    if (key !== undefined && !hasKey(el, key)) throw noMergeKey(el, key);
    if (id(el) === id(order[s] as JsonValue)) p++;
  }
  if (p < named.length) {
    throw bad(`The order in patch list:\n${brief(list)}\n doesn't match ${SET_ORDER.slice(0, -1)} list:\n${brief(order)}\n`);
  }
}

function retainKeys(orig: JsonObject, patch: JsonObject): void {
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw bad('invalid patch format of retainKeys');
  const keep = new Set<unknown>(list);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM)) continue;
    if (!keep.has(key)) throw bad('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(orig)) if (!keep.has(key)) delete orig[key];
}

function deleteFromPrimitiveList(orig: JsonObject, directive: string, values: JsonValue): void {
  const field = directive.slice(DELETE_FROM.length);
  if (field === '' || !Array.isArray(values)) throw bad('invalid patch format of primitive list');
  const cur = Object.hasOwn(orig, field) ? orig[field] : undefined;
  // A list that is not there stays absent (apimachinery once added the values instead).
  if (Array.isArray(cur)) setMember(orig, field, cur.filter((v) => !values.includes(v)));
}

/**
 * Applies a strategic merge patch to `original` (an object of type `typeName` in `registry`,
 * or `undefined` for none) and returns the new object; neither input is modified. Throws
 * `PatchError`.
 */
export function strategicMerge(registry: SchemaRegistry, typeName: string, original: JsonValue | undefined, patch: JsonValue): JsonObject {
  if (!isJsonObject(patch)) throw bad('invalid JSON document');
  if (original !== undefined && !isJsonObject(original)) throw bad('invalid JSON document');
  return new Merger(registry).object(deepClone(original ?? {}), patch, { t: 'struct', name: typeName });
}
