import { describe, expect, it } from 'vitest';
import { deadlineLeftMs } from './deadline.js';
import type { Pod } from './types.js';

const START = '2026-01-01T00:00:00Z';
const t0 = Date.parse(START);
const pod = (activeDeadlineSeconds?: number): Pod => ({ metadata: { name: 'p' }, spec: { containers: [], ...(activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds } : {}) } });

describe('deadlineLeftMs', () => {
  it.each([
    ['no deadline', pod(), START, t0, undefined],
    ['not started yet', pod(10), undefined, t0, undefined],
    ['just started', pod(10), START, t0, 10_000],
    ['part way', pod(10), START, t0 + 2500, 7500],
    ['exactly at the deadline', pod(10), START, t0 + 10_000, 0],
    ['past it', pod(2), START, t0 + 60_000, 0],
    ['a zero deadline', pod(0), START, t0, 0],
  ] as const)('%s', (_name, p, start, now, want) => {
    expect(deadlineLeftMs(p, start, now)).toBe(want);
  });
});
