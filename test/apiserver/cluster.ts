import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import {
  repoRoot,
  startApiServer,
  startEtcd,
  startEtcdCluster,
  startKiteStore,
  startProcess,
  tempDir,
  waitFor,
  type Cleanup,
  type Proc,
} from '../support/processes.js';

export type Backend = 'kite-store' | 'etcd' | 'etcd-cluster';

export interface Cluster {
  url: string;
  backend: Backend;
  etcdServers: string[];
}

/**
 * Starts a store of `backend` and a kite-apiserver on it once for the enclosing describe (starting
 * processes per test would dominate the run time); everything started is stopped in afterAll,
 * or at once if starting fails half-way.
 */
export function clusterPerSuite(backend: Backend = 'kite-store'): () => Cluster {
  const cleanups: Cleanup[] = [];
  let cluster: Cluster | undefined;
  const runCleanups = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  beforeAll(async () => {
    try {
      const { dir, remove } = await tempDir(`apiserver-${backend}`);
      cleanups.push(remove);
      let etcdServers: string[];
      if (backend === 'kite-store') {
        const store = await startKiteStore(dir);
        cleanups.push(() => store.stop());
        etcdServers = [store.endpoint];
      } else if (backend === 'etcd') {
        const etcd = await startEtcd(dir);
        cleanups.push(() => etcd.stop());
        etcdServers = [etcd.endpoint];
      } else {
        const etcd = await startEtcdCluster(dir, 3);
        cleanups.push(() => etcd.stop());
        etcdServers = etcd.endpoints;
      }
      const api = await startApiServer(etcdServers);
      cleanups.push(() => api.stop());
      cluster = { url: api.url, backend, etcdServers };
    } catch (err) {
      await runCleanups();
      throw err;
    }
  }, 90_000);
  afterAll(runCleanups);
  return () => {
    if (!cluster) throw new Error('the cluster did not start');
    return cluster;
  };
}

export interface TestKubectl extends Kubectl {
  binary: string;
  /** Starts a long-running kubectl (get -w); the test's cleanup stops it. */
  spawn(args: string[]): Proc;
}

/**
 * A kubectl with a fresh kubeconfig and --cache-dir for every test, so no test sees discovery
 * or OpenAPI another test cached; long-running ones it spawned are stopped after the test.
 */
export function kubectlPerTest(cluster: () => Cluster, binary: string): () => TestKubectl {
  let current: TestKubectl | undefined;
  const cleanups: Cleanup[] = [];
  beforeEach(async () => {
    const k = (await kubectlFor(cluster().url, binary)) as TestKubectl;
    cleanups.push(() => k.remove());
    k.binary = binary;
    k.spawn = (args) => {
      const p = startProcess(binary, ['--kubeconfig', k.kubeconfig, '--cache-dir', path.join(k.dir, 'cache'), ...args], {
        HOME: k.dir,
        KUBECONFIG: k.kubeconfig,
      });
      cleanups.push(() => p.stop('SIGKILL'));
      return p;
    };
    current = k;
  });
  afterEach(async () => {
    current = undefined;
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return () => {
    if (!current) throw new Error('kubectl is only available inside a test');
    return current;
  };
}

let counter = 0;
/** A name no other test in this process uses: objects of different tests never collide. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid % 10_000}-${counter}`;
}

/** Creates a namespace of its own for a test (with kubectl, so this path is exercised too). */
export async function freshNamespace(k: Kubectl, prefix: string): Promise<string> {
  const ns = uniqueName(prefix);
  await k.ok(['create', 'namespace', ns]);
  return ns;
}

export const seedDir = path.join(repoRoot, 'examples/seeds');
export const seed = (file: string): string => path.join(seedDir, file);

/** Waits until a spawned process has printed a line matching `re`; returns the match. */
export function waitForOutput(p: Proc, what: string, re: RegExp): Promise<RegExpExecArray> {
  return Promise.race([
    waitFor(what, () => re.exec(p.output()) ?? undefined),
    p.exited.then((code) => {
      // A late match still counts: the process may print the line and exit.
      const m = re.exec(p.output());
      if (m) return m;
      throw new Error(`${what}: the process exited with ${code}:\n${p.output()}`);
    }),
  ]);
}
