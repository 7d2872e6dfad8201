import { describe, expect, it } from 'vitest';
import type { NodeSelectorTerm, Pod } from '../framework/objects.js';
import { Code } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith } from '../testing.js';
import { ERR_NODE_AFFINITY, nodeAffinity } from './node-affinity.js';

const required = (...terms: NodeSelectorTerm[]): Partial<Pod['spec']> => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

describe('NodeAffinity filter', () => {
  const labels = { zone: 'a', gen: '5', disk: 'ssd' };
  it.each<[string, Partial<Pod['spec']>, boolean]>([
    ['no constraints', {}, true],
    ['nodeSelector matches', { nodeSelector: { zone: 'a' } }, true],
    ['nodeSelector differs', { nodeSelector: { zone: 'b' } }, false],
    ['nodeSelector key missing', { nodeSelector: { gpu: 'yes' } }, false],
    ['In', required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }), true],
    ['In, no value matches', required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }), false],
    ['NotIn', required({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] }), true],
    ['NotIn, key absent matches', required({ matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['r1'] }] }), true],
    ['NotIn excluded', required({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }), false],
    ['Exists', required({ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }), true],
    ['Exists, absent', required({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }), false],
    ['DoesNotExist', required({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }), true],
    ['DoesNotExist, present', required({ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }), false],
    ['Gt', required({ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }), true],
    ['Gt, equal is not greater', required({ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['5'] }] }), false],
    ['Lt', required({ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['6'] }] }), true],
    ['Lt on a non-integer label', required({ matchExpressions: [{ key: 'zone', operator: 'Lt', values: ['6'] }] }), false],
    ['expressions within a term are ANDed', required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'gpu', operator: 'Exists' }] }), false],
    ['terms are ORed', required({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }), true],
    ['an empty term matches nothing', required({}), false],
    ['matchFields metadata.name In', required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), true],
    ['matchFields metadata.name NotIn', required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }), false],
    ['nodeSelector and affinity must both hold', { nodeSelector: { zone: 'b' }, ...required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }) }, false],
  ])('%s', (_name, spec, fits) => {
    const s = nodeAffinity.filter(freshState(), info(makePod('p', spec)), nodeWith(makeNode('n1', { labels })));
    expect(s.code).toBe(fits ? Code.Success : Code.UnschedulableAndUnresolvable);
    if (!fits) expect(s.reasons).toEqual([ERR_NODE_AFFINITY]);
  });
});

describe('NodeAffinity score', () => {
  it('sums matching preferred weights and scales to 100', () => {
    const pod = info(
      makePod('p', {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 80, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
              { weight: 20, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
            ],
          },
        },
      }),
    );
    const nodes = [makeNode('both', { labels: { zone: 'a', disk: 'ssd' } }), makeNode('zone', { labels: { zone: 'a' } }), makeNode('disk', { labels: { disk: 'hdd' } }), makeNode('none')].map((n) => nodeWith(n));
    const state = freshState();
    expect(nodeAffinity.preScore?.(state, pod, nodes, { nodes, get: () => undefined, namespaceLabels: () => undefined }).code).toBe(Code.Success);
    const scores = nodes.map((n) => ({ name: n.name, score: nodeAffinity.score(state, pod, n) }));
    expect(scores.map((s) => s.score)).toEqual([100, 80, 20, 0]);
    nodeAffinity.normalizeScore?.(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 80, 20, 0]);
  });

  it('skips pods without preferences', () => {
    expect(nodeAffinity.preScore?.(freshState(), info(makePod('p')), [], { nodes: [], get: () => undefined, namespaceLabels: () => undefined }).code).toBe(Code.Skip);
  });
});

describe('NodeAffinity PreFilter', () => {
  const pinned = (...terms: NodeSelectorTerm[]) => nodeAffinity.preFilter(freshState(), info(makePod('p', required(...terms))), { nodes: [], get: () => undefined, namespaceLabels: () => undefined });
  const names = (...n: string[]) => ({ matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: n }] });
  it.each<[string, ReturnType<typeof pinned>, string[] | 'all' | 'skip' | 'conflict']>([
    ['no nodeSelector or affinity', nodeAffinity.preFilter(freshState(), info(makePod('p')), { nodes: [], get: () => undefined, namespaceLabels: () => undefined }), 'skip'],
    ['terms without name pins', pinned({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }), 'all'],
    ['one pinned term (a DaemonSet pod)', pinned(names('n1')), ['n1']],
    ['pinned terms are ORed', pinned(names('n1'), names('n2', 'n3')), ['n1', 'n2', 'n3']],
    ['an unpinned term admits all nodes', pinned(names('n1'), { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }), 'all'],
    ['pins within a term intersect', pinned({ matchFields: [...names('n1', 'n2').matchFields, ...names('n2', 'n3').matchFields] }), ['n2']],
    ['disjoint pins within a term conflict', pinned({ matchFields: [...names('n1').matchFields, ...names('n2').matchFields] }), 'conflict'],
  ])('%s', (_name, r, want) => {
    if ('nodeNames' in r) expect([...r.nodeNames].sort()).toEqual(want);
    else if (want === 'skip') expect(r.code).toBe(Code.Skip);
    else if (want === 'all') expect(r.code).toBe(Code.Success);
    else expect(r).toMatchObject({ code: Code.UnschedulableAndUnresolvable, reasons: ['pod affinity terms conflict'] });
  });
});
