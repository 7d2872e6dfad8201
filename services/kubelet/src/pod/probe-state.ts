import type { Probe } from './types.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** A probe's timing with Kubernetes' defaults filled in. */
export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeTiming(p: Probe): ProbeTiming {
  const pos = (v: number | undefined, d: number): number => (v !== undefined && v > 0 ? v : d);
  return {
    initialDelayMs: Math.max(0, p.initialDelaySeconds ?? 0) * 1000,
    periodMs: pos(p.periodSeconds, 10) * 1000,
    timeoutMs: pos(p.timeoutSeconds, 1) * 1000,
    successThreshold: pos(p.successThreshold, 1),
    failureThreshold: pos(p.failureThreshold, 3),
  };
}

/**
 * One probe's verdict over consecutive results, as Kubernetes' prober keeps it: the verdict
 * changes only after `successThreshold` successes or `failureThreshold` failures in a row.
 * Readiness starts as failed, liveness and startup as succeeded-until-proven-otherwise.
 */
export class ProbeState {
  private successes = 0;
  private failures = 0;
  private verdict: boolean;

  constructor(
    readonly kind: ProbeKind,
    private readonly timing: Pick<ProbeTiming, 'successThreshold' | 'failureThreshold'>,
  ) {
    this.verdict = kind !== 'readiness';
    // A startup probe has not passed until it succeeds once (its successThreshold must be 1).
    if (kind === 'startup') this.verdict = false;
  }

  get ok(): boolean {
    return this.verdict;
  }

  /** Records one result; returns true when the verdict changed. */
  record(success: boolean): boolean {
    if (success) {
      this.failures = 0;
      this.successes++;
      if (!this.verdict && this.successes >= this.timing.successThreshold) {
        this.verdict = true;
        return true;
      }
      return false;
    }
    this.successes = 0;
    this.failures++;
    // Startup counts failures from the start: it has no "passed" verdict to lose.
    const threshold = this.failures >= this.timing.failureThreshold;
    if (this.kind === 'startup') return threshold;
    if (this.verdict && threshold) {
      this.verdict = false;
      return true;
    }
    return false;
  }

  /** Whether the failures seen call for killing the container (liveness, startup). */
  get exhausted(): boolean {
    return (this.kind === 'liveness' && !this.verdict) || (this.kind === 'startup' && this.failures >= this.timing.failureThreshold);
  }
}
