import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, repoRoot, startProcess, tempDir, waitFor, type Proc } from '../support/processes.js';

// Every `kite up` cluster names its nodes node-1…N and gives them 10.244.1…N.0/24: clusters
// from different test files running at once would share bridges, cgroups and addresses. So the
// files that start one are run here, one after another, in this file's worker.
import '../chaos/node-kill.cases.js';
import '../e2e/workloads.cases.js';

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

describe('kite up', () => {
  const cleanups = cleanupAfterEach();

  it('starts a whole cluster that runs a pod from kubectl, keeps data under the data dir, and stops everything on SIGTERM', async () => {
    const { dir, remove } = await tempDir('up');
    cleanups.push(remove);
    const kite: Proc = startProcess(process.execPath, [kiteBin, 'up', '--data-dir', dir, ...PORTS]);
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

    const { stdout } = await run('pgrep', ['-P', String(kite.pid)]);
    const children = stdout.trim().split('\n').map(Number);
    expect(children).toHaveLength(5); // store, apiserver, scheduler, controller manager, node-1's kubelet
    expect(children.every(alive)).toBe(true);
    expect(await kite.stop('SIGTERM')).toBe(0);
    await waitFor('every component to exit', () => (children.some(alive) ? undefined : true));
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
    const ports = [...PORTS, '--nodes', '0'];
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
