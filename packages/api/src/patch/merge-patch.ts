import { copyObject, deepClone, isJsonObject, setMember, type JsonObject, type JsonValue } from './json.js';

/**
 * RFC 7386 JSON Merge Patch (`application/merge-patch+json`, `kubectl patch --type=merge`,
 * `kubectl label`/`annotate`/`scale`): an object patch merges member by member, a null member
 * deletes, anything else (arrays included) replaces. `target` may be `undefined` (absent).
 * Returns a new value sharing nothing with either input.
 */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return deepClone(patch);
  const out: JsonObject = isJsonObject(target) ? copyObject(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else {
      setMember(out, key, mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
    }
  }
  // Members the patch did not touch are still the target's; copy them so the result is independent.
  for (const key of Object.keys(out)) {
    if (!Object.hasOwn(patch, key)) setMember(out, key, deepClone(out[key] as JsonValue));
  }
  return out;
}
