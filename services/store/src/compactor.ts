import type { Logger } from '@kite/common';
import type { CompiledStoreOptions } from './options.js';
import type { Mvcc } from './mvcc.js';

const TICK_MS = 1000;

/**
 * Keeps history bounded without anyone calling Compact: either the last N revisions, or the
 * revisions of the last retention window (compacting in tenths of it, as etcd does).
 */
export function startAutoCompaction(mvcc: Mvcc, policy: CompiledStoreOptions['compaction'], log: Logger): () => void {
  if (policy.mode === 'off') return () => undefined;
  const samples: Array<{ at: number; rev: number }> = [];
  let running = false;
  let lastCompactAt = 0;
  const tick = (): void => {
    if (running) return;
    let target = 0;
    if (policy.mode === 'revision') {
      const step = Math.max(1, Math.floor(policy.revisions / 10));
      const candidate = mvcc.currentRev - policy.revisions;
      if (candidate - mvcc.compactedRev >= step) target = candidate;
    } else {
      const now = Date.now();
      samples.push({ at: now, rev: mvcc.currentRev });
      while (samples.length > 1 && (samples[1] as { at: number }).at <= now - policy.retentionMs) samples.shift();
      const oldest = samples[0] as { at: number; rev: number };
      if (oldest.at <= now - policy.retentionMs && now - lastCompactAt >= policy.retentionMs / 10) {
        target = oldest.rev;
        lastCompactAt = now;
      }
    }
    if (target <= mvcc.compactedRev) return;
    running = true;
    mvcc.compact(target).then(
      () => log.info({ revision: target }, 'auto-compacted history'),
      (err: unknown) => log.warn({ err, revision: target }, 'auto-compaction failed'),
    ).finally(() => (running = false));
  };
  const timer = setInterval(tick, TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
