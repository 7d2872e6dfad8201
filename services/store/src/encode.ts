import protobuf from 'protobufjs/minimal.js';
import type { KvRecord } from './record.js';
import type { ResponseHeader, WatchResponse } from './wire.js';

type Writer = protobuf.Writer;
const { Writer } = protobuf;

/**
 * Hand-rolled encoders for the responses that carry many keys (Range, Put's prev_kv, watch
 * events). They write kite's records straight to the wire with protobufjs' Writer, instead of
 * building a KeyValue object per record for proto-loader to convert and encode again: for a
 * 10,000-key range that is most of the time spent. Field numbers are those of proto/etcd.
 */

/** Wire type 0 (varint) or 2 (length-delimited) tag for a field. */
const varint = (field: number): number => field << 3;
const delimited = (field: number): number => (field << 3) | 2;

function writeHeader(w: Writer, field: number, h: ResponseHeader): void {
  w.uint32(delimited(field)).fork();
  if (h.cluster_id && h.cluster_id !== '0') w.uint32(varint(1)).uint64(h.cluster_id);
  if (h.member_id && h.member_id !== '0') w.uint32(varint(2)).uint64(h.member_id);
  if (h.revision) w.uint32(varint(3)).int64(h.revision);
  if (h.raft_term) w.uint32(varint(4)).uint64(h.raft_term);
  w.ldelim();
}

/** A mvccpb.KeyValue; a tombstone is sent as etcd does, with only its key and revision. */
function writeKv(w: Writer, field: number, r: KvRecord, keysOnly: boolean): void {
  w.uint32(delimited(field)).fork();
  w.uint32(delimited(1)).bytes(Buffer.from(r.key, 'latin1'));
  if (!r.tombstone) w.uint32(varint(2)).int64(r.create);
  w.uint32(varint(3)).int64(r.mod);
  if (!r.tombstone) {
    w.uint32(varint(4)).int64(r.version);
    if (!keysOnly && r.value.length > 0) w.uint32(delimited(5)).bytes(r.value);
    if (r.lease !== '0') w.uint32(varint(6)).int64(r.lease);
  }
  w.ldelim();
}

export function encodeRangeResponse(header: ResponseHeader, records: KvRecord[], more: boolean, count: number, keysOnly: boolean): Uint8Array {
  const w = Writer.create();
  writeHeader(w, 1, header);
  for (const r of records) writeKv(w, 2, r, keysOnly);
  if (more) w.uint32(varint(3)).bool(true);
  if (count) w.uint32(varint(4)).int64(count);
  return w.finish();
}

export function encodePutResponse(header: ResponseHeader, prev: KvRecord | undefined): Uint8Array {
  const w = Writer.create();
  writeHeader(w, 1, header);
  if (prev) writeKv(w, 2, prev, false);
  return w.finish();
}

/** A watch event as the store keeps it until it is encoded. */
export interface WatchEvent {
  record: KvRecord;
  /** Present only when the watcher asked for prev_kv and the previous version exists. */
  prev?: KvRecord;
}

export function encodeWatchResponse(res: WatchResponse): Uint8Array {
  const w = Writer.create();
  writeHeader(w, 1, res.header);
  if (res.watch_id) w.uint32(varint(2)).int64(res.watch_id);
  if (res.created) w.uint32(varint(3)).bool(true);
  if (res.canceled) w.uint32(varint(4)).bool(true);
  if (res.compact_revision) w.uint32(varint(5)).int64(res.compact_revision);
  if (res.cancel_reason) w.uint32(delimited(6)).string(res.cancel_reason);
  for (const e of res.events ?? []) {
    w.uint32(delimited(11)).fork();
    if (e.record.tombstone) w.uint32(varint(1)).int32(1);
    writeKv(w, 2, e.record, false);
    if (e.prev) writeKv(w, 3, e.prev, false);
    w.ldelim();
  }
  return w.finish();
}
