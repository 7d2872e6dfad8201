import protobuf from 'protobufjs/minimal.js';

const { Reader, util } = protobuf;

/** A body that is not well-formed Kubernetes protobuf: the apiserver answers 400, not 500. */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
export const WIRE_FIXED32 = 5;

/**
 * One field occurrence, already bounds-checked. A length-delimited field carries its payload in
 * `bytes`; any other field is read back from `bytes` at `pos`, once its type is known from the
 * schema (the same varint is an int32, an int64 or a bool depending on the declaration).
 */
export interface WireField {
  readonly no: number;
  readonly wire: number;
  readonly bytes: Uint8Array;
  readonly pos: number;
}

const MAX_VARINT_BYTES = 10;

/** Runs `fn`, turning protobufjs' RangeError/Error on truncated or invalid input into ProtobufError. */
function guarded<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtobufError) throw e;
    throw new ProtobufError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function skipValue(r: protobuf.Reader, wire: number, where: string): void {
  const start = r.pos;
  r.skipType(wire);
  // protobufjs skips varints of any length; Go rejects those longer than 64 bits.
  if (wire === WIRE_VARINT && r.pos - start > MAX_VARINT_BYTES) throw new ProtobufError(`${where}: varint longer than 10 bytes at offset ${start}`);
}

/** Splits a message into its field occurrences, in wire order. Groups are skipped (Kubernetes never uses them). */
export function readFields(bytes: Uint8Array, where: string): WireField[] {
  return guarded(where, () => {
    const r = Reader.create(bytes);
    const out: WireField[] = [];
    while (r.pos < r.len) {
      const at = r.pos;
      const tag = r.uint32();
      const no = tag >>> 3;
      const wire = tag & 7;
      if (no === 0) throw new ProtobufError(`${where}: field number 0 at offset ${at}`);
      if (wire === WIRE_LEN) {
        out.push({ no, wire, bytes: r.bytes(), pos: 0 });
      } else if (wire === WIRE_VARINT || wire === WIRE_FIXED64 || wire === WIRE_FIXED32 || wire === WIRE_START_GROUP) {
        const pos = r.pos;
        skipValue(r, wire, where);
        out.push({ no, wire, bytes, pos });
      } else {
        throw new ProtobufError(`${where}: invalid wire type ${wire} for field ${no} at offset ${at}`);
      }
    }
    return out;
  });
}

/** The elements of a packed repeated field, each as if it had been sent unpacked. */
export function readPacked(field: WireField, itemWire: number, where: string): WireField[] {
  return guarded(where, () => {
    const r = Reader.create(field.bytes);
    const out: WireField[] = [];
    while (r.pos < r.len) {
      const pos = r.pos;
      skipValue(r, itemWire, where);
      out.push({ no: field.no, wire: itemWire, bytes: field.bytes, pos });
    }
    return out;
  });
}

function readerAt(field: WireField): protobuf.Reader {
  const r = Reader.create(field.bytes);
  r.pos = field.pos;
  return r;
}

/** A varint as Go's int32 would hold it: the low 32 bits, signed. */
export function readInt32(field: WireField, where: string): number {
  return guarded(where, () => readerAt(field).int32());
}

/** A varint as int64, as a JS number: exact up to 2^53, rounded beyond (as JSON.parse would). */
export function readInt64(field: WireField, where: string): number {
  return guarded(where, () => util.LongBits.from(readerAt(field).int64()).toNumber(false));
}

/** Go sets a bool from the whole 64-bit varint, so 2^32 is true. */
export function readBool(field: WireField, where: string): boolean {
  return guarded(where, () => {
    const bits = util.LongBits.from(readerAt(field).uint64());
    return bits.lo !== 0 || bits.hi !== 0;
  });
}

export function readDouble(field: WireField, where: string): number {
  return guarded(where, () => readerAt(field).double());
}

// Go does not validate proto2 strings; its JSON encoder then replaces invalid UTF-8 with U+FFFD, as this does.
const utf8 = new TextDecoder('utf-8');

export function readString(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export const KUBERNETES_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);
export const KUBERNETES_PROTOBUF = 'application/vnd.kubernetes.protobuf';
