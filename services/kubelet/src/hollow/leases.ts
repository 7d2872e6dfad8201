import type { KiteClient } from '@kite/client';
import type { Logger } from '@kite/common';

const TICK_MS = 250;

/**
 * Renews many nodes' Leases from one process. NodeService.Heartbeat is per node, so the
 * renewals are spread evenly over the renew interval (a slice every tick) rather than fired
 * in one burst that would stall the apiserver; at most `inFlight` calls are outstanding.
 */
export class LeaseRenewer {
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private busy = 0;
  private carry = 0;
  /** Renewals that failed since start (the apiserver was busy or away). */
  failures = 0;
  renewals = 0;

  constructor(
    private readonly client: KiteClient,
    private readonly nodes: readonly string[],
    private readonly renewMs: number,
    private readonly durationSeconds: number,
    private readonly log: Logger,
    private readonly inFlight = 32,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Renews every node once now, `inFlight` at a time: right after registration. */
  async renewAll(): Promise<void> {
    let i = 0;
    const lane = async (): Promise<void> => {
      while (i < this.nodes.length) await this.renew(this.nodes[i++] as string);
    };
    await Promise.all(Array.from({ length: Math.min(this.inFlight, this.nodes.length) }, lane));
  }

  private tick(): void {
    this.carry += (this.nodes.length * TICK_MS) / this.renewMs;
    let due = Math.floor(this.carry);
    this.carry -= due;
    while (due-- > 0 && this.busy < this.inFlight) {
      const name = this.nodes[this.next] as string;
      this.next = (this.next + 1) % this.nodes.length;
      void this.renew(name);
    }
  }

  private async renew(name: string): Promise<void> {
    this.busy++;
    try {
      await this.client.heartbeat(name, this.durationSeconds);
      this.renewals++;
    } catch (err) {
      if (this.failures++ % 100 === 0) this.log.warn({ node: name, err: (err as Error).message, failures: this.failures }, 'lease not renewed');
    } finally {
      this.busy--;
    }
  }
}
