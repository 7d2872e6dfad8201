import type { SchemaRegistry, TypeRef } from '../schema/dsl.js';
import { deepClone, isJsonObject, jsonKind, setMember, type JsonObject, type JsonValue } from './json.js';
import { PatchError } from './patch-error.js';
import { itemType, memberSchema, mergesList, type MemberSchema } from './schema-lookup.js';

/**
 * Server-side apply (`application/apply-patch+yaml`, `kubectl apply --server-side`) at the
 * "create or merge" level: the fields the configuration sets win, the fields it leaves out
 * keep their live values. Maps merge recursively; keyed lists (listType map / patchMergeKey)
 * merge element-wise and keep live elements the configuration does not mention; every other
 * list, and every scalar, is replaced. A `null` in the configuration removes the field.
 *
 * Not done yet: field ownership (`metadata.managedFields`), so there are no conflicts between
 * managers, `force` has nothing to override, and a field (or keyed list element) dropped from
 * a manager's configuration is not removed the way real apply removes fields it owned.
 */

/** The key fields of a list merged element-wise by apply, or `undefined` for an atomic list. */
function listKeys(member: MemberSchema): readonly string[] | undefined {
  // patchMergeKey first: the protocol half of ports' listMapKeys is usually left to defaulting.
  if (mergesList(member) && member.patchMergeKey !== undefined) return [member.patchMergeKey];
  if (member.listType === 'map' && member.listMapKeys?.length) return member.listMapKeys;
  return undefined;
}

class Applier {
  constructor(private readonly registry: SchemaRegistry) {}

  /** `applied` set onto `base`, which this apply owns and may change. */
  object(base: JsonObject, applied: JsonObject, type: TypeRef | undefined, path: string): JsonObject {
    for (const [key, value] of Object.entries(applied)) {
      if (value === null) {
        delete base[key];
        continue;
      }
      const member = memberSchema(this.registry, type, key);
      const cur = Object.hasOwn(base, key) ? base[key] : undefined;
      setMember(base, key, this.value(member, cur, value, `${path}.${key}`));
    }
    return base;
  }

  private value(member: MemberSchema, cur: JsonValue | undefined, applied: JsonValue, path: string): JsonValue {
    if (isJsonObject(applied)) return this.object(isJsonObject(cur) ? cur : {}, applied, member.type, path);
    if (!Array.isArray(applied)) return applied;
    const items = itemType(member.type);
    const keys = listKeys(member);
    if (keys) return this.keyedList(keys, items, Array.isArray(cur) ? cur : [], applied, path);
    return applied.map((el) => (isJsonObject(el) ? this.object({}, el, items, path) : deepClone(el)));
  }

  /** Live elements keep their place; elements new to the list follow in applied order (as structured-merge-diff does). */
  private keyedList(keys: readonly string[], items: TypeRef | undefined, live: JsonValue[], applied: JsonValue[], path: string): JsonValue[] {
    const merged = [...live];
    const matched = new Set<JsonValue>();
    const seen = new Set<string>();
    applied.forEach((el, i) => {
      if (!isJsonObject(el)) throw new PatchError(`${path}: element ${i}: expected an object in a list keyed by ${keys.join(', ')}, got ${jsonKind(el)}`);
      const given = keys.filter((k) => Object.hasOwn(el, k) && el[k] !== null);
      if (given.length === 0) {
        throw new PatchError(`${path}: element ${i}: associative list with keys has an element that omits key field "${keys[0]}"`);
      }
      const identity = `[${given.map((k) => `${k}=${JSON.stringify(el[k])}`).join(',')}]`;
      if (seen.has(identity)) throw new PatchError(`${path}: duplicate entries for key ${identity}`);
      seen.add(identity);

      // A key the configuration leaves out (ports' protocol) matches whatever the live element has.
      const at = merged.findIndex((x) => isJsonObject(x) && !matched.has(x) && given.every((k) => x[k] === el[k]));
      if (at >= 0) {
        matched.add(this.object(merged[at] as JsonObject, el, items, path));
      } else {
        const added = this.object({}, el, items, path);
        matched.add(added);
        merged.push(added);
      }
    });
    return merged;
  }
}

/**
 * The object that results from applying the full configuration `applied` of type `typeName`
 * to `live` (`undefined` when the object does not exist yet). Neither input is modified.
 * Throws `PatchError`.
 */
export function applyConfiguration(registry: SchemaRegistry, typeName: string, live: JsonValue | undefined, applied: JsonValue): JsonObject {
  if (!isJsonObject(applied)) throw new PatchError(`apply configuration must be an object, got ${jsonKind(applied)}`, 'BadRequest');
  const base = isJsonObject(live) ? deepClone(live) : {};
  return new Applier(registry).object(base, applied, { t: 'struct', name: typeName }, '');
}
