import { Command } from 'commander';
import { createLogger, envOption, handleShutdownSignals, routeGrpcLogs } from '@kite/common';
import { CONTROLLERS, DISABLED_BY_DEFAULT, compileControllerManagerOptions, type ControllerManagerOptions } from './options.js';
import { startControllerManager } from './start-controller-manager.js';

const C = 'kite-controller-manager';

/** The `kite-controller-manager` command line; every flag also reads KITE_CONTROLLER_MANAGER_<FLAG>. */
export function controllerManagerCommand(): Command {
  const cmd = new Command(C)
    .description('runs the controllers: replicaset, deployment, job, daemonset, statefulset, endpoints, garbage collector, namespace, node lifecycle and IPAM, pod GC')
    .addOption(envOption(C, '--apiserver <host:port>', "kite-apiserver's gRPC address").default('127.0.0.1:6444'))
    .addOption(
      envOption(
        C,
        '--controllers <list>',
        `controllers to run: '*' for every default one, 'name' to add, '-name' to drop. Known: ${CONTROLLERS.join(', ')}${DISABLED_BY_DEFAULT.size > 0 ? `; off by default: ${[...DISABLED_BY_DEFAULT].join(', ')}` : ' (all on by default)'}`,
      ).default('*'),
    )
    .addOption(envOption(C, '--leader-elect [bool]', 'campaign for the controller-manager Lease; only the leader acts').default('true'))
    .addOption(envOption(C, '--profile <name>', 'timing defaults: kubernetes (node grace 40s, lease 15s/10s/2s) or fast (node grace 4s, lease 4s/3s/1s)').default('kubernetes'))
    .addOption(envOption(C, '--lease-duration <duration>', "how long the leader's claim lasts without renewal (default: the profile's)"))
    .addOption(envOption(C, '--renew-deadline <duration>', "a leader that cannot renew this long steps down (default: the profile's)"))
    .addOption(envOption(C, '--retry-period <duration>', "how often to try to acquire or renew the lease (default: the profile's)"))
    .addOption(envOption(C, '--leader-elect-lease <ns/name>', 'the Lease the controller managers compete for').default('kube-system/kube-controller-manager'))
    .addOption(envOption(C, '--identity <id>', 'this instance in the Lease (default: hostname_random)'))
    .addOption(envOption(C, '--metrics-listen <host:port>', '/healthz /readyz /metrics address (port 0: any free port)').default('127.0.0.1:10257'));
  for (const [flag, dflt] of [
    ['replicaset', 5],
    ['deployment', 5],
    ['job', 5],
    ['daemonset', 2],
    ['statefulset', 5],
    ['endpoint', 5],
    ['gc', 20],
    ['namespace', 10],
  ] as const) {
    cmd.addOption(envOption(C, `--concurrent-${flag}-syncs <n>`, `workers for the ${flag} controller (default ${dflt})`));
  }
  return cmd
    .addOption(envOption(C, '--node-monitor-grace-period <duration>', "a node whose heartbeat is this old becomes Unknown (default: the profile's, 40s or 4s)"))
    .addOption(envOption(C, '--node-monitor-period <duration>', "how often node health is checked (default: the profile's, 5s or 500ms)"))
    .addOption(envOption(C, '--node-startup-grace-period <duration>', "grace for a node that never posted Ready (default: the profile's, 60s or 10s)"))
    .addOption(envOption(C, '--allocate-node-cidrs [bool]', 'give nodes a podCIDR from --cluster-cidr').default('true'))
    .addOption(envOption(C, '--cluster-cidr <cidr>', 'the pod network that node podCIDRs are cut from').default('10.244.0.0/16'))
    .addOption(envOption(C, '--node-cidr-mask-size <n>', 'prefix length of each node podCIDR').default('24'))
    .addOption(envOption(C, '--job-backoff <duration>', "first delay before a Job replaces a failed pod, doubling per failure (default: the profile's, 10s or 1s)"))
    .addOption(envOption(C, '--log-level <level>', 'trace, debug, info, warn, error').default('info'))
    .action(async (flags: ControllerManagerOptions & { logLevel: string }) => {
      const opts = compileControllerManagerOptions(flags);
      if (!opts.allocateNodeCidrs) opts.controllers.delete('nodeipam');
      const log = createLogger({ component: C, level: flags.logLevel as 'info' });
      routeGrpcLogs(log);
      const cm = await startControllerManager(opts, log, () => process.exit(1));
      process.stdout.write(`kite-controller-manager listening on ${cm.metricsAddress} (identity ${opts.identity})\n`);
      await handleShutdownSignals(log, [() => cm.close()]);
    });
}
