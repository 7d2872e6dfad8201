/**
 * Bounds what waits in memory for a slow client: bytes handed to a transport count as queued
 * until it reports them written; above `high` the producer is paused, below `low` resumed.
 */
export class Backlog {
  private queued = 0;
  private paused = false;

  constructor(
    private readonly onPause: () => void,
    private readonly onResume: () => void,
    private readonly high = 1024 * 1024,
    private readonly low = 256 * 1024,
  ) {}

  /** Counts `n` bytes as queued; false once the producer has been told to pause. */
  add(n: number): boolean {
    this.queued += n;
    if (!this.paused && this.queued > this.high) {
      this.paused = true;
      this.onPause();
    }
    return !this.paused;
  }

  /** `n` queued bytes have left. */
  done(n: number): void {
    this.queued -= n;
    if (this.paused && this.queued <= this.low) {
      this.paused = false;
      this.onResume();
    }
  }
}
