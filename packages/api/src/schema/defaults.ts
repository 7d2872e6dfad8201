/**
 * Schema-declared defaulting: fills each absent field that declares `default:`. Defaults that
 * depend on other fields belong to the kind's strategy, which runs after this.
 */
import type { SchemaRegistry, StructDef, TypeRef } from './dsl.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of `value` with every absent (or null, as Go's defaulters see a nil pointer) field
 * that has a `default` set, recursing into present structs and into lists and maps of structs.
 * An absent struct is never created unless its own declared default is `{}`; then its fields
 * are defaulted too. Values of the wrong shape are left for validation to report.
 */
export function applyDefaults<T>(registry: SchemaRegistry, typeName: string, value: T): T {
  return fill(registry, { t: 'struct', name: typeName }, value) as T;
}

function fill(registry: SchemaRegistry, t: TypeRef, v: unknown): unknown {
  if (t.t === 'struct' && isObject(v)) return fillStruct(registry, registry.get(t.name), v);
  if (t.t === 'list' && Array.isArray(v)) return v.map((item) => fill(registry, t.items, item));
  if (t.t === 'map' && isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, fill(registry, t.values, item)]));
  return v;
}

function fillStruct(registry: SchemaRegistry, def: StructDef, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(obj)) {
    const fd = Object.hasOwn(def.fields, k) ? def.fields[k] : undefined;
    out[k] = fd === undefined ? item : fill(registry, fd.type, item);
  }
  for (const [k, fd] of Object.entries(def.fields)) {
    if (fd.default === undefined || (out[k] !== undefined && out[k] !== null)) continue;
    out[k] = fill(registry, fd.type, structuredClone(fd.default));
  }
  return out;
}
