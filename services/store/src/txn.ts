import { EtcdErrors } from './errors.js';
import { inRange, keyRange, toKey, type Key, type KeyRange } from './keys.js';
import { toKeyValue } from './kv.js';
import type { Mvcc, WriteTxn } from './mvcc.js';
import { NO_LEASE } from './mvcc.js';
import { checkRangeRequest, evalRange } from './range.js';
import type { KvRecord } from './record.js';
import {
  CompareResult,
  CompareTarget,
  type Compare,
  type DeleteRangeRequest,
  type DeleteRangeResponse,
  type PutRequest,
  type PutResponse,
  type RangeResponse,
  type RequestOp,
  type ResponseOp,
  type TxnRequest,
  type TxnResponse,
} from './wire.js';

export function checkPutRequest(req: PutRequest): void {
  if (req.key.length === 0) throw EtcdErrors.emptyKey();
  if (req.ignore_value && req.value.length !== 0) throw EtcdErrors.valueProvided();
  if (req.ignore_lease && req.lease !== '0') throw EtcdErrors.leaseProvided();
}

export function checkDeleteRequest(req: DeleteRangeRequest): void {
  if (req.key.length === 0) throw EtcdErrors.emptyKey();
}

/** Static checks, as etcd's gRPC layer makes them before anything is read. */
export function checkTxnRequest(req: TxnRequest, maxOps: number): void {
  const opc = Math.max(req.compare.length, req.success.length, req.failure.length);
  if (opc > maxOps) throw EtcdErrors.tooManyOps();
  for (const c of req.compare) if (c.key.length === 0) throw EtcdErrors.emptyKey();
  for (const op of [...req.success, ...req.failure]) {
    if (op.request_range) checkRangeRequest(op.request_range);
    else if (op.request_put) checkPutRequest(op.request_put);
    else if (op.request_delete_range) checkDeleteRequest(op.request_delete_range);
    else if (op.request_txn) checkTxnRequest(op.request_txn, maxOps - opc);
    // etcd answers an op with nothing set as if it named a missing key.
    else throw EtcdErrors.keyNotFound();
  }
  checkIntervals(req.success);
  checkIntervals(req.failure);
}

/**
 * One branch may not put a key twice, nor put a key it also deletes. Puts in the success and
 * failure branches of a nested txn exclude each other, so they may repeat a key.
 */
function checkIntervals(ops: RequestOp[]): { puts: Set<Key>; dels: KeyRange[] } {
  const dels: KeyRange[] = [];
  for (const op of ops) {
    if (!op.request_delete_range) continue;
    const { key, range_end } = op.request_delete_range;
    // etcd 3.4 reads range_end literally here, so a from-key ("\0") delete overlaps no put.
    dels.push({ start: toKey(key), end: range_end.length === 0 ? undefined : toKey(range_end) });
  }
  const deleted = (k: Key): boolean => dels.some((r) => inRange(r, k));
  const puts = new Set<Key>();
  for (const op of ops) {
    if (!op.request_txn) continue;
    const then = checkIntervals(op.request_txn.success);
    const otherwise = checkIntervals(op.request_txn.failure);
    for (const k of then.puts) {
      if (puts.has(k) || deleted(k)) throw EtcdErrors.duplicateKey();
      puts.add(k);
    }
    for (const k of otherwise.puts) {
      if ((puts.has(k) && !then.puts.has(k)) || deleted(k)) throw EtcdErrors.duplicateKey();
      puts.add(k);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of ops) {
    if (!op.request_put) continue;
    const k = toKey(op.request_put.key);
    if (puts.has(k) || deleted(k)) throw EtcdErrors.duplicateKey();
    puts.add(k);
  }
  return { puts, dels };
}

function compareInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRecord(c: Compare, r: KvRecord | undefined): boolean {
  let result: number;
  switch (c.target) {
    case CompareTarget.VALUE:
      result = Buffer.compare(r?.value ?? Buffer.alloc(0), c.target_union === 'value' ? (c.value as Buffer) : Buffer.alloc(0));
      break;
    case CompareTarget.CREATE:
      result = compareInt(BigInt(r?.create ?? 0), BigInt(c.target_union === 'create_revision' ? (c.create_revision as string) : 0));
      break;
    case CompareTarget.MOD:
      result = compareInt(BigInt(r?.mod ?? 0), BigInt(c.target_union === 'mod_revision' ? (c.mod_revision as string) : 0));
      break;
    case CompareTarget.VERSION:
      result = compareInt(BigInt(r?.version ?? 0), BigInt(c.target_union === 'version' ? (c.version as string) : 0));
      break;
    case CompareTarget.LEASE:
      result = compareInt(BigInt(r?.lease ?? 0), BigInt(c.target_union === 'lease' ? (c.lease as string) : 0));
      break;
    default:
      return true;
  }
  switch (c.result) {
    case CompareResult.EQUAL:
      return result === 0;
    case CompareResult.NOT_EQUAL:
      return result !== 0;
    case CompareResult.GREATER:
      return result > 0;
    case CompareResult.LESS:
      return result < 0;
    default:
      return true;
  }
}

/** A compare over a missing key sees an all-zero KeyValue, except that a value compare fails. */
function applyCompare(mvcc: Mvcc, c: Compare): boolean {
  const records: KvRecord[] = [];
  mvcc.index.scan(keyRange(toKey(c.key), toKey(c.range_end)), Infinity, (r) => void records.push(r));
  if (records.length === 0) return c.target === CompareTarget.VALUE ? false : compareRecord(c, undefined);
  return records.every((r) => compareRecord(c, r));
}

/** Every compare of the txn and of the nested txns it will take, against the state before it. */
function comparePath(mvcc: Mvcc, req: TxnRequest): boolean[] {
  const ok = req.compare.every((c) => applyCompare(mvcc, c));
  const path = [ok];
  for (const op of ok ? req.success : req.failure) if (op.request_txn) path.push(...comparePath(mvcc, op.request_txn));
  return path;
}

export interface TxnContext {
  mvcc: Mvcc;
  hasLease: (id: string) => boolean;
}

/** The non-txn ops of the branches the txn will take, nested ones included, in order. */
function opsOnPath(req: TxnRequest, path: boolean[], at: { i: number }, out: RequestOp[]): RequestOp[] {
  for (const op of path[at.i++] ? req.success : req.failure) {
    if (op.request_txn) opsOnPath(op.request_txn, path, at, out);
    else out.push(op);
  }
  return out;
}

/**
 * Checks that need state, in etcd's order (clients see which error wins): every put along the
 * path first, then every range's revision.
 */
function checkPath(ctx: TxnContext, req: TxnRequest, path: boolean[]): void {
  const ops = opsOnPath(req, path, { i: 0 }, []);
  for (const op of ops) {
    if (!op.request_put) continue;
    const put = op.request_put;
    // Unlike a plain Put, a txn looks for the key before it looks for the lease.
    if ((put.ignore_value || put.ignore_lease) && !ctx.mvcc.index.latest(toKey(put.key))) throw EtcdErrors.keyNotFound();
    if (put.lease !== '0' && !ctx.hasLease(put.lease)) throw EtcdErrors.leaseNotFound();
  }
  for (const op of ops) {
    if (op.request_range && op.request_range.revision !== '0') ctx.mvcc.checkReadRev(Number(op.request_range.revision), ctx.mvcc.currentRev);
  }
}

/** A plain Put's checks that need state: the lease, then the key ignore_* needs. */
export function checkPutState(ctx: TxnContext, req: PutRequest): void {
  if (req.lease !== '0' && !ctx.hasLease(req.lease)) throw EtcdErrors.leaseNotFound();
  if ((req.ignore_value || req.ignore_lease) && !ctx.mvcc.index.latest(toKey(req.key))) throw EtcdErrors.keyNotFound();
}

/** A txn of ranges only: etcd serves it without raft, so no request-size limit applies. */
export function isReadOnlyTxn(req: TxnRequest): boolean {
  return [...req.success, ...req.failure].every((op) => Boolean(op.request_range) || (op.request_txn !== undefined && isReadOnlyTxn(op.request_txn)));
}

/** Applies a Put; returns the key's previous version, if any. */
export function applyPut(w: WriteTxn, req: PutRequest): KvRecord | undefined {
  const key = toKey(req.key);
  const current = w.latest(key);
  const value = req.ignore_value ? (current as KvRecord).value : req.value;
  const lease = req.ignore_lease ? (current as KvRecord).lease : req.lease === '0' ? NO_LEASE : req.lease;
  return w.put(key, value, lease);
}

export function applyDelete(w: WriteTxn, req: DeleteRangeRequest): DeleteRangeResponse {
  const victims = w.deleteRange(keyRange(toKey(req.key), toKey(req.range_end)));
  return {
    header: { revision: w.readRev },
    deleted: victims.length,
    prev_kvs: req.prev_kv ? victims.map((r) => toKeyValue(r)) : [],
  };
}

function applyOps(ctx: TxnContext, w: WriteTxn, req: TxnRequest, path: boolean[], at: { i: number }): TxnResponse {
  const succeeded = path[at.i++] as boolean;
  const responses: ResponseOp[] = [];
  for (const op of succeeded ? req.success : req.failure) {
    if (op.request_range) {
      const r = op.request_range;
      const rev = r.revision === '0' ? Infinity : Number(r.revision);
      const res: RangeResponse = { header: { revision: w.readRev }, ...evalRange(ctx.mvcc.index, r, rev) };
      responses.push({ response_range: res });
    } else if (op.request_put) {
      const prev = applyPut(w, op.request_put);
      const res: PutResponse = { header: { revision: w.rev } };
      if (op.request_put.prev_kv && prev) res.prev_kv = toKeyValue(prev);
      responses.push({ response_put: res });
    }
    else if (op.request_delete_range) responses.push({ response_delete_range: applyDelete(w, op.request_delete_range) });
    else if (op.request_txn) responses.push({ response_txn: applyOps(ctx, w, op.request_txn, path, at) });
  }
  // A nested txn's header is empty in etcd; the top-level one is filled in by the caller.
  return { header: { revision: 0 }, succeeded, responses };
}

/**
 * Runs a txn synchronously: compares against the state before it, state checks along the
 * chosen path, then the ops in order inside one write. The caller commits the write.
 */
export function executeTxn(ctx: TxnContext, req: TxnRequest): { write: WriteTxn; response: TxnResponse } {
  const path = comparePath(ctx.mvcc, req);
  checkPath(ctx, req, path);
  const write = ctx.mvcc.beginWrite();
  const response = applyOps(ctx, write, req, path, { i: 0 });
  return { write, response };
}
