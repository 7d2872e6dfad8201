import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeletHostNames } from '@kite/kubelet';
import { clusterBridgeName } from '@kite/runtime';
import { repoRoot, waitFor } from '../support/processes.js';

const run = promisify(execFile);
const kiteBin = path.join(repoRoot, 'services/kite/dist/bin.js');

interface PodView {
  name: string;
  node: string;
  phase: string;
  deleting: boolean;
}

const STATEFULSET = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels: { app: db }
  template:
    metadata:
      labels: { app: db }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: db
        image: busybox
        command: ["sleep", "3600"]
`;

/**
 * `kite node kill` on a `kite up --detach --nodes 3 --profile fast` cluster: the node goes
 * Unknown, its Deployment pods are evicted and replaced on the other nodes, its StatefulSet pod
 * is not replaced while the node is only unreachable (its identity may still be running there),
 * and `kite node start` brings the node back untainted. Bounds carry slack; bench figures are
 * for timing.
 */
describe('a node that dies', () => {
  let dir: string;
  const kite = (...args: string[]) => run(process.execPath, [kiteBin, ...args, '--data-dir', dir]);
  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const full = ['--kubeconfig', path.join(dir, 'kubeconfig'), '--cache-dir', path.join(dir, 'cache'), ...args];
    if (input === undefined) return (await run('kubectl', full)).stdout;
    return new Promise((resolve, reject) => {
      const child = execFile('kubectl', full, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin?.end(input);
    });
  };
  const pods = async (app: string): Promise<PodView[]> => {
    const list = JSON.parse(await kubectl(['get', 'pods', '-l', `app=${app}`, '-o', 'json'])) as {
      items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase?: string } }>;
    };
    return list.items.map((p) => ({ name: p.metadata.name, node: p.spec.nodeName ?? '', phase: p.status.phase ?? '', deleting: p.metadata.deletionTimestamp !== undefined }));
  };
  const readyStatus = (node: string): Promise<string> => kubectl(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);

  beforeAll(async () => {
    // Not under /tmp: containers get a private /tmp, and the node dirs must stay visible to them.
    dir = await mkdtemp('/var/tmp/kite-chaos-');
    const ports = ['--store-listen', '127.0.0.1:0', '--store-metrics-listen', '127.0.0.1:0', '--apiserver-listen', '127.0.0.1:0', '--apiserver-grpc-listen', '127.0.0.1:0'];
    // Its own pod network: other test files may run a `kite up` (with a node-1 …) at the same time.
    await kite('up', '--detach', '--nodes', '3', '--profile', 'fast', '--cluster-cidr', '10.250.0.0/16', ...ports);
  }, 60_000);

  afterAll(async () => {
    await kite('down').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('is noticed, its Deployment pods come back elsewhere, its StatefulSet pod is not duplicated, and it rejoins untainted', async () => {
    await kubectl(['create', 'deployment', 'web', '--image=busybox', '--replicas=6', '--', 'sleep', '3600']);
    await kubectl(['apply', '-f', '-'], STATEFULSET);
    const running = (ps: PodView[]): PodView[] => ps.filter((p) => p.phase === 'Running' && !p.deleting);
    const { web, db } = await waitFor(
      'six web and three db pods running',
      async () => {
        const w = running(await pods('web'));
        const d = running(await pods('db'));
        return w.length === 6 && d.length === 3 ? { web: w, db: d } : undefined;
      },
      60_000,
    );
    // The node to kill runs a db pod and at least one web pod; the scheduler spreads both.
    const victim = ['node-2', 'node-3', 'node-1'].find((n) => db.some((p) => p.node === n) && web.some((p) => p.node === n));
    expect(victim, `no node runs both a web and a db pod: ${JSON.stringify([...web, ...db])}`).toBeDefined();
    const node = victim as string;
    const webOnVictim = web.filter((p) => p.node === node).map((p) => p.name);
    const dbOnVictim = db.filter((p) => p.node === node).map((p) => p.name);

    const killedAt = Date.now();
    expect((await kite('node', 'kill', node)).stdout).toBe(`${node} killed\n`);
    await waitFor(`${node} to turn Unknown`, async () => ((await readyStatus(node)) === 'Unknown' ? true : undefined), 30_000);
    expect(await kubectl(['get', 'node', node, '-o', 'jsonpath={.spec.taints[*].key}'])).toContain('node.kubernetes.io/unreachable');

    await waitFor(
      'six web pods running on the other nodes',
      async () => (running(await pods('web')).filter((p) => p.node !== node).length === 6 ? true : undefined),
      40_000,
    );
    const recoveredMs = Date.now() - killedAt;
    process.stdout.write(`${node} killed -> its Deployment pods running again elsewhere after ${recoveredMs} ms\n`);
    // The evicted pods are marked for deletion (their kubelet cannot confirm while it is dead).
    const webLeft = await pods('web');
    for (const name of webOnVictim) {
      const p = webLeft.find((x) => x.name === name);
      expect(p === undefined || p.deleting).toBe(true);
    }
    // The StatefulSet pod keeps its identity on the unreachable node: evicted, still there, and
    // no second pod of that name anywhere — the web pods' recovery shows eviction has happened.
    const dbNow = await pods('db');
    for (const name of dbOnVictim) {
      const same = dbNow.filter((p) => p.name === name);
      expect(same).toHaveLength(1);
      expect(same[0]?.node).toBe(node);
    }
    expect(dbNow).toHaveLength(3);

    expect((await kite('node', 'start', node)).stdout).toBe(`${node} started\n`);
    await waitFor(
      `${node} Ready and untainted`,
      async () => {
        const t = await kubectl(['get', 'node', node, '-o', 'jsonpath={.spec.taints[*].key}']);
        return (await readyStatus(node)) === 'True' && !t.includes('unreachable') ? true : undefined;
      },
      40_000,
    );
    // The killed kubelet left its link to the cluster's shared bridge; the new one replaced it.
    const uplinks = ['node-1', 'node-2', 'node-3'].map((n) => kubeletHostNames(n, path.join(dir, 'nodes', n)).uplink.cluster).sort();
    const onShared = (await run('ip', ['-o', 'link', 'show', 'master', clusterBridgeName('10.250.0.0/16')])).stdout;
    expect([...onShared.matchAll(/^\d+: ([^@:]+)/gm)].map((m) => m[1]).sort()).toEqual(uplinks);
    // The returning kubelet confirms the deletions of the pods evicted while it was away; only
    // then does the StatefulSet bring its pod back.
    await waitFor('evicted web pods gone', async () => ((await pods('web')).length === 6 ? true : undefined), 40_000);
    const dbBack = await waitFor(
      'the db pods running again',
      async () => {
        const d = await pods('db');
        return d.length === 3 && running(d).length === 3 ? d : undefined;
      },
      40_000,
    );
    expect(dbBack.map((p) => p.name).sort()).toEqual(['db-0', 'db-1', 'db-2']);
  }, 240_000);
});
