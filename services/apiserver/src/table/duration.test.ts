import { describe, expect, it } from 'vitest';
import { humanDuration, since } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  const cases: Array<[number, string]> = [
    [-2 * s, '<invalid>'],
    [-1999, '0s'], // truncates to -1 s: within the tolerated skew
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * s, '5s'],
    [59 * s, '59s'],
    [119 * s + 900, '119s'],
    [2 * m, '2m'],
    [2 * m + 5 * s, '2m5s'],
    [3 * m + 20 * s, '3m20s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 30 * s, '10m'],
    [179 * m + 59 * s, '179m'],
    [3 * h, '3h'],
    [3 * h + 5 * m + 59 * s, '3h5m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 30 * m, '8h'],
    [47 * h + 59 * m, '47h'],
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h + 59 * m, '7d23h'],
    [8 * d, '8d'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [731 * d, '2y1d'],
    [3 * 365 * d + 40 * d, '3y40d'],
    [8 * 365 * d - h, '7y364d'],
    [8 * 365 * d, '8y'],
    [10 * 365 * d + 3 * d, '10y'],
  ];
  it.each(cases)('%i ms -> %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('since', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  it('reads the zero time as <unknown>', () => {
    expect(since(undefined, now)).toBe('<unknown>');
  });
  it('measures from the timestamp to now', () => {
    expect(since(Date.parse('2024-04-29T09:00:00Z'), now)).toBe('2d3h');
  });
  it('answers <invalid> for a timestamp in the future', () => {
    expect(since(Date.parse('2024-05-01T12:00:05Z'), now)).toBe('<invalid>');
  });
});
