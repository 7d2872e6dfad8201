import { isNotFound } from '@kite/client';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, startProcess } from '../support/processes.js';
import { node, pod, schedulerBin, startControlPlane, startScheduler, waitScheduled } from './harness.js';

describe('kite-scheduler command line', () => {
  const cleanups = cleanupAfterEach();

  it.each<[string, string[], Record<string, string>, number, RegExp]>([
    ['--help lists every flag', ['--help'], {}, 0, /--apiserver[\s\S]*--leader-elect[\s\S]*--profile[\s\S]*--lease-duration[\s\S]*--renew-deadline[\s\S]*--retry-period[\s\S]*--metrics-listen[\s\S]*--log-level/],
    ['a bad profile exits 2', ['--profile', 'slow'], {}, 2, /kite-scheduler: --profile must be kubernetes or fast, got "slow"/],
    ['flags read the environment', [], { KITE_SCHEDULER_RETRY_PERIOD: 'soon' }, 2, /--retry-period: invalid duration "soon"/],
    ['inconsistent lease timings exit 2', ['--lease-duration', '2s', '--renew-deadline', '3s'], {}, 2, /--lease-duration must be greater than --renew-deadline/],
  ])('%s', async (_name, args, env, code, out) => {
    const p = startProcess(process.execPath, [schedulerBin, ...args], env);
    cleanups.push(() => p.stop('SIGKILL'));
    expect(await p.exited).toBe(code);
    expect(p.output()).toMatch(out);
  });

  it('--leader-elect=false schedules at once without touching a Lease', async () => {
    const { api, client } = await startControlPlane(cleanups);
    await client.create(node({ name: 'n1' }));
    const s = await startScheduler(api.grpcAddress, ['--leader-elect=false']);
    cleanups.push(() => s.stop());
    await client.create(pod('p'));
    expect((await waitScheduled(client, ['p'])).get('p')).toBe('n1');
    const lease = await client.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-system' }, 'kube-scheduler').catch((e: unknown) => e);
    expect(isNotFound(lease)).toBe(true);
    const health = await Promise.all(['/healthz', '/readyz'].map(async (path) => (await fetch(`http://${s.metrics}${path}`)).status));
    expect(health).toEqual([200, 200]);
  });
});
