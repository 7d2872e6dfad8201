import { Command } from 'commander';
import { createLogger, envOption } from '@kite/common';
import { up } from './up.js';

const C = 'kite';

export function kiteCommand(): Command {
  const program = new Command(C).description('kite: a small, real Kubernetes. Start and manage a local cluster.');
  program
    .command('up')
    .description('start a cluster in the foreground (at this stage: the store)')
    .addOption(envOption(C, '--data-dir <dir>', 'where the cluster keeps its state').default('.kite'))
    .addOption(envOption(C, '--store-listen <host:port>', 'kite-store etcd v3 address').default('127.0.0.1:2379'))
    .addOption(envOption(C, '--store-metrics-listen <host:port>', 'kite-store /healthz and /metrics address').default('127.0.0.1:2381'))
    .action(async (flags: { dataDir: string; storeListen: string; storeMetricsListen: string }) => {
      const log = createLogger({ component: C });
      process.exitCode = await up(flags, log);
    });
  return program;
}
