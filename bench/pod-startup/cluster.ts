import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { KUBELET_NODE_FLAGS } from '@kite/kubelet';
import { startStack, type Stack } from '../apiserver/servers.js';
import { HttpClient, json } from '../apiserver/http.js';
import { repoRoot, waitForOutput } from '../store/procs.js';
import { startOwned, type OwnedProc } from './procs.js';

export const kubeletBin = path.join(repoRoot, 'services/kubelet/dist/bin.js');
export const schedulerBin = path.join(repoRoot, 'services/scheduler/dist/bin.js');

export interface KubeletNode {
  name: string;
  podCIDR: string;
  rootDir: string;
  proc: OwnedProc;
}

export interface Cluster {
  stack: Stack;
  grpc: string;
  scheduler: OwnedProc;
  kubelets: KubeletNode[];
  api: HttpClient;
}

export interface ClusterOptions {
  nodes: number;
  /** Every kubelet's --root-dir goes under here. */
  baseDir: string;
  kubeletNodeArgs: string[];
  kubeletLogLevel: string;
  /** Called with each kubelet's output line (pino JSON) when given. */
  onKubeletLine?: (node: string, line: string) => void;
  say: (s: string) => void;
}

/** The /24 each node gets: 10.244.201.0/24, .202, ... (clear of what tests pick, 10.200-249.x). */
export const podCIDRFor = (i: number): string => `10.244.${201 + i}.0/24`;

/**
 * kite-store, kite-apiserver, kite-scheduler and `nodes` kite-kubelets (fast profile), all on
 * loopback; resolves once every node is Ready. Whatever started before a failure is left in
 * `partial` for the caller to stop.
 */
export async function startCluster(o: ClusterOptions, partial: Partial<Cluster>): Promise<Cluster> {
  const stack = await startStack('kite', path.join(o.baseDir, 'store'), {});
  partial.stack = stack;
  const grpc = /\(grpc (\S+)\)/.exec(stack.apiserver.output())?.[1];
  if (grpc === undefined) throw new Error(`kite-apiserver did not say its gRPC address:\n${stack.apiserver.output()}`);
  partial.grpc = grpc;
  const api = new HttpClient(stack.apiserver.address, 16);
  partial.api = api;
  o.say(`== kite-store pid ${stack.backend.pid}, kite-apiserver pid ${stack.apiserver.pid} (${stack.apiserver.address}, grpc ${grpc})`);

  const scheduler = startOwned(
    process.execPath,
    [schedulerBin, '--apiserver', grpc, '--leader-elect', 'false', '--profile', 'fast', '--metrics-listen', '127.0.0.1:0', '--log-level', 'warn'],
    {},
  );
  partial.scheduler = scheduler;
  await waitForOutput(scheduler, 'kite-scheduler', /kite-scheduler listening on/, 30_000);

  const run = randomBytes(3).toString('hex');
  const kubelets: KubeletNode[] = [];
  partial.kubelets = kubelets;
  for (let i = 0; i < o.nodes; i++) {
    const name = `kite-bench-${run}-${i + 1}`;
    const rootDir = path.join(o.baseDir, `kubelet-${i + 1}`);
    const proc = startOwned(
      process.execPath,
      [
        ...KUBELET_NODE_FLAGS,
        ...o.kubeletNodeArgs,
        kubeletBin,
        '--node-name', name,
        '--apiserver', grpc,
        '--root-dir', rootDir,
        '--pod-cidr', podCIDRFor(i),
        '--profile', 'fast',
        '--streaming-listen', '127.0.0.1:0',
        '--metrics-listen', '127.0.0.1:0',
        '--log-level', o.kubeletLogLevel,
      ],
      {},
      o.onKubeletLine ? (line) => o.onKubeletLine?.(name, line) : undefined,
    );
    kubelets.push({ name, podCIDR: podCIDRFor(i), rootDir, proc });
  }
  for (const k of kubelets) await waitForOutput(k.proc, `kite-kubelet ${k.name}`, /kite-kubelet \S+ listening on/, 30_000);
  o.say(`== kite-scheduler pid ${scheduler.pid}; kubelets ${kubelets.map((k) => `${k.name} (pid ${k.proc.pid}, ${k.podCIDR})`).join(', ')}`);
  const cluster: Cluster = { stack, grpc, scheduler, kubelets, api };
  await waitNodesReady(cluster, 30_000);
  return cluster;
}

async function waitNodesReady(c: Cluster, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await c.api.request('GET', '/api/v1/nodes');
    if (r.status === 200) {
      const items = json<{ items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } }> }>(r).items;
      const ready = new Set(items.filter((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).map((n) => n.metadata.name));
      if (c.kubelets.every((k) => ready.has(k.name))) return;
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for the nodes to be Ready');
    await new Promise((res) => setTimeout(res, 50));
  }
}
