import { describe, expect, it } from 'vitest';
import { runWorkers, TerminalError } from './controller.js';
import { WorkQueue } from './workqueue.js';

const until = async (cond: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 1));
  }
};

describe('runWorkers', () => {
  it('runs keys in parallel but never one key twice at once', async () => {
    const q = new WorkQueue();
    const active = new Set<string>();
    let maxParallel = 0;
    let overlap = false;
    let runs = 0;
    const done = runWorkers(q, 4, async (key) => {
      if (active.has(key)) overlap = true;
      active.add(key);
      maxParallel = Math.max(maxParallel, active.size);
      await new Promise((r) => setTimeout(r, 2));
      active.delete(key);
      runs++;
    });
    for (let i = 0; i < 50; i++) q.add(`ns/${i % 5}`);
    await until(() => q.length === 0 && active.size === 0 && runs >= 5);
    q.shutDown();
    await done;
    expect(overlap).toBe(false);
    expect(maxParallel).toBeGreaterThan(1);
  });

  it('retries failures with back-off until success, and drops terminal errors', async () => {
    const q = new WorkQueue({ baseMs: 1, maxMs: 4 });
    const attempts = new Map<string, number>();
    const errors: Array<[string, boolean]> = [];
    const done = runWorkers(
      q,
      2,
      async (key) => {
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        if (key === 'flaky' && n < 4) throw new Error('not yet');
        if (key === 'broken') throw new TerminalError('never');
      },
      { onError: (key, _err, willRetry) => errors.push([key, willRetry]) },
    );
    q.add('flaky');
    q.add('broken');
    await until(() => attempts.get('flaky') === 4 && attempts.get('broken') === 1 && q.length === 0);
    expect(q.numRequeues('flaky')).toBe(0); // forgotten after its success
    expect(errors.filter(([k]) => k === 'broken')).toEqual([['broken', false]]);
    expect(errors.filter(([k]) => k === 'flaky')).toHaveLength(3);
    q.shutDown();
    await done;
    expect(attempts.get('broken')).toBe(1);
  });

  it('honours requeueAfterMs', async () => {
    const q = new WorkQueue();
    const seen: number[] = [];
    const done = runWorkers(q, 1, async () => {
      seen.push(Date.now());
      return seen.length < 3 ? { requeueAfterMs: 20 } : undefined;
    });
    q.add('k');
    await until(() => seen.length === 3);
    q.shutDown();
    await done;
    expect((seen[2] as number) - (seen[0] as number)).toBeGreaterThanOrEqual(38);
  });
});
