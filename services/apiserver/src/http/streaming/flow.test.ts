import { describe, expect, it } from 'vitest';
import { Backlog } from './flow.js';

describe('Backlog', () => {
  it('pauses above the high mark and resumes at the low one, once each', () => {
    const events: string[] = [];
    const b = new Backlog(() => events.push('pause'), () => events.push('resume'), 10, 4);
    expect(b.add(6)).toBe(true);
    expect(b.add(6)).toBe(false);
    expect(b.add(1)).toBe(false);
    b.done(6);
    expect(events).toEqual(['pause']);
    b.done(3);
    expect(events).toEqual(['pause', 'resume']);
    b.done(4);
    expect(b.add(1)).toBe(true);
    expect(events).toEqual(['pause', 'resume']);
  });
});
