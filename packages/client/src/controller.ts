import { WorkQueue } from './workqueue.js';

/** What a reconcile asks for next; nothing means "done until something changes". */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export type Reconciler = (key: string) => Promise<ReconcileResult | void>;

/** An error that retrying cannot fix: counted and logged, not requeued. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

export interface ControllerHooks {
  onError?(key: string, err: unknown, willRetry: boolean): void;
}

/**
 * Runs `workers` loops over the queue, as controller-runtime's reconcileHandler does:
 * success forgets the key's failures (and honours requeueAfterMs), an error requeues it with
 * back-off, a TerminalError drops it. Resolves once the queue has shut down and every worker
 * has finished its current key.
 */
export async function runWorkers(queue: WorkQueue, workers: number, reconcile: Reconciler, hooks: ControllerHooks = {}): Promise<void> {
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        const terminal = err instanceof TerminalError;
        if (terminal) queue.forget(key);
        else queue.addRateLimited(key);
        hooks.onError?.(key, err, !terminal);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, () => worker()));
}
