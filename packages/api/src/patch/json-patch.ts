import { deepClone, deepEqual, isJsonObject, setMember, type JsonObject, type JsonValue } from './json.js';
import { PatchError } from './patch-error.js';

/**
 * RFC 6902 JSON Patch (`application/json-patch+json`, `kubectl patch --type=json`), behaving
 * like the evanphx/json-patch v4 the Kubernetes apiserver uses, quirks included where clients
 * can observe them:
 * - `replace` of a missing object member adds it (only a missing array index fails);
 * - `add`/`remove` of the whole document (path "") are refused, `replace`/`test` of it work;
 * - negative array indices count from the end;
 * - an `add`/`replace` without `value` writes null.
 * Messages are evanphx's, so they name the operation and the path.
 */

/** The apiserver refuses longer patches (its maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Container = JsonObject | JsonValue[];

/** A failure inside a container operation, worded without the operation; the caller prefixes it. */
class Inner extends Error {}

function within<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Inner) throw new PatchError(`${prefix}: ${e.message}`);
    throw e;
  }
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function decodeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function isContainer(v: JsonValue | undefined): v is Container {
  return Array.isArray(v) || isJsonObject(v);
}

/** Go's strconv.Atoi, which is what turns a token into an array index. */
function atoi(key: string): number {
  if (!/^[+-]?[0-9]+$/.test(key)) throw new Inner(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number(key);
}

function invalidIndex(idx: number): Inner {
  return new Inner(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
}

/** `undefined` when an object has no such member; throws for a bad array index. */
function get(c: Container, key: string): JsonValue | undefined {
  if (!Array.isArray(c)) return Object.hasOwn(c, key) ? c[key] : undefined;
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  if (idx >= c.length) throw invalidIndex(idx);
  return c[idx];
}

function add(c: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(c)) return setMember(c, key, value);
  if (key === '-') {
    c.push(value);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw new Inner(`value was not a proper array index: '${key}': ${(e as Error).message}`);
  }
  const size = c.length + 1;
  if (idx >= size) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    idx += size;
  }
  c.splice(idx, 0, value);
}

function remove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!Object.hasOwn(c, key)) throw new Inner(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete c[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= c.length) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  c.splice(idx, 1);
}

/** Only after `get` has accepted the key, as `replace` does. */
function set(c: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(c)) return setMember(c, key, value);
  const idx = atoi(key);
  c[idx < 0 ? idx + c.length : idx] = value;
}

/** The container holding the pointer's last token, and that token; `undefined` if a step is missing. */
function locate(root: JsonValue, pointer: string): { c: Container; key: string } | undefined {
  if (!pointer.startsWith('/')) return undefined;
  const tokens = pointer.slice(1).split('/').map(decodeToken);
  const key = tokens.pop() as string;
  let cur: JsonValue | undefined = root;
  for (const token of tokens) {
    if (!isContainer(cur)) return undefined;
    try {
      cur = get(cur, token);
    } catch {
      return undefined;
    }
  }
  return isContainer(cur) ? { c: cur, key } : undefined;
}

interface Operation {
  readonly [field: string]: unknown;
}

/** A pointer field of an operation, or the decode error evanphx reports for it. */
function pointerField(op: Operation, field: 'path' | 'from'): { ok: true; value: string } | { ok: false; err: string } {
  const v = op[field];
  if (v === undefined || v === null) {
    return { ok: false, err: field === 'path' ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}` };
  }
  if (typeof v !== 'string') return { ok: false, err: `json: cannot unmarshal ${goKind(v)} into Go value of type string` };
  return { ok: true, value: v };
}

function pathOf(op: Operation, kind: string, wrapsCause: boolean): string {
  const p = pointerField(op, 'path');
  if (!p.ok) throw new PatchError(`${kind} operation failed to decode path: ${wrapsCause ? p.err : MISSING}`);
  return p.value;
}

function fromOf(op: Operation, kind: string): string {
  const p = pointerField(op, 'from');
  if (!p.ok) throw new PatchError(`${kind} operation failed to decode from: ${p.err}`);
  return p.value;
}

/** `value` as given; an absent value counts as null, as evanphx marshals its nil node. */
function valueOf(op: Operation): JsonValue {
  return op.value === undefined ? null : deepClone(op.value as JsonValue);
}

/**
 * Applies `patch` (the decoded request body) to `doc` and returns the new document; `doc` is
 * not modified. Throws `PatchError`.
 */
export function applyJsonPatch(doc: JsonValue, patch: unknown): JsonValue {
  if (patch === null) return deepClone(doc);
  if (!Array.isArray(patch)) {
    throw new PatchError(`json: cannot unmarshal ${goKind(patch)} into Go value of type jsonpatch.Patch`, 'BadRequest');
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`, 'RequestEntityTooLarge');
  }
  for (const op of patch) {
    if (op !== null && !isJsonObject(op)) {
      throw new PatchError(`json: cannot unmarshal ${goKind(op)} into Go value of type jsonpatch.Operation`, 'BadRequest');
    }
  }

  let root = deepClone(doc);
  for (const raw of patch as (Operation | null)[]) {
    const op: Operation = raw ?? {};
    const kind = typeof op.op === 'string' ? op.op : 'unknown';
    switch (kind) {
      case 'add': {
        const path = pathOf(op, 'add', false);
        const at = locate(root, path);
        if (!at) throw new PatchError(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
        within(`error in add for path: '${path}'`, () => add(at.c, at.key, valueOf(op)));
        break;
      }
      case 'remove': {
        const path = pathOf(op, 'remove', false);
        const at = locate(root, path);
        if (!at) throw new PatchError(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
        within(`error in remove for path: '${path}'`, () => remove(at.c, at.key));
        break;
      }
      case 'replace': {
        const path = pathOf(op, 'replace', true);
        if (path === '') {
          const value = valueOf(op);
          if (!isContainer(value)) throw new PatchError('replace operation value must be object or array');
          root = value;
          break;
        }
        const at = locate(root, path);
        if (!at) throw new PatchError(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
        try {
          get(at.c, at.key);
        } catch {
          throw new PatchError(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
        }
        set(at.c, at.key, valueOf(op));
        break;
      }
      case 'move': {
        const from = fromOf(op, 'move');
        const src = locate(root, from);
        if (!src) throw new PatchError(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
        const value = within(`error in move for path: '${from}'`, () => {
          const v = get(src.c, src.key);
          remove(src.c, src.key);
          return v as JsonValue;
        });
        const path = pathOf(op, 'move', true);
        const dst = locate(root, path);
        if (!dst) throw new PatchError(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
        within(`error in move for path: '${path}'`, () => add(dst.c, dst.key, value));
        break;
      }
      case 'copy': {
        const from = fromOf(op, 'copy');
        const src = locate(root, from);
        const value = src && within(`error in copy for from: '${from}'`, () => get(src.c, src.key));
        // evanphx would copy a missing object member as null; a missing source is an error here.
        if (value === undefined) throw new PatchError(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
        const path = pathOf(op, 'copy', false);
        const dst = locate(root, path);
        if (!dst) throw new PatchError(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
        within('error while adding value during copy', () => add(dst.c, dst.key, deepClone(value)));
        break;
      }
      case 'test': {
        const path = pathOf(op, 'test', true);
        const failed = new PatchError(`testing value ${path} failed: test failed`);
        if (path === '') {
          if (!deepEqual(root, valueOf(op))) throw failed;
          break;
        }
        const at = locate(root, path);
        if (!at) throw new PatchError(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
        const actual = within(`error in test for path: '${path}'`, () => get(at.c, at.key));
        if (actual === undefined) {
          if (op.value !== undefined && op.value !== null) throw failed;
        } else if (op.value === undefined || !deepEqual(actual, op.value as JsonValue)) {
          throw failed;
        }
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${kind}`);
    }
  }
  return root;
}
