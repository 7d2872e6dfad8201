import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KUBELET_NODE_FLAGS, kubeletHostNames } from '@kite/kubelet';
import { ProcessRuntime, unmountUnder } from '@kite/runtime';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { repoRoot, startApiServer, startKiteStore, startProcess, type ApiServerProc, type Proc } from '../support/processes.js';

const run = promisify(execFile);

export const schedulerBin = path.join(repoRoot, 'services/scheduler/dist/bin.js');
export const kubeletBin = path.join(repoRoot, 'services/kubelet/dist/bin.js');

export interface NodeProc extends Proc {
  name: string;
  podCIDR: string;
  /** The kubelet's --root-dir. */
  rootDir: string;
}

export interface Cluster {
  api: ApiServerProc;
  kubectl: Kubectl;
  nodes: NodeProc[];
  dir: string;
  /** GET on the apiserver's REST API; undefined on 404. Cheaper than a kubectl per poll. */
  get<T = any>(apiPath: string): Promise<T | undefined>;
  /**
   * Stops the kubelets with SIGTERM (they stop their pods), then everything else, then removes
   * what the runtime keeps per node (bridge, cgroup roots) and the temp dir. Safe to call twice.
   */
  stop(): Promise<void>;
  /** Stops only the kubelets, gracefully; the rest keeps running. */
  stopKubelets(): Promise<void>;
  /** Removes each node's bridge and cgroup roots (and any pod left behind) through the runtime. */
  destroyNodes(): Promise<void>;
}

export interface ClusterOptions {
  nodes?: number;
  /** Extra kubelet flags, for every node. */
  kubeletArgs?: string[];
}

async function waitForLine(p: Proc, what: string, re: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = re.exec(p.output());
    if (m) return m;
    const code = await Promise.race([p.exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 50))]);
    if (code !== 'wait') throw new Error(`${what} exited with ${code}: ${p.output()}`);
    if (Date.now() > deadline) {
      await p.stop('SIGKILL');
      throw new Error(`${what} did not start: ${p.output()}`);
    }
  }
}

/** /24s of 10.244.0.0/16 that no interface on this machine uses (kite up, other test runs). */
async function freePodCIDRs(n: number): Promise<string[]> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr']);
  const used = new Set([...stdout.matchAll(/inet 10\.244\.(\d+)\./g)].map((m) => Number(m[1])));
  const start = 100 + (randomBytes(1)[0] as number) % 100;
  const picked: string[] = [];
  for (let i = 0; i < 150 && picked.length < n; i++) {
    const third = 100 + ((start - 100 + i) % 150);
    if (!used.has(third)) picked.push(`10.244.${third}.0/24`);
  }
  if (picked.length < n) throw new Error('no free /24 in 10.244.100.0-10.244.249.0 for the test nodes');
  return picked;
}

/**
 * A whole kite cluster of real processes in a temp dir: kite-store, kite-apiserver,
 * kite-scheduler and `nodes` kubelets named `kite-e2e-<hex>-<i>` (fast profile, each its own
 * pod CIDR), plus a kubectl bound to it.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  // Not under /tmp: containers get a private /tmp, which hides the busybox applet links the
  // kubelet keeps under its root dir (a kite bug, reported; busybox commands then fall back to
  // the node's coreutils or are missing, e.g. nslookup).
  const tmpDir = await mkdtemp(path.join('/var/tmp', 'kite-e2e-'));
  const tmp = { dir: tmpDir, remove: () => rm(tmpDir, { recursive: true, force: true }) };
  const procs: Proc[] = [];
  const nodes: NodeProc[] = [];
  const tag = randomBytes(3).toString('hex');
  let kubectl: Kubectl | undefined;
  let stopped = false;

  const stopKubelets = async (): Promise<void> => {
    // A kubelet stops its pods within their grace periods before it exits.
    await Promise.all(nodes.map((n) => n.stop('SIGTERM', 40_000)));
  };
  const destroyNodes = async (): Promise<void> => {
    for (const n of nodes) {
      // The kubelet's own runtime settings, so that it finds the kubelet's bridge and cgroups.
      const runtime = await ProcessRuntime.create({ rootDir: path.join(n.rootDir, 'runtime'), instanceDir: n.rootDir, nodeName: n.name, podCIDR: n.podCIDR });
      await runtime.destroy();
    }
  };
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopKubelets();
    for (const p of [...procs].reverse()) await p.stop('SIGTERM');
    await destroyNodes();
    await kubectl?.remove();
    // Volumes a failed kubelet left mounted on the node must not be followed by rm -r.
    await unmountUnder(tmp.dir).catch(() => undefined);
    await tmp.remove();
  };

  try {
    const store = await startKiteStore(path.join(tmp.dir, 'store'));
    procs.push(store);
    const api = await startApiServer([store.endpoint], ['--default-toleration-seconds', '2']);
    procs.push(api);
    const scheduler = startProcess(process.execPath, [schedulerBin, '--apiserver', api.grpcAddress, '--profile', 'fast', '--metrics-listen', '127.0.0.1:0', '--leader-elect=false'], {
      KITE_LOG_LEVEL: 'warn',
    });
    procs.push(scheduler);
    await waitForLine(scheduler, 'kite-scheduler', /kite-scheduler listening on (\S+)/);
    kubectl = await kubectlFor(api.url);
    const cidrs = await freePodCIDRs(opts.nodes ?? 1);
    for (const [i, podCIDR] of cidrs.entries()) {
      const name = `kite-e2e-${tag}-${i + 1}`;
      const rootDir = path.join(tmp.dir, 'nodes', name);
      const p = startProcess(
        process.execPath,
        [
          ...KUBELET_NODE_FLAGS,
          kubeletBin,
          '--node-name', name,
          '--apiserver', api.grpcAddress,
          '--root-dir', rootDir,
          '--pod-cidr', podCIDR,
          '--profile', 'fast',
          '--streaming-listen', '127.0.0.1:0',
          '--metrics-listen', '127.0.0.1:0',
          ...(opts.kubeletArgs ?? []),
        ],
        { KITE_LOG_LEVEL: process.env.KITE_TEST_KUBELET_LOG ?? 'warn' },
      );
      const node: NodeProc = { ...p, name, podCIDR, rootDir };
      nodes.push(node);
      await waitForLine(p, `kite-kubelet ${name}`, /kite-kubelet \S+ listening on (\S+)/);
    }
    const get = async <T>(apiPath: string): Promise<T | undefined> => {
      const res = await fetch(`${api.url}${apiPath}`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET ${apiPath}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    return { api, kubectl, nodes, dir: tmp.dir, get, stop, stopKubelets, destroyNodes };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

const CGROUP_ROOTS = ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/unified', '/sys/fs/cgroup'];

/** What is left on the machine of a kite node's pods: network namespaces and pod cgroups. */
export async function podLeftovers(node: { name: string; rootDir: string }): Promise<string[]> {
  const names = kubeletHostNames(node.name, node.rootDir);
  const left: string[] = [];
  const { stdout } = await run('ip', ['netns', 'list']);
  for (const line of stdout.split('\n')) if (line.startsWith(names.netnsPrefix)) left.push(`netns ${line.split(' ')[0]}`);
  for (const root of CGROUP_ROOTS) {
    const entries = await readdir(path.join(root, names.cgroup), { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory()) left.push(`cgroup ${path.join(root, names.cgroup, e.name)}`);
  }
  return left;
}

/** The node's bridge and cgroup roots, if they still exist. */
export async function nodeLeftovers(node: { name: string; rootDir: string }): Promise<string[]> {
  const names = kubeletHostNames(node.name, node.rootDir);
  const left: string[] = [];
  const { stdout } = await run('ip', ['-o', 'link', 'show']);
  if (stdout.split('\n').some((l) => l.includes(`: ${names.bridge}:`))) left.push(`bridge ${names.bridge}`);
  for (const root of CGROUP_ROOTS) {
    const dir = path.join(root, names.cgroup);
    if (await readdir(dir).then(() => true, () => false)) left.push(`cgroup ${dir}`);
  }
  return left;
}
