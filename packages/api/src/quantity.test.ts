import { describe, expect, it } from 'vitest';
import { Quantity } from './quantity.js';

describe('Quantity', () => {
  it.each([
    ['1', 1000n, 1n],
    ['100m', 100n, 1n],
    ['0.5', 500n, 1n],
    ['1.5', 1500n, 2n],
    ['250m', 250n, 1n],
    ['1k', 1_000_000n, 1000n],
    ['128Mi', 134_217_728_000n, 134_217_728n],
    ['1Gi', 1_073_741_824_000n, 1_073_741_824n],
    ['1G', 1_000_000_000_000n, 1_000_000_000n],
    ['1e3', 1_000_000n, 1000n],
    ['1E-3', 1n, 1n],
    ['1n', 1n, 1n],
    ['0', 0n, 0n],
    ['.5', 500n, 1n],
    ['-1', -1000n, -1n],
  ])('%s is %d milli and %d units', (text, milli, units) => {
    const q = Quantity.parse(text);
    expect(q.milli).toBe(milli);
    expect(q.units).toBe(units);
  });

  it('compares and adds exactly', () => {
    expect(Quantity.parse('1').cmp(Quantity.parse('1000m'))).toBe(0);
    expect(Quantity.parse('1Ki').cmp(Quantity.parse('1k'))).toBe(1);
    expect(Quantity.parse('500m').add(Quantity.parse('0.5')).milli).toBe(1000n);
  });

  it.each(['', 'abc', '1.2.3', '1Ki5', '1 Gi', '1mi', '--1', '1e999'])('rejects %j', (text) => {
    expect(() => Quantity.parse(text)).toThrow(/quantit/);
  });
});
