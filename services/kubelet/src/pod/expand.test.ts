import { describe, expect, it } from 'vitest';
import { expandVars } from './expand.js';

const vars: Record<string, string> = { VAR_A: 'A', VAR_B: 'B', EMPTY: '' };
const lookup = (n: string): string | undefined => vars[n];

describe('expandVars (Kubernetes $(VAR) rules)', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['one reference', '$(VAR_A)', 'A'],
    ['references inside text', 'x-$(VAR_A)-$(VAR_B)-y', 'x-A-B-y'],
    ['empty value', '[$(EMPTY)]', '[]'],
    ['unknown reference stays', '$(NOPE)', '$(NOPE)'],
    ['escaped with $$', '$$(VAR_A)', '$(VAR_A)'],
    ['double escape then reference', '$$$(VAR_A)', '$A'],
    ['lone $ at the end', 'cost$', 'cost$'],
    ['$ before another char', '$VAR_A ${VAR_A}', '$VAR_A ${VAR_A}'],
    ['unclosed reference', '$(VAR_A', '$(VAR_A'],
    ['shell arithmetic survives', 'echo $((1+2))', 'echo $((1+2))'],
    ['empty name', '$()', '$()'],
  ])('%s', (_name, input, want) => {
    expect(expandVars(input, lookup)).toBe(want);
  });
});
