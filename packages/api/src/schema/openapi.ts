/**
 * OpenAPI v3 as the apiserver publishes it under /openapi/v3, derived from the schema: kubectl
 * 1.29+ reads it to decide on server-side field validation and, through the
 * `x-kubernetes-patch-*` extensions, to compute client-side apply patches. Output is
 * deterministic (keys sorted), so a hash of its JSON can serve as the `?hash=` of the root.
 */
import type { FieldDef, SchemaRegistry, StructDef, TypeRef } from './dsl.js';
import type { KindDef } from './kinds.js';
import {
  DELETE_OPTIONS,
  groupVersionPath,
  kindPaths,
  listTypeName,
  PATCH,
  SCALE,
  SCALE_GVK,
  STATUS,
  type GroupVersionKind,
  type Schema,
} from './openapi-paths.js';

export { groupVersionPath, listTypeName, PATCH_MEDIA, type GroupVersionKind, type Schema } from './openapi-paths.js';

export interface OpenAPIV3Root {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenAPIV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, Schema>;
  components: { schemas: Record<string, Schema> };
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const LIST_META = `${META}.ListMeta`;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** Named schemas with their own JSON form rather than a struct declaration. */
const LEAF_SCHEMAS: Readonly<Record<string, Schema>> = {
  [TIME]: { description: 'Time is an RFC 3339 date and time, in UTC, to the second.', format: 'date-time', type: 'string' },
  [MICRO_TIME]: { description: 'MicroTime is an RFC 3339 date and time with microseconds.', format: 'date-time', type: 'string' },
  [QUANTITY]: {
    description: 'Quantity is a fixed-point number with an optional SI or binary suffix, such as "100m" or "1Gi"; a plain JSON number is accepted too.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [INT_OR_STRING]: {
    description: 'IntOrString holds either an int32 or a string.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [PATCH]: { description: 'Patch is the body of a PATCH request, in the format its Content-Type names.', type: 'object' },
};

const LEAF_OF_SCALAR: Partial<Record<string, string>> = { time: TIME, microtime: MICRO_TIME, quantity: QUANTITY, 'int-or-string': INT_OR_STRING };

const API_VERSION = { description: 'APIVersion defines the versioned schema of this representation of an object.', type: 'string' };
const KIND = { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' };

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A JSON value with every object's keys sorted: the same input always serialises to the same bytes. */
function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeys) as T;
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])])) as T;
}

/** `{allOf: [{$ref}], …}` when a reference carries siblings, as Kubernetes writes v3 references. */
function withExtras(base: Schema, extras: Schema): Schema {
  if (Object.keys(extras).length === 0) return base;
  return '$ref' in base ? { allOf: [base], ...extras } : { ...base, ...extras };
}

function typeSchema(t: TypeRef): Schema {
  switch (t.t) {
    case 'struct':
      return ref(t.name);
    case 'list':
      return { type: 'array', items: elementSchema(t.items) };
    case 'map':
      return { type: 'object', additionalProperties: elementSchema(t.values) };
    case 'scalar': {
      const leaf = LEAF_OF_SCALAR[t.scalar];
      if (leaf !== undefined) return ref(leaf);
      switch (t.scalar) {
        case 'string':
          return t.enum === undefined ? { type: 'string' } : { type: 'string', enum: [...t.enum] };
        case 'int32':
        case 'int64':
          return { type: 'integer', format: t.scalar };
        case 'double':
          return { type: 'number', format: 'double' };
        case 'boolean':
          return { type: 'boolean' };
        case 'bytes':
          return { type: 'string', format: 'byte' };
        default:
          return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      }
    }
  }
}

/** The zero value Kubernetes publishes as `default` for a non-pointer Go value of this type. */
function zeroValue(t: TypeRef): unknown {
  if (t.t === 'struct') return {};
  if (t.t !== 'scalar') return undefined;
  if (t.scalar === 'string') return '';
  if (t.scalar === 'int32' || t.scalar === 'int64' || t.scalar === 'double') return 0;
  return t.scalar === 'boolean' ? false : undefined;
}

function elementSchema(t: TypeRef): Schema {
  const zero = zeroValue(t);
  return withExtras(typeSchema(t), zero === undefined ? {} : { default: zero });
}

function propertySchema(fd: FieldDef): Schema {
  const extras: Schema = {};
  if (fd.description !== undefined) extras.description = fd.description;
  // Kubernetes publishes the Go zero value as the default of non-pointer structs and of required scalars.
  const implicit = fd.pointer === true ? undefined : fd.type.t === 'struct' || fd.required === true ? zeroValue(fd.type) : undefined;
  const dflt = fd.default !== undefined ? fd.default : implicit;
  if (dflt !== undefined) extras.default = dflt;
  if (fd.listType !== undefined) extras['x-kubernetes-list-type'] = fd.listType;
  if (fd.listMapKeys !== undefined) extras['x-kubernetes-list-map-keys'] = [...fd.listMapKeys];
  if (fd.patchMergeKey !== undefined) extras['x-kubernetes-patch-merge-key'] = fd.patchMergeKey;
  if (fd.patchStrategy !== undefined) extras['x-kubernetes-patch-strategy'] = fd.patchStrategy;
  return withExtras(typeSchema(fd.type), extras);
}

function structSchema(def: StructDef, gvk: readonly GroupVersionKind[] | undefined): Schema {
  const properties: Record<string, Schema> = {};
  if (def.typeMeta === true) Object.assign(properties, { apiVersion: API_VERSION, kind: KIND });
  for (const [name, fd] of Object.entries(def.fields)) properties[name] = propertySchema(fd);
  const required = Object.entries(def.fields)
    .filter(([, fd]) => fd.required === true)
    .map(([name]) => name);
  const s: Schema = { type: 'object' };
  if (def.description !== undefined) s.description = def.description;
  if (Object.keys(properties).length > 0) s.properties = properties;
  if (required.length > 0) s.required = required;
  if (gvk !== undefined && gvk.length > 0) s['x-kubernetes-group-version-kind'] = gvk.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
  return s;
}

/** The `<Kind>List` Kubernetes serves for every kind, when the schema does not declare it. */
function listSchema(k: KindDef): Schema {
  return {
    description: `${k.kind}List is a list of ${k.kind} objects.`,
    properties: {
      apiVersion: API_VERSION,
      items: { description: `List of ${k.resource}.`, items: { allOf: [ref(k.type)], default: {} }, type: 'array' },
      kind: KIND,
      metadata: { allOf: [ref(LIST_META)], default: {}, description: 'Standard list metadata.' },
    },
    required: ['items'],
    type: 'object',
  };
}

const KNOWN_GROUPS: Readonly<Record<string, string>> = {
  core: '',
  coordination: 'coordination.k8s.io',
  discovery: 'discovery.k8s.io',
  events: 'events.k8s.io',
  networking: 'networking.k8s.io',
  rbac: 'rbac.authorization.k8s.io',
  storage: 'storage.k8s.io',
  scheduling: 'scheduling.k8s.io',
};

/** Group/version/kind of every top-level type, keyed by schema name. */
function gvkIndex(registry: SchemaRegistry, kinds: readonly KindDef[]): Map<string, GroupVersionKind[]> {
  const out = new Map<string, GroupVersionKind[]>();
  const add = (name: string, g: GroupVersionKind): void => {
    const list = out.get(name) ?? [];
    if (!list.some((x) => x.group === g.group && x.version === g.version && x.kind === g.kind)) list.push(g);
    out.set(name, list);
  };
  for (const k of kinds) {
    add(k.type, { group: k.group, kind: k.kind, version: k.version });
    add(listTypeName(k.type), { group: k.group, kind: `${k.kind}List`, version: k.version });
    add(DELETE_OPTIONS, { group: k.group, kind: 'DeleteOptions', version: k.version });
  }
  add(DELETE_OPTIONS, { group: '', kind: 'DeleteOptions', version: 'v1' });
  add(STATUS, { group: '', kind: 'Status', version: 'v1' });
  add(SCALE, SCALE_GVK);
  // Other top-level types (subresource bodies such as Binding or Eviction): their group from their package.
  for (const def of registry.all()) {
    if (def.typeMeta !== true || out.has(def.name)) continue;
    const m = /^io\.k8s\.api\.([^.]+)\.([^.]+)\.([^.]+)$/.exec(def.name);
    if (m) add(def.name, { group: KNOWN_GROUPS[m[1] as string] ?? (m[1] as string), kind: m[3] as string, version: m[2] as string });
  }
  for (const list of out.values()) list.sort((a, b) => a.group.localeCompare(b.group) || a.version.localeCompare(b.version));
  return out;
}

/** Schema names reachable from `roots`, leaf schemas included. */
function reachable(registry: SchemaRegistry, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  const visit = (t: TypeRef): void => {
    if (t.t === 'struct') stack.push(t.name);
    else if (t.t === 'list') visit(t.items);
    else if (t.t === 'map') visit(t.values);
    else {
      const leaf = LEAF_OF_SCALAR[t.scalar];
      if (leaf !== undefined) stack.push(leaf);
    }
  };
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    if (name in LEAF_SCHEMAS) continue;
    for (const fd of Object.values(registry.get(name).fields)) visit(fd.type);
  }
  return seen;
}

/**
 * `GET /openapi/v3`: one entry per group/version served, pointing at its document with
 * `?hash=` (kubectl caches documents by that URL, so the hash must change with the content).
 */
export function openapiV3Root(kinds: readonly KindDef[], hashOf: (gvPath: string) => string): OpenAPIV3Root {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const k of kinds) {
    const p = groupVersionPath(k.group, k.version);
    if (!(p in paths)) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(p)}` };
  }
  return sortKeys({ paths });
}

/** Group and version of a root path (`api/v1`, `apis/apps/v1`), or undefined. */
export function parseGroupVersionPath(path: string): { group: string; version: string } | undefined {
  const m = /^(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path.replace(/^\/+|\/+$/g, ''));
  if (!m) return undefined;
  return m[1] !== undefined ? { group: '', version: m[1] } : { group: m[2] as string, version: m[3] as string };
}

/**
 * `GET /openapi/v3/<api/v1|apis/g/v>`: paths for every kind of that group/version and every
 * schema they reach, plus Status, DeleteOptions, Patch and a `<Kind>List` per kind. Throws when
 * nothing is served there or a kind's type is not declared.
 */
export function openapiV3Document(registry: SchemaRegistry, kinds: readonly KindDef[], group: string, version: string, infoVersion = 'unversioned'): OpenAPIV3Document {
  const served = kinds.filter((k) => k.group === group && k.version === version);
  if (served.length === 0) throw new Error(`openapi: nothing is served in ${groupVersionPath(group, version)}`);
  for (const k of served) if (!registry.has(k.type)) throw new Error(`openapi: ${k.kind} (${groupVersionPath(group, version)}) has no declared type ${k.type}`);
  const withScale = registry.has(SCALE) && served.some((k) => k.subresources.includes('scale'));
  const roots = [...served.map((k) => k.type), STATUS, DELETE_OPTIONS, PATCH, LIST_META];
  for (const k of served) if (registry.has(listTypeName(k.type))) roots.push(listTypeName(k.type));
  if (withScale) roots.push(SCALE);

  const gvks = gvkIndex(registry, kinds);
  const schemas: Record<string, Schema> = {};
  for (const name of reachable(registry, roots)) {
    const leaf = LEAF_SCHEMAS[name];
    schemas[name] = leaf !== undefined ? leaf : structSchema(registry.get(name), registry.get(name).typeMeta === true ? gvks.get(name) : undefined);
  }
  for (const k of served) {
    const list = listTypeName(k.type);
    schemas[list] ??= { ...listSchema(k), 'x-kubernetes-group-version-kind': gvks.get(list) };
  }

  const paths: Record<string, Schema> = {};
  for (const k of served) Object.assign(paths, kindPaths(k, withScale));
  return sortKeys({ openapi: '3.0.0', info: { title: 'Kubernetes', version: infoVersion }, paths, components: { schemas } });
}
