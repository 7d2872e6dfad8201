import type { Scalar } from './dsl.js';
import {
  ProtobufError,
  readBool,
  readDouble,
  readFields,
  readInt32,
  readInt64,
  readString,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_VARINT,
  type WireField,
} from './protobuf-wire.js';

/** The wire type each leaf arrives with; every leaf that is a message in Go is length-delimited. */
export function scalarWire(s: Scalar): number {
  switch (s) {
    case 'int32':
    case 'int64':
    case 'boolean':
      return WIRE_VARINT;
    case 'double':
      return WIRE_FIXED64;
    default:
      return WIRE_LEN;
  }
}

/** One leaf value, as Kubernetes' JSON encoder writes it. The caller has checked the wire type. */
export function decodeScalar(s: Scalar, f: WireField, where: string): unknown {
  switch (s) {
    case 'string':
      return readString(f.bytes);
    case 'bytes':
      return Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).toString('base64');
    case 'int32':
      return readInt32(f, where);
    case 'int64':
      return readInt64(f, where);
    case 'boolean':
      return readBool(f, where);
    case 'double':
      return readDouble(f, where);
    case 'time':
    case 'microtime':
      return decodeTime(f.bytes, s === 'microtime', where);
    case 'quantity':
      return decodeQuantity(f.bytes, where);
    case 'int-or-string':
      return decodeIntOrString(f.bytes, where);
    case 'raw':
      return decodeRaw(f.bytes, where);
  }
}

/** A sub-field of a leaf message, checked against the wire type its declaration implies. */
function sub(f: WireField, s: Scalar, where: string): unknown {
  const want = scalarWire(s);
  if (f.wire !== want) throw new ProtobufError(`${where}: field ${f.no} has wire type ${f.wire}, want ${want}`);
  return decodeScalar(s, f, where);
}

/** Unknown sub-fields are skipped; a repeated one keeps its last value, as Go's unmarshaller does. */
function leafFields(bytes: Uint8Array, where: string, types: Readonly<Record<number, Scalar>>): Map<number, unknown> {
  const out = new Map<number, unknown>();
  for (const f of readFields(bytes, where)) {
    const s = types[f.no];
    if (s !== undefined) out.set(f.no, sub(f, s, where));
  }
  return out;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * metav1.Time / MicroTime: {1 seconds, 2 nanos}. Go reads {0, 0} as the zero Time, whose JSON is
 * null (that is the `creationTimestamp: null` every client-built object carries). Time is written
 * to the second, MicroTime always with six fraction digits, both in UTC.
 */
function decodeTime(bytes: Uint8Array, micro: boolean, where: string): string | null {
  const v = leafFields(bytes, where, { 1: 'int64', 2: 'int32' });
  let seconds = (v.get(1) as number | undefined) ?? 0;
  let nanos = (v.get(2) as number | undefined) ?? 0;
  if (seconds === 0 && nanos === 0) return null;
  // time.Unix normalises nanos outside [0, 1e9) into the seconds.
  const carry = Math.floor(nanos / 1e9);
  seconds += carry;
  nanos -= carry * 1e9;
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new ProtobufError(`${where}: time ${seconds}s is outside years 0000-9999`);
  const base = `${pad(year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

/** resource.Quantity: {1 string}, already canonical; a missing string is the zero Quantity, "0". */
function decodeQuantity(bytes: Uint8Array, where: string): string {
  const s = leafFields(bytes, where, { 1: 'string' }).get(1) as string | undefined;
  return s === undefined || s === '' ? '0' : s;
}

/** intstr.IntOrString: {1 type (0 int, 1 string), 2 intVal, 3 strVal}. */
function decodeIntOrString(bytes: Uint8Array, where: string): number | string {
  const v = leafFields(bytes, where, { 1: 'int64', 2: 'int32', 3: 'string' });
  const type = (v.get(1) as number | undefined) ?? 0;
  if (type === 0) return (v.get(2) as number | undefined) ?? 0;
  if (type === 1) return (v.get(3) as string | undefined) ?? '';
  throw new ProtobufError(`${where}: IntOrString type ${type} is neither 0 (int) nor 1 (string)`);
}

/** RawExtension / FieldsV1: {1 raw}, JSON bytes passed through; no bytes is Go's nil Raw, null. */
function decodeRaw(bytes: Uint8Array, where: string): unknown {
  let raw: Uint8Array | undefined;
  for (const f of readFields(bytes, where)) {
    if (f.no !== 1) continue;
    if (f.wire !== WIRE_LEN) throw new ProtobufError(`${where}: field 1 has wire type ${f.wire}, want ${WIRE_LEN}`);
    raw = f.bytes;
  }
  if (raw === undefined || raw.length === 0) return null;
  try {
    return JSON.parse(readString(raw)) as unknown;
  } catch {
    throw new ProtobufError(`${where}: embedded raw value is not JSON`);
  }
}
