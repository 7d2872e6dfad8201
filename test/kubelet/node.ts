import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { KUBELET_NODE_FLAGS, kubeletHostNames } from '@kite/kubelet';
import { repoRoot, startApiServer, startKiteStore, startProcess, tempDir, type Cleanup, type Proc } from '../support/processes.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';

export const kubeletBin = path.join(repoRoot, 'services/kubelet/dist/bin.js');

export interface KubeletProc extends Proc {
  node: string;
  streaming: string;
  metrics: string;
}

/** A name and a /24 pod CIDR no other test run uses at the same time. */
export function uniqueNode(): { node: string; podCIDR: string } {
  const r = randomBytes(3);
  return { node: `kite-t-${r.toString('hex')}`, podCIDR: `10.${200 + ((r[0] as number) % 50)}.${r[1]}.0/24` };
}

/** Starts kite-kubelet from its built bin (fast profile) and waits until it says where it listens. */
export async function startKubelet(args: { node: string; podCIDR: string; rootDir: string; grpc: string; extra?: string[] }): Promise<KubeletProc> {
  const p = startProcess(
    process.execPath,
    [
      ...KUBELET_NODE_FLAGS,
      kubeletBin,
      '--node-name', args.node,
      '--apiserver', args.grpc,
      '--root-dir', args.rootDir,
      '--pod-cidr', args.podCIDR,
      '--profile', 'fast',
      '--streaming-listen', '127.0.0.1:0',
      '--metrics-listen', '127.0.0.1:0',
      ...(args.extra ?? []),
    ],
    { KITE_LOG_LEVEL: process.env.KITE_TEST_KUBELET_LOG ?? 'warn' },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /kite-kubelet \S+ listening on (\S+) \(metrics (\S+)\)/.exec(p.output());
    if (m) return { ...p, node: args.node, streaming: m[1] as string, metrics: m[2] as string };
    const code = await Promise.race([p.exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 50))]);
    if (code !== 'wait') throw new Error(`kite-kubelet exited with ${code}: ${p.output()}`);
    if (Date.now() > deadline) {
      await p.stop('SIGKILL');
      throw new Error(`kite-kubelet did not start: ${p.output()}`);
    }
  }
}

export interface NodeCluster {
  kubectl: Kubectl;
  kubelet: KubeletProc;
  grpc: string;
  dir: string;
  node: string;
  podCIDR: string;
}

/** kite-store + kite-apiserver + one kubelet in a temp dir; every piece is pushed onto `cleanups`. */
export async function startNodeCluster(cleanups: Cleanup[], extra: string[] = []): Promise<NodeCluster> {
  const tmp = await tempDir('kubelet');
  cleanups.push(tmp.remove);
  const store = await startKiteStore(path.join(tmp.dir, 'store'));
  cleanups.push(() => store.stop('SIGKILL'));
  const api = await startApiServer([store.endpoint]);
  cleanups.push(() => api.stop('SIGKILL'));
  const kubectl = await kubectlFor(api.url);
  cleanups.push(kubectl.remove);
  const { node, podCIDR } = uniqueNode();
  const rootDir = path.join(tmp.dir, 'kubelet');
  // Pushed first, so it runs after the kubelet stopped: the runtime keeps its node bridge and
  // cgroups across kubelet restarts, and a test's node is gone for good.
  cleanups.push(() => removeNodeLeftovers(node, rootDir));
  const kubelet = await startKubelet({ node, podCIDR, rootDir, grpc: api.grpcAddress, extra });
  // SIGTERM stops the pods gracefully; SIGKILL after 20 s still takes every container with it.
  cleanups.push(() => kubelet.stop('SIGTERM', 20_000));
  return { kubectl, kubelet, grpc: api.grpcAddress, dir: tmp.dir, node, podCIDR };
}

/**
 * Deletes what the process runtime keeps for a kubelet (its bridge and cgroup directories, named
 * after the node and the kubelet's root dir), once the kubelet and its pods are gone.
 */
export async function removeNodeLeftovers(node: string, rootDir: string): Promise<void> {
  const names = kubeletHostNames(node, rootDir);
  const ip = (...args: string[]): Promise<string> => new Promise((resolve) => execFile('ip', args, (_err, out) => resolve(String(out ?? ''))));
  // Namespaces of pods a killed kubelet could not tear down (their veths go with them).
  for (const line of (await ip('netns', 'list')).split('\n')) {
    const ns = line.split(' ')[0] ?? '';
    if (ns.startsWith(names.netnsPrefix)) await ip('netns', 'delete', ns);
  }
  await ip('link', 'delete', names.bridge);
  for (const root of ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    await removeDirsDepthFirst(path.join(root, names.cgroup));
  }
}

/** cgroup directories go with rmdir, children first; their control files cannot be deleted. */
async function removeDirsDepthFirst(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) await removeDirsDepthFirst(path.join(dir, e.name));
  await rmdir(dir).catch(() => undefined);
}
