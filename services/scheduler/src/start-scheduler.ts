import { KiteClient, LeaderElector } from '@kite/client';
import { createMetricsRegistry, startHealthServer, type HealthServer, type Logger } from '@kite/common';
import { schedulerMetrics } from './metrics.js';
import type { CompiledSchedulerOptions } from './options.js';
import { Scheduler } from './scheduler.js';

export interface RunningScheduler {
  metricsAddress: string;
  isLeader(): boolean;
  close(): Promise<void>;
}

/** Starts informers, health server and (with leader election) the campaign; scheduling runs while leading. */
export async function startScheduler(opts: CompiledSchedulerOptions, log: Logger): Promise<RunningScheduler> {
  const client = new KiteClient(opts.apiserver);
  const registry = createMetricsRegistry('scheduler');
  const metrics = schedulerMetrics(registry);
  const scheduler = new Scheduler(client, opts, log, metrics);
  let elector: LeaderElector | undefined;
  const health: HealthServer = await startHealthServer({
    listen: opts.metricsListen,
    registry,
    readiness: { informers: () => (scheduler.synced() ? undefined : 'caches not synced') },
  });
  const gauges = setInterval(() => scheduler.updateGauges(), 1000);
  gauges.unref();
  await scheduler.start();
  if (opts.leaderElect) {
    elector = new LeaderElector(client, {
      namespace: opts.lease.namespace,
      name: opts.lease.name,
      identity: opts.identity,
      leaseDurationMs: opts.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs,
      log,
      onStartedLeading: () => {
        metrics.leader.set(1);
        scheduler.run();
      },
      onStoppedLeading: () => {
        metrics.leader.set(0);
        scheduler.pause();
      },
      onNewLeader: (id) => log.info({ leader: id }, 'new scheduler leader'),
    });
    elector.start();
  } else {
    metrics.leader.set(1);
    scheduler.run();
  }
  return {
    metricsAddress: health.address,
    isLeader: () => (elector ? elector.isLeader() : true),
    async close() {
      clearInterval(gauges);
      await elector?.stop();
      await scheduler.stop();
      await health.close();
      client.close();
    },
  };
}
