import path from 'node:path';
import { OptionsError, parseDuration, parseHostPort, type HostPort } from '@kite/common';

/** kite-store's settings as given on the command line or in the environment. */
export interface StoreOptions {
  /** Where LevelDB keeps its files. Default `.kite/store`. */
  dataDir?: string;
  /** gRPC address for etcd v3 clients. Default 127.0.0.1:2379; port 0 picks a free port. */
  listen?: string;
  /** HTTP address for /healthz, /readyz, /metrics. Default 127.0.0.1:2381. */
  metricsListen?: string;
  /** Member name reported by `member list`. Default "default". */
  name?: string;
  /** "revision" (keep the last N revisions) or "periodic" (keep a time window). Default revision. */
  autoCompactionMode?: string;
  /** N revisions, or a duration like 1h for periodic; 0 turns it off. Default 100000. */
  autoCompactionRetention?: string;
  /** Largest write request accepted, in bytes. Default 1.5 MiB, as etcd. */
  maxRequestBytes?: number | string;
  /** Most operations in each part of a txn. Default 128, as etcd. */
  maxTxnOps?: number | string;
  /** How often idle watchers that asked for it get a progress notification. Default 10m, as etcd. */
  watchProgressNotifyInterval?: string;
  /** Bytes a watch stream may have unread before its watchers are cancelled. Default 64 MiB. */
  maxWatchPendingBytes?: number | string;
  /**
   * In a burst of writes after a quiet spell, start the disk sync once this many wait instead
   * of at the end of the event-loop turn; 0 = always at the end of the turn. Default 8.
   */
  groupCommitWrites?: number | string;
  /** The quiet spell that makes a burst, as a duration. Default 1.5ms. */
  groupCommitQuiet?: string;
  /** Acknowledge writes before they are synced to disk (benchmarks only). Default false. */
  unsafeNoFsync?: boolean;
}

export interface CompiledStoreOptions {
  dataDir: string;
  listen: HostPort;
  metricsListen: HostPort;
  name: string;
  compaction: { mode: 'revision'; revisions: number } | { mode: 'periodic'; retentionMs: number } | { mode: 'off' };
  maxRequestBytes: number;
  maxTxnOps: number;
  progressNotifyIntervalMs: number;
  maxWatchPendingBytes: number;
  fsync: boolean;
  groupCommit: { writes: number; quietMs: number };
  leaseMinTtlSeconds: number;
  leaseCheckIntervalMs: number;
}

function positiveInt(name: string, v: number | string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new OptionsError(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function parse<T>(flag: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new OptionsError(`--${flag}: ${(err as Error).message}`);
  }
}

export function compileStoreOptions(o: StoreOptions): CompiledStoreOptions {
  const mode = o.autoCompactionMode ?? 'revision';
  const retention = (o.autoCompactionRetention ?? (mode === 'periodic' ? '1h' : '100000')).trim();
  let compaction: CompiledStoreOptions['compaction'];
  if (retention === '0') compaction = { mode: 'off' };
  else if (mode === 'revision') compaction = { mode, revisions: positiveInt('auto-compaction-retention', retention, 0) };
  else if (mode === 'periodic') compaction = { mode, retentionMs: parse('auto-compaction-retention', () => parseDuration(retention)) };
  else throw new OptionsError(`--auto-compaction-mode must be "revision" or "periodic", got ${JSON.stringify(mode)}`);

  return {
    dataDir: path.resolve(o.dataDir ?? '.kite/store'),
    listen: parse('listen', () => parseHostPort(o.listen ?? '127.0.0.1:2379')),
    metricsListen: parse('metrics-listen', () => parseHostPort(o.metricsListen ?? '127.0.0.1:2381')),
    name: o.name ?? 'default',
    compaction,
    maxRequestBytes: positiveInt('max-request-bytes', o.maxRequestBytes, 1.5 * 1024 * 1024),
    maxTxnOps: positiveInt('max-txn-ops', o.maxTxnOps, 128),
    progressNotifyIntervalMs: parse('watch-progress-notify-interval', () => parseDuration(o.watchProgressNotifyInterval ?? '10m')),
    maxWatchPendingBytes: positiveInt('max-watch-pending-bytes', o.maxWatchPendingBytes, 64 * 1024 * 1024),
    fsync: !o.unsafeNoFsync,
    groupCommit: {
      writes: String(o.groupCommitWrites ?? '8') === '0' ? Infinity : positiveInt('group-commit-writes', o.groupCommitWrites, 8),
      quietMs: parse('group-commit-quiet', () => parseDuration(o.groupCommitQuiet ?? '1.5ms')),
    },
    leaseMinTtlSeconds: 2,
    leaseCheckIntervalMs: 500,
  };
}
