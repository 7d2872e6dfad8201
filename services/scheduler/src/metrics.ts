import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SchedulerMetrics {
  attempts: Counter<'result'>;
  duration: Histogram<'result'>;
  pending: Gauge<'queue'>;
  leader: Gauge;
}

export function schedulerMetrics(registry: Registry): SchedulerMetrics {
  return {
    attempts: new Counter({
      name: 'kite_scheduler_schedule_attempts_total',
      help: 'Scheduling attempts by result: scheduled, unschedulable or error.',
      labelNames: ['result'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'kite_scheduler_scheduling_duration_seconds',
      help: 'Time from taking a pod off the queue to its bind (or failure), by result.',
      labelNames: ['result'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    pending: new Gauge({ name: 'kite_scheduler_pending_pods', help: 'Pods waiting, by queue.', labelNames: ['queue'], registers: [registry] }),
    leader: new Gauge({ name: 'kite_scheduler_leader', help: '1 while this instance holds the scheduler lease.', registers: [registry] }),
  };
}
