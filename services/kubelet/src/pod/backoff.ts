export interface BackoffFigures {
  /** The second restart waits this long; each later one twice the last. */
  initialMs: number;
  maxMs: number;
  /** A container that ran this long before exiting starts again from no delay. */
  resetAfterMs: number;
}

/**
 * Kubernetes' CrashLoopBackOff for one container: the first restart is immediate, then 10 s,
 * 20 s, 40 s … up to 5 min (with the kubernetes profile's figures), measured from the exit.
 * Also paces image pulls (ImagePullBackOff).
 */
export class Backoff {
  private current = 0;

  constructor(private readonly figures: BackoffFigures) {}

  /** Called at each exit (or failed attempt); returns how long to wait before the next try. */
  next(ranForMs = 0): number {
    if (ranForMs >= this.figures.resetAfterMs) this.current = 0;
    const delay = this.current;
    this.current = this.current === 0 ? this.figures.initialMs : Math.min(this.current * 2, this.figures.maxMs);
    return delay;
  }

  reset(): void {
    this.current = 0;
  }
}

/** Resolves after `ms`, or early (false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted === true) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Whether a container that exited with `exitCode` runs again under the pod's restartPolicy. */
export function shouldRestart(policy: string | undefined, exitCode: number): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true;
}
