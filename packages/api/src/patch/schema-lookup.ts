import type { PatchStrategy, SchemaRegistry, TypeRef } from '../schema/dsl.js';

/**
 * What the schema says about one member of a JSON object: its type (`undefined` when the
 * schema does not know the member) and the patch markers of the Go struct tag.
 */
export interface MemberSchema {
  readonly type?: TypeRef;
  readonly patchStrategy?: PatchStrategy;
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
}

const UNKNOWN: MemberSchema = {};
const TYPE_META: MemberSchema = { type: { t: 'scalar', scalar: 'string' } };

/** The schema of `parent[key]`; a map's members all share its value type and carry no markers. */
export function memberSchema(registry: SchemaRegistry, parent: TypeRef | undefined, key: string): MemberSchema {
  if (parent?.t === 'map') return { type: parent.values };
  if (parent?.t !== 'struct' || !registry.has(parent.name)) return UNKNOWN;
  const def = registry.get(parent.name);
  const field = Object.hasOwn(def.fields, key) ? def.fields[key] : undefined;
  if (field) return field;
  if (def.typeMeta && (key === 'apiVersion' || key === 'kind')) return TYPE_META;
  return UNKNOWN;
}

export function itemType(t: TypeRef | undefined): TypeRef | undefined {
  return t?.t === 'list' ? t.items : undefined;
}

/** RawExtension and free-form JSON: user data the schema says nothing about. */
export function isRaw(t: TypeRef | undefined): boolean {
  return t?.t === 'scalar' && t.scalar === 'raw';
}

/** `merge` and `merge,retainKeys` lists merge element-wise; every other list is replaced whole. */
export function mergesList(m: MemberSchema): boolean {
  return m.patchStrategy === 'merge' || m.patchStrategy === 'merge,retainKeys';
}
