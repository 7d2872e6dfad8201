import { describe, expect, it } from 'vitest';
import { isReadOnlyTxn } from './txn.js';
import type { RequestOp, TxnRequest } from './wire.js';

const range = { request_range: {} } as RequestOp;
const put = { request_put: {} } as RequestOp;
const txn = (success: RequestOp[], failure: RequestOp[] = []): TxnRequest => ({ compare: [], success, failure });

describe('isReadOnlyTxn', () => {
  it.each([
    ['only ranges', txn([range], [range]), true],
    ['a put', txn([range], [put]), false],
    ['nested ranges', txn([{ request_txn: txn([range]) } as RequestOp]), true],
    ['a nested put', txn([{ request_txn: txn([range], [put]) } as RequestOp]), false],
    ['empty', txn([]), true],
  ])('%s', (_name, req, want) => expect(isReadOnlyTxn(req)).toBe(want));
});
