import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@kite/client';
import { controllerManagerBin, startControlPlane, startControllerManager, listPods } from './harness.js';
import { cleanupAfterEach, startProcess, waitFor } from '../support/processes.js';

const metric = async (addr: string, name: string): Promise<string> => {
  const body = await (await fetch(`http://${addr}/metrics`)).text();
  return body.split('\n').filter((l) => l.startsWith(name)).join('\n');
};

describe('kite-controller-manager process', () => {
  const cleanups = cleanupAfterEach();

  it.each([
    [['--controllers', 'nope'], /unknown controller "nope"/],
    [['--profile', 'slow'], /--profile must be kubernetes or fast/],
    [['--cluster-cidr', '10.0.0.0'], /--cluster-cidr/],
  ])('exits 2 on %j', async (args, msg) => {
    const p = startProcess(process.execPath, [controllerManagerBin, ...args]);
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(msg);
  });

  it('serves health and metrics, and hands leadership over when the leader dies', async () => {
    const { api, client } = await startControlPlane(cleanups);
    const a = await startControllerManager(api.grpcAddress, ['--leader-elect=true', '--identity', 'cm-a', '--controllers', 'replicaset']);
    cleanups.push(() => a.stop('SIGKILL'));
    await waitFor('cm-a leads', async () => ((await metric(a.metrics, 'kite_controller_manager_leader')).endsWith(' 1') ? true : undefined));
    const b = await startControllerManager(api.grpcAddress, ['--leader-elect=true', '--identity', 'cm-b', '--controllers', 'replicaset']);
    cleanups.push(() => b.stop());
    for (const path of ['/healthz', '/readyz']) expect((await fetch(`http://${b.metrics}${path}`)).status).toBe(200);
    expect(await metric(b.metrics, 'kite_controller_manager_leader')).toMatch(/ 0$/);

    const rs = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await client.create(rs('one'));
    await waitFor('leader creates pods', async () => ((await listPods(client, 'default', 'app=one')).length === 2 ? true : undefined));
    await waitFor('reconciles counted', async () => (/controller="replicaset",result="success"\} [1-9]/.test(await metric(a.metrics, 'kite_controller_manager_reconcile_total')) ? true : undefined));
    expect(await metric(a.metrics, 'kite_controller_manager_reconcile_duration_seconds_count')).toMatch(/controller="replicaset"/);
    expect(await metric(a.metrics, 'kite_controller_manager_workqueue_depth')).toMatch(/controller="replicaset"/);

    const killedAt = Date.now();
    await a.stop('SIGKILL');
    await waitFor('cm-b takes over', async () => ((await metric(b.metrics, 'kite_controller_manager_leader')).endsWith(' 1') ? true : undefined), 15_000);
    // The fast profile's lease lasts 4 s.
    expect(Date.now() - killedAt).toBeLessThan(8_000);
    await client.create(rs('two'));
    await waitFor('new leader creates pods', async () => ((await listPods(client, 'default', 'app=two')).length === 2 ? true : undefined));
    // SIGTERM: release the lease and exit cleanly.
    expect(await b.stop('SIGTERM')).toBe(0);
    const lease = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-system' }, 'kube-controller-manager');
    expect(lease.spec?.holderIdentity ?? '').toBe('');
  });
});
