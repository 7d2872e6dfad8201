import { EtcdErrors } from './errors.js';
import type { KeyIndex } from './key-index.js';
import { keyRange, toKey } from './keys.js';
import { toKeyValue } from './kv.js';
import type { KvRecord } from './record.js';
import { SortOrder, SortTarget, type RangeRequest, type RangeResponse } from './wire.js';

export function checkRangeRequest(req: RangeRequest): void {
  if (req.key.length === 0) throw EtcdErrors.emptyKey();
  // etcd 3.4 ignores an unknown sort order; an unknown target makes it panic, so refuse that.
  if (!Object.values(SortTarget).includes(req.sort_target as 0)) throw EtcdErrors.invalidSortOption();
}

const sortKeys: Record<number, (r: KvRecord) => number | string> = {
  [SortTarget.KEY]: (r) => r.key,
  [SortTarget.VERSION]: (r) => r.version,
  [SortTarget.CREATE]: (r) => r.create,
  [SortTarget.MOD]: (r) => r.mod,
  [SortTarget.VALUE]: (r) => r.value.toString('latin1'),
};

export interface RangeResult {
  records: KvRecord[];
  more: boolean;
  count: number;
}

/** A Range inside a txn: the same evaluation, as KeyValue messages. */
export function evalRange(index: KeyIndex, req: RangeRequest, rev: number): Omit<RangeResponse, 'header'> {
  const { records, more, count } = evalRangeRecords(index, req, rev);
  return { kvs: records.map((r) => toKeyValue(r, req.keys_only)), more, count };
}

/**
 * Evaluates a Range at revision `rev` the way etcd's applier does: count every key in range,
 * filter by mod/create revision, sort (ascending by default when the target is not the key),
 * then cut at `limit` and say whether there was more. The caller fills in the header.
 */
export function evalRangeRecords(index: KeyIndex, req: RangeRequest, rev: number): RangeResult {
  const limit = Number(req.limit);
  const minMod = Number(req.min_mod_revision);
  const maxMod = Number(req.max_mod_revision);
  const minCreate = Number(req.min_create_revision);
  const maxCreate = Number(req.max_create_revision);
  const filtered = minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0;
  let order = req.sort_order;
  if (req.sort_target !== SortTarget.KEY && order === SortOrder.NONE) order = SortOrder.ASCEND;
  const sorted = order === SortOrder.ASCEND || order === SortOrder.DESCEND;
  // Without sorting or filtering, the scan may stop one past the limit, as etcd's does.
  const fetchAll = order !== SortOrder.NONE || filtered;

  const range = keyRange(toKey(req.key), toKey(req.range_end));
  let count = 0;
  let records: KvRecord[] = [];
  index.scan(range, rev, (r) => {
    count++;
    if (req.count_only) return;
    if (fetchAll || limit <= 0 || records.length <= limit) records.push(r);
  });

  if (filtered) {
    records = records.filter(
      (r) =>
        !(minMod !== 0 && r.mod < minMod) &&
        !(maxMod !== 0 && r.mod > maxMod) &&
        !(minCreate !== 0 && r.create < minCreate) &&
        !(maxCreate !== 0 && r.create > maxCreate),
    );
  }
  if (sorted) {
    const keyOf = sortKeys[req.sort_target] as (r: KvRecord) => number | string;
    const sign = order === SortOrder.DESCEND ? -1 : 1;
    if (!(req.sort_target === SortTarget.KEY && order === SortOrder.ASCEND)) {
      records.sort((a, b) => {
        const x = keyOf(a);
        const y = keyOf(b);
        return x < y ? -sign : x > y ? sign : 0;
      });
    }
  }
  let more = false;
  if (limit > 0 && records.length > limit) {
    records.length = limit;
    more = true;
  }
  return { records, more, count };
}
