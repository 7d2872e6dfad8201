import type { PodInfo } from './framework/pod-info.js';

export interface QueueOptions {
  /** First back-off after a failed attempt; doubles per attempt. Default 1 s. */
  initialBackoffMs?: number;
  /** Ceiling of the back-off. Default 10 s. */
  maxBackoffMs?: number;
  /** Unschedulable pods are retried after this long even without a helpful event. Default 5 min. */
  maxUnschedulableMs?: number;
  now?: () => number;
}

interface Entry {
  info: PodInfo;
  attempts: number;
  /** When the pod was added, or last failed (FIFO among equal priorities). */
  enqueued: number;
  /** When the last attempt failed. */
  failedAt: number;
  seq: number;
}

/**
 * kube-scheduler's PriorityQueue: an active heap (higher priority first, then oldest), a
 * back-off set for pods that just failed (1 s doubling to 10 s), and an unschedulable set
 * that waits for a cluster event that could help. Keys are pod UIDs.
 */
export class SchedulingQueue {
  private readonly heap: Entry[] = [];
  private readonly active = new Map<string, Entry>();
  private readonly backoff = new Map<string, { entry: Entry; timer: NodeJS.Timeout }>();
  private readonly unschedulable = new Map<string, Entry>();
  /** Attempts survive a pod leaving the queue for a cycle. */
  private readonly inFlight = new Map<string, Entry>();
  /** Set when a move request arrived while pods were in flight: their failures go to back-off. */
  private moveRequestCycle = 0;
  private cycle = 0;
  private readonly waiters: Array<(e: PodInfo | undefined) => void> = [];
  private closed = false;
  private seq = 0;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly maxUnschedMs: number;
  private readonly now: () => number;

  constructor(opts: QueueOptions = {}) {
    this.initialMs = opts.initialBackoffMs ?? 1000;
    this.maxMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedMs = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.flushTimer = setInterval(() => this.flushUnschedulable(), Math.min(30_000, this.maxUnschedMs));
    this.flushTimer.unref();
  }

  get sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  has(uid: string): boolean {
    return this.active.has(uid) || this.backoff.has(uid) || this.unschedulable.has(uid) || this.inFlight.has(uid);
  }

  /**
   * A new pending pod, or an update to one already queued (the newest object wins). An
   * unschedulable pod is retried only when `changed` says its spec or labels changed: its own
   * status updates (the PodScheduled condition we write) cannot make it fit.
   */
  addOrUpdate(info: PodInfo, changed = true): void {
    if (this.closed) return;
    const uid = info.uid;
    const queued = this.active.get(uid) ?? this.backoff.get(uid)?.entry ?? this.inFlight.get(uid);
    if (queued) {
      queued.info = info;
      return;
    }
    const unsched = this.unschedulable.get(uid);
    if (unsched && !changed) {
      unsched.info = info;
      return;
    }
    if (unsched) {
      // The pod itself changed (labels, tolerations …): it may fit now.
      this.unschedulable.delete(uid);
      unsched.info = info;
      this.requeue(unsched);
      return;
    }
    this.pushActive({ info, attempts: 0, enqueued: this.now(), failedAt: 0, seq: 0 });
  }

  delete(uid: string): void {
    this.active.delete(uid);
    const b = this.backoff.get(uid);
    if (b) clearTimeout(b.timer);
    this.backoff.delete(uid);
    this.unschedulable.delete(uid);
    this.inFlight.delete(uid);
  }

  /** The next pod to schedule; waits while the active queue is empty. Undefined once closed. */
  pop(): Promise<PodInfo | undefined> {
    const e = this.popHeap();
    if (e) return Promise.resolve(e.info);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The attempt failed because no node fits: wait for a helpful event (or back off if one came meanwhile). */
  addUnschedulable(info: PodInfo, cycleAtPop: number): void {
    const e = this.takeInFlight(info);
    if (!e) return;
    // Like upstream, a failed pod queues behind pods that arrived meanwhile.
    e.failedAt = e.enqueued = this.now();
    if (this.moveRequestCycle >= cycleAtPop) this.toBackoff(e);
    else this.unschedulable.set(info.uid, e);
  }

  /** The attempt failed for another reason (bind error, internal error): retry after back-off. */
  addBackoff(info: PodInfo): void {
    const e = this.takeInFlight(info) ?? { info, attempts: 1, enqueued: 0, failedAt: 0, seq: 0 };
    e.failedAt = e.enqueued = this.now();
    this.toBackoff(e);
  }

  /** The attempt succeeded (or the pod went away): forget it. */
  done(uid: string): void {
    this.inFlight.delete(uid);
  }

  /** The scheduling cycle counter at pop time, for addUnschedulable. */
  currentCycle(): number {
    return this.cycle;
  }

  /** A cluster event that may make unschedulable pods fit: move them back (to back-off if still backing off). */
  moveAllToActiveOrBackoff(filter: (info: PodInfo) => boolean = () => true): void {
    this.moveRequestCycle = this.cycle;
    for (const [uid, e] of this.unschedulable) {
      if (!filter(e.info)) continue;
      this.unschedulable.delete(uid);
      this.requeue(e);
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.flushTimer);
    for (const { timer } of this.backoff.values()) clearTimeout(timer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  backoffMs(attempts: number): number {
    if (attempts <= 0) return 0;
    return Math.min(this.maxMs, this.initialMs * 2 ** (attempts - 1));
  }

  private requeue(e: Entry): void {
    const remaining = e.failedAt + this.backoffMs(e.attempts) - this.now();
    if (remaining > 0) this.toBackoff(e);
    else this.pushActive(e);
  }

  private toBackoff(e: Entry): void {
    const uid = e.info.uid;
    const prev = this.backoff.get(uid);
    if (prev) clearTimeout(prev.timer);
    const delay = Math.max(0, e.failedAt + this.backoffMs(e.attempts) - this.now());
    const timer = setTimeout(() => {
      this.backoff.delete(uid);
      this.pushActive(e);
    }, delay);
    timer.unref();
    this.backoff.set(uid, { entry: e, timer });
  }

  private takeInFlight(info: PodInfo): Entry | undefined {
    const e = this.inFlight.get(info.uid);
    if (!e) return undefined;
    this.inFlight.delete(info.uid);
    e.info = info;
    return e;
  }

  private flushUnschedulable(): void {
    const now = this.now();
    for (const [uid, e] of this.unschedulable) {
      if (now - e.failedAt < this.maxUnschedMs) continue;
      this.unschedulable.delete(uid);
      this.pushActive(e);
    }
  }

  private pushActive(e: Entry): void {
    if (this.closed) return;
    e.seq = ++this.seq;
    e.enqueued = e.enqueued || this.now();
    const waiter = this.waiters.shift();
    if (waiter) {
      this.startFlight(e);
      waiter(e.info);
      return;
    }
    this.active.set(e.info.uid, e);
    this.heap.push(e);
    this.siftUp(this.heap.length - 1);
  }

  private startFlight(e: Entry): void {
    e.attempts++;
    this.cycle++;
    this.inFlight.set(e.info.uid, e);
  }

  private popHeap(): Entry | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0] as Entry;
      const last = this.heap.pop() as Entry;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.siftDown(0);
      }
      // Entries deleted or re-pushed since are stale.
      if (this.active.get(top.info.uid) !== top) continue;
      this.active.delete(top.info.uid);
      this.startFlight(top);
      return top;
    }
    return undefined;
  }

  private less(a: Entry, b: Entry): boolean {
    if (a.info.priority !== b.info.priority) return a.info.priority > b.info.priority;
    if (a.enqueued !== b.enqueued) return a.enqueued < b.enqueued;
    return a.seq < b.seq;
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as Entry, h[parent] as Entry)) break;
      [h[i], h[parent]] = [h[parent] as Entry, h[i] as Entry];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as Entry, h[m] as Entry)) m = l;
      if (r < h.length && this.less(h[r] as Entry, h[m] as Entry)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m] as Entry, h[i] as Entry];
      i = m;
    }
  }
}
