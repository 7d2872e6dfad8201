import { describe, expect, it } from 'vitest';
import { parseSelector, selectorFromObject } from './labels.js';

const pod = { app: 'nginx', tier: 'frontend', env: 'prod', 'kubernetes.io/os': 'linux', replicas: '3' };

describe('parseSelector', () => {
  it.each([
    ['', true],
    ['app=nginx', true],
    ['app==nginx', true],
    ['app = nginx', true],
    ['app!=nginx', false],
    ['app!=redis', true],
    ['missing!=x', true],
    ['app in (nginx,redis)', true],
    ['app in (redis)', false],
    ['app notin (redis, mysql)', true],
    ['missing notin (a)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=nginx,tier=frontend', true],
    ['app=nginx,tier=backend', false],
    ['kubernetes.io/os=linux', true],
    ['replicas>2', true],
    ['replicas<2', false],
    ['app>2', false],
    ['env in (prod,staging),!canary,tier', true],
  ])('%j matches the pod: %s', (text, want) => {
    expect(parseSelector(text).matches(pod)).toBe(want);
  });

  it('treats a missing label set as empty', () => {
    expect(parseSelector('!a').matches(undefined)).toBe(true);
    expect(parseSelector('a').matches(undefined)).toBe(false);
  });

  it('allows an empty value with = and !=', () => {
    expect(parseSelector('a=').matches({ a: '' })).toBe(true);
    expect(parseSelector('a!=').matches({ a: 'x' })).toBe(true);
  });

  it.each([
    ['app in nginx', /expected: '\('/],
    ['app in ()', /values set can't be empty/],
    ['app in (a b)', /expected: ',' or '\)'/],
    ['=nginx', /expected: identifier/],
    ['app=nginx,', /expected: identifier/],
    ['app nginx', /expected: =, ==, !=/],
    ['app=a=b', /expected: ','/],
    ['-bad=x', /invalid label key "-bad"/],
    ['a=b c', /expected: ','/],
    ['a=' + 'x'.repeat(64), /no more than 63 characters/],
    ['replicas>two', /exactly one integer value/],
  ])('rejects %j', (text, message) => {
    expect(() => parseSelector(text)).toThrow(message);
  });

  it('prints requirements back in selector syntax', () => {
    expect(parseSelector('a in (x,y), !b, c!=d, e').toString()).toBe('a in (x,y),!b,c!=d,e');
  });
});

describe('selectorFromObject', () => {
  it('combines matchLabels and matchExpressions', () => {
    const s = selectorFromObject({
      matchLabels: { app: 'nginx' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(s.matches(pod)).toBe(true);
    expect(s.matches({ ...pod, canary: 'yes' })).toBe(false);
    expect(selectorFromObject({}).matches(pod)).toBe(true);
  });

  it.each([
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, /can't be empty/],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, /must be empty/],
    [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }, /not a valid label selector operator/],
    [{ matchLabels: { 'a/b/c': 'x' } }, /invalid label key/],
  ])('rejects %j', (ls, message) => expect(() => selectorFromObject(ls)).toThrow(message));
});
