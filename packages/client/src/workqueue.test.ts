import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from './workqueue.js';

describe('WorkQueue', () => {
  afterEach(() => vi.useRealTimers());

  it('holds a waiting key once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
  });

  it('never hands a key to two workers, and requeues it once if added while processing', async () => {
    const q = new WorkQueue();
    q.add('k');
    const first = await q.get();
    q.add('k');
    q.add('k');
    let second: string | undefined;
    const waiting = q.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(first as string);
    await waiting;
    expect(second).toBe('k');
    q.done('k');
    expect(q.length).toBe(0);
  });

  it('backs off exponentially per key until forgotten', async () => {
    vi.useFakeTimers();
    const q = new WorkQueue({ baseMs: 10, maxMs: 35 });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = Date.now();
      q.addRateLimited('k');
      while (q.length === 0) vi.advanceTimersByTime(1);
      delays.push(Date.now() - start);
      q.done((await q.get()) as string);
    }
    expect(delays).toEqual([10, 20, 35, 35]);
    expect(q.numRequeues('k')).toBe(4);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
  });

  it('keeps the earliest of several delayed adds', () => {
    vi.useFakeTimers();
    const q = new WorkQueue();
    q.addAfter('k', 100);
    q.addAfter('k', 50);
    q.addAfter('k', 500);
    vi.advanceTimersByTime(50);
    expect(q.length).toBe(1);
  });

  it('releases waiting workers on shutdown and ignores later adds', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('k');
    expect(q.length).toBe(0);
  });
});
