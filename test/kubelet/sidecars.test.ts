import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Cleanup } from '../support/processes.js';
import { startNodeCluster, type NodeCluster } from './node.js';

const cleanups: Cleanup[] = [];
let c: NodeCluster;

beforeAll(async () => {
  c = await startNodeCluster(cleanups);
}, 90_000);

afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}, 60_000);

function podJson(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: c.node, terminationGracePeriodSeconds: 10, ...spec } });
}

/** The NAME READY STATUS RESTARTS columns of `kubectl get pod`. */
async function row(name: string): Promise<{ ready: string; status: string } | undefined> {
  const r = await c.kubectl(['get', 'pod', name, '--no-headers']);
  if (r.code !== 0) return undefined;
  const [, ready, status] = r.stdout.trim().split(/\s+/);
  return { ready: ready as string, status: status as string };
}

const podJsonOf = async (name: string): Promise<any> => JSON.parse(await c.kubectl.ok(['get', 'pod', name, '-o', 'json']));

/** PIDs whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker]).toString().trim().split('\n').filter((x) => x !== '').map(Number);
  } catch {
    return [];
  }
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** A shell loop that runs until stopped, with `marker` in its command line for pgrep. */
const forever = (marker: string, onTerm = 'exit 0'): string => `trap '${onTerm}' TERM; while true; do sleep 0.1; done; : ${marker}`;

describe('native sidecars and activeDeadlineSeconds on a real kubelet', () => {
  it('a sidecar feeds the app through an emptyDir, shows READY 2/2, restarts when killed and stops after the app', async () => {
    const marker = `kite-sidecar-${c.node}`;
    const orderDir = path.join(c.dir, 'order');
    const mounts = { volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'order', mountPath: '/order' }] };
    await c.kubectl.ok(['apply', '-f', '-'], {
      stdin: podJson('sc', {
        initContainers: [
          {
            name: 'proxy',
            image: 'busybox',
            restartPolicy: 'Always',
            command: ['sh', '-c', `echo from-sidecar > /data/msg; ${forever(marker, 'echo sidecar >> /order/log; exit 0')}`],
            startupProbe: { exec: { command: ['test', '-f', '/data/msg'] }, periodSeconds: 1 },
            ...mounts,
          },
        ],
        // The app's TERM handler takes a second: a sidecar stopped at the same time would log first.
        containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', `cat /data/msg; ${forever('app', 'sleep 1; echo app >> /order/log; exit 0')}`], ...mounts }],
        volumes: [{ name: 'data', emptyDir: {} }, { name: 'order', hostPath: { path: orderDir, type: 'DirectoryOrCreate' } }],
      }),
    });
    await waitFor('sc READY 2/2', async () => {
      const r = await row('sc');
      return r?.ready === '2/2' && r.status === 'Running' ? true : undefined;
    }, 30_000);
    expect(await c.kubectl.ok(['logs', 'sc', '-c', 'app'])).toBe('from-sidecar\n');
    const status = (await podJsonOf('sc')).status;
    expect(status.initContainerStatuses[0]).toMatchObject({ name: 'proxy', ready: true, started: true, restartCount: 0 });
    expect(status.initContainerStatuses[0].state.running).toBeDefined();
    expect(status.conditions.find((x: any) => x.type === 'Initialized').status).toBe('True');

    const pids = processesWith(marker);
    expect(pids).not.toEqual([]);
    // The container's PID 1 carries the marker too; once it dies the rest of its PID namespace goes (ESRCH).
    for (const pid of pids) killIfAlive(pid);
    await waitFor('the sidecar restarted and READY 2/2 again', async () => {
      const s = (await podJsonOf('sc')).status.initContainerStatuses[0];
      const r = await row('sc');
      return s.restartCount >= 1 && s.state.running !== undefined && r?.ready === '2/2' ? true : undefined;
    }, 30_000);
    expect((await podJsonOf('sc')).status.phase).toBe('Running');

    await c.kubectl.ok(['delete', 'pod', 'sc', '--timeout=30s']);
    expect(await readFile(path.join(orderDir, 'log'), 'utf8')).toBe('app\nsidecar\n');
    expect(processesWith(marker)).toEqual([]);
  });

  it('a Job-like pod (restartPolicy Never) ends Succeeded when its app exits 0, its sidecar stopped', async () => {
    const marker = `kite-jobsidecar-${c.node}`;
    await c.kubectl.ok(['apply', '-f', '-'], {
      stdin: podJson('job', {
        restartPolicy: 'Never',
        initContainers: [{ name: 'logger', image: 'busybox', restartPolicy: 'Always', command: ['sh', '-c', forever(marker)] }],
        containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'sleep 1; echo done'] }],
      }),
    });
    const pod = await waitFor('job Succeeded', async () => {
      const p = await podJsonOf('job');
      return p.status.phase === 'Succeeded' ? p : undefined;
    }, 30_000);
    expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(pod.status.initContainerStatuses[0].state.terminated).toBeDefined();
    expect((await row('job'))?.status).toBe('Completed');
    await waitFor('the sidecar processes gone', () => (processesWith(marker).length === 0 ? true : undefined), 10_000);
    await c.kubectl.ok(['delete', 'pod', 'job', '--timeout=20s']);
  });

  it('activeDeadlineSeconds: 2 fails the pod with DeadlineExceeded and stops its processes', async () => {
    const marker = `kite-deadline-${c.node}`;
    await c.kubectl.ok(['apply', '-f', '-'], { stdin: podJson('deadline', { activeDeadlineSeconds: 2, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', forever(marker)] }] }) });
    await waitFor('deadline Running', async () => ((await row('deadline'))?.status === 'Running' ? true : undefined), 30_000);
    const pod = await waitFor('deadline Failed', async () => {
      const p = await podJsonOf('deadline');
      return p.status.phase === 'Failed' ? p : undefined;
    }, 30_000);
    expect(pod.status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(pod.status.containerStatuses[0].state.terminated).toBeDefined();
    await waitFor('the container processes gone', () => (processesWith(marker).length === 0 ? true : undefined), 10_000);
    const events = await c.kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=deadline', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
    expect(events).toContain('DeadlineExceeded');
    await c.kubectl.ok(['delete', 'pod', 'deadline', '--timeout=20s']);
  });
});
