import type { FieldDef, SchemaRegistry, StructDef, TypeRef } from './dsl.js';
import { decodeScalar, scalarWire } from './protobuf-leaves.js';
import { KUBERNETES_MAGIC, KUBERNETES_PROTOBUF, ProtobufError, readFields, readPacked, readString, WIRE_FIXED64, WIRE_LEN, type WireField } from './protobuf-wire.js';

/**
 * Decodes `application/vnd.kubernetes.protobuf` bodies (kubectl 1.32+ sends them for `create
 * configmap|secret|deployment|…`) into the JSON object Kubernetes' own JSON encoder would write
 * for the same Go value, so the apiserver can carry on as if JSON had been sent.
 *
 * How Go's two encoders differ, and what this does about it:
 * - The proto marshaller writes non-pointer scalars even when zero; JSON's `omitempty` drops
 *   them. So "", 0 and false of a non-`pointer` string/bytes/number/bool field are dropped,
 *   and kept for `pointer: true` fields.
 * - Every struct present on the wire is kept, even empty. Go writes non-pointer structs always
 *   and pointer structs only when set, and its JSON encoder never omits a struct: that is how
 *   `spec: {}`, `status: {}`, `resources: {}` and `strategy: {}` appear. This holds at any depth.
 * - Time, Quantity, IntOrString and RawExtension are structs in Go too, so they are never
 *   dropped: a zero Time is `null`, a zero Quantity "0", a zero IntOrString 0.
 * - Lists and maps appear only when they have elements (Go's nil slice/map, omitted).
 * Fields come out in declaration order (Go's struct order), map keys sorted (as Go sorts them).
 */

export { ProtobufError } from './protobuf-wire.js';

export interface Envelope {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object in its own generated.proto encoding. */
  readonly raw: Uint8Array;
}

/** `k8s\0` then a runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}. */
export function decodeEnvelope(body: Uint8Array): Envelope {
  if (body.length < KUBERNETES_MAGIC.length || KUBERNETES_MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufError('protobuf body does not start with the Kubernetes magic "k8s\\0"');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array(0);
  let contentEncoding = '';
  let contentType = '';
  const text = (f: WireField, name: string): string => {
    if (f.wire !== WIRE_LEN) throw new ProtobufError(`runtime.Unknown.${name}: wire type ${f.wire}, want ${WIRE_LEN}`);
    return readString(f.bytes);
  };
  for (const f of readFields(body.subarray(KUBERNETES_MAGIC.length), 'runtime.Unknown')) {
    if (f.no === 1) {
      if (f.wire !== WIRE_LEN) throw new ProtobufError(`runtime.Unknown.typeMeta: wire type ${f.wire}, want ${WIRE_LEN}`);
      for (const t of readFields(f.bytes, 'runtime.TypeMeta')) {
        if (t.no === 1) apiVersion = text(t, 'typeMeta.apiVersion');
        else if (t.no === 2) kind = text(t, 'typeMeta.kind');
      }
    } else if (f.no === 2) {
      if (f.wire !== WIRE_LEN) throw new ProtobufError(`runtime.Unknown.raw: wire type ${f.wire}, want ${WIRE_LEN}`);
      raw = f.bytes;
    } else if (f.no === 3) contentEncoding = text(f, 'contentEncoding');
    else if (f.no === 4) contentType = text(f, 'contentType');
  }
  if (apiVersion === '' || kind === '') throw new ProtobufError('protobuf envelope lacks apiVersion or kind');
  if (contentEncoding !== '') throw new ProtobufError(`protobuf envelope content encoding ${JSON.stringify(contentEncoding)} is not supported`);
  if (contentType !== '' && contentType !== KUBERNETES_PROTOBUF) {
    throw new ProtobufError(`protobuf envelope carries ${JSON.stringify(contentType)}, not ${KUBERNETES_PROTOBUF}`);
  }
  return { apiVersion, kind, raw };
}

/** A whole request body: the object, with `kind` and `apiVersion` taken from the envelope. */
export function decodeKubernetesProtobuf(
  registry: SchemaRegistry,
  resolveType: (apiVersion: string, kind: string) => string | undefined,
  body: Uint8Array,
): Record<string, unknown> {
  const env = decodeEnvelope(body);
  const typeName = resolveType(env.apiVersion, env.kind);
  if (typeName === undefined) throw new ProtobufError(`no kind ${JSON.stringify(env.kind)} is served in apiVersion ${JSON.stringify(env.apiVersion)}`);
  return { kind: env.kind, apiVersion: env.apiVersion, ...decodeMessage(registry, typeName, env.raw) };
}

/** One message of type `typeName` (a struct in `registry`). Malformed bytes throw ProtobufError; an undeclared type, Error. */
export function decodeMessage(registry: SchemaRegistry, typeName: string, bytes: Uint8Array): Record<string, unknown> {
  return decodeStruct(registry, registry.get(typeName), bytes);
}

const byNumberCache = new WeakMap<StructDef, Map<number, readonly [string, FieldDef]>>();

function byNumber(def: StructDef): Map<number, readonly [string, FieldDef]> {
  let m = byNumberCache.get(def);
  if (m === undefined) {
    m = new Map(Object.entries(def.fields).map(([name, fd]) => [fd.proto, [name, fd] as const]));
    byNumberCache.set(def, m);
  }
  return m;
}

/**
 * Go structs embedded inline (Volume's VolumeSource, Probe's ProbeHandler) are flat in JSON but
 * one nested message in protobuf: their lifted fields carry `outer * 1000 + inner` (see
 * `embedded` in types/core-common.ts). Each outer number maps to a synthetic struct of them.
 */
const embeddedCache = new WeakMap<StructDef, Map<number, StructDef>>();

function embeddedGroups(def: StructDef): Map<number, StructDef> {
  let m = embeddedCache.get(def);
  if (m === undefined) {
    const groups = new Map<number, Record<string, FieldDef>>();
    for (const [name, fd] of Object.entries(def.fields)) {
      if (fd.proto < 1000) continue;
      const outer = Math.floor(fd.proto / 1000);
      groups.set(outer, { ...(groups.get(outer) ?? {}), [name]: { ...fd, proto: fd.proto % 1000 } });
    }
    m = new Map([...groups].map(([outer, fields]) => [outer, { name: `${def.name}#${outer}`, fields }]));
    embeddedCache.set(def, m);
  }
  return m;
}

const OMITTED_WHEN_ZERO = new Set(['string', 'bytes', 'int32', 'int64', 'double', 'boolean']);

function decodeStruct(registry: SchemaRegistry, def: StructDef, bytes: Uint8Array): Record<string, unknown> {
  const numbers = byNumber(def);
  const values = new Map<string, unknown>();
  // A message field sent twice is merged, which for protobuf is the same as parsing its parts joined.
  const structParts = new Map<string, Uint8Array[]>();
  const inlineParts = new Map<number, Uint8Array[]>();
  const inline = embeddedGroups(def);
  for (const f of readFields(bytes, def.name)) {
    const known = numbers.get(f.no);
    if (known === undefined) {
      if (inline.has(f.no)) {
        expectWire(f, WIRE_LEN, `${def.name} embedded field ${f.no}`);
        inlineParts.set(f.no, [...(inlineParts.get(f.no) ?? []), f.bytes]);
      }
      continue;
    }
    const [name, fd] = known;
    const where = `${def.name}.${name}`;
    const t = fd.type;
    if (t.t === 'list') {
      const items = (values.get(name) as unknown[] | undefined) ?? [];
      appendItems(registry, t.items, f, items, where);
      values.set(name, items);
    } else if (t.t === 'map') {
      const entries = (values.get(name) as Record<string, unknown> | undefined) ?? {};
      setEntry(registry, t.values, f, entries, where);
      values.set(name, entries);
    } else if (t.t === 'struct') {
      expectWire(f, WIRE_LEN, where);
      structParts.set(name, [...(structParts.get(name) ?? []), f.bytes]);
    } else {
      values.set(name, decodeValue(registry, t, f, where));
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, fd] of Object.entries(def.fields)) {
    const parts = structParts.get(name);
    if (parts !== undefined && fd.type.t === 'struct') {
      out[name] = decodeStruct(registry, registry.get(fd.type.name), parts.length === 1 ? parts[0] : Buffer.concat(parts));
      continue;
    }
    if (!values.has(name)) continue;
    const v = values.get(name);
    if (fd.type.t === 'map') out[name] = sortedKeys(v as Record<string, unknown>);
    else if (!omitted(fd, v)) out[name] = v;
  }
  for (const [outer, parts] of inlineParts) {
    Object.assign(out, decodeStruct(registry, inline.get(outer) as StructDef, parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts)));
  }
  return out;
}

/** What Go's JSON encoder leaves out of a struct field that the proto marshaller wrote anyway. */
function omitted(fd: FieldDef, v: unknown): boolean {
  // An empty packed run decodes to Go's nil slice.
  if (fd.type.t === 'list') return (v as unknown[]).length === 0;
  return fd.type.t === 'scalar' && !fd.pointer && OMITTED_WHEN_ZERO.has(fd.type.scalar) && isZero(v);
}

const isZero = (v: unknown): boolean => v === '' || v === 0 || v === false;

function wireOf(t: TypeRef): number {
  return t.t === 'scalar' ? scalarWire(t.scalar) : WIRE_LEN;
}

function expectWire(f: WireField, want: number, where: string): void {
  if (f.wire !== want) throw new ProtobufError(`${where}: wire type ${f.wire}, want ${want}`);
}

/** One value of type `t` (not a list field's occurrence: see appendItems). */
function decodeValue(registry: SchemaRegistry, t: TypeRef, f: WireField, where: string): unknown {
  expectWire(f, wireOf(t), where);
  switch (t.t) {
    case 'scalar':
      return decodeScalar(t.scalar, f, where);
    case 'struct':
      return decodeStruct(registry, registry.get(t.name), f.bytes);
    case 'list': {
      // A list inside a list or map is a named slice type in Go, which go-to-protobuf wraps as {1 repeated items}.
      const items: unknown[] = [];
      for (const inner of readFields(f.bytes, where)) if (inner.no === 1) appendItems(registry, t.items, inner, items, where);
      return items;
    }
    case 'map':
      throw new Error(`schema: ${where} nests a map inside a list or map, which generated.proto cannot express`);
  }
}

/** Repeated fields arrive one element per occurrence, or packed into one length-delimited run for numbers. */
function appendItems(registry: SchemaRegistry, items: TypeRef, f: WireField, out: unknown[], where: string): void {
  const itemWire = wireOf(items);
  if (f.wire === WIRE_LEN && itemWire !== WIRE_LEN) {
    for (const p of readPacked(f, itemWire, where)) out.push(decodeValue(registry, items, p, where));
  } else {
    out.push(decodeValue(registry, items, f, where));
  }
}

const EMPTY = new Uint8Array(0);
const ZERO_VARINT = Uint8Array.of(0);
const ZERO_FIXED64 = new Uint8Array(8);

/** A map entry {1 key, 2 value}; a missing key or value is its zero value, as in Go. The last entry for a key wins. */
function setEntry(registry: SchemaRegistry, values: TypeRef, f: WireField, out: Record<string, unknown>, where: string): void {
  expectWire(f, WIRE_LEN, where);
  let key = '';
  let value: unknown;
  let seen = false;
  for (const e of readFields(f.bytes, where)) {
    if (e.no === 1) {
      expectWire(e, WIRE_LEN, `${where} key`);
      key = readString(e.bytes);
    } else if (e.no === 2) {
      value = decodeValue(registry, values, e, `${where} value`);
      seen = true;
    }
  }
  if (!seen) {
    const wire = wireOf(values);
    const bytes = wire === WIRE_LEN ? EMPTY : wire === WIRE_FIXED64 ? ZERO_FIXED64 : ZERO_VARINT;
    value = decodeValue(registry, values, { no: 2, wire, bytes, pos: 0 }, `${where} value`);
  }
  // A key such as "__proto__" is a valid ConfigMap key; plain assignment would change the prototype instead.
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

function sortedKeys(m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(m).sort()) Object.defineProperty(out, k, { value: m[k], enumerable: true, writable: true, configurable: true });
  return out;
}
