/**
 * client-go's ControllerExpectations: after a controller asks for N creations or deletions it
 * waits until its informer has seen them before deciding again, so a burst of watch events
 * cannot make it create (or delete) twice. Expectations expire after `ttlMs` in case an event
 * was lost.
 */
export class Expectations {
  private readonly pending = new Map<string, { add: number; del: number; at: number; deleting: Set<string> }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  expect(key: string, add: number, deleteUids: readonly string[] = []): void {
    this.pending.set(key, { add, del: deleteUids.length, at: this.now(), deleting: new Set(deleteUids) });
  }

  creationObserved(key: string): void {
    const e = this.pending.get(key);
    if (e) e.add--;
  }

  /** A create that failed will never be observed. */
  creationFailed(key: string): void {
    this.creationObserved(key);
  }

  deletionObserved(key: string, uid: string): void {
    const e = this.pending.get(key);
    if (e?.deleting.delete(uid)) e.del--;
  }

  deletionFailed(key: string, uid: string): void {
    this.deletionObserved(key, uid);
  }

  satisfied(key: string): boolean {
    const e = this.pending.get(key);
    if (e === undefined) return true;
    if ((e.add <= 0 && e.del <= 0) || this.now() - e.at > this.ttlMs) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }
}
