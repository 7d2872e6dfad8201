import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { apiServerBinPath } from '@kite/apiserver/paths';
import { controllerManagerBinPath } from '@kite/controller-manager/paths';
import { KUBELET_NODE_FLAGS, kubeletBinPath } from '@kite/kubelet/paths';
import { schedulerBinPath } from '@kite/scheduler/paths';
import type { Logger } from '@kite/common/log';
import { storeBinPath } from '@kite/store/paths';
import { nodePodCIDR, type ClusterCIDR } from './cidr.js';
import { startControlServer } from './control.js';
import { writeKubeconfig } from './kubeconfig.js';
import { banner, removeState, runningCluster, writeState, type ClusterState } from './state.js';

export interface UpOptions {
  /** Everything kite keeps on disk goes under here. */
  dataDir: string;
  storeListen: string;
  storeMetricsListen: string;
  apiserverListen: string;
  apiserverGrpcListen: string;
  /** Kubelets to start: node-1 … node-N, each with its own pod CIDR. */
  nodes: number;
  /**
   * The pod network: node-i gets its i-th /24, and the controller manager's node IPAM hands out
   * from it too. Two clusters on one machine need different ones (parseClusterCIDR checks it).
   */
  clusterCIDR: ClusterCIDR;
  /** Timing profile handed to the node components. */
  profile: string;
}

interface Started {
  child: ChildProcess;
  match: RegExpExecArray;
}

/** Starts one component and resolves with its "listening on" line, or rejects if it exits first. */
function startComponent(
  name: string,
  bin: string,
  args: string[],
  ready: RegExp,
  nodeFlags: readonly string[] = [],
): { started: Promise<Started>; child: ChildProcess } {
  const child = spawn(process.execPath, [...nodeFlags, bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout?.setEncoding('utf8');
  const started = new Promise<Started>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const m = ready.exec(out);
      if (m) resolve({ child, match: m });
    });
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? code}) before it was ready`)));
  });
  return { started, child };
}

/**
 * Runs the cluster's processes in the foreground until a signal or until one of them dies:
 * kite-store, then kite-apiserver on it; a kubeconfig for kubectl is written once it serves.
 */
export async function up(opts: UpOptions, log: Logger): Promise<number> {
  const already = await runningCluster(opts.dataDir);
  if (already) {
    process.stderr.write(`kite: a cluster is already running from ${path.resolve(opts.dataDir)} (pid ${already.pid}); \`kite down\` stops it\n`);
    return 1;
  }
  await mkdir(opts.dataDir, { recursive: true });
  const children: ChildProcess[] = [];
  const nodeProcs = new Set<ChildProcess>();
  let control: { address: string; close(): void } | undefined;
  let stopping = false;
  // Stop in reverse start order: nodes, then clients before the store they write to.
  const stopAll = (signal: NodeJS.Signals): void => {
    stopping = true;
    control?.close();
    for (const c of [...nodeProcs, ...[...children].reverse()]) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'stopping the cluster');
    stopAll(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const exits: Array<Promise<number>> = [];
  const track = (name: string, child: ChildProcess): void => {
    children.push(child);
    exits.push(
      new Promise((resolve) =>
        child.on('exit', (code, signal) => {
          if (!stopping) {
            log.error({ component: name, code, signal }, 'a component died; stopping the cluster');
            stopAll('SIGTERM');
          }
          resolve(code ?? (signal ? 128 : 1));
        }),
      ),
    );
  };

  let code = 0;
  try {
    const store = startComponent('kite-store', storeBinPath, ['--data-dir', path.resolve(opts.dataDir, 'store'), '--listen', opts.storeListen, '--metrics-listen', opts.storeMetricsListen], /listening on (\S+) \(metrics (\S+)\)/);
    track('kite-store', store.child);
    const s = await store.started;
    const api = startComponent(
      'kite-apiserver',
      apiServerBinPath,
      [
        '--etcd-servers', `http://${s.match[1]}`,
        '--listen', opts.apiserverListen,
        '--grpc-listen', opts.apiserverGrpcListen,
        // In `fast`, pods leave an unreachable node after 2 s instead of 5 minutes.
        ...(opts.profile === 'fast' ? ['--default-toleration-seconds', '2'] : []),
      ],
      /kite-apiserver listening on (\S+) \(grpc (\S+)\)/,
    );
    track('kite-apiserver', api.child);
    const a = await api.started;
    const grpc = a.match[2] as string;
    const scheduler = startComponent(
      'kite-scheduler',
      schedulerBinPath,
      ['--apiserver', grpc, '--profile', opts.profile, '--metrics-listen', '127.0.0.1:0'],
      /kite-scheduler listening on (\S+)/,
    );
    track('kite-scheduler', scheduler.child);
    const schedulerMetrics = (await scheduler.started).match[1] as string;
    const cm = startComponent(
      'kite-controller-manager',
      controllerManagerBinPath,
      ['--apiserver', grpc, '--profile', opts.profile, '--metrics-listen', '127.0.0.1:0', '--cluster-cidr', opts.clusterCIDR.text],
      /kite-controller-manager listening on (\S+)/,
    );
    track('kite-controller-manager', cm.child);
    const cmMetrics = (await cm.started).match[1] as string;
    const nodes: Array<{ name: string; streaming: string }> = [];
    // A node is not the control plane: one that dies (or is killed on purpose) leaves the
    // cluster running, as a real node losing power does, and `kite node start` brings it back.
    const kubelets = new Map<string, ChildProcess | undefined>();
    const nodeArgs = (i: number, name: string): string[] => [
      '--node-name', name,
      '--apiserver', grpc,
      '--root-dir', path.resolve(opts.dataDir, 'nodes', name),
      '--pod-cidr', nodePodCIDR(opts.clusterCIDR, i),
      // One L2 segment for every node's pods: pod IPs reach across nodes without host routing.
      '--cluster-cidr', opts.clusterCIDR.text,
      '--profile', opts.profile,
      '--streaming-listen', '127.0.0.1:0',
      '--metrics-listen', '127.0.0.1:0',
    ];
    const startNode = async (i: number): Promise<string> => {
      const name = `node-${i}`;
      const running = kubelets.get(name);
      if (running !== undefined && running.exitCode === null && running.signalCode === null) throw new Error(`${name} is already running`);
      const kubelet = startComponent(`kite-kubelet ${name}`, kubeletBinPath, nodeArgs(i, name), /kite-kubelet \S+ listening on (\S+)/, KUBELET_NODE_FLAGS);
      kubelets.set(name, kubelet.child);
      nodeProcs.add(kubelet.child);
      exits.push(
        new Promise((resolve) =>
          kubelet.child.on('exit', (c, signal) => {
            nodeProcs.delete(kubelet.child);
            if (!stopping) log.warn({ node: name, code: c, signal }, 'a node stopped; the cluster goes on');
            resolve(stopping ? (c ?? 0) : 0);
          }),
        ),
      );
      return (await kubelet.started).match[1] as string;
    };
    for (let i = 1; i <= opts.nodes; i++) nodes.push({ name: `node-${i}`, streaming: await startNode(i) });
    control = await startControlServer({
      names: () => [...kubelets.keys()],
      kill: (name) => {
        const c = kubelets.get(name);
        if (c === undefined || c.exitCode !== null || c.signalCode !== null) return false;
        // Like a node losing power: no graceful stop, its containers die with it.
        c.kill('SIGKILL');
        return true;
      },
      start: async (name) => {
        await startNode(Number(name.slice('node-'.length)));
      },
    });
    const kubeconfig = await writeKubeconfig(opts.dataDir, `http://${a.match[1]}`);
    const state: ClusterState = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      store: { endpoint: s.match[1] as string, metrics: s.match[2] as string },
      apiserver: { url: `http://${a.match[1]}`, grpc },
      scheduler: { metrics: schedulerMetrics },
      controllerManager: { metrics: cmMetrics },
      nodes,
      control: control.address,
      kubeconfig,
    };
    await writeState(opts.dataDir, state);
    process.stdout.write(`${banner(opts.dataDir, state)}\nPress Ctrl-C to stop.\n`);
  } catch (err) {
    if (!stopping) log.error({ err: (err as Error).message }, 'the cluster did not start');
    stopAll('SIGTERM');
    code = 1;
  }
  // Nodes started later (kite node start) add to `exits` while we wait.
  let codes: number[] = [];
  for (let seen = 0; seen < exits.length; ) {
    const batch = exits.slice(seen);
    seen = exits.length;
    codes = [...codes, ...(await Promise.all(batch))];
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await removeState(opts.dataDir);
  return code || (codes.find((c) => c !== 0 && c !== 128 + 15 && c !== 128) ?? 0);
}
