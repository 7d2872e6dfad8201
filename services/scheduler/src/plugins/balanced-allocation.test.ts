import { describe, expect, it } from 'vitest';
import type { Pod } from '../framework/objects.js';
import { Code } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith } from '../testing.js';
import { balancedAllocation } from './balanced-allocation.js';

describe('NodeResourcesBalancedAllocation', () => {
  it.each<[string, Pod[], number]>([
    // cpu 1/4 = 0.25, memory 2Gi/8Gi = 0.25: perfectly balanced
    ['balanced', [], 100],
    // cpu (1+2)/4 = 0.75, memory 0.25: std 0.25
    ['cpu-heavy node', [makePod('e', {}, { requests: { cpu: '2' } })], 75],
    // cpu capped at 1, memory 0.25: std 0.375
    ['over capacity caps the fraction at 1', [makePod('e', {}, { requests: { cpu: '8' } })], 62],
  ])('%s', (_name, existing, want) => {
    const pod = info(makePod('p', {}, { requests: { cpu: '1', memory: '2Gi' } }));
    expect(balancedAllocation.score(freshState(), pod, nodeWith(makeNode('n', { cpu: '4', memory: '8Gi' }), existing))).toBe(want);
  });

  it('skips pods that request nothing', () => {
    expect(balancedAllocation.preScore?.(freshState(), info(makePod('p')), [], { nodes: [], get: () => undefined, namespaceLabels: () => undefined }).code).toBe(Code.Skip);
  });
});
