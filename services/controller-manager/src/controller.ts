import { objectKey, runWorkers, TerminalError, WorkQueue, isConflict, isNotFound, type KiteClient, type KubeObject, type ReconcileResult } from '@kite/client';
import type { Logger } from '@kite/common';
import type { EventRecorder } from './events.js';
import type { InformerFactory } from './informers.js';
import type { ControllerMetrics } from './metrics.js';
import type { CompiledControllerManagerOptions, ControllerName } from './options.js';

/** What every controller is handed: one client, shared informers, one event recorder. */
export interface ControllerContext {
  client: KiteClient;
  informers: InformerFactory;
  log: Logger;
  metrics: ControllerMetrics;
  events: EventRecorder;
  options: CompiledControllerManagerOptions;
  now(): number;
}

/**
 * A level-triggered controller: event handlers only enqueue keys; `reconcile` re-reads the
 * caches and makes the world match. Workers start once every shared cache has synced.
 */
export abstract class Controller {
  readonly queue = new WorkQueue({ baseMs: 5, maxMs: 60_000 });
  protected readonly log: Logger;

  constructor(
    readonly name: ControllerName,
    protected readonly ctx: ControllerContext,
  ) {
    this.log = ctx.log.child({ controller: name });
  }

  protected abstract reconcile(key: string): Promise<ReconcileResult | void>;

  protected enqueue(obj: KubeObject): void {
    this.queue.add(objectKey(obj));
  }

  async run(workers: number): Promise<void> {
    await this.ctx.informers.waitForSync();
    const { reconciles, duration } = this.ctx.metrics;
    await runWorkers(
      this.queue,
      workers,
      async (key) => {
        const start = process.hrtime.bigint();
        let result = 'success';
        try {
          const r = await this.reconcile(key);
          if (r?.requeueAfterMs !== undefined) result = 'requeue';
          return r;
        } catch (err) {
          result = err instanceof TerminalError ? 'terminal' : 'error';
          throw err;
        } finally {
          reconciles.inc({ controller: this.name, result });
          duration.observe({ controller: this.name, result }, Number(process.hrtime.bigint() - start) / 1e9);
        }
      },
      {
        onError: (key, err, willRetry) => {
          // A stale cache losing a write race is routine: the retry reads the newer state.
          const routine = isConflict(err) || isNotFound(err);
          const msg = err instanceof Error ? err.message : String(err);
          if (routine) this.log.debug({ key, err: msg }, 'reconcile raced, retrying');
          else this.log.warn({ key, err: msg, willRetry }, 'reconcile failed');
        },
      },
    );
  }

  stop(): void {
    this.queue.shutDown();
  }
}
