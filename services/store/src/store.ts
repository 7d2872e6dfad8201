import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import {
  bindGrpcServer,
  createGrpcServer,
  createMetricsRegistry,
  formatHostPort,
  shutdownGrpcServer,
  startHealthServer,
  type Logger,
} from '@kite/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Backend } from './backend.js';
import { startAutoCompaction } from './compactor.js';
import { headerFactory } from './header.js';
import { Lessor } from './lease.js';
import { Mvcc } from './mvcc.js';
import type { CompiledStoreOptions } from './options.js';
import { addStoreServices } from './server.js';
import { WatchHub } from './watch.js';

/** The etcd API level kite-store speaks (Maintenance.Status reports it as the version). */
export const ETCD_API_VERSION = '3.4.0';

export interface RunningStore {
  /** host:port of the etcd v3 gRPC endpoint. */
  address: string;
  /** host:port of /healthz, /readyz, /metrics. */
  metricsAddress: string;
  mvcc: Mvcc;
  /** Resolves if the store can no longer persist writes; the process should then exit. */
  fatal: Promise<Error>;
  close(): Promise<void>;
}

/** A random non-zero 53-bit ID: as unique as a cluster needs, and cheap to put on the wire. */
const randomId = (): string => ((randomBytes(8).readBigUInt64BE() >> 11n) || 1n).toString();

/** Opens the data directory, restores state, and serves the etcd v3 API until closed. */
export async function startStore(opts: CompiledStoreOptions, log: Logger): Promise<RunningStore> {
  await mkdir(opts.dataDir, { recursive: true });
  const backend = await Backend.open(opts.dataDir, { sync: opts.fsync, groupCommit: opts.groupCommit, log });
  const identity = await backend.identity(randomId);
  const loadStarted = Date.now();
  const state = await backend.load();
  const mvcc = new Mvcc(backend);
  mvcc.restore(state);
  log.info(
    { records: state.records.length, revision: mvcc.currentRev, compacted: mvcc.compactedRev, ms: Date.now() - loadStarted },
    'restored state',
  );

  const header = headerFactory(identity);
  const lessor = new Lessor(mvcc, backend, { minTtlSeconds: opts.leaseMinTtlSeconds, checkIntervalMs: opts.leaseCheckIntervalMs }, log);
  lessor.restore(state.leases);
  lessor.start();
  const hub = new WatchHub(
    mvcc,
    header,
    { maxPendingBytes: opts.maxWatchPendingBytes, progressNotifyIntervalMs: opts.progressNotifyIntervalMs },
    log,
  );
  const stopCompaction = startAutoCompaction(mvcc, opts.compaction, log);

  const registry = createMetricsRegistry('store');
  const metrics = {
    requests: new Counter({
      name: 'kite_store_requests_total',
      help: 'etcd API requests by method and gRPC code',
      labelNames: ['method', 'code'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'kite_store_request_duration_seconds',
      help: 'etcd API request latency, including the wait for durability',
      labelNames: ['method'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
  new Gauge({ name: 'kite_store_revision', help: 'current revision', registers: [registry], collect() { this.set(mvcc.currentRev); } });
  new Gauge({ name: 'kite_store_compacted_revision', help: 'compaction point', registers: [registry], collect() { this.set(mvcc.compactedRev); } });
  new Gauge({ name: 'kite_store_keys', help: 'live and historical keys in the index', registers: [registry], collect() { this.set(mvcc.index.keyCount); } });
  new Gauge({ name: 'kite_store_watchers', help: 'open watchers', registers: [registry], collect() { this.set(hub.watcherCount); } });
  new Gauge({ name: 'kite_store_leases', help: 'live leases', registers: [registry], collect() { this.set(lessor.count); } });
  new Gauge({ name: 'kite_store_disk_syncs', help: 'synced LevelDB batches written', registers: [registry], collect() { this.set(backend.batchesWritten); } });

  const server = createGrpcServer({ maxReceiveMessageLength: opts.maxRequestBytes + 512 * 1024 });
  let address = '';
  addStoreServices(server, {
    mvcc,
    lessor,
    hub,
    header,
    log,
    maxRequestBytes: opts.maxRequestBytes,
    maxTxnOps: opts.maxTxnOps,
    metrics,
    status: async () => {
      const rev = await mvcc.readable();
      const dbSize = await backend.sizeOnDisk();
      return {
        header: header(rev),
        version: ETCD_API_VERSION,
        dbSize,
        leader: identity.memberId,
        raftIndex: rev,
        raftTerm: identity.term,
        raftAppliedIndex: rev,
        errors: backend.healthy ? [backend.healthy] : [],
        dbSizeInUse: dbSize,
        isLearner: false,
      };
    },
    members: () => [{ ID: identity.memberId, name: opts.name, peerURLs: [], clientURLs: [`http://${address}`], isLearner: false }],
  });
  const bound = await bindGrpcServer(server, opts.listen);
  address = formatHostPort(bound);
  const health = await startHealthServer({
    listen: opts.metricsListen,
    registry,
    liveness: { backend: () => backend.healthy },
  });
  log.info({ listen: address, metrics: health.address, dataDir: opts.dataDir, revision: mvcc.currentRev }, 'kite-store serving the etcd v3 API');

  return {
    address,
    metricsAddress: health.address,
    mvcc,
    fatal: new Promise<Error>((resolve) => backend.onFailure(resolve)),
    close: async () => {
      stopCompaction();
      lessor.stop();
      hub.close();
      await shutdownGrpcServer(server);
      await health.close();
      await backend.close();
    },
  };
}
