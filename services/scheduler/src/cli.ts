import { Command } from 'commander';
import { createLogger, envOption, handleShutdownSignals, routeGrpcLogs } from '@kite/common';
import { compileSchedulerOptions, type SchedulerOptions } from './options.js';
import { startScheduler } from './start-scheduler.js';

const C = 'kite-scheduler';

/** The `kite-scheduler` command line; every flag also reads KITE_SCHEDULER_<FLAG>. */
export function schedulerCommand(): Command {
  return new Command(C)
    .description('places pending pods on nodes: filter and score plugins, binding, leader election')
    .addOption(envOption(C, '--apiserver <host:port>', "kite-apiserver's gRPC address").default('127.0.0.1:6444'))
    .addOption(envOption(C, '--leader-elect [bool]', 'campaign for the scheduler Lease; only the leader schedules').default('true'))
    .addOption(envOption(C, '--profile <name>', 'timing defaults: kubernetes (lease 15s/10s/2s) or fast (4s/3s/1s)').default('kubernetes'))
    .addOption(envOption(C, '--lease-duration <duration>', "how long the leader's claim lasts without renewal (default: the profile's)"))
    .addOption(envOption(C, '--renew-deadline <duration>', "a leader that cannot renew this long steps down (default: the profile's)"))
    .addOption(envOption(C, '--retry-period <duration>', "how often to try to acquire or renew the lease (default: the profile's)"))
    .addOption(envOption(C, '--leader-elect-lease <ns/name>', 'the Lease the schedulers compete for').default('kube-system/kube-scheduler'))
    .addOption(envOption(C, '--identity <id>', 'this instance in the Lease (default: hostname_random)'))
    .addOption(envOption(C, '--scheduler-name <name>', 'the spec.schedulerName this instance serves').default('default-scheduler'))
    .addOption(envOption(C, '--metrics-listen <host:port>', '/healthz /readyz /metrics address (port 0: any free port)').default('127.0.0.1:10259'))
    .addOption(envOption(C, '--log-level <level>', 'trace, debug, info, warn, error').default('info'))
    .action(async (flags: SchedulerOptions & { logLevel: string }) => {
      const opts = compileSchedulerOptions(flags);
      const log = createLogger({ component: C, level: flags.logLevel as 'info' });
      routeGrpcLogs(log);
      const s = await startScheduler(opts, log);
      process.stdout.write(`kite-scheduler listening on ${s.metricsAddress} (identity ${opts.identity})\n`);
      await handleShutdownSignals(log, [() => s.close()]);
    });
}
