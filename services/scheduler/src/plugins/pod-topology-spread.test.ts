import { describe, expect, it } from 'vitest';
import type { Pod, TopologySpreadConstraint } from '../framework/objects.js';
import { Code, type Status } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith, snapshotOf } from '../testing.js';
import { ERR_CONSTRAINTS, ERR_MISSING_LABEL, podTopologySpread } from './pod-topology-spread.js';

const web = (name: string): Pod => makePod(name, {}, { labels: { app: 'web' } });
const spread = (o: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey: 'zone',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' } },
  ...o,
});

/** Zones a (a1, a2) and b (b1); `nolabel` has no zone. */
function cluster(placed: Record<string, Pod[]>, extraNodes: string[] = []) {
  return snapshotOf([
    nodeWith(makeNode('a1', { labels: { zone: 'a' } }), placed.a1),
    nodeWith(makeNode('a2', { labels: { zone: 'a' } }), placed.a2),
    nodeWith(makeNode('b1', { labels: { zone: 'b' } }), placed.b1),
    nodeWith(makeNode('nolabel'), placed.nolabel),
    ...extraNodes.map((n) => nodeWith(makeNode(n, { labels: { zone: n } }))),
  ]);
}

function verdicts(constraints: TopologySpreadConstraint[], placed: Record<string, Pod[]>, spec: Partial<Pod['spec']> = {}, extra: string[] = []): Record<string, string> {
  const snap = cluster(placed, extra);
  const pod = info(makePod('p', { topologySpreadConstraints: constraints, ...spec }, { labels: { app: 'web' } }));
  const state = freshState();
  const pre = podTopologySpread.preFilter(state, pod, snap) as Status;
  const out: Record<string, string> = {};
  for (const n of snap.nodes) {
    const s = pre.code === Code.Skip ? pre : podTopologySpread.filter(state, pod, n);
    out[n.name] = s.code === Code.Success || s.code === Code.Skip ? 'ok' : `${Code[s.code]}: ${s.reasons.join()}`;
  }
  return out;
}

const S = `Unschedulable: ${ERR_CONSTRAINTS}`;
const U = `UnschedulableAndUnresolvable: ${ERR_MISSING_LABEL}`;

describe('PodTopologySpread filter (DoNotSchedule)', () => {
  it.each<[string, TopologySpreadConstraint[], Record<string, Pod[]>, Partial<Pod['spec']>, string[], Record<string, string>]>([
    ['no constraints', [], { a1: [web('w')] }, {}, [], { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: 'ok' }],
    ['balanced: any zone', [spread()], { a1: [web('w1')], b1: [web('w2')] }, {}, [], { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: U }],
    ['zone a ahead by one: only b', [spread()], { a1: [web('w1')] }, {}, [], { a1: S, a2: S, b1: 'ok', nolabel: U }],
    ['maxSkew 2 allows it', [spread({ maxSkew: 2 })], { a1: [web('w1')] }, {}, [], { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: U }],
    ['pods the selector does not match are not counted', [spread()], { a1: [makePod('o', {}, { labels: { app: 'other' } })] }, {}, [], { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: U }],
    ['hostname key', [spread({ topologyKey: 'kubernetes.io/hostname' })], { a1: [web('w1')], a2: [web('w2')] }, {}, [], { a1: S, a2: S, b1: 'ok', nolabel: 'ok' }],
    [
      'nodes excluded by nodeSelector are not domains (Honor)',
      [spread()],
      { a1: [web('w1')] },
      { nodeSelector: { zone: 'a' } },
      [],
      { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: U },
    ],
    ['minDomains above the domain count makes the global minimum 0', [spread({ minDomains: 3 })], { a1: [web('w1')], b1: [web('w2')] }, {}, [], { a1: S, a2: S, b1: S, nolabel: U }],
    ['minDomains met by a third zone', [spread({ minDomains: 3 })], { a1: [web('w1')], b1: [web('w2')] }, {}, ['c'], { a1: S, a2: S, b1: S, nolabel: U, c: 'ok' }],
    ['ScheduleAnyway never filters', [spread({ whenUnsatisfiable: 'ScheduleAnyway' })], { a1: [web('w1')] }, {}, [], { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: 'ok' }],
  ])('%s', (_name, constraints, placed, spec, extra, want) => {
    expect(verdicts(constraints, placed, spec, extra)).toEqual(want);
  });
});

describe('PodTopologySpread score (ScheduleAnyway)', () => {
  it('favours the emptier domain and ignores nodes without the key', () => {
    const snap = cluster({ a1: [web('w1'), web('w2')], b1: [] });
    const pod = info(makePod('p', { topologySpreadConstraints: [spread({ whenUnsatisfiable: 'ScheduleAnyway' })] }, { labels: { app: 'web' } }));
    const state = freshState();
    expect(podTopologySpread.preScore?.(state, pod, snap.nodes, snap).code).toBe(Code.Success);
    const scores = snap.nodes.map((n) => ({ name: n.name, score: podTopologySpread.score(state, pod, n) }));
    // zone a holds 2 matching pods: 2·ln(2+2) ≈ 2.77 → 3; zone b 0
    expect(scores.map((s) => s.score)).toEqual([3, 3, 0, 0]);
    podTopologySpread.normalizeScore?.(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([0, 0, 100, 0]);
  });

  it('spreads replicas of one controller by default, without constraints of their own', () => {
    const rs = (name: string): Pod => makePod(name, {}, { owner: 'rs-1' });
    const snap = cluster({ a1: [rs('r1'), rs('r2')], a2: [rs('r3')] });
    const pod = info(rs('new'));
    const state = freshState();
    expect(podTopologySpread.preScore?.(state, pod, snap.nodes, snap).code).toBe(Code.Success);
    const scores = snap.nodes.map((n) => ({ name: n.name, score: podTopologySpread.score(state, pod, n) }));
    podTopologySpread.normalizeScore?.(state, pod, scores);
    const byName = Object.fromEntries(scores.map((s) => [s.name, s.score]));
    expect(byName.b1).toBeGreaterThan(byName.a2 as number);
    expect(byName.a2).toBeGreaterThan(byName.a1 as number);
  });

  it('does nothing for a pod without constraints or controller', () => {
    const snap = cluster({});
    expect(podTopologySpread.preScore?.(freshState(), info(makePod('p')), snap.nodes, snap).code).toBe(Code.Skip);
  });
});
