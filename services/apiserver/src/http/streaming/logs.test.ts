import { describe, expect, it } from 'vitest';
import { logOptions } from './logs.js';

const NOW = Date.parse('2026-01-01T00:01:00Z');
const q = (s: string): URLSearchParams => new URLSearchParams(s);

describe('logOptions', () => {
  it.each([
    ['', { follow: false, timestamps: false, previous: false }],
    ['follow=true&timestamps=true&previous=true', { follow: true, timestamps: true, previous: true }],
    ['tailLines=0', { follow: false, timestamps: false, previous: false, tail_lines: 0 }],
    ['tailLines=5&limitBytes=100', { follow: false, timestamps: false, previous: false, tail_lines: 5, limit_bytes: 100 }],
    ['sinceSeconds=60', { follow: false, timestamps: false, previous: false, since_time: '2026-01-01T00:00:00.000Z' }],
    ['sinceTime=2026-01-01T00:00:30Z', { follow: false, timestamps: false, previous: false, since_time: '2026-01-01T00:00:30.000Z' }],
  ])('%j', (query, want) => expect(logOptions(q(query), NOW)).toEqual(want));

  it.each([
    ['tailLines=-1', /tailLines: Invalid value: -1: must be greater than or equal to 0$/],
    ['limitBytes=0', /limitBytes: Invalid value: 0: must be greater than 0$/],
    ['sinceSeconds=0', /sinceSeconds: Invalid value: 0: must be greater than 0$/],
    ['sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z', /at most one of `sinceTime` or `sinceSeconds`/],
    ['sinceTime=yesterday', /invalid sinceTime/],
    ['tailLines=abc', /invalid tailLines/],
  ])('refuses %j with 400', (query, message) => {
    expect(() => logOptions(q(query), NOW)).toThrow(expect.objectContaining({ code: 400, message: expect.stringMatching(message) as string }) as Error);
  });
});
