import type { Key } from './keys.js';

/** One version of a key: what etcd calls a KeyValue at a revision, or a tombstone. */
export interface KvRecord {
  key: Key;
  /** The revision that wrote this version, and its position within that revision. */
  mod: number;
  sub: number;
  create: number;
  version: number;
  value: Buffer;
  /** Lease ID as a decimal string; "0" when none. */
  lease: string;
  tombstone: boolean;
}

const FLAG_TOMBSTONE = 1;

/** Binary layout of a record in LevelDB (the revision is in the LevelDB key). */
export function encodeRecord(r: KvRecord): Buffer {
  const keyLen = Buffer.byteLength(r.key, 'latin1');
  const leaseLen = r.lease.length;
  const head = 1 + 8 + 8 + 1 + leaseLen + 4 + keyLen;
  const buf = Buffer.allocUnsafe(head + r.value.length);
  let o = buf.writeUInt8(r.tombstone ? FLAG_TOMBSTONE : 0, 0);
  o = buf.writeDoubleBE(r.create, o);
  o = buf.writeDoubleBE(r.version, o);
  o = buf.writeUInt8(leaseLen, o);
  o += buf.write(r.lease, o, 'latin1');
  o = buf.writeUInt32BE(keyLen, o);
  o += buf.write(r.key, o, 'latin1');
  r.value.copy(buf, o);
  return buf;
}

export function decodeRecord(mod: number, sub: number, buf: Buffer): KvRecord {
  let o = 0;
  const flags = buf.readUInt8(o++);
  const create = buf.readDoubleBE(o);
  o += 8;
  const version = buf.readDoubleBE(o);
  o += 8;
  const leaseLen = buf.readUInt8(o++);
  const lease = buf.toString('latin1', o, o + leaseLen);
  o += leaseLen;
  const keyLen = buf.readUInt32BE(o);
  o += 4;
  const key = buf.toString('latin1', o, o + keyLen);
  o += keyLen;
  return {
    key,
    mod,
    sub,
    create,
    version,
    lease,
    value: Buffer.from(buf.subarray(o)),
    tombstone: (flags & FLAG_TOMBSTONE) !== 0,
  };
}

/** LevelDB key of a record: "r" + main revision (8 bytes BE) + sub (4 bytes BE), so order is revision order. */
export function revisionKey(mod: number, sub: number): Buffer {
  const b = Buffer.allocUnsafe(13);
  b[0] = 0x72; // 'r'
  b.writeUInt32BE(Math.floor(mod / 2 ** 32), 1);
  b.writeUInt32BE(mod >>> 0, 5);
  b.writeUInt32BE(sub, 9);
  return b;
}

export function parseRevisionKey(b: Buffer): { mod: number; sub: number } {
  return { mod: b.readUInt32BE(1) * 2 ** 32 + b.readUInt32BE(5), sub: b.readUInt32BE(9) };
}
