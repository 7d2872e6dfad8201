import { KiteClient, LeaderElector } from '@kite/client';
import { createMetricsRegistry, startHealthServer, type Logger } from '@kite/common';
import type { Controller, ControllerContext } from './controller.js';
import { controllerFactories } from './controllers/index.js';
import { EventRecorder } from './events.js';
import { InformerFactory } from './informers.js';
import { controllerMetrics } from './metrics.js';
import { CONTROLLERS, type CompiledControllerManagerOptions } from './options.js';

export interface RunningControllerManager {
  metricsAddress: string;
  isLeader(): boolean;
  close(): Promise<void>;
}

/**
 * Builds the selected controllers over shared informers, serves health and metrics, and (with
 * leader election) runs the controllers only while holding the Lease. Losing the lease calls
 * `onLostLeadership`: like kube-controller-manager, the process should exit rather than risk
 * acting beside a new leader.
 */
export async function startControllerManager(opts: CompiledControllerManagerOptions, log: Logger, onLostLeadership: () => void = () => undefined): Promise<RunningControllerManager> {
  const client = new KiteClient(opts.apiserver);
  const registry = createMetricsRegistry('controller-manager');
  const metrics = controllerMetrics(registry);
  const informers = new InformerFactory(client, log);
  const events = new EventRecorder(client, 'kite-controller-manager', (err) => log.debug({ err: String(err) }, 'could not write event'));
  const ctx: ControllerContext = { client, informers, log, metrics, events, options: opts, now: Date.now };
  const controllers: Controller[] = [];
  for (const name of CONTROLLERS) if (opts.controllers.has(name)) controllers.push(controllerFactories[name](ctx));
  const health = await startHealthServer({
    listen: opts.metricsListen,
    registry,
    readiness: { informers: () => (informers.synced() ? undefined : 'caches not synced') },
  });
  const sampleDepth = (): void => {
    for (const c of controllers) metrics.depth.set({ controller: c.name }, c.queue.length);
  };
  sampleDepth();
  const gauges = setInterval(sampleDepth, 1000);
  gauges.unref();
  informers.start();
  await informers.waitForSync();
  let running: Promise<unknown> | undefined;
  const runAll = (): void => {
    metrics.leader.set(1);
    log.info({ controllers: controllers.map((c) => c.name) }, 'starting controllers');
    running = Promise.all(controllers.map((c) => c.run(opts.workers[c.name])));
  };
  let elector: LeaderElector | undefined;
  let closing = false;
  if (opts.leaderElect) {
    elector = new LeaderElector(client, {
      namespace: opts.lease.namespace,
      name: opts.lease.name,
      identity: opts.identity,
      leaseDurationMs: opts.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs,
      log,
      onStartedLeading: runAll,
      onStoppedLeading: () => {
        metrics.leader.set(0);
        for (const c of controllers) c.stop();
        if (!closing) {
          log.error({}, 'leader election lost');
          onLostLeadership();
        }
      },
      onNewLeader: (id) => log.info({ leader: id }, 'new controller-manager leader'),
    });
    elector.start();
  } else runAll();
  return {
    metricsAddress: health.address,
    isLeader: () => (elector ? elector.isLeader() : true),
    async close() {
      closing = true;
      clearInterval(gauges);
      await elector?.stop();
      for (const c of controllers) c.stop();
      await running;
      informers.stop();
      await health.close();
      client.close();
    },
  };
}
