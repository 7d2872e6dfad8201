import { describe, expect, it } from 'vitest';
import { Backoff, shouldRestart } from './backoff.js';

describe('Backoff', () => {
  it('restarts at once, then doubles from the initial delay up to the cap', () => {
    const b = new Backoff({ initialMs: 10_000, maxMs: 300_000, resetAfterMs: 600_000 });
    const delays = Array.from({ length: 8 }, () => b.next(1000));
    expect(delays).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('starts over after a container ran long enough (fast profile figures)', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 10_000, resetAfterMs: 10_000 });
    expect([b.next(100), b.next(100), b.next(100)]).toEqual([0, 1000, 2000]);
    expect(b.next(10_000)).toBe(0);
    expect(b.next(100)).toBe(1000);
  });
});

describe('shouldRestart', () => {
  it.each([
    ['Always', 0, true],
    ['Always', 1, true],
    [undefined, 0, true],
    ['OnFailure', 0, false],
    ['OnFailure', 2, true],
    ['Never', 0, false],
    ['Never', 137, false],
  ] as const)('%s with exit %d → %s', (policy, code, want) => {
    expect(shouldRestart(policy, code)).toBe(want);
  });
});
