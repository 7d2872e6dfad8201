import { Command } from 'commander';
// Subpaths: the supervisor needs no gRPC, metrics or health server of its own.
import { createLogger } from '@kite/common/log';
import { envOption } from '@kite/common/options';
import { DEFAULT_CLUSTER_CIDR, parseClusterCIDR } from './cidr.js';
import { down, nodeAction, status, upDetached } from './detach.js';
import { up } from './up.js';

const C = 'kite';

const dataDirOption = () => envOption(C, '--data-dir <dir>', 'where the cluster keeps its state (and its kubeconfig)').default('.kite');
const stateDirOption = () => envOption(C, '--state-dir <dir>', 'the same as --data-dir');

interface UpFlags {
  dataDir: string;
  stateDir?: string;
  storeListen: string;
  storeMetricsListen: string;
  apiserverListen: string;
  apiserverGrpcListen: string;
  nodes: string;
  clusterCidr: string;
  profile: string;
  detach?: boolean;
}

export function kiteCommand(): Command {
  const program = new Command(C).description('kite: a small, real Kubernetes. Start and manage a local cluster.');
  program
    .command('up')
    .description('start a cluster (kite-store and kite-apiserver), in the foreground unless --detach')
    .addOption(dataDirOption())
    .addOption(stateDirOption())
    .addOption(envOption(C, '--store-listen <host:port>', 'kite-store etcd v3 address').default('127.0.0.1:2379'))
    .addOption(envOption(C, '--store-metrics-listen <host:port>', 'kite-store /healthz and /metrics address').default('127.0.0.1:2381'))
    .addOption(envOption(C, '--apiserver-listen <host:port>', 'kite-apiserver Kubernetes REST address').default('127.0.0.1:6443'))
    .addOption(envOption(C, '--apiserver-grpc-listen <host:port>', 'kite-apiserver kite.v1 gRPC address').default('127.0.0.1:6444'))
    .addOption(envOption(C, '--nodes <n>', 'kubelets to start (node-1 … node-N)').default('1'))
    .addOption(
      envOption(
        C,
        '--cluster-cidr <cidr>',
        "pod network, /8 to /24: node-i gets its i-th /24 (node-1 10.244.1.0/24, ...) and the controller manager's node IPAM uses it; a second cluster on this machine needs another (e.g. 10.245.0.0/16)",
      ).default(DEFAULT_CLUSTER_CIDR),
    )
    .addOption(envOption(C, '--profile <profile>', 'timing profile for the node components: kubernetes or fast').default('kubernetes'))
    .addOption(envOption(C, '--detach', 'run in the background and return once the apiserver is ready'))
    .action(async (flags: UpFlags) => {
      const dataDir = flags.stateDir ?? flags.dataDir;
      const usage = (msg: string): void => {
        process.stderr.write(`kite: ${msg}\n`);
        process.exitCode = 2;
      };
      // Checked before --detach too: a bad flag is said here, not in the background's log.
      const nodes = Number(flags.nodes);
      if (!Number.isInteger(nodes) || nodes < 0 || nodes > 50) return usage(`--nodes must be a whole number from 0 to 50, got ${JSON.stringify(flags.nodes)}`);
      if (flags.profile !== 'kubernetes' && flags.profile !== 'fast') return usage(`--profile must be "kubernetes" or "fast", got ${JSON.stringify(flags.profile)}`);
      let clusterCIDR;
      try {
        clusterCIDR = parseClusterCIDR(flags.clusterCidr, nodes);
      } catch (err) {
        return usage((err as Error).message);
      }
      if (flags.detach) {
        process.exitCode = await upDetached(dataDir, [
          '--store-listen', flags.storeListen,
          '--store-metrics-listen', flags.storeMetricsListen,
          '--apiserver-listen', flags.apiserverListen,
          '--apiserver-grpc-listen', flags.apiserverGrpcListen,
          '--nodes', flags.nodes,
          '--cluster-cidr', clusterCIDR.text,
          '--profile', flags.profile,
        ]);
        return;
      }
      const log = createLogger({ component: C });
      process.exitCode = await up({ ...flags, dataDir, nodes, clusterCIDR, profile: flags.profile }, log);
    });
  program
    .command('down')
    .description('stop a cluster started with `kite up --detach`')
    .addOption(dataDirOption())
    .addOption(stateDirOption())
    .action(async (flags: { dataDir: string; stateDir?: string }) => {
      process.exitCode = await down(flags.stateDir ?? flags.dataDir);
    });
  const node = program.command('node').description('act on a node of the running cluster (for chaos tests)');
  for (const [verb, what] of [
    ['kill', "SIGKILL the node's kubelet: its containers die with it, like a node losing power"],
    ['start', 'start a killed node again'],
  ] as const) {
    node
      .command(`${verb} <name>`)
      .description(what)
      .addOption(dataDirOption())
      .addOption(stateDirOption())
      .action(async (name: string, flags: { dataDir: string; stateDir?: string }) => {
        process.exitCode = await nodeAction(flags.stateDir ?? flags.dataDir, verb, name);
      });
  }
  program
    .command('status')
    .description('say whether a cluster is running and whether it answers')
    .addOption(dataDirOption())
    .addOption(stateDirOption())
    .action(async (flags: { dataDir: string; stateDir?: string }) => {
      process.exitCode = await status(flags.stateDir ?? flags.dataDir);
    });
  return program;
}
