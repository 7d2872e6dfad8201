import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ControllerMetrics {
  reconciles: Counter<'controller' | 'result'>;
  duration: Histogram<'controller' | 'result'>;
  depth: Gauge<'controller'>;
  leader: Gauge;
}

export function controllerMetrics(registry: Registry): ControllerMetrics {
  return {
    reconciles: new Counter({
      name: 'kite_controller_manager_reconcile_total',
      help: 'Reconciles by controller and result: success, requeue, error or terminal.',
      labelNames: ['controller', 'result'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'kite_controller_manager_reconcile_duration_seconds',
      help: 'Time one reconcile took, by controller and result.',
      labelNames: ['controller', 'result'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    depth: new Gauge({ name: 'kite_controller_manager_workqueue_depth', help: 'Keys waiting in each controller queue.', labelNames: ['controller'], registers: [registry] }),
    leader: new Gauge({ name: 'kite_controller_manager_leader', help: '1 while this instance holds the controller-manager lease.', registers: [registry] }),
  };
}
