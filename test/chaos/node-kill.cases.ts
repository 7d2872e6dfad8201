import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, waitFor } from '../support/processes.js';

const run = promisify(execFile);
const kiteBin = path.join(repoRoot, 'services/kite/dist/bin.js');

interface PodView {
  name: string;
  node: string;
  phase: string;
  deleting: boolean;
}

/**
 * `kite node kill` on a `kite up --detach --nodes 2 --profile fast` cluster: the node goes
 * Unknown, its pods are evicted and replaced on the other node, and `kite node start` brings it
 * back untainted. Bounds carry slack; bench figures are for timing.
 */
describe('a node that dies', () => {
  let dir: string;
  const kite = (...args: string[]) => run(process.execPath, [kiteBin, ...args, '--data-dir', dir]);
  const kubectl = async (...args: string[]): Promise<string> =>
    (await run('kubectl', ['--kubeconfig', path.join(dir, 'kubeconfig'), '--cache-dir', path.join(dir, 'cache'), ...args])).stdout;
  const pods = async (): Promise<PodView[]> => {
    const list = JSON.parse(await kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as {
      items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase?: string } }>;
    };
    return list.items.map((p) => ({ name: p.metadata.name, node: p.spec.nodeName ?? '', phase: p.status.phase ?? '', deleting: p.metadata.deletionTimestamp !== undefined }));
  };

  beforeAll(async () => {
    // Not under /tmp: containers get a private /tmp, and the node dirs must stay visible to them.
    dir = await mkdtemp('/var/tmp/kite-chaos-');
    const ports = ['--store-listen', '127.0.0.1:0', '--store-metrics-listen', '127.0.0.1:0', '--apiserver-listen', '127.0.0.1:0', '--apiserver-grpc-listen', '127.0.0.1:0'];
    await kite('up', '--detach', '--nodes', '2', '--profile', 'fast', ...ports);
  }, 60_000);

  afterAll(async () => {
    await kite('down').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('is noticed, its pods come back on the other node, and it rejoins untainted', async () => {
    await kubectl('create', 'deployment', 'web', '--image=busybox', '--replicas=4', '--', 'sleep', '3600');
    const onBoth = await waitFor(
      'pods on both nodes',
      async () => {
        const ps = await pods();
        const running = ps.filter((p) => p.phase === 'Running');
        return running.length === 4 && running.some((p) => p.node === 'node-2') ? running : undefined;
      },
      40_000,
    );
    const onNode2 = onBoth.filter((p) => p.node === 'node-2').map((p) => p.name);

    const killedAt = Date.now();
    expect((await kite('node', 'kill', 'node-2')).stdout).toBe('node-2 killed\n');
    await waitFor(
      'node-2 to turn Unknown',
      async () => ((await kubectl('get', 'node', 'node-2', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')) === 'Unknown' ? true : undefined),
      30_000,
    );
    const taints = await kubectl('get', 'node', 'node-2', '-o', 'jsonpath={.spec.taints[*].key}');
    expect(taints).toContain('node.kubernetes.io/unreachable');

    await waitFor(
      'four pods running on node-1',
      async () => {
        const ps = await pods();
        return ps.filter((p) => p.phase === 'Running' && p.node === 'node-1' && !p.deleting).length === 4 ? true : undefined;
      },
      40_000,
    );
    const recoveredMs = Date.now() - killedAt;
    // The evicted pods are marked for deletion (their kubelet cannot confirm while it is dead).
    const left = await pods();
    for (const name of onNode2) {
      const p = left.find((x) => x.name === name);
      expect(p === undefined || p.deleting).toBe(true);
    }
    process.stdout.write(`node-2 killed -> its pods running again on node-1 after ${recoveredMs} ms\n`);

    expect((await kite('node', 'start', 'node-2')).stdout).toBe('node-2 started\n');
    await waitFor(
      'node-2 Ready and untainted',
      async () => {
        const ready = await kubectl('get', 'node', 'node-2', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}');
        const t = await kubectl('get', 'node', 'node-2', '-o', 'jsonpath={.spec.taints[*].key}');
        return ready === 'True' && !t.includes('unreachable') ? true : undefined;
      },
      40_000,
    );
    // The returning kubelet confirms the deletions of the pods evicted while it was away.
    await waitFor('evicted pods gone', async () => ((await pods()).length === 4 ? true : undefined), 40_000);
  }, 180_000);
});
