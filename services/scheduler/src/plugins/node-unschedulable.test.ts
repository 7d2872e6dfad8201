import { describe, expect, it } from 'vitest';
import { Code } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith } from '../testing.js';
import { nodeUnschedulable, ERR_NODE_UNSCHEDULABLE } from './node-unschedulable.js';

describe('NodeUnschedulable', () => {
  it.each([
    ['schedulable node', false, undefined, Code.Success],
    ['cordoned node', true, undefined, Code.UnschedulableAndUnresolvable],
    ['cordoned, pod tolerates the taint', true, [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists' as const, effect: 'NoSchedule' as const }], Code.Success],
    ['cordoned, toleration for another key', true, [{ key: 'other', operator: 'Exists' as const }], Code.UnschedulableAndUnresolvable],
  ])('%s', (_name, cordoned, tolerations, code) => {
    const s = nodeUnschedulable.filter(freshState(), info(makePod('p', { tolerations })), nodeWith(makeNode('n', { unschedulable: cordoned })));
    expect(s.code).toBe(code);
    if (code !== Code.Success) expect(s.reasons).toEqual([ERR_NODE_UNSCHEDULABLE]);
  });
});
