import { describe, expect, it, vi } from 'vitest';
import type { KiteClient } from '@kite/client';
import type { Logger } from '@kite/common';
import { OptionsError } from '@kite/common';
import type { Pod } from '../pod/types.js';
import { LeaseRenewer } from './leases.js';
import { compileHollowOptions } from './options.js';
import { hollowPodIP, hollowRunningStatus, reportedRunning } from './pod-status.js';

describe('compileHollowOptions', () => {
  it.each([
    ['defaults: scheduler_perf node, 30s/40s lease', { hollowNodes: '5000' }, { count: 5000, prefix: 'hollow-', cpuMillis: 4000, memoryBytes: 32 * 2 ** 30, pods: 110, leaseRenewMs: 30_000, leaseDurationSeconds: 40 }],
    ['flags win', { hollowNodes: 3, nodeNamePrefix: 'n-', capacityCpu: '2', capacityMemory: '8Gi', capacityPods: '20', nodeLeaseRenewInterval: '5s', nodeLeaseDurationSeconds: '20' }, { count: 3, prefix: 'n-', cpuMillis: 2000, memoryBytes: 8 * 2 ** 30, pods: 20, leaseRenewMs: 5000, leaseDurationSeconds: 20 }],
  ] as const)('%s', (_name, flags, want) => {
    expect(compileHollowOptions(flags)).toMatchObject(want);
  });

  it.each([
    ['zero nodes', { hollowNodes: '0' }, /--hollow-nodes/],
    ['not a number', { hollowNodes: 'many' }, /--hollow-nodes/],
    ['upper-case prefix', { hollowNodes: '2', nodeNamePrefix: 'Hollow-' }, /--node-name-prefix/],
    ['lease not longer than renew', { hollowNodes: '2', nodeLeaseRenewInterval: '60s' }, /--node-lease-duration-seconds/],
  ] as const)('rejects %s', (_name, flags, msg) => {
    expect(() => compileHollowOptions(flags)).toThrow(OptionsError);
    expect(() => compileHollowOptions(flags)).toThrow(msg);
  });
});

const pod = (status?: Pod['status']): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u-1' },
  spec: { nodeName: 'hollow-3', containers: [{ name: 'a', image: 'pause' }, { name: 'b', image: 'nginx' }] },
  ...(status ? { status } : {}),
});

describe('hollowRunningStatus', () => {
  it.each([
    ['fresh pod', undefined],
    ['bound pod with PodScheduled', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' as const, lastTransitionTime: 'T0' }] }],
  ])('%s: Running, every container running and ready, PodScheduled kept', (_name, status) => {
    const p = pod(status);
    const s = hollowRunningStatus(p, 'T1');
    expect(s.phase).toBe('Running');
    expect(s.startTime).toBe('T1');
    expect(s.podIP).toBe(hollowPodIP('u-1'));
    expect(s.containerStatuses?.map((c) => [c.name, c.image, c.ready, c.state.running?.startedAt])).toEqual([
      ['a', 'pause', true, 'T1'],
      ['b', 'nginx', true, 'T1'],
    ]);
    const conds = Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c.status]));
    expect(conds).toMatchObject({ Initialized: 'True', ContainersReady: 'True', Ready: 'True' });
    expect('PodScheduled' in conds).toBe(status !== undefined);
    expect(reportedRunning(p)).toBe(false);
    expect(reportedRunning({ ...p, status: s })).toBe(true);
  });

  it('gives stable, distinct pod IPs', () => {
    expect(hollowPodIP('abc')).toBe(hollowPodIP('abc'));
    expect(hollowPodIP('abc')).not.toBe(hollowPodIP('abd'));
    expect(hollowPodIP('abc')).toMatch(/^10\.(1[2-9]\d|2[0-5]\d)\.\d{1,3}\.\d{1,3}$/);
  });
});

describe('LeaseRenewer', () => {
  it('renews every node once per interval, spread over it rather than in one burst', async () => {
    vi.useFakeTimers();
    try {
      const calls: Array<[string, number, number]> = [];
      const client = { heartbeat: (name: string, secs: number) => (calls.push([name, secs, Date.now()]), Promise.resolve({ renewTime: '', resourceVersion: '' })) } as unknown as KiteClient;
      const log = { warn: () => undefined } as unknown as Logger;
      const nodes = Array.from({ length: 40 }, (_, i) => `n-${i}`);
      const r = new LeaseRenewer(client, nodes, 10_000, 40, log);
      const start = Date.now();
      r.start();
      await vi.advanceTimersByTimeAsync(10_000);
      r.stop();
      expect(new Set(calls.map((c) => c[0])).size).toBe(40);
      expect(calls.length).toBe(40);
      expect(calls.every((c) => c[1] === 40)).toBe(true);
      // 40 nodes over 10 s in 250 ms ticks: one renewal per tick, none in the same tick.
      const perTick = new Map<number, number>();
      for (const c of calls) perTick.set(c[2] - start, (perTick.get(c[2] - start) ?? 0) + 1);
      expect(Math.max(...perTick.values())).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
