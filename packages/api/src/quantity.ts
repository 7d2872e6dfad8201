/** Nano-units per unit of each suffix. */
const SUFFIX: Record<string, bigint> = {
  n: 1n,
  u: 1_000n,
  m: 1_000_000n,
  '': 1_000_000_000n,
  k: 1_000_000_000_000n,
  M: 10n ** 15n,
  G: 10n ** 18n,
  T: 10n ** 21n,
  P: 10n ** 24n,
  E: 10n ** 27n,
  Ki: 1024n * 10n ** 9n,
  Mi: 1024n ** 2n * 10n ** 9n,
  Gi: 1024n ** 3n * 10n ** 9n,
  Ti: 1024n ** 4n * 10n ** 9n,
  Pi: 1024n ** 5n * 10n ** 9n,
  Ei: 1024n ** 6n * 10n ** 9n,
};

export class QuantityError extends Error {
  override name = 'QuantityError';
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? (a + b - 1n) / b : a / b);

/**
 * A resource quantity ("100m", "1.5", "512Mi", "1e3"), held exactly in nano-units as
 * Kubernetes does (finer precision rounds up). Compare with `cmp`, read with `milli` / `units`.
 */
export class Quantity {
  private constructor(
    /** Value × 10⁹. */
    readonly nano: bigint,
    /** The text it was parsed from. */
    readonly text: string,
  ) {}

  static parse(text: string): Quantity {
    const m = /^([+-]?)(\d+\.?\d*|\.\d+)(?:([numkMGTPE]|[KMGTPE]i)|[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m) throw new QuantityError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got ${JSON.stringify(text)}`);
    const [, sign, num, suffix, exp] = m as unknown as [string, string, string, string | undefined, string | undefined];
    const [int = '0', frac = ''] = num.split('.');
    const digits = BigInt((int || '0') + frac);
    let numerator = digits * (suffix !== undefined ? (SUFFIX[suffix] as bigint) : SUFFIX[''] as bigint);
    let denominator = 10n ** BigInt(frac.length);
    if (exp !== undefined) {
      const e = Number(exp);
      if (Math.abs(e) > 40) throw new QuantityError(`quantity exponent out of range: ${JSON.stringify(text)}`);
      if (e >= 0) numerator *= 10n ** BigInt(e);
      else denominator *= 10n ** BigInt(-e);
    }
    const nano = ceilDiv(numerator, denominator);
    return new Quantity(sign === '-' ? -nano : nano, text.trim());
  }

  static fromMilli(milli: bigint | number): Quantity {
    const m = BigInt(milli);
    return new Quantity(m * 1_000_000n, `${m}m`);
  }

  /** Value in thousandths, rounded up (CPU is usually counted this way). */
  get milli(): bigint {
    return ceilDiv(this.nano, 1_000_000n);
  }

  /** Value in whole units, rounded up (memory bytes, pod counts). */
  get units(): bigint {
    return ceilDiv(this.nano, 1_000_000_000n);
  }

  cmp(other: Quantity): number {
    return this.nano < other.nano ? -1 : this.nano > other.nano ? 1 : 0;
  }

  add(other: Quantity): Quantity {
    const nano = this.nano + other.nano;
    return new Quantity(nano, nano % 1_000_000n === 0n ? `${nano / 1_000_000n}m` : `${nano}n`);
  }

  toString(): string {
    return this.text;
  }
}
