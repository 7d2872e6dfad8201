import { describe, expect, it } from 'vitest';
import { calculateStatus, historyToDelete, newRSReplicas, progressingCondition, proportionalScale, resolveFenceposts, scaleDownOld } from './deployment.js';
import { deployment, rs } from './testing.js';
import type { Deployment } from './types.js';

const rolling = (maxSurge: number | string, maxUnavailable: number | string): Deployment['spec']['strategy'] => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } });
const entries = (m: Map<string, number>): Record<string, number> => Object.fromEntries(m);

describe('Deployment rolling update arithmetic', () => {
  it.each<[string, number, number | string, number | string, number, number]>([
    ['25% of 10: surge rounds up, unavailable down', 10, '25%', '25%', 3, 2],
    ['25% of 1', 1, '25%', '25%', 1, 0],
    ['both zero: unavailable becomes 1', 4, 0, 0, 0, 1],
    ['0% both: unavailable becomes 1', 4, '0%', '0%', 0, 1],
    ['integers as given', 5, 2, 1, 2, 1],
    ['50% of 3', 3, '50%', '50%', 2, 1],
    ['100% surge', 4, '100%', 0, 4, 0],
  ])('%s', (_name, replicas, surge, unavailable, wantSurge, wantUnavailable) => {
    expect(resolveFenceposts(deployment(replicas, rolling(surge, unavailable)))).toEqual({ maxSurge: wantSurge, maxUnavailable: wantUnavailable });
  });

  it.each<[string, number, number | string, number[], number | undefined, number]>([
    ['a new ReplicaSet gets up to maxSurge', 10, 3, [10], undefined, 3],
    ['no room left above replicas + maxSurge', 10, 3, [10, 3], 3, 3],
    ['room freed by old scale-down', 10, 3, [6, 3], 3, 7],
    ['never above replicas', 10, 3, [0, 9], 9, 10],
    ['100% surge brings all at once', 4, '100%', [4], undefined, 4],
  ])('newRSReplicas: %s', (_name, replicas, surge, sizes, newSize, want) => {
    const d = deployment(replicas, rolling(surge, '25%'));
    const all = sizes.map((n, i) => rs(`r${i}`, n));
    const newRS = newSize === undefined ? undefined : all[all.length - 1];
    expect(newRSReplicas(d, all, newRS)).toBe(want);
  });

  it('Recreate sizes the new ReplicaSet to replicas at once', () => {
    expect(newRSReplicas(deployment(5, { type: 'Recreate' }), [rs('old', 0)], undefined)).toBe(5);
  });

  it.each<[string, Deployment, ReturnType<typeof rs>[], ReturnType<typeof rs> | undefined, Record<string, number>]>([
    ['scales available old pods down within maxUnavailable', deployment(10, rolling(3, 2)), [rs('old', 10)], rs('new', 3, 0), { old: 8 }],
    ['unhealthy old pods go first, then stop at minAvailable', deployment(10, rolling(3, 2)), [rs('old', 10, 7)], rs('new', 0, 0), { old: 8 }],
    ['maxUnavailable 0 waits for new pods to be available', deployment(10, rolling(1, 0)), [rs('old', 10)], rs('new', 1, 0), {}],
    ['maxUnavailable 0 trades one for one', deployment(10, rolling(1, 0)), [rs('old', 10)], rs('new', 1, 1), { old: 9 }],
    [
      'oldest ReplicaSets first',
      deployment(10, rolling(3, 2)),
      [rs('older', 2, 2, { created: '2024-01-01T00:00:00Z' }), rs('old', 5, 5, { created: '2024-01-02T00:00:00Z' })],
      rs('new', 5, 5),
      { older: 0, old: 3 },
    ],
    ['nothing when old ReplicaSets are empty', deployment(10, rolling(3, 2)), [rs('old', 0)], rs('new', 10), {}],
  ])('scaleDownOld: %s', (_name, d, old, newRS, want) => {
    expect(entries(scaleDownOld(d, old, newRS))).toEqual(want);
  });

  it.each<[string, number, Array<[string, number, string]>, Record<string, number>]>([
    // Mid-rollout at 5 replicas (max-replicas 8 with maxSurge 3): 4 new + 4 old.
    ['5 → 10 spreads 5 more by size, newer first', 10, [['new', 4, '2024-01-02T00:00:00Z'], ['old', 4, '2024-01-01T00:00:00Z']], { new: 7, old: 6 }],
    ['10 → 5 takes 5 away by size', 5, [['new', 7, '2024-01-02T00:00:00Z'], ['old', 6, '2024-01-01T00:00:00Z']], { new: 4, old: 4 }],
  ])('proportionalScale: %s', (_name, replicas, sets, want) => {
    const d = deployment(replicas, rolling(3, 2));
    const before = sets.reduce((n, [, size]) => n + size, 0);
    const active = sets.map(([name, size, created]) => rs(name, size, size, { created, annotations: { 'deployment.kubernetes.io/max-replicas': String(before) } }));
    const got = entries(proportionalScale(d, active));
    expect(got).toEqual(want);
    expect(Object.values(got).reduce((a, b) => a + b, 0)).toBe(replicas + 3);
  });

  it('cleans up idle old ReplicaSets beyond revisionHistoryLimit, oldest revision first', () => {
    const d = deployment(3, undefined, { revisionHistoryLimit: 2 });
    const old = [rs('r4', 0, 0, { revision: 4 }), rs('r1', 0, 0, { revision: 1 }), rs('r3', 0, 0, { revision: 3 }), rs('r2', 0, 0, { revision: 2 }), rs('busy', 1, 1, { revision: 5 })];
    expect(historyToDelete(d, old).map((r) => r.metadata.name)).toEqual(['r1', 'r2']);
    expect(historyToDelete(deployment(3), old)).toEqual([]);
  });
});

describe('Deployment status and conditions', () => {
  const now = Date.parse('2024-01-01T01:00:00Z');
  const iso = '2024-01-01T01:00:00Z';

  it('sums ReplicaSet status and says whether minimum availability holds', () => {
    const d = deployment(4, rolling(1, 1));
    const s = calculateStatus(d, [rs('old', 1, 1), rs('new', 3, 2, { ready: 3 })], rs('new', 3, 2), iso);
    expect(s).toMatchObject({ observedGeneration: 1, replicas: 4, updatedReplicas: 3, readyReplicas: 4, availableReplicas: 3, unavailableReplicas: 1 });
    expect(s.conditions).toEqual([expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' })]);
    const low = calculateStatus(d, [rs('new', 4, 2)], rs('new', 4, 2), iso);
    expect(low.conditions).toEqual([expect.objectContaining({ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' })]);
  });

  it.each<[string, Record<string, unknown>, number[], string | undefined, string | undefined]>([
    ['complete rollout', {}, [3, 3, 3], 'NewReplicaSetAvailable', 'True'],
    ['progress since last status', { replicas: 3, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T00:59:00Z', lastTransitionTime: '2024-01-01T00:50:00Z' }] }, [3, 2, 2], 'ReplicaSetUpdated', 'True'],
    ['stuck past the deadline', { replicas: 3, updatedReplicas: 1, availableReplicas: 3, readyReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T00:49:00Z' }] }, [3, 1, 1], 'ProgressDeadlineExceeded', 'False'],
    ['stuck within the deadline', { replicas: 3, updatedReplicas: 1, availableReplicas: 3, readyReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T00:55:00Z' }] }, [3, 1, 1], 'ReplicaSetUpdated', 'True'],
  ])('Progressing: %s', (_name, oldStatus, [replicas, updated, available], reason, status) => {
    const d = deployment(3, rolling(1, 0));
    d.spec.progressDeadlineSeconds = 600;
    d.status = oldStatus as Deployment['status'];
    const newRS = rs('new', updated as number, available);
    const all = [rs('old', (replicas as number) - (updated as number), (replicas as number) - (updated as number)), newRS];
    const s = calculateStatus(d, all, newRS, iso);
    const { conditions } = progressingCondition(d, s, 'new', now);
    const p = conditions.find((c) => c.type === 'Progressing');
    expect(p?.reason).toBe(reason);
    expect(p?.status).toBe(status);
  });

  it('keeps the transition time of a Progressing condition that stays True', () => {
    const d = deployment(3, rolling(1, 0));
    d.status = { replicas: 3, updatedReplicas: 1, availableReplicas: 3, readyReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T00:59:00Z', lastTransitionTime: '2024-01-01T00:10:00Z' }] };
    const s = calculateStatus(d, [rs('old', 1), rs('new', 3, 2)], rs('new', 3, 2), iso);
    const p = progressingCondition(d, s, 'new', now).conditions.find((c) => c.type === 'Progressing');
    expect(p).toMatchObject({ reason: 'ReplicaSetUpdated', lastTransitionTime: '2024-01-01T00:10:00Z', lastUpdateTime: iso, message: 'ReplicaSet "new" is progressing.' });
  });
});
