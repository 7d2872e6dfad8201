import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../framework/objects.js';
import { Code } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith } from '../testing.js';
import { taintToleration } from './taint-toleration.js';

const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('TaintToleration filter', () => {
  it.each<[string, Taint[], Toleration[], string | undefined]>([
    ['no taints', [], [], undefined],
    ['untolerated NoSchedule', [gpu], [], 'node(s) had untolerated taint {dedicated: gpu}'],
    ['Equal toleration with value', [gpu], [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], undefined],
    ['Equal with the wrong value', [gpu], [{ key: 'dedicated', operator: 'Equal', value: 'cpu', effect: 'NoSchedule' }], 'node(s) had untolerated taint {dedicated: gpu}'],
    ['Exists on the key', [gpu], [{ key: 'dedicated', operator: 'Exists' }], undefined],
    ['empty key with Exists tolerates everything', [gpu], [{ operator: 'Exists' }], undefined],
    ['wrong effect', [gpu], [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], 'node(s) had untolerated taint {dedicated: gpu}'],
    ['untolerated NoExecute', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], [], 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }'],
    ['PreferNoSchedule never filters', [{ key: 'soft', effect: 'PreferNoSchedule' }], [], undefined],
  ])('%s', (_name, taints, tolerations, reason) => {
    const s = taintToleration.filter(freshState(), info(makePod('p', { tolerations })), nodeWith(makeNode('n', { taints })));
    if (reason === undefined) expect(s.code).toBe(Code.Success);
    else {
      expect(s.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(s.reasons).toEqual([reason]);
    }
  });
});

describe('TaintToleration score', () => {
  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    const soft = (key: string): Taint => ({ key, effect: 'PreferNoSchedule' });
    const pod = info(makePod('p', { tolerations: [{ key: 'ok', operator: 'Exists', effect: 'PreferNoSchedule' }, { key: 'hard', operator: 'Exists', effect: 'NoSchedule' }] }));
    const nodes = [makeNode('clean'), makeNode('tolerated', { taints: [soft('ok')] }), makeNode('one', { taints: [soft('a')] }), makeNode('two', { taints: [soft('a'), soft('hard')] })].map((n) => nodeWith(n));
    const state = freshState();
    const scores = nodes.map((n) => ({ name: n.name, score: taintToleration.score(state, pod, n) }));
    expect(scores.map((s) => s.score)).toEqual([0, 0, 1, 2]);
    taintToleration.normalizeScore?.(state, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 100, 50, 0]);
  });
});
