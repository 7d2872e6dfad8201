import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, waitFor } from '../support/processes.js';

const run = promisify(execFile);
const kiteBin = path.join(repoRoot, 'services/kite/dist/bin.js');

const WORKLOADS = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox, command: [sleep, "3600"]}]}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: nginx, image: nginx}]}
`;

// nginx on node-2, a client on node-3: placed by hand, so the test is about the network.
const CROSS_NODE = `apiVersion: v1
kind: Pod
metadata: {name: cross-server}
spec:
  nodeSelector: {kubernetes.io/hostname: node-2}
  containers: [{name: nginx, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: cross-client}
spec:
  nodeSelector: {kubernetes.io/hostname: node-3}
  containers: [{name: client, image: busybox, command: [sleep, "3600"]}]
`;

/** Issue 5's workloads on a whole `kite up --detach --nodes 3 --profile fast` cluster, real kubelets included. */
describe('workloads on a three-node kite up', () => {
  let dir: string;
  const kite = (...args: string[]) => run(process.execPath, [kiteBin, ...args, '--data-dir', dir]);
  const kubectl = async (...args: string[]): Promise<string> =>
    (await run('kubectl', ['--kubeconfig', path.join(dir, 'kubeconfig'), '--cache-dir', path.join(dir, 'cache'), ...args], { timeout: 90_000 })).stdout;

  beforeAll(async () => {
    // Not under /tmp: containers get a private /tmp, and the node dirs must stay visible to them.
    dir = await mkdtemp('/var/tmp/kite-workloads-');
    const ports = ['--store-listen', '127.0.0.1:0', '--store-metrics-listen', '127.0.0.1:0', '--apiserver-listen', '127.0.0.1:0', '--apiserver-grpc-listen', '127.0.0.1:0'];
    // Its own pod network: other test files may run a `kite up` (with a node-1 …) at the same time.
    await kite('up', '--detach', '--nodes', '3', '--profile', 'fast', '--cluster-cidr', '10.251.0.0/16', ...ports);
  }, 60_000);

  afterAll(async () => {
    await kite('down').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('rolls a deployment forward and back, scales it, and deletes it with its replica sets and pods', async () => {
    await kubectl('create', 'deployment', 'web', '--image=nginx', '--replicas=3');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    await kubectl('scale', 'deployment', 'web', '--replicas=5');
    await kubectl('set', 'image', 'deployment/web', 'nginx=nginx:1.25');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    expect(await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.status.updatedReplicas} {.status.availableReplicas}')).toBe('nginx:1.25 5 5');
    await kubectl('rollout', 'undo', 'deployment/web');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    expect(await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe('nginx');
    const nodes = new Set((await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}')).split(' '));
    expect(nodes.size).toBe(3);

    await kubectl('delete', 'deployment', 'web');
    await waitFor('its replica sets and pods gone', async () => ((await kubectl('get', 'rs,pods', '-l', 'app=web', '-o', 'name')) === '' ? true : undefined), 30_000);
  }, 240_000);

  it('runs a job to completion, a daemon set on every node, and a stateful set with stable names', async () => {
    await kubectl('create', 'job', 'hello', '--image=busybox', '--', 'sh', '-c', 'echo hi from kite');
    await writeFile(path.join(dir, 'workloads.yaml'), WORKLOADS);
    await kubectl('apply', '-f', path.join(dir, 'workloads.yaml'));

    await kubectl('wait', '--for=condition=complete', 'job/hello', '--timeout=60s');
    expect(await kubectl('logs', 'job/hello')).toBe('hi from kite\n');

    await kubectl('rollout', 'status', 'daemonset/agent', '--timeout=60s');
    const agentNodes = (await kubectl('get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.nodeName}')).split(' ').sort();
    expect(agentNodes).toEqual(['node-1', 'node-2', 'node-3']);

    await kubectl('rollout', 'status', 'statefulset/db', '--timeout=90s');
    const sts = await kubectl('get', 'pods', '-l', 'app=db', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.hostname}.{.spec.subdomain} {end}');
    expect(sts.trim().split(' ').sort()).toEqual(['db-0=db-0.db', 'db-1=db-1.db', 'db-2=db-2.db']);
    await waitFor('endpoints for the three db pods', async () => ((await kubectl('get', 'endpoints', 'db', '-o', 'jsonpath={.subsets[0].addresses[*].ip}')).split(' ').length === 3 ? true : undefined), 30_000);

    // Scaling down removes the highest ordinals first.
    await kubectl('scale', 'statefulset', 'db', '--replicas=1');
    await waitFor('only db-0 left', async () => ((await kubectl('get', 'pods', '-l', 'app=db', '-o', 'name')).trim() === 'pod/db-0' ? true : undefined), 60_000);
  }, 240_000);

  it('lets a pod on one node reach a pod on another by its pod IP', async () => {
    await writeFile(path.join(dir, 'cross-node.yaml'), CROSS_NODE);
    await kubectl('apply', '-f', path.join(dir, 'cross-node.yaml'));
    await kubectl('wait', '--for=condition=Ready', 'pod/cross-server', 'pod/cross-client', '--timeout=60s');
    expect(await kubectl('get', 'pods', 'cross-server', 'cross-client', '-o', 'jsonpath={.items[*].spec.nodeName}')).toBe('node-2 node-3');
    const ip = await kubectl('get', 'pod', 'cross-server', '-o', 'jsonpath={.status.podIP}');
    // node-2's /24 of the cluster CIDR; node-3's pod gets there over the nodes' shared bridge.
    expect(ip).toMatch(/^10\.251\.2\.\d+$/);
    const page = await waitFor('cross-client to fetch from cross-server', () => kubectl('exec', 'cross-client', '--', 'wget', '-qO-', `http://${ip}`), 30_000);
    expect(page).toContain('Welcome to nginx!');
    await kubectl('delete', 'pod', 'cross-server', 'cross-client', '--wait=false');
  }, 120_000);
});
