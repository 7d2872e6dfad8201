import { describe, expect, it } from 'vitest';
import { probeTiming, ProbeState } from './probe-state.js';

describe('probeTiming', () => {
  it('fills in Kubernetes defaults', () => {
    expect(probeTiming({})).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
    expect(probeTiming({ initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 1 })).toEqual({
      initialDelayMs: 5000,
      periodMs: 2000,
      timeoutMs: 3000,
      successThreshold: 2,
      failureThreshold: 1,
    });
  });
});

describe('ProbeState', () => {
  const run = (s: ProbeState, results: boolean[]): Array<{ ok: boolean; changed: boolean; exhausted: boolean }> =>
    results.map((r) => {
      const changed = s.record(r);
      return { ok: s.ok, changed, exhausted: s.exhausted };
    });

  it('readiness starts unready and needs successThreshold successes in a row', () => {
    const s = new ProbeState('readiness', { successThreshold: 2, failureThreshold: 2 });
    expect(s.ok).toBe(false);
    expect(run(s, [true, false, true, true, false, false]).map((x) => [x.ok, x.changed])).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [true, true],
      [true, false],
      [false, true],
    ]);
  });

  it('liveness is exhausted after failureThreshold failures in a row, a success in between resets', () => {
    const s = new ProbeState('liveness', { successThreshold: 1, failureThreshold: 3 });
    expect(run(s, [false, false, true, false, false]).some((x) => x.exhausted)).toBe(false);
    expect(run(s, [false])[0]).toEqual({ ok: false, changed: true, exhausted: true });
  });

  it('startup passes on its first success and is exhausted after failureThreshold failures', () => {
    const passes = new ProbeState('startup', { successThreshold: 1, failureThreshold: 3 });
    expect(run(passes, [false, false, true]).map((x) => x.ok)).toEqual([false, false, true]);
    const fails = new ProbeState('startup', { successThreshold: 1, failureThreshold: 2 });
    expect(run(fails, [false, false]).map((x) => x.exhausted)).toEqual([false, true]);
  });
});
