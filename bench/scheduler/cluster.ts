import path from 'node:path';
import { repoRoot, startKiteStore, startProcess, type Proc, type Server } from '../store/procs.js';

const apiserverBin = path.join(repoRoot, 'services/apiserver/dist/bin.js');
const schedulerBin = path.join(repoRoot, 'services/scheduler/dist/bin.js');
const kubeletBin = path.join(repoRoot, 'services/kubelet/dist/bin.js');

export interface Cluster {
  store: Server;
  apiserver: Proc & { rest: string; grpc: string };
  scheduler: (Proc & { metrics: string }) | undefined;
  hollow: (Proc & { metrics: string }) | undefined;
  /** Stops what runs, in reverse order of start. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  dataDir: string;
  watchCacheSize: number;
  /** node flags (e.g. --cpu-prof) per component. */
  nodeArgs: { apiserver: string[]; scheduler: string[]; hollow: string[]; store: string[] };
}

async function waitForOutput(p: Proc, what: string, re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => (exited = true));
  for (;;) {
    const m = re.exec(p.output());
    if (m) return m;
    if (exited) throw new Error(`${what} exited before it was ready:\n${p.output().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}:\n${p.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** kite-store and kite-apiserver on loopback; the scheduler and the hollow nodes come later. */
export async function startControlPlane(o: ClusterOptions): Promise<Cluster> {
  const store = await startKiteStore(o.dataDir, { nodeArgs: o.nodeArgs.store });
  const cluster: Cluster = {
    store,
    apiserver: undefined as unknown as Cluster['apiserver'],
    scheduler: undefined,
    hollow: undefined,
    async stop() {
      await cluster.hollow?.stop(15_000);
      await cluster.scheduler?.stop(10_000);
      await (cluster.apiserver as Cluster['apiserver'] | undefined)?.stop(10_000);
      await store.stop(10_000);
    },
  };
  try {
    const p = startProcess(
      process.execPath,
      [...o.nodeArgs.apiserver, apiserverBin, '--etcd-servers', `http://${store.endpoint}`, '--listen', '127.0.0.1:0', '--grpc-listen', '127.0.0.1:0', '--watch-cache-size', String(o.watchCacheSize), '--log-level', 'warn'],
    );
    cluster.apiserver = { ...p, rest: '', grpc: '' };
    const m = await waitForOutput(p, 'kite-apiserver', /kite-apiserver listening on (\S+) \(grpc (\S+)\)/, 30_000);
    cluster.apiserver = { ...p, rest: m[1] as string, grpc: m[2] as string };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** One kite-kubelet in hollow mode with `nodes` nodes; resolves once every node is registered. */
export async function startHollow(c: Cluster, nodes: number, prefix: string, nodeArgs: string[]): Promise<void> {
  const p = startProcess(process.execPath, [
    ...nodeArgs,
    kubeletBin,
    '--hollow-nodes', String(nodes),
    '--node-name-prefix', prefix,
    '--apiserver', c.apiserver.grpc,
    '--metrics-listen', '127.0.0.1:0',
    '--log-level', 'warn',
  ]);
  c.hollow = { ...p, metrics: '' };
  const m = await waitForOutput(p, 'the hollow kubelet', /hollow nodes \S+ serving \(metrics (\S+)\)/, 30_000 + nodes * 20);
  c.hollow = { ...p, metrics: m[1] as string };
}

export async function startScheduler(c: Cluster, nodeArgs: string[]): Promise<void> {
  const p = startProcess(process.execPath, [
    ...nodeArgs,
    schedulerBin,
    '--apiserver', c.apiserver.grpc,
    '--leader-elect', 'false',
    '--metrics-listen', '127.0.0.1:0',
    '--log-level', 'warn',
  ]);
  c.scheduler = { ...p, metrics: '' };
  const m = await waitForOutput(p, 'kite-scheduler', /kite-scheduler listening on (\S+)/, 30_000);
  c.scheduler = { ...p, metrics: m[1] as string };
}

/** A counter or gauge's value from a Prometheus text page, summed over the lines matching `labels`. */
export async function scrape(address: string, metric: string, labels = ''): Promise<number | undefined> {
  try {
    const text = await (await fetch(`http://${address}/metrics`)).text();
    let sum: number | undefined;
    for (const line of text.split('\n')) {
      if (!(line.startsWith(metric + ' ') || line.startsWith(metric + '{'))) continue;
      if (labels !== '' && !line.includes(labels)) continue;
      sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  } catch {
    return undefined;
  }
}
