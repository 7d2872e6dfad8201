import { Command } from 'commander';
import { createLogger, envOption, handleShutdownSignals, routeGrpcLogs } from '@kite/common';
import { startApiServer } from './apiserver.js';
import { compileApiServerOptions, type ApiServerOptions } from './options.js';

const C = 'kite-apiserver';

/** The `kite-apiserver` command line; every flag also reads KITE_APISERVER_<FLAG>. */
export function apiServerCommand(): Command {
  return new Command(C)
    .description('the Kubernetes API for kubectl (REST) and for kite components (gRPC), over an etcd v3 store')
    .addOption(envOption(C, '--etcd-servers <urls>', 'etcd v3 endpoints, comma-separated: kite-store or a real etcd cluster').default('http://127.0.0.1:2379'))
    .addOption(envOption(C, '--listen <host:port>', 'Kubernetes REST address (port 0: any free port)').default('127.0.0.1:6443'))
    .addOption(envOption(C, '--grpc-listen <host:port>', 'kite.v1 gRPC address for kite components').default('127.0.0.1:6444'))
    .addOption(envOption(C, '--kubernetes-version <x.y.z>', 'the Kubernetes release /version reports').default('1.32.0'))
    .addOption(envOption(C, '--service-cluster-ip-range <cidr>', 'where Service ClusterIPs come from').default('10.96.0.0/12'))
    .addOption(envOption(C, '--default-toleration-seconds <n>', 'how long pods tolerate a not-ready or unreachable node').default('300'))
    .addOption(envOption(C, '--watch-cache-size <n>', 'changes per resource kept for resuming watches').default('4096'))
    .addOption(envOption(C, '--log-level <level>', 'trace, debug, info, warn, error').default('info'))
    .action(async (flags: ApiServerOptions & { logLevel: string }) => {
      const opts = compileApiServerOptions(flags);
      const log = createLogger({ component: C, level: flags.logLevel as 'info' });
      routeGrpcLogs(log);
      const server = await startApiServer(opts, log);
      // Say where it listens on stdout too, for scripts that start it with port 0.
      process.stdout.write(`kite-apiserver listening on ${server.address} (grpc ${server.grpcAddress})\n`);
      await handleShutdownSignals(log, [() => server.close()]);
    });
}
