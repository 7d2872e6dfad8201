import { describe, expect, it } from 'vitest';
import type { Affinity, Pod, PodAffinityTerm } from '../framework/objects.js';
import { Code, type Status } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith, snapshotOf } from '../testing.js';
import { ERR_AFFINITY, ERR_ANTI_AFFINITY, ERR_EXISTING_ANTI_AFFINITY, interPodAffinity } from './inter-pod-affinity.js';

const term = (app: string, topologyKey = 'zone', extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });
const affinity = (...t: PodAffinityTerm[]): Affinity => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: t } });
const anti = (...t: PodAffinityTerm[]): Affinity => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: t } });

/** Nodes a1, a2 in zone a; b1 in zone b; nolabel without a zone. */
function cluster(placed: Record<string, Pod[]>) {
  const nodes = [
    nodeWith(makeNode('a1', { labels: { zone: 'a' } }), placed.a1),
    nodeWith(makeNode('a2', { labels: { zone: 'a' } }), placed.a2),
    nodeWith(makeNode('b1', { labels: { zone: 'b' } }), placed.b1),
    nodeWith(makeNode('nolabel'), placed.nolabel),
  ];
  return snapshotOf(nodes, { default: {}, prod: { env: 'prod' }, dev: { env: 'dev' } });
}

function verdicts(pod: Pod, placed: Record<string, Pod[]>): Record<string, string> {
  const snap = cluster(placed);
  const state = freshState();
  const pre = interPodAffinity.preFilter(state, info(pod), snap) as Status;
  const out: Record<string, string> = {};
  for (const n of snap.nodes) {
    const s = pre.code === Code.Skip ? pre : interPodAffinity.filter(state, info(pod), n);
    out[n.name] = s.code === Code.Success || s.code === Code.Skip ? 'ok' : `${Code[s.code]}: ${s.reasons.join()}`;
  }
  return out;
}

const db = (ns = 'default'): Pod => makePod('db', {}, { labels: { app: 'db' }, namespace: ns });
const U = (r: string): string => `UnschedulableAndUnresolvable: ${r}`;
const S = (r: string): string => `Unschedulable: ${r}`;

describe('InterPodAffinity filter', () => {
  it.each<[string, Pod, Record<string, Pod[]>, Record<string, string>]>([
    ['no affinity anywhere', makePod('p'), { a1: [db()] }, { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: 'ok' }],
    ['affinity: same zone as db', makePod('p', { affinity: affinity(term('db')) }), { a1: [db()] }, { a1: 'ok', a2: 'ok', b1: U(ERR_AFFINITY), nolabel: U(ERR_AFFINITY) }],
    ['affinity: hostname topology', makePod('p', { affinity: affinity(term('db', 'kubernetes.io/hostname')) }), { a1: [db()] }, { a1: 'ok', a2: U(ERR_AFFINITY), b1: U(ERR_AFFINITY), nolabel: U(ERR_AFFINITY) }],
    ['affinity: no match anywhere', makePod('p', { affinity: affinity(term('db')) }), {}, { a1: U(ERR_AFFINITY), a2: U(ERR_AFFINITY), b1: U(ERR_AFFINITY), nolabel: U(ERR_AFFINITY) }],
    ['affinity to itself: the first pod may go anywhere with the key', makePod('p', { affinity: affinity(term('web')) }, { labels: { app: 'web' } }), {}, { a1: 'ok', a2: 'ok', b1: 'ok', nolabel: U(ERR_AFFINITY) }],
    ['affinity: other namespace not selected by default', makePod('p', { affinity: affinity(term('db')) }), { a1: [db('prod')] }, { a1: U(ERR_AFFINITY), a2: U(ERR_AFFINITY), b1: U(ERR_AFFINITY), nolabel: U(ERR_AFFINITY) }],
    ['affinity: namespaces lists it', makePod('p', { affinity: affinity(term('db', 'zone', { namespaces: ['prod'] })) }), { b1: [db('prod')] }, { a1: U(ERR_AFFINITY), a2: U(ERR_AFFINITY), b1: 'ok', nolabel: U(ERR_AFFINITY) }],
    ['affinity: namespaceSelector selects it', makePod('p', { affinity: affinity(term('db', 'zone', { namespaceSelector: { matchLabels: { env: 'prod' } } })) }), { b1: [db('prod')] }, { a1: U(ERR_AFFINITY), a2: U(ERR_AFFINITY), b1: 'ok', nolabel: U(ERR_AFFINITY) }],
    ['affinity: empty namespaceSelector means every namespace', makePod('p', { affinity: affinity(term('db', 'zone', { namespaceSelector: {} })) }), { b1: [db('dev')] }, { a1: U(ERR_AFFINITY), a2: U(ERR_AFFINITY), b1: 'ok', nolabel: U(ERR_AFFINITY) }],
    ['anti-affinity by zone', makePod('p', { affinity: anti(term('db')) }), { a1: [db()] }, { a1: S(ERR_ANTI_AFFINITY), a2: S(ERR_ANTI_AFFINITY), b1: 'ok', nolabel: 'ok' }],
    ['anti-affinity by hostname', makePod('p', { affinity: anti(term('db', 'kubernetes.io/hostname')) }), { a1: [db()] }, { a1: S(ERR_ANTI_AFFINITY), a2: 'ok', b1: 'ok', nolabel: 'ok' }],
    [
      "an existing pod's anti-affinity keeps the newcomer out",
      makePod('p', {}, { labels: { app: 'web' } }),
      { b1: [makePod('guard', { affinity: anti(term('web')) })] },
      { a1: 'ok', a2: 'ok', b1: S(ERR_EXISTING_ANTI_AFFINITY), nolabel: 'ok' },
    ],
  ])('%s', (_name, pod, placed, want) => {
    expect(verdicts(pod, placed)).toEqual(want);
  });
});

describe('InterPodAffinity score', () => {
  it('prefers zones with preferred pods, avoids anti-preferred ones, and normalizes to 0…100', () => {
    const pod = info(
      makePod('p', {
        affinity: {
          podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db') }] },
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('noisy') }] },
        },
      }),
    );
    const snap = cluster({ a1: [db()], b1: [makePod('n', {}, { labels: { app: 'noisy' } })] });
    const state = freshState();
    expect(interPodAffinity.preScore?.(state, pod, snap.nodes, snap).code).toBe(Code.Success);
    const scores = snap.nodes.map((n) => ({ name: n.name, score: interPodAffinity.score(state, pod, n) }));
    expect(scores.map((s) => s.score)).toEqual([10, 10, -5, 0]);
    interPodAffinity.normalizeScore?.(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 100, 0, 33]);
  });
});
