import { describe, expect, it } from 'vitest';
import { Code } from '../framework/status.js';
import { freshState, info, makeNode, makePod, nodeWith } from '../testing.js';
import { ERR_NODE_NAME, nodeName } from './node-name.js';

describe('NodeName', () => {
  it.each([
    ['no nodeName', undefined, Code.Success],
    ['matching nodeName', 'n', Code.Success],
    ['other nodeName', 'm', Code.UnschedulableAndUnresolvable],
  ])('%s', (_name, want, code) => {
    const s = nodeName.filter(freshState(), info(makePod('p', { nodeName: want })), nodeWith(makeNode('n')));
    expect(s.code).toBe(code);
    if (code !== Code.Success) expect(s.reasons).toEqual([ERR_NODE_NAME]);
  });
});
