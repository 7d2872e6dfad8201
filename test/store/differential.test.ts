/**
 * Differential test: the same scripted etcd v3 requests go to a real etcd 3.4 and to
 * kite-store, and their answers must match field for field. Nothing expected is written
 * down here: whatever etcd answered is the truth.
 *
 * Each scenario is one script run concurrently against both servers. A script records the
 * responses (or gRPC errors) it sees; afterwards the two transcripts are compared. Only
 * what cannot match is normalized away: cluster/member IDs and raft term, lease IDs the
 * server picked (mapped to placeholders in grant order), lease TTLs still to run (±1 s), and
 * orders etcd itself leaves random (lease key lists, responses of different watchers).
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawEtcd, type RawEtcd } from '../support/etcd-client.js';
import { startEtcd, startKiteStore, tempDir, waitFor, type Proc } from '../support/processes.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
/** etcdctl's --prefix end: the prefix with its last byte incremented. */
const prefixEnd = (p: string): Buffer => {
  const buf = b(p);
  buf[buf.length - 1] = (buf[buf.length - 1] as number) + 1;
  return buf;
};
const ALL = b('\0');

type Step = { label: string; value: unknown; timing?: boolean };

/** One server as a script sees it: its client, its transcript, its lease placeholders. */
class Side {
  steps: Step[] = [];
  private readonly leaseNames = new Map<string, string>();
  private readonly streams: grpc.ClientDuplexStream<object, any>[] = [];

  constructor(
    readonly name: 'etcd' | 'kite',
    readonly c: RawEtcd,
  ) {}

  /** Runs one request, records its normalized answer, and returns the raw one (undefined on error). */
  async do<T = any>(label: string, fn: (c: RawEtcd) => Promise<T>, opts: { timing?: boolean } = {}): Promise<T> {
    try {
      const res = await fn(this.c);
      this.record(label, res, opts.timing);
      return res;
    } catch (err) {
      const e = err as grpc.ServiceError;
      if (typeof e.code !== 'number') throw err;
      this.record(label, { error: { code: grpc.status[e.code], details: e.details } });
      return undefined as T;
    }
  }

  kv = (label: string, method: string, req: object): Promise<any> => this.do(label, (c) => c.call('KV', method, req));
  lease = (label: string, method: string, req: object, timing = false): Promise<any> =>
    this.do(label, (c) => c.call('Lease', method, req), { timing });

  /** Grants a lease and, when the server chose its ID, gives the ID a stable placeholder. */
  async grant(label: string, req: { TTL: number; ID: string }): Promise<string | undefined> {
    try {
      const res = await this.c.call('Lease', 'LeaseGrant', req);
      if (req.ID === '0') this.leaseNames.set(res.ID, `<lease#${this.leaseNames.size}>`);
      this.record(label, res);
      return res.ID as string;
    } catch (err) {
      const e = err as grpc.ServiceError;
      this.record(label, { error: { code: grpc.status[e.code], details: e.details } });
      return undefined;
    }
  }

  record(label: string, value: unknown, timing = false): void {
    this.steps.push({ label, value: this.normalize(value), timing });
  }

  normalize(v: unknown): unknown {
    if (Buffer.isBuffer(v)) return v.length > 256 ? `<${v.length} bytes>` : v.toString('latin1');
    if (typeof v === 'string') return this.leaseNames.get(v) ?? v;
    if (Array.isArray(v)) return v.map((x) => this.normalize(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.normalize(x);
      // etcd lists a lease's keys in Go map order, i.e. randomly.
      if ('grantedTTL' in out && Array.isArray(out.keys)) out.keys = [...(out.keys as string[])].sort();
      if (out.header && typeof out.header === 'object') {
        const { cluster_id: _c, member_id: _m, raft_term: _t, ...rest } = out.header as Record<string, unknown>;
        out.header = rest;
      }
      return out;
    }
    return v;
  }

  watch(): WatchRec {
    const w = new WatchRec(this.c.watch());
    this.streams.push(w.call);
    return w;
  }

  keepAlive(): KeepAliveRec {
    const k = new KeepAliveRec(this.c.keepAlive());
    this.streams.push(k.call);
    return k;
  }

  closeStreams(): void {
    for (const s of this.streams.splice(0)) s.cancel();
  }
}

/** Everything one Watch stream receives, in order. */
class WatchRec {
  readonly responses: any[] = [];
  constructor(readonly call: grpc.ClientDuplexStream<object, any>) {
    call.on('data', (r: any) => this.responses.push(r));
    call.on('error', () => undefined);
  }

  private creates = 0;

  /** Sends a create request; resolves with the watch ID its Created response carries. */
  async create(req: Record<string, unknown>): Promise<number> {
    const n = this.creates++;
    this.call.write({ create_request: { ...req } });
    const created = (): any[] => this.responses.filter((r) => r.created);
    await this.until(`created response #${n}`, () => created().length > n);
    return Number(created()[n].watch_id);
  }

  cancel(id: number): void {
    this.call.write({ cancel_request: { watch_id: id } });
  }

  /** Waits until `pred` holds for what arrived so far. */
  until(what: string, pred: (rs: any[]) => boolean, timeoutMs = 5_000): Promise<true> {
    return waitFor(what, () => (pred(this.responses) ? true : undefined), timeoutMs);
  }

  /** Waits for an event of `watchId` written at revision `rev`. */
  untilEvent(watchId: number, rev: string | number): Promise<true> {
    return this.until(`watch ${watchId} event at ${rev}`, (rs) =>
      rs.some((r) => Number(r.watch_id) === watchId && r.events.some((e: any) => e.kv.mod_revision === String(rev))),
    );
  }

  /**
   * Asks for a progress report and waits for it. Sent only once every watcher has got what it
   * was waiting for, it also shows that nothing unexpected arrived before it.
   */
  async progress(): Promise<void> {
    const seen = this.responses.length;
    this.call.write({ progress_request: {} });
    await this.until('progress response', (rs) => rs.slice(seen).some((r) => r.watch_id === '-1' && !r.created));
  }

  /** Per watch ID, the responses in order: etcd does not order different watchers' responses. */
  byWatcher(): Record<string, any[]> {
    const out: Record<string, any[]> = {};
    for (const r of this.responses) (out[r.watch_id] ??= []).push(r);
    return out;
  }
}

class KeepAliveRec {
  readonly responses: any[] = [];
  constructor(readonly call: grpc.ClientDuplexStream<object, any>) {
    call.on('data', (r: any) => this.responses.push(r));
    call.on('error', () => undefined);
  }

  async ping(id: string): Promise<any> {
    const n = this.responses.length;
    this.call.write({ ID: id });
    await waitFor('keep-alive response', () => (this.responses.length > n ? true : undefined), 5000);
    return this.responses[n];
  }
}

let etcdProc: Proc | undefined;
let kiteProc: Proc | undefined;
const cleanups: Array<() => Promise<unknown> | unknown> = [];
let etcd: Side;
let kite: Side;

beforeAll(async () => {
  const [etcdDir, kiteDir] = await Promise.all([tempDir('diff-etcd'), tempDir('diff-kite')]);
  cleanups.push(etcdDir.remove, kiteDir.remove);
  const [e, k] = await Promise.allSettled([startEtcd(etcdDir.dir), startKiteStore(kiteDir.dir)]);
  if (e.status === 'fulfilled') etcdProc = e.value;
  if (k.status === 'fulfilled') kiteProc = k.value;
  if (e.status === 'rejected') throw e.reason;
  if (k.status === 'rejected') throw k.reason;
  etcd = new Side('etcd', rawEtcd(e.value.endpoint));
  kite = new Side('kite', rawEtcd(k.value.endpoint));
});

afterAll(async () => {
  for (const s of [etcd, kite]) {
    s?.closeStreams();
    s?.c.close();
  }
  // Processes first (by PID, SIGKILL after the grace period), then their data directories.
  await Promise.allSettled([etcdProc?.stop(), kiteProc?.stop()]);
  await Promise.allSettled(cleanups.map((f) => f()));
});

/**
 * Runs `script` against both servers at once and compares what each recorded, step by step.
 * Every difference is reported (soft assertions), not just the first.
 */
async function differential(script: (s: Side) => Promise<void>): Promise<void> {
  etcd.steps = [];
  kite.steps = [];
  const [re, rk] = await Promise.allSettled([script(etcd), script(kite)]);
  etcd.closeStreams();
  kite.closeStreams();
  if (re.status === 'rejected') throw new Error(`script failed against etcd: ${String(re.reason)}`);
  const labels = (s: Side): string[] => s.steps.map((x) => x.label);
  for (let i = 0; i < etcd.steps.length; i++) {
    const e = etcd.steps[i] as Step;
    const k = kite.steps[i];
    if (!k) break;
    let kv = k.value;
    if (e.timing) kv = allowTtlSkew(e.value, k.value);
    expect.soft(kv, `${e.label}`).toEqual(e.value);
  }
  expect.soft(labels(kite), 'steps recorded').toEqual(labels(etcd));
  if (rk.status === 'rejected') throw new Error(`script failed against kite-store: ${String(rk.reason)}`);
}

/** A TTL still to run may differ by a second between two servers asked a moment apart. */
function allowTtlSkew(etcdValue: any, kiteValue: any): unknown {
  if (!kiteValue || typeof kiteValue.TTL !== 'string' || typeof etcdValue?.TTL !== 'string') return kiteValue;
  const close = Math.abs(Number(kiteValue.TTL) - Number(etcdValue.TTL)) <= 1 && kiteValue.TTL !== '-1' && etcdValue.TTL !== '-1';
  return close ? { ...kiteValue, TTL: etcdValue.TTL } : kiteValue;
}

const rev = (res: any): number => Number(res?.header?.revision ?? NaN);

describe('kite-store answers like etcd 3.4', () => {
  it('puts, gets and deletes', async () => {
    await differential(async (s) => {
      const p = '/diff/kv/';
      const put = (k: string, v: string, extra: object = {}): Promise<any> => s.kv(`put ${k}=${v}`, 'Put', { key: b(p + k), value: b(v), ...extra });
      const start = await s.kv('current', 'Range', { key: b(p) });
      // Versions, create and mod revisions and values are all distinct and none follows key
      // order, so every sort has one right answer (etcd's sort is not stable).
      const seq = 'c1 e1 a1 c2 d1 e2 c3 a2 bz e3 c4 dq am ef cb'.split(' ');
      const puts: any[] = [];
      for (const kv of seq) puts.push(await put(kv[0] as string, kv[1] as string));
      const first = puts[0];
      const last = puts[puts.length - 1];
      const range = (label: string, extra: object): Promise<any> => s.kv(label, 'Range', { key: b(p), range_end: prefixEnd(p), ...extra });

      await s.kv('get single', 'Range', { key: b(p + 'c') });
      await s.kv('get missing', 'Range', { key: b(p + 'zz') });
      await range('prefix', {});
      await s.kv('from key', 'Range', { key: b(p + 'c'), range_end: ALL });
      await s.kv('end below key', 'Range', { key: b(p + 'c'), range_end: b(p + 'b') });
      await range('limit 2', { limit: 2 });
      await range('limit 5 (exact)', { limit: 5 });
      await range('limit 9', { limit: 9 });
      await range('keys_only', { keys_only: true });
      await range('count_only', { count_only: true });
      await range('count_only + limit', { count_only: true, limit: 1 });
      for (const target of [0, 1, 2, 3, 4]) {
        for (const order of [0, 1, 2]) await range(`sort target ${target} order ${order}`, { sort_target: target, sort_order: order });
        await range(`sort target ${target} desc limit 2`, { sort_target: target, sort_order: 2, limit: 2 });
      }
      // An unknown sort order sorts nothing. (An unknown sort target is not asked: etcd 3.4 panics.)
      await range('unknown sort order', { sort_order: 7, sort_target: 4, limit: 3 });
      await range('at the first put', { revision: rev(first) });
      await range('at the first put + 6', { revision: rev(first) + 6 });
      await range('at the first put + 6, by mod revision, descending, limit 2', { revision: rev(first) + 6, sort_target: 3, sort_order: 2, limit: 2 });
      await range('before the first put', { revision: rev(start) });
      await range('min_mod', { min_mod_revision: rev(first) + 12 });
      await range('max_mod', { max_mod_revision: rev(first) + 12 });
      await range('min_create', { min_create_revision: rev(first) + 2 });
      await range('max_create + limit', { max_create_revision: rev(first) + 2, limit: 1 });
      await range('all filters at a past revision', {
        min_mod_revision: rev(first) + 5,
        max_mod_revision: rev(first) + 10,
        min_create_revision: rev(first) + 1,
        max_create_revision: rev(first) + 4,
        revision: rev(last) - 3,
      });

      await put('a', 'z2', { prev_kv: true });
      await put('f', 'new', { prev_kv: true });
      await put('a', '', { ignore_value: true, prev_kv: true });
      await s.kv('get a', 'Range', { key: b(p + 'a') });

      // Leases the client names itself: lease IDs in kvs compare as they are.
      await s.grant('grant 7001', { TTL: 600, ID: '7001' });
      await put('g', 'leased', { lease: '7001' });
      await put('g', 'still leased', { ignore_lease: true, prev_kv: true });
      await put('g', 'detached', { prev_kv: true });
      await put('g', 'leased again', { lease: '7001' });
      await put('g', '', { ignore_value: true, ignore_lease: true });
      await s.kv('get g', 'Range', { key: b(p + 'g') });
      await s.lease('revoke 7001', 'LeaseRevoke', { ID: '7001' });
      await s.kv('get g after revoke', 'Range', { key: b(p + 'g') });

      await s.kv('delete b prev_kv', 'DeleteRange', { key: b(p + 'b'), prev_kv: true });
      await s.kv('delete b again', 'DeleteRange', { key: b(p + 'b'), prev_kv: true });
      await s.kv('delete range [c, e) prev_kv', 'DeleteRange', { key: b(p + 'c'), range_end: b(p + 'e'), prev_kv: true });
      await s.kv('delete nothing in range', 'DeleteRange', { key: b(p + 'c'), range_end: b(p + 'e') });
      await s.kv('revision unchanged', 'Range', { key: b(p), range_end: prefixEnd(p), count_only: true });
      await put('c', 'reborn', { prev_kv: true });
      await s.kv('get re-created c', 'Range', { key: b(p + 'c') });
      await range('history of c before delete', { revision: rev(last) });
      await s.kv('delete from key f', 'DeleteRange', { key: b(p + 'f'), range_end: ALL });
      await range('after all', {});
    });
  });

  it('txns', async () => {
    await differential(async (s) => {
      const p = '/diff/txn/';
      const k = (x: string): Buffer => b(p + x);
      const put = (x: string, v: string, extra: object = {}): object => ({ request_put: { key: k(x), value: b(v), ...extra } });
      const get = (x: string, extra: object = {}): object => ({ request_range: { key: k(x), ...extra } });
      const del = (x: string, extra: object = {}): object => ({ request_delete_range: { key: k(x), ...extra } });
      const txn = (label: string, req: object): Promise<any> => s.kv(label, 'Txn', { compare: [], success: [], failure: [], ...req });

      await s.grant('grant 7101', { TTL: 600, ID: '7101' });
      const r1 = await s.kv('put a', 'Put', { key: k('a'), value: b('one') });
      await s.kv('put a again', 'Put', { key: k('a'), value: b('two'), lease: '7101' });
      await s.kv('put b', 'Put', { key: k('b'), value: b('bee') });

      await txn('empty txn', {});
      // Every target with every result; each compare alone decides its branch.
      const cmps: Array<[string, number, object]> = [
        ['version 2', 0, { version: 2 }],
        ['version 1', 0, { version: 1 }],
        ['create = its own', 1, { create_revision: rev(r1) }],
        ['create below its own', 1, { create_revision: rev(r1) - 1 }],
        ['mod = its own', 2, { mod_revision: rev(r1) + 1 }],
        ['mod above its own', 2, { mod_revision: rev(r1) + 9 }],
        ['value "two"', 3, { value: b('two') }],
        ['value "tw"', 3, { value: b('tw') }],
        ['lease 7101', 4, { lease: '7101' }],
        ['lease 0', 4, { lease: '0' }],
      ];
      for (const [name, target, union] of cmps) {
        for (const result of [0, 1, 2, 3]) {
          await txn(`compare a ${name} result ${result}`, {
            compare: [{ key: k('a'), target, result, ...union }],
            success: [get('a', { keys_only: true })],
            failure: [get('b', { count_only: true })],
          });
          await txn(`compare missing ${name} result ${result}`, {
            compare: [{ key: k('missing'), target, result, ...union }],
          });
        }
      }
      await txn('compare over a range (all must hold)', {
        compare: [{ key: k('a'), range_end: k('c'), target: 0, result: 2, version: 3 }],
      });
      await txn('compare over a range (one fails)', {
        compare: [{ key: k('a'), range_end: k('c'), target: 0, result: 0, version: 1 }],
      });
      await txn('compare target without its value', { compare: [{ key: k('a'), target: 0, result: 1 }] });
      await txn('compare with the union of another target', { compare: [{ key: k('a'), target: 0, result: 0, mod_revision: 2 }] });
      await txn('value compare on a missing key with empty value', { compare: [{ key: k('missing'), target: 3, result: 0, value: b('') }] });

      await txn('success branch writes and reads its writes', {
        compare: [{ key: k('a'), target: 0, result: 0, version: 2 }],
        success: [
          get('c'),
          put('c', 'sea', { prev_kv: true }),
          get('c'),
          { request_range: { key: k(''), range_end: prefixEnd(p) } },
          put('a', 'three', { prev_kv: true }),
          del('b', { prev_kv: true }),
          get('b'),
          del('nothing'),
          get('a', { revision: rev(r1) }),
        ],
        failure: [put('fail', 'x')],
      });
      await txn('failure branch', {
        compare: [{ key: k('a'), target: 0, result: 0, version: 2 }],
        success: [put('never', 'x')],
        failure: [get('a'), put('d', 'dee'), get('d'), del('zz')],
      });
      await txn('read-only txn', { success: [get('a'), get('d', { keys_only: true }), { request_range: { key: k(''), range_end: prefixEnd(p), count_only: true } }] });
      await txn('txn that deletes nothing', { success: [del('nope'), get('a')] });
      await txn('nested txns', {
        compare: [{ key: k('a'), target: 0, result: 1, version: 0 }],
        success: [
          put('n1', 'x'),
          {
            request_txn: {
              compare: [{ key: k('n1'), target: 0, result: 0, version: 0 }],
              success: [put('n2', 'then')],
              failure: [put('n2', 'else'), get('n1')],
            },
          },
          {
            request_txn: {
              compare: [],
              success: [
                get('n2'),
                { request_txn: { compare: [{ key: k('zz'), target: 3, result: 0, value: b('') }], success: [put('n3', 'x')], failure: [put('n4', 'y')] } },
              ],
              failure: [],
            },
          },
          { request_txn: { compare: [], success: [], failure: [] } },
          get('n', { range_end: k('o') }),
        ],
        failure: [],
      });
      await txn('nested read-only txns', {
        success: [{ request_txn: { compare: [], success: [get('n1')], failure: [] } }, { request_txn: { compare: [{ key: k('n1'), target: 0, result: 0, version: 5 }], success: [], failure: [get('n2')] } }],
      });
      await s.kv('final state', 'Range', { key: b(p), range_end: prefixEnd(p) });
      await s.lease('revoke 7101', 'LeaseRevoke', { ID: '7101' });
    });
  });

  it('errors, and both servers keep serving afterwards', async () => {
    await differential(async (s) => {
      const p = '/diff/err/';
      const k = (x: string): Buffer => b(p + x);
      const put = (x: string, v: string, extra: object = {}): object => ({ request_put: { key: k(x), value: b(v), ...extra } });
      const txn = (label: string, req: object): Promise<any> => s.kv(label, 'Txn', { compare: [], success: [], failure: [], ...req });

      const r0 = await s.kv('put a', 'Put', { key: k('a'), value: b('1') });
      await s.kv('put a', 'Put', { key: k('a'), value: b('2') });
      await s.kv('put empty key', 'Put', { key: b(''), value: b('x') });
      await s.kv('range empty key', 'Range', { key: b('') });
      await s.kv('delete empty key', 'DeleteRange', { key: b('') });
      await txn('compare empty key', { compare: [{ key: b(''), target: 0, result: 0, version: 0 }] });
      await txn('put empty key in txn', { failure: [put('', 'x', { key: b('') })] });
      await txn('empty op in txn', { success: [{}] });
      await txn('empty op in the branch not taken', { failure: [{}] });

      await txn('put twice', { success: [put('x', '1'), put('x', '2')] });
      await txn('put twice in the other branch', { failure: [put('x', '1'), put('x', '2')] });
      await txn('put inside a deleted range', { success: [{ request_delete_range: { key: k('a'), range_end: k('c') } }, put('b', '1')] });
      await txn('put before deleting it', { success: [put('b', '1'), { request_delete_range: { key: k('b') } }] });
      // Above every other scenario's keys, so the from-key delete takes nothing of theirs.
      const top = (x: string): Buffer => b(`\xfe${p}${x}`);
      await s.kv('put top', 'Put', { key: top('a'), value: b('1') });
      await txn('put after a from-key delete', {
        success: [{ request_delete_range: { key: top(''), range_end: ALL, prev_kv: true } }, { request_put: { key: top('b'), value: b('2') } }],
      });
      await s.kv('after the from-key delete', 'Range', { key: top(''), range_end: ALL });
      await txn('nested then/else put the same key (allowed)', {
        success: [{ request_txn: { compare: [], success: [put('y', 'then')], failure: [put('y', 'else')] } }],
      });
      await txn('nested put and outer put of the same key', {
        success: [{ request_txn: { compare: [], success: [put('y', 'then')], failure: [] } }, put('y', 'outer')],
      });
      await txn('two nested txns put the same key', {
        success: [
          { request_txn: { compare: [], success: [put('y', '1')], failure: [] } },
          { request_txn: { compare: [], success: [], failure: [put('y', '2')] } },
        ],
      });
      await txn('nested delete covers an outer put', {
        success: [{ request_txn: { compare: [], success: [{ request_delete_range: { key: k('y') } }], failure: [] } }, put('y', 'outer')],
      });
      await s.kv('after the duplicates', 'Range', { key: b(p), range_end: prefixEnd(p) });

      const many = (n: number): object[] => Array.from({ length: n }, (_, i) => put(`m${i}`, 'v'));
      await txn('129 puts', { success: many(129) });
      await txn('129 compares', { compare: Array.from({ length: 129 }, (_, i) => ({ key: k(`c${i}`), target: 0, result: 0, version: 0 })) });
      await txn('129 failure ops', { failure: many(129) });
      await txn('128 compares (allowed)', { compare: Array.from({ length: 128 }, (_, i) => ({ key: k(`c${i}`), target: 0, result: 0, version: 0 })) });
      await txn('nested ops count against the limit', {
        success: [...many(100), { request_txn: { compare: [], success: many(29).map((o: any) => ({ request_put: { ...o.request_put, key: Buffer.concat([o.request_put.key, b('n')]) } })), failure: [] } }],
      });

      await s.kv('value with ignore_value', 'Put', { key: k('a'), value: b('v'), ignore_value: true });
      await s.kv('lease with ignore_lease', 'Put', { key: k('a'), value: b('v'), lease: '7201', ignore_lease: true });
      await s.kv('ignore_value on a missing key', 'Put', { key: k('nope'), ignore_value: true });
      await s.kv('ignore_lease on a missing key', 'Put', { key: k('nope'), value: b('v'), ignore_lease: true });
      await s.kv('unknown lease', 'Put', { key: k('a'), value: b('v'), lease: '7299' });
      await s.kv('unknown lease and ignore_value on a missing key', 'Put', { key: k('nope'), lease: '7299', ignore_value: true });
      await txn('unknown lease in txn', { success: [put('a', 'v', { lease: '7299' })] });
      await txn('unknown lease in the branch not taken', { failure: [put('a', 'v', { lease: '7299' })] });
      await txn('ignore_value on a missing key in txn', { success: [put('nope', '', { ignore_value: true })] });
      await txn('unknown lease and ignore_value on a missing key in txn', { success: [put('nope', '', { ignore_value: true, lease: '7299' })] });
      await txn('ignore_value on a key the txn creates', { success: [put('new', 'v'), { request_txn: { compare: [], success: [put('new2', '', { ignore_value: true })], failure: [] } }] });

      const cur = await s.kv('current', 'Range', { key: k('a') });
      await s.kv('range at a future revision', 'Range', { key: k('a'), revision: rev(cur) + 1 });
      await txn('range at a future revision in txn', { success: [{ request_range: { key: k('a'), revision: rev(cur) + 1 } }] });
      await txn('future range, then unknown lease', { success: [{ request_range: { key: k('a'), revision: rev(cur) + 5 } }, put('a', 'v', { lease: '7299' })] });
      await s.kv('compact in the future', 'Compact', { revision: rev(cur) + 1 });
      await s.kv('compact', 'Compact', { revision: rev(r0) + 1 });
      await s.kv('range below compaction', 'Range', { key: k('a'), revision: rev(r0) });
      await s.kv('range at compaction', 'Range', { key: k('a'), revision: rev(r0) + 1 });
      await txn('range below compaction in txn', { success: [{ request_range: { key: k('a'), revision: rev(r0) } }] });
      await s.kv('compact at the compacted revision', 'Compact', { revision: rev(r0) + 1 });
      await s.kv('compact below it', 'Compact', { revision: rev(r0) });

      const big = Buffer.alloc(1.6 * 1024 * 1024, 'x');
      await s.kv('1.6 MiB put', 'Put', { key: k('big'), value: big });
      await txn('1.6 MiB txn', { success: [put('big', ''), { request_put: { key: k('big2'), value: big } }] });
      await s.kv('1.6 MiB put with an empty key', 'Put', { key: b(''), value: big });
      await s.kv('1.6 MiB put with ignore_value', 'Put', { key: k('a'), value: big, ignore_value: true });
      await txn('1.6 MiB read-only txn', { compare: [{ key: k('a'), target: 3, result: 3, value: big }], success: [{ request_range: { key: k('a') } }] });

      await s.grant('grant 7201', { TTL: 600, ID: '7201' });
      await s.grant('grant 7201 again', { TTL: 600, ID: '7201' });
      await s.grant('too large TTL', { TTL: 9_000_000_001, ID: '7202' });
      await s.grant('largest TTL', { TTL: 9_000_000_000, ID: '7203' });
      await s.lease('revoke unknown', 'LeaseRevoke', { ID: '7299' });
      await s.lease('revoke 7201', 'LeaseRevoke', { ID: '7201' });
      await s.lease('revoke 7203', 'LeaseRevoke', { ID: '7203' });
      await s.lease('revoke 7201 again', 'LeaseRevoke', { ID: '7201' });

      await s.kv('still serving: put', 'Put', { key: k('after'), value: b('ok'), prev_kv: true });
      await s.kv('still serving: range', 'Range', { key: b(p), range_end: prefixEnd(p), keys_only: true });
    });
  });

  it('watches', async () => {
    await differential(async (s) => {
      const p = '/diff/watch/';
      const k = (x: string): Buffer => b(p + x);
      const put = (x: string, v: string): Promise<any> => s.kv(`put ${x}=${v}`, 'Put', { key: k(x), value: b(v) });
      const del = (x: string): Promise<any> => s.kv(`delete ${x}`, 'DeleteRange', { key: k(x) });

      const r1 = await put('a', '1');
      await put('b', '1');
      await put('a', '2');
      const r4 = await del('b');

      const w = s.watch();
      // Auto IDs, then ones the client picks, auto again around them, and failed creates.
      const single = await w.create({ key: k('a') });
      const replay = await w.create({ key: k(''), range_end: prefixEnd(p), start_revision: rev(r1), prev_kv: true });
      await w.untilEvent(replay, rev(r4));
      const ids = await Promise.all([
        w.create({ key: k(''), range_end: prefixEnd(p), watch_id: 5, filters: [0] }),
        w.create({ key: k(''), range_end: prefixEnd(p), filters: [1], prev_kv: true }),
        w.create({ key: k('a'), watch_id: 5 }),
        w.create({ key: k('c'), watch_id: 3 }),
        w.create({ key: k('a'), range_end: k('') }),
        w.create({ key: k('a'), range_end: k('a') }),
        w.create({ key: k('b'), range_end: ALL }),
      ]);
      s.record('watch IDs', [single, replay, ...ids]);
      const [noPut, noDelete, , onC, , , fromB] = ids as number[];
      const r5 = await put('a', '3');
      await w.untilEvent(single, rev(r5));
      await w.untilEvent(noDelete as number, rev(r5));
      const r6 = await s.kv('txn writing three keys', 'Txn', {
        compare: [],
        success: [
          { request_put: { key: k('c'), value: b('x') } },
          { request_delete_range: { key: k('a'), prev_kv: true } },
          { request_put: { key: k('b'), value: b('y') } },
        ],
        failure: [],
      });
      for (const id of [single, replay, noPut, noDelete, onC, fromB]) await w.untilEvent(id as number, rev(r6));
      w.cancel(replay);
      w.cancel(42);
      await w.until('cancel', (rs) => rs.some((r) => r.canceled && Number(r.watch_id) === replay));
      const r7 = await put('c', 'z');
      for (const id of [noDelete, onC, fromB]) await w.untilEvent(id as number, rev(r7));
      // A future start: nothing until the store gets there.
      const future = await w.create({ key: k(''), range_end: prefixEnd(p), start_revision: rev(r7) + 2 });
      await put('d', '1');
      const r9 = await put('d', '2');
      await w.untilEvent(future, rev(r9));
      await w.untilEvent(fromB as number, rev(r9));
      await w.progress();
      s.record('watch stream', w.byWatcher());

      // A replay that spans several revisions comes as one response, then live ones follow.
      const w2 = s.watch();
      const id2 = await w2.create({ key: k(''), range_end: prefixEnd(p), start_revision: rev(r4), prev_kv: true, filters: [0] });
      await w2.untilEvent(id2, rev(r6));
      const r10 = await del('d');
      await w2.untilEvent(id2, rev(r10));
      await w2.progress();
      s.record('replay stream', w2.byWatcher());

      // No key at all watches "\0", the smallest one.
      const w3 = s.watch();
      const id3 = await w3.create({ key: b('') });
      await s.kv('put "\\0"', 'Put', { key: b('\0'), value: b('zero') });
      const r11 = await s.kv('delete "\\0"', 'DeleteRange', { key: b('\0') });
      await w3.untilEvent(id3, rev(r11));
      await w3.progress();
      s.record('empty-key stream', w3.byWatcher());
    });
  });

  it('leases', async () => {
    await differential(async (s) => {
      const p = '/diff/lease/';
      const k = (x: string): Buffer => b(p + x);
      const given = await s.grant('grant with an ID', { TTL: 600, ID: '7301' });
      const chosen = (await s.grant('grant with ID 0', { TTL: 300, ID: '0' })) ?? '0';
      await s.grant('grant with a short TTL', { TTL: 1, ID: '7302' });
      await s.lease('time-to-live of a lease without keys', 'LeaseTimeToLive', { ID: '7302', keys: true }, true);
      await s.lease('list', 'LeaseLeases', {});
      await s.lease('revoke a lease without keys', 'LeaseRevoke', { ID: '7302' });
      for (const x of ['c', 'a', 'b']) await s.kv(`put ${x}`, 'Put', { key: k(x), value: b(x), lease: chosen });
      await s.kv('put d', 'Put', { key: k('d'), value: b('d'), lease: given });
      await s.kv('put outside', 'Put', { key: k('e'), value: b('e') });
      await s.lease('time-to-live with keys', 'LeaseTimeToLive', { ID: chosen, keys: true }, true);
      await s.lease('time-to-live without keys', 'LeaseTimeToLive', { ID: given, keys: false }, true);
      await s.lease('time-to-live of an unknown lease', 'LeaseTimeToLive', { ID: '7399', keys: true });

      const ka = s.keepAlive();
      s.record('keep-alive', await ka.ping(chosen));
      s.record('keep-alive unknown', await ka.ping('7399'));
      s.record('keep-alive given', await ka.ping('7301'));
      await s.lease('time-to-live after keep-alive', 'LeaseTimeToLive', { ID: chosen }, true);

      const w = s.watch();
      const wid = await w.create({ key: k(''), range_end: prefixEnd(p), prev_kv: true });
      const revoked = await s.lease('revoke', 'LeaseRevoke', { ID: chosen });
      await w.untilEvent(wid, rev(revoked));
      await s.kv('after revoke', 'Range', { key: b(p), range_end: prefixEnd(p) });
      await s.lease('time-to-live after revoke', 'LeaseTimeToLive', { ID: chosen, keys: true });
      s.record('keep-alive after revoke', await ka.ping(chosen));
      await s.lease('revoke again', 'LeaseRevoke', { ID: chosen });

      // Expiry: a 2 s lease with keys put out of key order; they go in one revision, in key order.
      const short = (await s.grant('grant 2 s', { TTL: 2, ID: '0' })) ?? '0';
      for (const x of ['z', 'x', 'y']) await s.kv(`put ${x}`, 'Put', { key: k(x), value: b(x), lease: short });
      await s.lease('list before expiry', 'LeaseLeases', {});
      await waitFor(`keys of the expired lease to vanish on ${s.name}`, async () => {
        const r = await s.c.call('KV', 'Range', { key: k('x'), range_end: k('z\0'), count_only: true });
        return r.count === '0' ? true : undefined;
      });
      await w.until('expiry events', (rs) => rs.some((r) => r.events.some((e: any) => e.kv.key.toString() === p + 'z' && e.type === 1)));
      await s.kv('after expiry', 'Range', { key: b(p), range_end: prefixEnd(p) });
      await s.lease('time-to-live after expiry', 'LeaseTimeToLive', { ID: short });
      s.record('keep-alive after expiry', await ka.ping(short));
      await s.lease('list after expiry', 'LeaseLeases', {});
      await w.progress();
      s.record('watch stream', w.byWatcher());
      await s.lease('revoke 7301', 'LeaseRevoke', { ID: '7301' });
      await s.lease('list at the end', 'LeaseLeases', {});
    });
  });

  it('compaction', async () => {
    await differential(async (s) => {
      const p = '/diff/compact/';
      const k = (x: string): Buffer => b(p + x);
      const r1 = await s.kv('put 1', 'Put', { key: k('a'), value: b('1') });
      const r2 = await s.kv('put 2', 'Put', { key: k('a'), value: b('2') });
      await s.kv('put b', 'Put', { key: k('b'), value: b('1') });
      await s.kv('delete b', 'DeleteRange', { key: k('b') });
      const r5 = await s.kv('put 3', 'Put', { key: k('a'), value: b('3') });
      await s.kv('compact', 'Compact', { revision: rev(r2) });
      for (let r = rev(r1); r <= rev(r5); r++) await s.kv(`range at ${r - rev(r1)}`, 'Range', { key: b(p), range_end: prefixEnd(p), revision: r });
      await s.kv('range now', 'Range', { key: b(p), range_end: prefixEnd(p) });
      await s.kv('compact again', 'Compact', { revision: rev(r2) });
      await s.kv('physical compact', 'Compact', { revision: rev(r5), physical: true });
      await s.kv('range below', 'Range', { key: b(p), range_end: prefixEnd(p), revision: rev(r5) - 1 });
      await s.kv('range at', 'Range', { key: b(p), range_end: prefixEnd(p), revision: rev(r5) });

      const w = s.watch();
      await w.create({ key: k(''), range_end: prefixEnd(p), start_revision: rev(r2) });
      await w.until('compacted watch', (rs) => rs.some((r) => r.compact_revision !== '0'));
      // Starting exactly at the compaction point works, though the previous values are gone.
      const at = await w.create({ key: k(''), range_end: prefixEnd(p), start_revision: rev(r5), prev_kv: true });
      await w.untilEvent(at, rev(r5));
      const r6 = await s.kv('put 4', 'Put', { key: k('a'), value: b('4') });
      await w.untilEvent(at, rev(r6));
      await w.progress();
      s.record('watch stream', w.byWatcher());
    });
  });
});
