import { describe, expect, it } from 'vitest';
import { BURST_REPLICAS, podsToDelete, replicaDiff, replicaSetStatus } from './replicaset.js';
import { pod, rs } from './testing.js';

describe('ReplicaSet pure logic', () => {
  it.each([
    ['unscheduled before scheduled', pod({ name: 'a', node: 'n1' }), pod({ name: 'b' })],
    ['Pending before Running', pod({ name: 'a', node: 'n1' }), pod({ name: 'b', node: 'n1', phase: 'Pending' })],
    ['Unknown before Running', pod({ name: 'a', node: 'n1' }), pod({ name: 'b', node: 'n1', phase: 'Unknown' })],
    ['not ready before ready', pod({ name: 'a', node: 'n1' }), pod({ name: 'b', node: 'n1', ready: false })],
    ['lower deletion cost first', pod({ name: 'a', node: 'n1', cost: 10 }), pod({ name: 'b', node: 'n2', cost: -5 })],
    ['recently ready before long ready', pod({ name: 'a', node: 'n1', readySince: '2024-01-01T00:00:00Z' }), pod({ name: 'b', node: 'n2', readySince: '2024-01-02T00:00:00Z' })],
    ['more restarts first', pod({ name: 'a', node: 'n1' }), pod({ name: 'b', node: 'n2', restarts: 3 })],
    ['newer before older', pod({ name: 'a', node: 'n1', created: '2024-01-01T00:00:00Z' }), pod({ name: 'b', node: 'n2', created: '2024-01-03T00:00:00Z' })],
  ])('deletes %s', (_name, keep, remove) => {
    expect(podsToDelete([keep, remove], [], 1).map((p) => p.metadata.name)).toEqual([remove.metadata.name]);
    expect(podsToDelete([remove, keep], [], 1).map((p) => p.metadata.name)).toEqual([remove.metadata.name]);
  });

  it('thins out the node with most related pods first', () => {
    const a = pod({ name: 'a', node: 'n1' });
    const b = pod({ name: 'b', node: 'n2' });
    const related = [a, b, pod({ name: 'x', node: 'n2' }), pod({ name: 'y', node: 'n2' })];
    expect(podsToDelete([a, b], related, 1).map((p) => p.metadata.name)).toEqual(['b']);
  });

  it.each([
    [3, 5, 2],
    [5, 3, -2],
    [4, 4, 0],
    [0, 10_000, BURST_REPLICAS],
    [10_000, 0, -BURST_REPLICAS],
  ])('diff of %i active to %i desired is %i', (active, desired, want) => expect(replicaDiff(active, desired)).toBe(want));

  it('counts replicas, fully labelled, ready and available (minReadySeconds)', () => {
    const set = rs('r', 4);
    set.spec.minReadySeconds = 10;
    set.spec.template.metadata = { labels: { app: 'x', tier: 'web' } };
    set.metadata.generation = 7;
    const now = Date.parse('2024-01-01T00:01:00Z');
    const pods = [
      pod({ name: 'a', labels: { app: 'x', tier: 'web' }, readySince: '2024-01-01T00:00:00Z' }),
      pod({ name: 'b', labels: { app: 'x', tier: 'web' }, readySince: '2024-01-01T00:00:55Z' }),
      pod({ name: 'c', labels: { app: 'x' }, ready: false }),
    ];
    expect(replicaSetStatus(set, pods, now)).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 7 });
  });
});
