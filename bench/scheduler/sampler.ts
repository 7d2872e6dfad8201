import { scrape, type Cluster } from './cluster.js';

/**
 * The scheduler's own count of completed binds, read every second: set against the watch's
 * view it tells whether pods are slow to be bound or the bind events slow to arrive.
 */
export class BindSampler {
  /** Binds the scheduler finished in each second. */
  readonly perSecond: number[] = [];
  private last: number | undefined;
  private timer: NodeJS.Timeout;

  constructor(private readonly c: Cluster) {
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  private async sample(): Promise<void> {
    const s = this.c.scheduler;
    if (s === undefined || s.metrics === '') return;
    const n = await scrape(s.metrics, 'kite_scheduler_schedule_attempts_total', 'result="scheduled"');
    if (n === undefined) return;
    if (this.last !== undefined && n >= this.last) this.perSecond.push(n - this.last);
    this.last = n;
  }

  /** The latest one-second figure, for progress lines. */
  get latest(): number | undefined {
    return this.perSecond[this.perSecond.length - 1];
  }

  stop(): number[] {
    clearInterval(this.timer);
    return this.perSecond;
  }
}
