import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Cleanup } from '../support/processes.js';
import { startKubelet, startNodeCluster, type NodeCluster } from './node.js';

const cleanups: Cleanup[] = [];
let c: NodeCluster;

beforeAll(async () => {
  c = await startNodeCluster(cleanups);
}, 90_000);

afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}, 60_000);

const pids = (marker: string): string[] => {
  try {
    return execFileSync('pgrep', ['-f', marker]).toString().trim().split('\n').filter((x) => x !== '');
  } catch {
    return [];
  }
};

describe('kubelet crash and restart', () => {
  it('SIGKILL takes every container with it; a restarted kubelet runs the pods again with restartCount up', async () => {
    const marker = `kite-restart-${c.node}`;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'survivor' },
      spec: { nodeName: c.node, terminationGracePeriodSeconds: 2, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `while true; do sleep 1; done; : ${marker}`] }] },
    };
    await c.kubectl.ok(['apply', '-f', '-'], { stdin: JSON.stringify(pod) });
    const phase = (): Promise<string> => c.kubectl.ok(['get', 'pod', 'survivor', '-o', 'jsonpath={.status.phase}/{.status.containerStatuses[0].restartCount}/{.status.containerStatuses[0].ready}']);
    await waitFor('survivor Running', async () => ((await phase()) === 'Running/0/true' ? true : undefined), 30_000);
    expect(pids(marker)).not.toEqual([]);

    await c.kubelet.stop('SIGKILL');
    await waitFor('the containers to die with the kubelet', () => (pids(marker).length === 0 ? true : undefined), 5000);

    const again = await startKubelet({ node: c.node, podCIDR: c.podCIDR, rootDir: path.join(c.dir, 'kubelet'), grpc: c.grpc });
    cleanups.push(() => again.stop('SIGTERM', 20_000));
    await waitFor('survivor running again', async () => ((await phase()) === 'Running/1/true' ? true : undefined), 30_000);
    expect(pids(marker)).not.toEqual([]);
    const last = JSON.parse(await c.kubectl.ok(['get', 'pod', 'survivor', '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated}']));
    expect(last).toMatchObject({ reason: 'ContainerStatusUnknown', exitCode: 137 });
    // The new instance logs to the next file; the one before stays for --previous.
    const logs = execFileSync('ls', [path.join(c.dir, 'kubelet', 'pods', `default_survivor_${await c.kubectl.ok(['get', 'pod', 'survivor', '-o', 'jsonpath={.metadata.uid}'])}`, 'main')]).toString();
    expect(logs.split('\n')).toEqual(expect.arrayContaining(['0.log', '1.log']));
    await c.kubectl.ok(['delete', 'pod', 'survivor', '--timeout=20s']);
    await waitFor('survivor processes gone', () => (pids(marker).length === 0 ? true : undefined), 5000);
  });
});
