import { describe, expect, it } from 'vitest';
import { info, makePod } from './testing.js';
import { SchedulingQueue } from './queue.js';

const clockAt = (t: { now: number }) => () => t.now;

describe('SchedulingQueue', () => {
  it('pops higher priority first, then first come first served', async () => {
    const q = new SchedulingQueue();
    const t0 = info(makePod('low-early', { priority: 0 }));
    const t1 = info(makePod('high', { priority: 10 }));
    const t2 = info(makePod('low-late', { priority: 0 }));
    q.addOrUpdate(t0);
    q.addOrUpdate(t1);
    q.addOrUpdate(t2);
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())?.pod.metadata.name);
    expect(order).toEqual(['high', 'low-early', 'low-late']);
    q.close();
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10_000],
    [9, 10_000],
  ])('back-off after attempt %i is %i ms', (attempts, ms) => {
    const q = new SchedulingQueue();
    expect(q.backoffMs(attempts)).toBe(ms);
    q.close();
  });

  it('keeps unschedulable pods until an event could help, then honours the remaining back-off', async () => {
    const t = { now: 1_000_000 };
    const q = new SchedulingQueue({ now: clockAt(t), initialBackoffMs: 1000 });
    const p = info(makePod('p'));
    q.addOrUpdate(p);
    const popped = await q.pop();
    const cycle = q.currentCycle();
    q.addUnschedulable(popped!, cycle);
    expect(q.sizes).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    // Long after its back-off: the move sends it straight to active.
    t.now += 5000;
    q.moveAllToActiveOrBackoff();
    expect(q.sizes).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
    const again = await q.pop();
    q.addUnschedulable(again!, q.currentCycle());
    // Second failure, moved at once: still backing off (2 s), so it waits in back-off.
    q.moveAllToActiveOrBackoff();
    expect(q.sizes).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    q.close();
  });

  it('sends a pod to back-off instead of unschedulable if a move request came while it was in flight', async () => {
    const q = new SchedulingQueue({ initialBackoffMs: 5 });
    q.addOrUpdate(info(makePod('p')));
    const p = await q.pop();
    const cycle = q.currentCycle();
    q.moveAllToActiveOrBackoff();
    q.addUnschedulable(p!, cycle);
    expect(q.sizes.backoff).toBe(1);
    // After the back-off it is active again without any further event.
    const next = await q.pop();
    expect(next?.uid).toBe(p?.uid);
    q.close();
  });

  it('updates queued pods in place, moves an updated unschedulable pod, and deletes', async () => {
    const q = new SchedulingQueue({ initialBackoffMs: 1 });
    const p = makePod('p');
    q.addOrUpdate(info(p));
    q.addOrUpdate(info({ ...p, metadata: { ...p.metadata, labels: { v: '2' } } }));
    expect(q.sizes.active).toBe(1);
    const popped = await q.pop();
    expect(popped?.labels).toEqual({ v: '2' });
    q.addUnschedulable(popped!, q.currentCycle());
    q.addOrUpdate(info({ ...p, metadata: { ...p.metadata, labels: { v: '3' } } }));
    expect(q.sizes.unschedulable).toBe(0);
    q.delete(popped!.uid);
    expect(q.sizes).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
    expect(q.has(popped!.uid)).toBe(false);
    q.close();
    expect(await q.pop()).toBeUndefined();
  });

  it('retries unschedulable pods after the maximum wait even without events', async () => {
    const t = { now: 0 };
    const q = new SchedulingQueue({ now: clockAt(t), maxUnschedulableMs: 20 });
    q.addOrUpdate(info(makePod('p')));
    const p = await q.pop();
    q.addUnschedulable(p!, q.currentCycle());
    t.now = 60_000;
    const back = await q.pop();
    expect(back?.uid).toBe(p?.uid);
    q.close();
  });
});

describe('SchedulingQueue status-only updates', () => {
  it('leaves an unschedulable pod waiting when only its status changed', async () => {
    const q = new SchedulingQueue();
    const p = makePod('p');
    q.addOrUpdate(info(p));
    const popped = await q.pop();
    q.addUnschedulable(popped!, q.currentCycle());
    q.addOrUpdate(info({ ...p, status: { conditions: [{ type: 'PodScheduled', status: 'False' }] } }), false);
    expect(q.sizes).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    q.close();
  });
});
