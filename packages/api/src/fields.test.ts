import { describe, expect, it } from 'vitest';
import { parseFieldSelector } from './fields.js';

const fields = { 'metadata.name': 'web-0', 'metadata.namespace': 'default', 'status.phase': 'Running', 'spec.nodeName': 'node-1' };

describe('parseFieldSelector', () => {
  it.each([
    ['', true],
    ['status.phase=Running', true],
    ['status.phase==Running', true],
    ['status.phase!=Running', false],
    ['status.phase=Running,spec.nodeName=node-1', true],
    ['status.phase=Running,spec.nodeName!=node-1', false],
    ['spec.nodeName=', false],
    ['spec.unknown=', true],
    ['metadata.name=web-0', true],
  ])('%j matches: %s', (text, want) => expect(parseFieldSelector(text).matches(fields)).toBe(want));

  it('honours backslash escapes', () => {
    const s = parseFieldSelector('metadata.name=a\\,b');
    expect(s.terms).toEqual([{ field: 'metadata.name', op: '=', value: 'a,b' }]);
  });

  it.each(['status.phase', '=Running', 'a=b=c', 'a!b'])('rejects %j', (text) => {
    expect(() => parseFieldSelector(text)).toThrow(/invalid selector/);
  });
});
