import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clusterBridgeName } from '@kite/runtime';
import { cleanupAfterEach, repoRoot, startProcess, tempDir, waitFor, type Proc } from '../support/processes.js';

const run = promisify(execFile);
const kiteBin = path.join(repoRoot, 'services/kite/dist/bin.js');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const PORTS = ['--store-listen', '127.0.0.1:0', '--store-metrics-listen', '127.0.0.1:0', '--apiserver-listen', '127.0.0.1:0', '--apiserver-grpc-listen', '127.0.0.1:0'];
// Every `kite up` has a node-1; its own pod network keeps it clear of the other test files'
// clusters (test/chaos 10.250, test/e2e/workloads 10.251) and of a user's (10.244).
const CLUSTER_CIDR = ['--cluster-cidr', '10.252.0.0/16'];

describe('kite up', () => {
  const cleanups = cleanupAfterEach();

  it('starts a whole cluster that runs a pod from kubectl, keeps data under the data dir, and stops everything on SIGTERM', async () => {
    const { dir, remove } = await tempDir('up');
    cleanups.push(remove);
    const kite: Proc = startProcess(process.execPath, [kiteBin, 'up', '--data-dir', dir, ...PORTS, ...CLUSTER_CIDR]);
    cleanups.push(() => kite.stop('SIGKILL'));
    const endpoint = await waitFor('kite up to announce the store', () => /etcd v3 API at (\S+)/.exec(kite.output())?.[1]);
    const env = { ...process.env, ETCDCTL_API: '3', ETCDCTL_ENDPOINTS: endpoint };
    expect((await run('etcdctl', ['put', 'hello', 'kite'], { env })).stdout).toBe('OK\n');
    expect((await run('etcdctl', ['get', 'hello', '--print-value-only'], { env })).stdout).toBe('kite\n');
    expect(existsSync(path.join(dir, 'store', 'CURRENT'))).toBe(true);
    await waitFor('the kubeconfig hint', () => (kite.output().includes('kubectl get namespaces') ? true : undefined));
    const kubeconfig = path.join(dir, 'kubeconfig');
    const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args]);
    const ns = await kubectl('get', 'namespaces', '-o', 'name');
    expect(ns.stdout.split('\n').filter(Boolean).sort()).toEqual(['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);

    // A deployment's pods come from the controller manager; the scheduler places them on node-1.
    await kubectl('create', 'deployment', 'web', '--image=busybox', '--replicas=2', '--', 'sleep', '3600');
    await waitFor('the deployment to be available', async () => {
      const { stdout: out } = await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}');
      return out === '2' ? true : undefined;
    }, 30_000);
    // The scheduler places the pod on node-1, whose kubelet runs it.
    const marker = `kite-up-test-${process.pid}-${Date.now()}`;
    await kubectl('run', 'hello', '--image=busybox', '--', 'sh', '-c', `sleep 3600 # ${marker}`);
    await waitFor('the pod to run on node-1', async () => {
      const { stdout: out } = await kubectl('get', 'pod', 'hello', '-o', 'jsonpath={.spec.nodeName} {.status.phase} {.status.containerStatuses[0].ready}');
      return out === 'node-1 Running true' ? true : undefined;
    }, 30_000);
    // node-1 has the first /24 after the first of --cluster-cidr; the controller manager got it too.
    expect((await kubectl('get', 'node', 'node-1', '-o', 'jsonpath={.spec.podCIDR}')).stdout).toBe('10.252.1.0/24');
    expect((await kubectl('get', 'pod', 'hello', '-o', 'jsonpath={.status.podIP}')).stdout).toMatch(/^10\.252\.1\.\d+$/);
    const procs = (await run('pgrep', ['-a', '-P', String(kite.pid)])).stdout.split('\n');
    expect(procs.find((l) => l.includes('controller-manager'))).toContain('--cluster-cidr 10.252.0.0/16');
    // The kubelets join their bridges to the cluster's shared one, which goes with the last of them.
    expect(procs.find((l) => l.includes('kubelet'))).toContain('--cluster-cidr 10.252.0.0/16');
    const shared = clusterBridgeName('10.252.0.0/16');
    const linkExists = (): Promise<boolean> => run('ip', ['link', 'show', shared]).then(() => true, () => false);
    expect(await linkExists()).toBe(process.getuid?.() === 0);

    const { stdout } = await run('pgrep', ['-P', String(kite.pid)]);
    const children = stdout.trim().split('\n').map(Number);
    expect(children).toHaveLength(5); // store, apiserver, scheduler, controller manager, node-1's kubelet
    expect(children.every(alive)).toBe(true);
    expect(await kite.stop('SIGTERM')).toBe(0);
    await waitFor('every component to exit', () => (children.some(alive) ? undefined : true));
    expect(await linkExists()).toBe(false);
    const left = await run('pgrep', ['-f', marker]).then((r) => r.stdout, () => '');
    expect(left).toBe('');
  });
});

describe('kite up --detach, status and down', () => {
  const cleanups = cleanupAfterEach();

  it('runs the cluster in the background until kite down, and refuses a second one', async () => {
    const { dir, remove } = await tempDir('detach');
    cleanups.push(remove);
    const kite = (args: string[]) =>
      run(process.execPath, [kiteBin, ...args, '--data-dir', dir]).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    const ports = [...PORTS, ...CLUSTER_CIDR, '--nodes', '0'];
    const started = await kite(['up', '--detach', ...ports]);
    cleanups.push(() => kite(['down']));
    expect(started.code).toBe(0);
    const endpoint = /etcd v3 API at (\S+)/.exec(started.out)?.[1] as string;
    expect(endpoint).toBeDefined();
    const env = { ...process.env, ETCDCTL_API: '3', ETCDCTL_ENDPOINTS: endpoint };
    expect((await run('etcdctl', ['put', 'detached', 'yes'], { env })).stdout).toBe('OK\n');

    const st = await kite(['status']);
    expect(st).toMatchObject({ code: 0 });
    expect(st.out).toContain(`kite-store      ${endpoint}  healthy`);
    expect(st.out).toMatch(/kite-apiserver  http:\/\/127\.0\.0\.1:\d+  healthy/);
    const second = await kite(['up', '--detach', ...ports]);
    expect(second.code).toBe(1);
    expect(second.out).toContain('already running');

    const pid = Number(/pid (\d+)/.exec(st.out)?.[1]);
    expect(await kite(['down'])).toMatchObject({ code: 0, out: `kite stopped (pid ${pid})\n` });
    expect(alive(pid)).toBe(false);
    expect(await kite(['status'])).toMatchObject({ code: 1, out: 'kite is not running\n' });
    expect(await kite(['down'])).toMatchObject({ code: 0, out: 'kite is not running\n' });
    // the data outlives the cluster
    const again = await kite(['up', '--detach', ...ports]);
    expect(again.code).toBe(0);
    const endpoint2 = /etcd v3 API at (\S+)/.exec(again.out)?.[1] as string;
    expect((await run('etcdctl', ['get', 'detached', '--print-value-only'], { env: { ...env, ETCDCTL_ENDPOINTS: endpoint2 } })).stdout).toBe('yes\n');
  });
});

describe('kite up --cluster-cidr', () => {
  const cleanups = cleanupAfterEach();

  it('is in --help, and a bad one or too many nodes for it is refused before anything starts', async () => {
    const { dir, remove } = await tempDir('cidr');
    cleanups.push(remove);
    const kite = (args: string[]) =>
      run(process.execPath, [kiteBin, ...args, '--data-dir', dir]).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    expect((await kite(['up', '--help'])).out).toMatch(/--cluster-cidr <cidr>\s+pod network/);
    const cases: Array<[string[], string]> = [
      [['--cluster-cidr', '10.244.0.0'], 'kite: --cluster-cidr must be an IPv4 CIDR such as 10.244.0.0/16, got "10.244.0.0"\n'],
      [['--cluster-cidr', '10.244.1.0/16'], 'kite: --cluster-cidr 10.244.1.0/16: host bits are set (did you mean 10.244.0.0/16?)\n'],
      [['--cluster-cidr', '10.9.0.0/23', '--nodes', '3'], 'kite: --cluster-cidr 10.9.0.0/23 has room for 1 node (a /24 each, the first unused), not 3: give a larger one\n'],
      [['--cluster-cidr', '10.9.0.0/23', '--nodes', '3', '--detach'], 'kite: --cluster-cidr 10.9.0.0/23 has room for 1 node (a /24 each, the first unused), not 3: give a larger one\n'],
    ];
    for (const [args, out] of cases) expect({ args, ...(await kite(['up', ...PORTS, ...args])) }).toEqual({ args, code: 2, out });
    expect(existsSync(path.join(dir, 'store'))).toBe(false);
  });
});
