/** A flag's value as a count: a positive integer, or non-negative with `allowZero`; else the usage. */
export function countFlag(flag: string, v: string, usage: string, allowZero = false): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer\n${usage}`);
  return n;
}
