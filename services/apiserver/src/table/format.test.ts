import { describe, expect, it } from 'vitest';
import { containerCells, formatLabels, formatLabelSelector, joinHostPort, labelSelectorString } from './format.js';

describe('formatLabels', () => {
  const cases: Array<[unknown, string]> = [
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ tier: 'web', app: 'shop' }, 'app=shop,tier=web'],
    [{ 'kubernetes.io/os': 'linux' }, 'kubernetes.io/os=linux'],
  ];
  it.each(cases)('%j -> %s', (labels, want) => {
    expect(formatLabels(labels)).toBe(want);
  });
});

describe('label selectors', () => {
  const cases: Array<[string, unknown, string]> = [
    ['absent', undefined, '<none>'],
    ['empty', {}, '<none>'],
    ['matchLabels as equality, sorted by key', { matchLabels: { tier: 'web', app: 'shop' } }, 'app=shop,tier=web'],
    [
      'expressions, values sorted, merged with labels by key',
      {
        matchLabels: { app: 'shop' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'zone', operator: 'NotIn', values: ['b'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'team', operator: 'Exists', values: [] },
        ],
      },
      'app=shop,!canary,env in (dev,prod),team,zone notin (b)',
    ],
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '<error>'],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, '<error>'],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, '<error>'],
    ['invalid key', { matchLabels: { 'bad key': 'x' } }, '<error>'],
    ['invalid value', { matchLabels: { app: 'no spaces' } }, '<error>'],
  ];
  it.each(cases)('%s', (_name, sel, want) => {
    expect(formatLabelSelector(sel)).toBe(want);
  });

  it('gives the raw string to callers that print empty as empty', () => {
    expect(labelSelectorString(undefined)).toBe('');
    expect(labelSelectorString({ matchLabels: { app: 'x' } })).toBe('app=x');
    expect(() => labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Nope' }] })).toThrow(/not a valid label selector operator/);
  });
});

describe('helpers', () => {
  it('lays out container names and images', () => {
    const template = { spec: { containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'log', image: 'fluent-bit:3' }] } };
    expect(containerCells(template)).toEqual(['app,log', 'nginx:1.25,fluent-bit:3']);
    expect(containerCells({})).toEqual(['', '']);
  });

  it('brackets IPv6 hosts', () => {
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(joinHostPort('fd00::1', 443)).toBe('[fd00::1]:443');
  });
});
