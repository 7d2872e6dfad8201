import { Command } from 'commander';
import { createLogger, envOption, handleShutdownSignals, routeGrpcLogs } from '@kite/common';
import { runHollowKubelet } from './hollow/run.js';
import { startKubelet } from './kubelet.js';
import { compileKubeletOptions, type KubeletOptions } from './options.js';

const C = 'kite-kubelet';

/** The `kite-kubelet` command line; every flag also reads KITE_KUBELET_<FLAG>. */
export function kubeletCommand(): Command {
  return new Command(C)
    .description("kite's node agent: runs the pods bound to its node as processes and keeps the apiserver told about them and the node")
    .addOption(envOption(C, '--node-name <name>', 'the Node name (default: the host name)'))
    .addOption(envOption(C, '--apiserver <host:port>', "the apiserver's kite.v1 gRPC address").default('127.0.0.1:6444'))
    .addOption(envOption(C, '--root-dir <dir>', 'state directory: pod directories, logs, runtime state').default('.kite/kubelet'))
    .addOption(envOption(C, '--profile <name>', 'timing profile: kubernetes (upstream defaults) or fast (seconds)').default('kubernetes'))
    .addOption(envOption(C, '--node-lease-renew-interval <duration>', 'how often the node Lease is renewed (kubernetes 10s, fast 1s)'))
    .addOption(envOption(C, '--node-lease-duration-seconds <n>', 'the Lease duration (kubernetes 40, fast 4)'))
    .addOption(envOption(C, '--node-status-update-frequency <duration>', 'how often node status is checked and written when changed (kubernetes 10s, fast 1s)'))
    .addOption(envOption(C, '--node-status-report-frequency <duration>', 'how often node status is written even when unchanged (kubernetes 5m, fast 10s)'))
    .addOption(envOption(C, '--crash-backoff-initial <duration>', 'first CrashLoopBackOff delay (kubernetes 10s, fast 1s)'))
    .addOption(envOption(C, '--crash-backoff-max <duration>', 'longest CrashLoopBackOff delay (kubernetes 5m, fast 10s)'))
    .addOption(envOption(C, '--crash-backoff-reset <duration>', 'a container that ran this long restarts without delay (kubernetes 10m, fast 10s)'))
    .addOption(envOption(C, '--pod-cidr <cidr>', "the node's pod CIDR (IPv4); without it pods share the host network"))
    .addOption(envOption(C, '--cluster-cidr <cidr>', "the cluster's pod network (IPv4, containing --pod-cidr): kubelets on this machine with the same one join their node bridges to one shared bridge, so pods reach other nodes' pods by pod IP (bridged, not routed)"))
    .addOption(envOption(C, '--node-labels <k=v,...>', 'extra labels for the Node'))
    .addOption(envOption(C, '--register-with-taints <key=value:Effect,...>', 'taints the Node registers with'))
    .addOption(envOption(C, '--capacity-cpu <quantity>', 'CPU capacity (default: the number of CPUs)'))
    .addOption(envOption(C, '--capacity-memory <quantity>', 'memory capacity (default: the machine memory)'))
    .addOption(envOption(C, '--capacity-pods <n>', 'most pods on this node').default('110'))
    .addOption(envOption(C, '--image-catalog <file>', 'YAML or JSON file with extra image catalog entries'))
    .addOption(envOption(C, '--streaming-listen <host:port>', 'streaming service (logs, exec, attach, port-forward) address; port 0: any free port').default('127.0.0.1:10250'))
    .addOption(envOption(C, '--metrics-listen <host:port>', '/healthz, /readyz and /metrics address; port 0: any free port').default('127.0.0.1:10248'))
    .addOption(envOption(C, '--node-ip <ip>', "the address the Node reports (InternalIP, pods' hostIP); the apiserver reaches the streaming service there").default('127.0.0.1'))
    .addOption(envOption(C, '--container-log-max-size <quantity>', 'rotate a container log at this size').default('10Mi'))
    .addOption(envOption(C, '--container-log-max-files <n>', 'rotated files kept per container').default('5'))
    .addOption(envOption(C, '--log-level <level>', 'trace, debug, info, warn, error').default('info'))
    .addOption(envOption(C, '--hollow-nodes <n>', 'benchmark mode: simulate N nodes in this process (defaults 4 cpu, 32Gi, lease 30s/40s); their pods are reported Running, nothing runs'))
    .addOption(envOption(C, '--node-name-prefix <prefix>', 'hollow node names: <prefix>0, <prefix>1, ...').default('hollow-'))
    .action(async (flags: KubeletOptions & { logLevel: string; hollowNodes?: string; nodeNamePrefix?: string }) => {
      if (flags.hollowNodes !== undefined) return runHollowKubelet(flags);
      const opts = compileKubeletOptions(flags);
      const log = createLogger({ component: C, level: flags.logLevel as 'info' }).child({ node: opts.nodeName });
      routeGrpcLogs(log);
      const kubelet = await startKubelet(opts, log);
      // Said on stdout for `kite up` and tests, which wait for it: the first address is the streaming one.
      process.stdout.write(`kite-kubelet ${opts.nodeName} listening on ${kubelet.streamingAddress} (metrics ${kubelet.metricsAddress})\n`);
      await handleShutdownSignals(log, [() => kubelet.close()]);
    });
}
