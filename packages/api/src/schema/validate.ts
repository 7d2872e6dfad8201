/**
 * Structural validation of a decoded JSON value against a schema type: what the apiserver's
 * strict JSON decoding and the generic parts of validation catch before any kind-specific
 * rule runs — unknown fields, wrong JSON types, missing required fields, values outside an enum.
 */
import { Quantity } from '../quantity.js';
import type { FieldDef, Scalar, SchemaRegistry, StructDef, TypeRef } from './dsl.js';
import { fieldError, goQuote, type FieldError } from './field-errors.js';

export * from './field-errors.js';

/** The `fieldValidation` query parameter. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface StructuralResult {
  /** Type errors (`FieldValueTypeInvalid`, a 400 at decode time) and Required / NotSupported errors (422). */
  readonly errors: FieldError[];
  /** Unknown fields in strict-decoding form (`spec.containers[0].foo`, map keys joined with `.`); empty under Ignore. */
  readonly unknown: string[];
}

/**
 * Where a value sits, in the three spellings Kubernetes uses: `field` for field errors
 * (`a.b[0].c[key]`), `json` for strict-decoding errors (`a.b[0].c.key`), and `go` for Go's
 * json type errors (`Struct.a.b.c`: struct field names only).
 */
interface At {
  readonly field: string;
  readonly json: string;
  readonly go: string;
  /** The Go struct holding the current field, as json.UnmarshalTypeError names it. */
  readonly struct: string;
}

const join = (base: string, name: string): string => (base === '' ? name : `${base}.${name}`);

const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const RFC3339_LAYOUT = '"2006-01-02T15:04:05Z07:00"';
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_LIMIT = 2 ** 63;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How Go's decoder names a JSON value in `cannot unmarshal X into …`. */
function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  return Array.isArray(v) ? 'array' : 'object';
}

/** The Go type a schema type decodes into, as Go's decoder prints it (`int32`, `[]v1.Container`). */
function goType(t: TypeRef): string {
  switch (t.t) {
    case 'struct':
      return goStructName(t.name, true);
    case 'list':
      return `[]${goType(t.items)}`;
    case 'map':
      return `map[string]${goType(t.values)}`;
    case 'scalar':
      return GO_SCALAR[t.scalar];
  }
}

const GO_SCALAR: Record<Scalar, string> = {
  string: 'string',
  int32: 'int32',
  int64: 'int64',
  double: 'float64',
  boolean: 'bool',
  bytes: '[]uint8',
  time: 'v1.Time',
  microtime: 'v1.MicroTime',
  quantity: 'resource.Quantity',
  'int-or-string': 'intstr.IntOrString',
  raw: 'runtime.RawExtension',
};

/** `io.k8s.api.core.v1.PodSpec` → `PodSpec`, or with its package `v1.PodSpec`. */
function goStructName(name: string, qualified: boolean): string {
  const parts = name.split('.');
  const short = parts[parts.length - 1] as string;
  return qualified && parts.length > 1 ? `${parts[parts.length - 2] as string}.${short}` : short;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const offsetOk = m[9] === undefined || (Number(m[9]) < 24 && Number(m[10]) < 60);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h < 24 && mi < 60 && sec < 60 && offsetOk;
}

const B64 = /^[A-Za-z0-9+/]$/;

/** Index of the first character Go's base64.StdEncoding rejects (it skips CR and LF), or -1. */
function base64ErrorAt(s: string): number {
  const kept: (readonly [string, number])[] = [];
  for (let i = 0; i < s.length; i++) if (s[i] !== '\r' && s[i] !== '\n') kept.push([s[i] as string, i]);
  const firstPad = kept.findIndex(([c]) => c === '=');
  const dataEnd = firstPad < 0 ? kept.length : firstPad;
  for (const [c, i] of kept.slice(0, dataEnd)) if (!B64.test(c)) return i;
  for (const [c, i] of kept.slice(dataEnd)) if (c !== '=') return i;
  if (kept.length - dataEnd > 2 || kept.length % 4 !== 0) return firstPad < 0 ? s.length : (kept[firstPad] as readonly [string, number])[1];
  return -1;
}

/**
 * Missing for `required`: absent or null, and — because Go cannot tell them from absent and
 * Kubernetes' validation reports them as `Required value` — an empty string, list or map.
 * Numbers and booleans count as present whatever their value: 0 is often valid or range-checked.
 */
function isMissing(v: unknown, t: TypeRef): boolean {
  if (v === undefined || v === null) return true;
  if (t.t === 'list') return Array.isArray(v) && v.length === 0;
  if (t.t === 'map') return isObject(v) && Object.keys(v).length === 0;
  return t.t === 'scalar' && (t.scalar === 'string' || t.scalar === 'bytes') && v === '';
}

class Walker {
  readonly errors: FieldError[] = [];
  readonly unknown: string[] = [];

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly reportUnknown: boolean,
  ) {}

  private typeError(at: At, v: unknown, t: TypeRef, valueText = jsonKind(v)): void {
    const where = at.go === '' ? `Go value of type ${goType(t)}` : `Go struct field ${at.struct}.${at.go} of type ${goType(t)}`;
    this.errors.push(fieldError.typeInvalid(at.field, `json: cannot unmarshal ${valueText} into ${where}`));
  }

  /** Types with their own JSON decoding fail with their own text, which alone would not name the field. */
  private decodeError(at: At, detail: string): void {
    this.errors.push(fieldError.typeInvalid(at.field, `error decoding ${at.field}: ${detail}`));
  }

  struct(def: StructDef, obj: Record<string, unknown>, at: At): void {
    const inner: At = { ...at, struct: goStructName(def.name, false) };
    for (const [key, v] of Object.entries(obj)) {
      const child: At = { field: join(at.field, key), json: join(at.json, key), go: join(at.go, key), struct: inner.struct };
      const fd: FieldDef | undefined = Object.hasOwn(def.fields, key) ? def.fields[key] : undefined;
      if (fd !== undefined) this.value(fd.type, v, child);
      else if (def.typeMeta === true && (key === 'kind' || key === 'apiVersion')) this.value({ t: 'scalar', scalar: 'string' }, v, child);
      else if (this.reportUnknown) this.unknown.push(child.json);
    }
    for (const [name, fd] of Object.entries(def.fields)) {
      if (fd.required === true && isMissing(obj[name], fd.type)) this.errors.push(fieldError.required(join(at.field, name)));
    }
  }

  value(t: TypeRef, v: unknown, at: At): void {
    // Go decodes null into any field as its zero value.
    if (v === null) return;
    switch (t.t) {
      case 'struct':
        if (isObject(v)) this.struct(this.registry.get(t.name), v, at);
        else this.typeError(at, v, t);
        return;
      case 'list':
        if (!Array.isArray(v)) return this.typeError(at, v, t);
        v.forEach((item, i) => this.value(t.items, item, { ...at, field: `${at.field}[${i}]`, json: `${at.json}[${i}]` }));
        return;
      case 'map':
        if (!isObject(v)) return this.typeError(at, v, t);
        for (const [k, item] of Object.entries(v)) this.value(t.values, item, { ...at, field: `${at.field}[${k}]`, json: join(at.json, k) });
        return;
      case 'scalar':
        return this.scalar(t, v, at);
    }
  }

  private scalar(t: Extract<TypeRef, { t: 'scalar' }>, v: unknown, at: At): void {
    switch (t.scalar) {
      case 'string':
        if (typeof v !== 'string') return this.typeError(at, v, t);
        if (t.enum !== undefined && v !== '' && !t.enum.includes(v)) this.errors.push(fieldError.notSupported(at.field, v, t.enum));
        return;
      case 'int32':
      case 'int64': {
        if (typeof v !== 'number') return this.typeError(at, v, t);
        const inRange = t.scalar === 'int32' ? v >= INT32_MIN && v <= INT32_MAX : Math.abs(v) < INT64_LIMIT;
        if (!Number.isInteger(v) || !inRange) this.typeError(at, v, t, `number ${String(v)}`);
        return;
      }
      case 'double':
        if (typeof v !== 'number') this.typeError(at, v, t);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') this.typeError(at, v, t);
        return;
      case 'bytes': {
        if (typeof v !== 'string') return this.typeError(at, v, t);
        const bad = base64ErrorAt(v);
        if (bad >= 0) this.decodeError(at, `illegal base64 data at input byte ${bad}`);
        return;
      }
      case 'time':
      case 'microtime':
        if (typeof v !== 'string') return this.decodeError(at, `json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
        if (!isRfc3339(v)) this.decodeError(at, `parsing time ${goQuote(v)} as ${RFC3339_LAYOUT}: not an RFC 3339 time`);
        return;
      case 'quantity':
        if (typeof v !== 'string' && typeof v !== 'number') return this.decodeError(at, QUANTITY_ERROR);
        try {
          Quantity.parse(String(v));
        } catch {
          this.decodeError(at, QUANTITY_ERROR);
        }
        return;
      case 'int-or-string':
        if (typeof v === 'string') return;
        if (typeof v !== 'number') return this.decodeError(at, `json: cannot unmarshal ${jsonKind(v)} into Go value of type int32`);
        if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) this.decodeError(at, `json: cannot unmarshal number ${String(v)} into Go value of type int32`);
        return;
      case 'raw':
        return;
    }
  }
}

/**
 * Checks `value` against the struct `typeName`. Unknown fields are collected unless `mode` is
 * Ignore; what to do with them (reject, warn) is the caller's. Type errors come first in
 * Kubernetes' order of complaints: the apiserver reports the first one as a 400 before it
 * looks at unknown fields or validates.
 */
export function validateStructure(registry: SchemaRegistry, typeName: string, value: unknown, mode: FieldValidation): StructuralResult {
  const w = new Walker(registry, mode !== 'Ignore');
  const root: TypeRef = { t: 'struct', name: typeName };
  if (!isObject(value)) {
    w.errors.push(fieldError.typeInvalid('', `json: cannot unmarshal ${value === null ? 'null' : jsonKind(value)} into Go value of type ${goType(root)}`));
  } else {
    w.value(root, value, { field: '', json: '', go: '', struct: goStructName(typeName, false) });
  }
  return { errors: w.errors, unknown: w.unknown };
}

/** A copy of `value` without the fields `typeName` does not declare: what Warn and Ignore store. */
export function dropUnknownFields(registry: SchemaRegistry, typeName: string, value: unknown): unknown {
  const prune = (t: TypeRef, v: unknown): unknown => {
    if (t.t === 'struct' && isObject(v)) {
      const def = registry.get(t.name);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const fd = Object.hasOwn(def.fields, k) ? def.fields[k] : undefined;
        if (fd !== undefined) out[k] = prune(fd.type, item);
        else if (def.typeMeta === true && (k === 'kind' || k === 'apiVersion')) out[k] = item;
      }
      return out;
    }
    if (t.t === 'list' && Array.isArray(v)) return v.map((item) => prune(t.items, item));
    if (t.t === 'map' && isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, prune(t.values, item)]));
    return v;
  };
  return prune({ t: 'struct', name: typeName }, value);
}
