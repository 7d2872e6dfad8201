import { Command } from 'commander';
import { createLogger, envOption } from '@kite/common';
import { down, status, upDetached } from './detach.js';
import { up } from './up.js';

const C = 'kite';

const dataDirOption = () => envOption(C, '--data-dir <dir>', 'where the cluster keeps its state').default('.kite');

export function kiteCommand(): Command {
  const program = new Command(C).description('kite: a small, real Kubernetes. Start and manage a local cluster.');
  program
    .command('up')
    .description('start a cluster (at this stage: the store), in the foreground unless --detach')
    .addOption(dataDirOption())
    .addOption(envOption(C, '--store-listen <host:port>', 'kite-store etcd v3 address').default('127.0.0.1:2379'))
    .addOption(envOption(C, '--store-metrics-listen <host:port>', 'kite-store /healthz and /metrics address').default('127.0.0.1:2381'))
    .addOption(envOption(C, '--detach', 'run in the background and return once the cluster is ready'))
    .action(async (flags: { dataDir: string; storeListen: string; storeMetricsListen: string; detach?: boolean }) => {
      if (flags.detach) {
        process.exitCode = await upDetached(flags.dataDir, ['--store-listen', flags.storeListen, '--store-metrics-listen', flags.storeMetricsListen]);
        return;
      }
      const log = createLogger({ component: C });
      process.exitCode = await up(flags, log);
    });
  program
    .command('down')
    .description('stop a cluster started with `kite up --detach`')
    .addOption(dataDirOption())
    .action(async (flags: { dataDir: string }) => {
      process.exitCode = await down(flags.dataDir);
    });
  program
    .command('status')
    .description('say whether a cluster is running and whether it answers')
    .addOption(dataDirOption())
    .action(async (flags: { dataDir: string }) => {
      process.exitCode = await status(flags.dataDir);
    });
  return program;
}
