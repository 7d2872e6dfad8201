import { describe, expect, it } from 'vitest';
import { compileStoreOptions } from './options.js';

describe('compileStoreOptions', () => {
  it('defaults to etcd-like limits and bounded history', () => {
    const o = compileStoreOptions({});
    expect(o.listen).toEqual({ host: '127.0.0.1', port: 2379 });
    expect(o.maxRequestBytes).toBe(1.5 * 1024 * 1024);
    expect(o.maxTxnOps).toBe(128);
    expect(o.compaction).toEqual({ mode: 'revision', revisions: 100000 });
    expect(o.fsync).toBe(true);
    expect(o.groupCommit).toEqual({ writes: 8, quietMs: 1.5 });
    expect(compileStoreOptions({ groupCommitWrites: '0' }).groupCommit.writes).toBe(Infinity);
  });

  it('reads periodic retention as a duration, and 0 as off', () => {
    expect(compileStoreOptions({ autoCompactionMode: 'periodic', autoCompactionRetention: '30m' }).compaction).toEqual({
      mode: 'periodic',
      retentionMs: 1_800_000,
    });
    expect(compileStoreOptions({ autoCompactionRetention: '0' }).compaction).toEqual({ mode: 'off' });
  });

  it.each([
    [{ autoCompactionMode: 'daily' }, /auto-compaction-mode/],
    [{ autoCompactionRetention: '-5' }, /auto-compaction-retention/],
    [{ maxTxnOps: 'many' }, /max-txn-ops/],
    [{ groupCommitWrites: '-1' }, /group-commit-writes/],
    [{ groupCommitQuiet: 'a while' }, /group-commit-quiet/],
    [{ listen: 'nowhere' }, /--listen: invalid address/],
    [{ autoCompactionMode: 'periodic', autoCompactionRetention: 'soon' }, /invalid duration/],
  ])('rejects %j', (input, message) => expect(() => compileStoreOptions(input)).toThrow(message));
});
