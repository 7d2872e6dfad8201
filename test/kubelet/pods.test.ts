import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Cleanup } from '../support/processes.js';
import { startNodeCluster, type NodeCluster } from './node.js';

const cleanups: Cleanup[] = [];
let c: NodeCluster;
// Not the default 127.0.0.1, and the only address streaming listens on: logs and exec then work
// only if the apiserver dials the InternalIP the node reports, as it must in docker-compose.yml.
const NODE_IP = '127.0.0.2';

beforeAll(async () => {
  c = await startNodeCluster(cleanups, ['--node-ip', NODE_IP, '--streaming-listen', `${NODE_IP}:0`]);
}, 90_000);

afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}, 60_000);

function podYaml(name: string, container: Record<string, unknown>, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName: c.node, terminationGracePeriodSeconds: 5, containers: [{ name: 'main', ...container }], ...spec },
  });
}

/** The NAME READY STATUS RESTARTS columns of `kubectl get pod`. */
async function row(name: string): Promise<{ ready: string; status: string; restarts: string } | undefined> {
  const r = await c.kubectl(['get', 'pod', name, '--no-headers']);
  if (r.code !== 0) return undefined;
  const [, ready, status, ...rest] = r.stdout.trim().split(/\s+/);
  return { ready: ready as string, status: status as string, restarts: rest.slice(0, -1).join(' ') };
}

/** PIDs whose command line contains `marker`. */
function processesWith(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', marker]).toString().trim().split('\n').filter((x) => x !== '');
  } catch {
    return [];
  }
}

const jsonpath = async (name: string, path: string): Promise<string> => c.kubectl.ok(['get', 'pod', name, '-o', `jsonpath=${path}`]);

describe('kite-kubelet with the real kubectl', () => {
  it('registers a Ready node with its labels, capacity and streaming port', async () => {
    const node = await waitFor('the node to be Ready', async () => {
      const n = JSON.parse(await c.kubectl.ok(['get', 'node', c.node, '-o', 'json'])) as any;
      return n.status?.conditions?.find((x: any) => x.type === 'Ready')?.status === 'True' ? n : undefined;
    });
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': c.node, 'kubernetes.io/os': 'linux' });
    expect(node.spec.podCIDR).toBe(c.podCIDR);
    expect(node.status.capacity.pods).toBe('110');
    expect(node.status.addresses).toEqual([{ type: 'InternalIP', address: NODE_IP }, { type: 'Hostname', address: c.node }]);
    expect(String(node.status.daemonEndpoints.kubeletEndpoint.Port)).toBe(c.kubelet.streaming.split(':').pop());
    expect(node.status.conditions.map((x: any) => x.type)).toEqual(expect.arrayContaining(['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']));
    const lease = await c.kubectl.ok(['get', 'lease', '-n', 'kube-node-lease', c.node, '-o', 'jsonpath={.spec.holderIdentity}']);
    expect(lease).toBe(c.node);
    expect((await fetch(`http://${c.kubelet.metrics}/readyz`)).status).toBe(200);
    expect(await (await fetch(`http://${c.kubelet.metrics}/metrics`)).text()).toContain('kite_kubelet_pod_workers');
  });

  it('readiness flips READY and a failing liveness probe restarts the container', async () => {
    await c.kubectl.ok(['apply', '-f', '-'], {
      stdin: podYaml('probed', {
        image: 'busybox',
        command: ['sh', '-c', 'sleep 3600'],
        readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1 },
        livenessProbe: { exec: { command: ['sh', '-c', 'test ! -f /tmp/dead'] }, periodSeconds: 1, failureThreshold: 2 },
      }),
    });
    await waitFor('probed Running but not ready', async () => {
      const r = await row('probed');
      return r?.status === 'Running' && r.ready === '0/1' ? true : undefined;
    }, 30_000);
    await c.kubectl.ok(['exec', 'probed', '--', 'touch', '/tmp/ready']);
    await waitFor('probed READY 1/1', async () => ((await row('probed'))?.ready === '1/1' ? true : undefined), 10_000);
    await c.kubectl.ok(['exec', 'probed', '--', 'touch', '/tmp/dead']);
    // The new instance starts with an empty /tmp: not ready, and alive.
    const r = await waitFor('a liveness restart', async () => {
      const x = await row('probed');
      return x?.restarts.startsWith('1') && x.ready === '0/1' ? x : undefined;
    }, 15_000);
    expect(r.status).toBe('Running');
    const events = await c.kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=probed', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    expect(events).toContain('Container main failed liveness probe, will be restarted');
    expect(events).toContain('Unhealthy: Readiness probe failed');
    await c.kubectl.ok(['delete', 'pod', 'probed', '--timeout=20s']);
  });

  it('runs a busybox pod to Running and READY 1/1, with status and events', async () => {
    await c.kubectl.ok(['apply', '-f', '-'], { stdin: podYaml('sleeper', { image: 'busybox', command: ['sh', '-c', 'echo hello from $(POD); sleep 3600'], env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }] }) });
    const r = await waitFor('sleeper to be Running 1/1', async () => {
      const x = await row('sleeper');
      return x?.status === 'Running' && x.ready === '1/1' ? x : undefined;
    }, 30_000);
    expect(r.restarts).toBe('0');
    const status = JSON.parse(await c.kubectl.ok(['get', 'pod', 'sleeper', '-o', 'json'])).status;
    expect(status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(status.hostIP).toBe(NODE_IP);
    expect(status.containerStatuses[0]).toMatchObject({ name: 'main', ready: true, started: true, restartCount: 0 });
    expect(status.containerStatuses[0].containerID).toMatch(/^kite:\/\//);
    expect(status.conditions.map((x: any) => `${x.type}=${x.status}`)).toEqual(expect.arrayContaining(['Ready=True', 'ContainersReady=True', 'Initialized=True', 'PodScheduled=True']));
    const events = await waitFor('Started event', async () => {
      const out = await c.kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=sleeper', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
      return out.includes('Started') ? out : undefined;
    });
    expect(events).toContain('Created');
    expect(await waitFor('its log', async () => (await c.kubectl.ok(['logs', 'sleeper'])) || undefined)).toBe('hello from sleeper\n');
    expect(await c.kubectl.ok(['exec', 'sleeper', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace'])).toBe('default');
    expect(await c.kubectl.ok(['exec', 'sleeper', '--', 'printenv', 'KUBERNETES_SERVICE_PORT'])).toBe('443\n');
    expect(await c.kubectl.ok(['exec', 'sleeper', '--', 'printenv', 'HOST_IP'])).toBe(`${NODE_IP}\n`);
  });

  it('a failing container goes CrashLoopBackOff with RESTARTS rising', async () => {
    await c.kubectl.ok(['apply', '-f', '-'], { stdin: podYaml('crasher', { image: 'busybox', command: ['sh', '-c', 'echo dying; exit 3'] }) });
    const r = await waitFor('crasher to crash-loop', async () => {
      const x = await row('crasher');
      return x?.status === 'CrashLoopBackOff' && Number(x.restarts.split(' ')[0]) >= 2 ? x : undefined;
    }, 40_000);
    expect(r.ready).toBe('0/1');
    const last = JSON.parse(await jsonpath('crasher', '{.status.containerStatuses[0].lastState.terminated}'));
    expect(last).toMatchObject({ exitCode: 3, reason: 'Error' });
    await c.kubectl.ok(['delete', 'pod', 'crasher', '--wait=false']);
  });

  it('deleting a pod whose container traps TERM finishes quickly and the object goes away', async () => {
    await c.kubectl.ok(['apply', '-f', '-'], {
      stdin: podYaml('trapper', { image: 'busybox', command: ['sh', '-c', "trap 'echo got TERM; exit 0' TERM; while true; do sleep 0.1; done"] }, { terminationGracePeriodSeconds: 30 }),
    });
    await waitFor('trapper Running', async () => ((await row('trapper'))?.status === 'Running' ? true : undefined), 30_000);
    const started = Date.now();
    await c.kubectl.ok(['delete', 'pod', 'trapper', '--timeout=25s']);
    expect(Date.now() - started).toBeLessThan(10_000);
    const gone = await c.kubectl(['get', 'pod', 'trapper']);
    expect(gone.stderr).toContain('NotFound');
  });

  it('an unknown image shows ImagePullBackOff with the catalog message', async () => {
    await c.kubectl.ok(['apply', '-f', '-'], { stdin: podYaml('ghost', { image: 'example.com/nope/ghost:1.0' }) });
    await waitFor('ghost to be ImagePullBackOff', async () => ((await row('ghost'))?.status === 'ImagePullBackOff' ? true : undefined), 30_000);
    const message = await jsonpath('ghost', '{.status.containerStatuses[0].state.waiting.message}');
    expect(message).toContain('busybox');
    expect(message).toContain('ghost');
    await c.kubectl.ok(['delete', 'pod', 'ghost', '--timeout=20s']);
  });

  it('a force-deleted pod is killed at once', async () => {
    const marker = `kite-forced-${c.node}`;
    await c.kubectl.ok(['apply', '-f', '-'], { stdin: podYaml('forced', { image: 'busybox', command: ['sh', '-c', `trap '' TERM; while true; do sleep 1; done; : ${marker}`] }, { terminationGracePeriodSeconds: 60 }) });
    await waitFor('forced Running', async () => ((await row('forced'))?.status === 'Running' ? true : undefined), 30_000);
    expect(processesWith(marker)).not.toEqual([]);
    await c.kubectl.ok(['delete', 'pod', 'forced', '--grace-period=0', '--force']);
    expect((await c.kubectl(['get', 'pod', 'forced'])).code).not.toBe(0);
    // Killed at once, not at the end of its 60 s grace period.
    await waitFor('the container processes to die', () => (processesWith(marker).length === 0 ? true : undefined), 5000);
  });

  it('runs init containers in order before the app, and shows failing ones as Kubernetes does', async () => {
    const work = { volumeMounts: [{ name: 'work', mountPath: '/work' }] };
    await c.kubectl.ok(['apply', '-f', '-'], {
      stdin: podYaml('inits', { image: 'busybox', command: ['sh', '-c', 'cat /work/order; sleep 3600'], ...work }, {
        initContainers: [
          { name: 'first', image: 'busybox', command: ['sh', '-c', 'sleep 1; echo first >> /work/order'], ...work },
          { name: 'second', image: 'busybox', command: ['sh', '-c', 'echo second >> /work/order'], ...work },
        ],
        volumes: [{ name: 'work', emptyDir: {} }],
      }),
    });
    await waitFor('Init:0/2 while the first runs', async () => ((await row('inits'))?.status === 'Init:0/2' ? true : undefined), 30_000);
    await waitFor('inits Running', async () => ((await row('inits'))?.status === 'Running' ? true : undefined), 30_000);
    expect(await c.kubectl.ok(['logs', 'inits'])).toBe('first\nsecond\n');

    const failing = { initContainers: [{ name: 'ok', image: 'busybox', command: ['true'] }, { name: 'fails', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] };
    await c.kubectl.ok(['apply', '-f', '-'], { stdin: podYaml('badinit', { image: 'busybox', command: ['sleep', '3600'] }, failing) });
    await c.kubectl.ok(['apply', '-f', '-'], { stdin: podYaml('badinit-never', { image: 'busybox', command: ['sleep', '3600'] }, { ...failing, restartPolicy: 'Never' }) });
    const retried = await waitFor('Init:CrashLoopBackOff', async () => {
      const r = await row('badinit');
      return r?.status === 'Init:CrashLoopBackOff' && r.restarts !== '0' ? r : undefined;
    }, 30_000);
    expect(retried.ready).toBe('0/1');
    await waitFor('Init:Error for good under restartPolicy Never', async () => ((await row('badinit-never'))?.status === 'Init:Error' ? true : undefined), 30_000);
    expect(await jsonpath('badinit-never', '{.status.phase}')).toBe('Failed');
    await c.kubectl.ok(['delete', 'pod', 'inits', 'badinit', 'badinit-never', '--timeout=20s']);
  });

  it('ConfigMap and Secret as env, envFrom and volumes; volumes follow updates', async () => {
    await c.kubectl.ok(['create', 'configmap', 'app-cfg', '--from-literal=greeting=hello', '--from-literal=color=blue']);
    await c.kubectl.ok(['create', 'secret', 'generic', 'app-sec', '--from-literal=password=s3cret']);
    await c.kubectl.ok(['apply', '-f', '-'], {
      stdin: podYaml('configured', {
        image: 'busybox',
        command: ['sh', '-c', 'echo $(GREETING) $PW $CFG_color; sleep 3600'],
        env: [
          { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app-cfg', key: 'greeting' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'app-sec', key: 'password' } } },
        ],
        envFrom: [{ configMapRef: { name: 'app-cfg' }, prefix: 'CFG_' }],
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'sec', mountPath: '/etc/sec', readOnly: true }],
      }, { volumes: [{ name: 'cfg', configMap: { name: 'app-cfg' } }, { name: 'sec', secret: { secretName: 'app-sec' } }] }),
    });
    await waitFor('configured Running', async () => ((await row('configured'))?.status === 'Running' ? true : undefined), 30_000);
    expect(await waitFor('its log', async () => (await c.kubectl.ok(['logs', 'configured'])) || undefined)).toBe('hello s3cret blue\n');
    expect(await c.kubectl.ok(['exec', 'configured', '--', 'cat', '/etc/cfg/greeting', '/etc/sec/password'])).toBe('hellos3cret');
    await c.kubectl.ok(['patch', 'configmap', 'app-cfg', '-p', '{"data":{"greeting":"bonjour"}}']);
    await waitFor('the volume to follow', async () => ((await c.kubectl.ok(['exec', 'configured', '--', 'cat', '/etc/cfg/greeting'])) === 'bonjour' ? true : undefined), 10_000);

    await c.kubectl.ok(['apply', '-f', '-'], { stdin: podYaml('misconfigured', { image: 'busybox', command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'absent', key: 'k' } } }] }) });
    await waitFor('CreateContainerConfigError', async () => ((await row('misconfigured'))?.status === 'CreateContainerConfigError' ? true : undefined), 30_000);
    expect(await jsonpath('misconfigured', '{.status.containerStatuses[0].state.waiting.message}')).toBe('secret "absent" not found');
    await c.kubectl.ok(['delete', 'pod', 'configured', 'misconfigured', '--timeout=20s']);
  });

  it('stops its pods and reports NotReady on SIGTERM', async () => {
    await c.kubectl.ok(['delete', 'pod', '--all', '--timeout=20s']);
    const code = await c.kubelet.stop('SIGTERM', 20_000);
    expect(code).toBe(0);
    const ready = await c.kubectl.ok(['get', 'node', c.node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    expect(ready).toBe('False');
  });
});
