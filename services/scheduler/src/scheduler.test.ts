import { KiteApiError, type KiteClient, type KubeObject, type Target, type WatchHandler } from '@kite/client';
import { createLogger } from '@kite/common';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from './framework/objects.js';
import { schedulerMetrics } from './metrics.js';
import { compileSchedulerOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import { makeNode, makePod } from './testing.js';

/** An apiserver stand-in: lists what it was given, records writes, binds as the test says. */
class FakeApi {
  readonly objects = new Map<string, KubeObject[]>();
  readonly binds: string[] = [];
  readonly events: Array<{ reason?: string; message?: string; involvedObject?: { name?: string } }> = [];
  bindResult: (pod: string, attempt: number) => Error | undefined = () => undefined;

  client(): KiteClient {
    return {
      list: async (t: Target) => ({ items: this.objects.get(t.kind) ?? [], resourceVersion: '1', continue: '' }),
      watch: (_t: Target, _o: unknown, _h: WatchHandler<KubeObject>) => () => undefined,
      bind: async (_ns: string, name: string, node: string) => {
        const attempt = this.binds.filter((b) => b.startsWith(`${name}->`)).length + 1;
        this.binds.push(`${name}->${node}`);
        const err = this.bindResult(name, attempt);
        if (err) throw err;
      },
      create: async (o: KubeObject) => {
        this.events.push(o as never);
        return o;
      },
      patch: async () => ({ metadata: {} }),
    } as unknown as KiteClient;
  }
}

const until = async (what: string, cond: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Scheduler', () => {
  const running: Scheduler[] = [];
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
  });

  async function start(api: FakeApi): Promise<Scheduler> {
    const opts = compileSchedulerOptions({ leaderElect: 'false' });
    const s = new Scheduler(api.client(), opts, createLogger({ component: 'test', level: 'silent', pretty: false }), schedulerMetrics(new Registry()));
    running.push(s);
    await s.start();
    s.run();
    return s;
  }

  it('forgets the assumption when a bind fails and retries the pod after back-off', async () => {
    const api = new FakeApi();
    api.objects.set('Node', [makeNode('n1', { cpu: '1' })]);
    api.objects.set('Pod', [makePod('p', {}, { requests: { cpu: '600m' } })]);
    api.bindResult = (_pod, attempt) => (attempt === 1 ? new KiteApiError('etcd timeout', 500, 'InternalError') : undefined);
    const s = await start(api);
    await until('a failed bind reported', () => api.events.some((e) => e.reason === 'FailedScheduling'));
    expect(api.events.find((e) => e.reason === 'FailedScheduling')?.message).toBe('binding rejected: etcd timeout');
    // The node is free again while the pod waits out its back-off.
    await until('assumption forgotten', () => s.cache.get('n1')?.requested.milliCPU === 0);
    expect(s.queue.sizes.backoff).toBe(1);
    await until('second bind', () => api.binds.length === 2, 5000);
    expect(api.binds).toEqual(['p->n1', 'p->n1']);
    await until('Scheduled event', () => api.events.some((e) => e.reason === 'Scheduled'));
    expect(s.cache.get('n1')?.requested.milliCPU).toBe(600);
  });

  it('drops a pod someone else bound meanwhile without retrying it', async () => {
    const api = new FakeApi();
    api.objects.set('Node', [makeNode('n1')]);
    api.objects.set('Pod', [makePod('p')]);
    api.bindResult = () => new KiteApiError('Operation cannot be fulfilled on pods "p": pod p is already assigned to node "n9"', 409, 'Conflict');
    const s = await start(api);
    await until('bind attempted', () => api.binds.length === 1);
    await until('assumption forgotten', () => s.cache.get('n1')?.pods.size === 0);
    expect(s.queue.sizes).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
    expect(api.events.filter((e) => e.reason === 'FailedScheduling')).toEqual([]);
  });

  it.each<[string, Pod]>([
    ['another schedulerName', makePod('other', { schedulerName: 'my-scheduler' })],
    ['already bound', makePod('bound', { nodeName: 'n1' })],
    ['being deleted', { ...makePod('dying'), metadata: { ...makePod('dying').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }],
    ['finished', { ...makePod('done'), status: { phase: 'Succeeded' } }],
  ])('leaves a pod alone when it is %s', async (_name, pod) => {
    const api = new FakeApi();
    api.objects.set('Node', [makeNode('n1')]);
    api.objects.set('Pod', [pod, makePod('marker')]);
    const s = await start(api);
    // The marker pod is scheduled after the other was considered (FIFO), so waiting for it suffices.
    await until('marker bound', () => api.binds.includes('marker->n1'));
    expect(api.binds).toEqual(['marker->n1']);
    expect(s.queue.has(pod.metadata.uid as string)).toBe(false);
  });
});
