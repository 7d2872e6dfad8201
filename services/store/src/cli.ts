import { Command } from 'commander';
import { createLogger, envOption, handleShutdownSignals, routeGrpcLogs } from '@kite/common';
import { compileStoreOptions, type StoreOptions } from './options.js';
import { startStore } from './store.js';

const C = 'kite-store';

/** The `kite-store` command line; every flag also reads KITE_STORE_<FLAG>. */
export function storeCommand(): Command {
  return new Command(C)
    .description("kite's state store: the etcd v3 gRPC API (KV, Watch, Lease, Maintenance, Cluster) on LevelDB")
    .addOption(envOption(C, '--data-dir <dir>', 'LevelDB data directory').default('.kite/store'))
    .addOption(envOption(C, '--listen <host:port>', 'etcd v3 gRPC address (port 0: any free port)').default('127.0.0.1:2379'))
    .addOption(envOption(C, '--metrics-listen <host:port>', '/healthz, /readyz and /metrics address').default('127.0.0.1:2381'))
    .addOption(envOption(C, '--name <name>', 'member name shown by `etcdctl member list`').default('default'))
    .addOption(envOption(C, '--auto-compaction-mode <mode>', 'revision (keep N revisions) or periodic (keep a time window)').default('revision'))
    .addOption(envOption(C, '--auto-compaction-retention <n|duration>', 'revisions to keep, or a window such as 1h; 0 turns it off (default: 100000, or 1h when periodic)'))
    .addOption(envOption(C, '--max-request-bytes <n>', 'largest write request accepted').default('1572864'))
    .addOption(envOption(C, '--max-txn-ops <n>', 'most operations in each part of a txn').default('128'))
    .addOption(envOption(C, '--watch-progress-notify-interval <duration>', 'progress notifications to idle watchers that ask for them').default('10m'))
    .addOption(envOption(C, '--max-watch-pending-bytes <n>', 'unread bytes a watch stream may have before its watchers are cancelled').default(String(64 * 1024 * 1024)))
    .addOption(envOption(C, '--group-commit-writes <n>', 'in a burst after a quiet spell, sync once this many writes wait (0: at the end of each event-loop turn)').default('8'))
    .addOption(envOption(C, '--group-commit-quiet <duration>', 'the quiet spell before a burst').default('1.5ms'))
    .addOption(envOption(C, '--unsafe-no-fsync', 'acknowledge writes before they reach the disk (benchmarks only)'))
    .addOption(envOption(C, '--log-level <level>', 'trace, debug, info, warn, error').default('info'))
    .action(async (flags: StoreOptions & { logLevel: string }) => {
      const opts = compileStoreOptions(flags);
      const log = createLogger({ component: C, level: flags.logLevel as 'info' });
      routeGrpcLogs(log);
      const store = await startStore(opts, log);
      // Say where it listens on stdout too, for scripts that start it with port 0.
      process.stdout.write(`kite-store listening on ${store.address} (metrics ${store.metricsAddress})\n`);
      // Crash-only: a restart reloads a consistent state from disk, which memory no longer is.
      void store.fatal.then((err) => {
        log.fatal({ err }, 'cannot persist writes; exiting');
        process.exit(1);
      });
      await handleShutdownSignals(log, [() => store.close()]);
    });
}
