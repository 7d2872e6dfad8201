import { describe, expect, it } from 'vitest';
import { inTreeRegistry } from '../plugins/index.js';
import { info, makeNode, makePod, nodeWith, snapshotOf } from '../testing.js';
import { Framework, numFeasibleNodesToFind } from './framework.js';
import type { FilterPlugin, ScorePlugin } from './interfaces.js';
import { DEFAULT_PROFILE, PluginRegistry } from './registry.js';
import { Status } from './status.js';

describe('numFeasibleNodesToFind', () => {
  it.each([
    [50, 0, 50],
    [99, 0, 99],
    [100, 0, 100],
    [1000, 0, 420],
    [5000, 0, 500],
    [10_000, 0, 500],
    [5000, 100, 5000],
    [5000, 10, 500],
    [500, 1, 100],
  ])('%i nodes at %i%% → %i', (all, pct, want) => {
    expect(numFeasibleNodesToFind(all, pct)).toBe(want);
  });
});

describe('Framework', () => {
  const fw = (random = Math.random): Framework => new Framework(inTreeRegistry(), DEFAULT_PROFILE, random);

  it('reports the first rejecting filter per node and the preemption verdicts', () => {
    const snap = snapshotOf([
      nodeWith(makeNode('cordoned', { unschedulable: true, cpu: '1' })),
      nodeWith(makeNode('small', { cpu: '1' })),
      nodeWith(makeNode('tiny', { cpu: '1' }), [makePod('low', { priority: -1 }, { requests: { cpu: '900m' } })]),
    ]);
    const r = fw().schedule(info(makePod('p', { priority: 0 }, { requests: { cpu: '2' } })), snap);
    expect(r).toMatchObject({
      kind: 'unschedulable',
      message: '0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    });
    // 500m fits nowhere now; on "tiny" only by evicting the lower-priority pod (kite does not evict).
    const r2 = fw().schedule(info(makePod('q', {}, { requests: { cpu: '500m' } })), snapshotOf([
      nodeWith(makeNode('busy', { cpu: '1' }), [makePod('same', {}, { requests: { cpu: '900m' } })]),
      nodeWith(makeNode('tiny', { cpu: '1' }), [makePod('low', { priority: -1 }, { requests: { cpu: '900m' } })]),
    ]));
    expect(r2.kind === 'unschedulable' && r2.message).toBe(
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 preemption is not implemented in kite.',
    );
    const never = fw().schedule(info(makePod('n', { preemptionPolicy: 'Never' }, { requests: { cpu: '2' } })), snapshotOf([nodeWith(makeNode('small', { cpu: '1' }))]));
    expect(never.kind === 'unschedulable' && never.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('reports nodes a PreFilter ruled out by name, as upstream does for DaemonSet pods', () => {
    const snap = snapshotOf(['n1', 'n2', 'n3'].map((n) => nodeWith(makeNode(n, { cpu: '1' }))));
    const pinned = makePod('ds', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } } }, { requests: { cpu: '2' } });
    expect(fw().schedule(info(pinned), snap)).toMatchObject({
      kind: 'unschedulable',
      message: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    });
    const fits = makePod('ds2', { affinity: pinned.spec.affinity });
    expect(fw().schedule(info(fits), snap)).toMatchObject({ kind: 'scheduled', node: 'n2' });
  });

  it('says "no nodes available" in an empty cluster', () => {
    expect(fw().schedule(info(makePod('p')), snapshotOf([]))).toMatchObject({ kind: 'unschedulable', message: 'no nodes available to schedule pods' });
  });

  it('picks the best-scoring node and breaks ties at random', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((n) => nodeWith(makeNode(n)));
    nodes.push(nodeWith(makeNode('full'), [makePod('x', {}, { requests: { cpu: '3', memory: '6Gi' } })]));
    const snap = snapshotOf(nodes);
    const seen = new Set<string>();
    let seed = 1;
    // A deterministic pseudo-random sequence so the test cannot flake.
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const f = fw(random);
    for (let i = 0; i < 200; i++) {
      const r = f.schedule(info(makePod(`p${i}`, {}, { requests: { cpu: '100m' } })), snap);
      if (r.kind === 'scheduled') seen.add(r.node);
    }
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('weights scores per profile and runs only the plugins it names', () => {
    const prefer = (name: string, node: string): ScorePlugin => ({ name, score: (_s, _p, n) => (n.name === node ? 100 : 0) });
    const reject: FilterPlugin = { name: 'RejectC', filter: (_s, _p, n) => (n.name === 'c' ? Status.unschedulable('no c') : Status.success()) };
    const registry = new PluginRegistry().register(prefer('LikesA', 'a')).register(prefer('LikesB', 'b')).register(reject);
    const snap = snapshotOf(['a', 'b', 'c'].map((n) => nodeWith(makeNode(n))));
    const pick = (weights: [number, number]): string => {
      const f = new Framework(registry, { schedulerName: 's', filters: ['RejectC'], scores: [{ name: 'LikesA', weight: weights[0] }, { name: 'LikesB', weight: weights[1] }] });
      const r = f.schedule(info(makePod('p')), snap);
      return r.kind === 'scheduled' ? r.node : r.kind;
    };
    expect(pick([2, 1])).toBe('a');
    expect(pick([1, 2])).toBe('b');
    expect(() => new PluginRegistry().register(reject).register(reject)).toThrow(/registered twice/);
    expect(() => new Framework(registry, { schedulerName: 's', filters: ['Nope'], scores: [] })).toThrow(/no plugin named Nope/);
  });
});
