import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { parseHostPort, formatHostPort } from './address.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['3', 3000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'ten', '10x', 's10', '1m junk'])('rejects %j', (text) => expect(() => parseDuration(text)).toThrow(/invalid duration/));
});

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:2379', { host: '127.0.0.1', port: 2379 }],
    [':0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:80', { host: '::1', port: 80 }],
    ['localhost:8080', { host: 'localhost', port: 8080 }],
  ])('%s', (text, want) => {
    expect(parseHostPort(text)).toEqual(want);
    if (!text.startsWith(':')) expect(formatHostPort(want)).toBe(text);
  });

  it.each(['2379', 'host:', 'host:99999', 'a:b'])('rejects %j', (text) => expect(() => parseHostPort(text)).toThrow(/invalid/));
});
