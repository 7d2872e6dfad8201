/**
 * spec.activeDeadlineSeconds, as Kubernetes' activeDeadlineHandler keeps it: a pod active on the
 * node (since status.startTime) longer than its deadline is failed by the kubelet.
 */
import type { Pod } from './types.js';

export const DEADLINE_REASON = 'DeadlineExceeded';
export const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';

/** setTimeout's longest delay; a later deadline is armed again when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds left before the pod's deadline (0 once past it), or undefined when it has none. */
export function deadlineLeftMs(pod: Pod, startTime: string | undefined, nowMs: number): number | undefined {
  const seconds = pod.spec.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null || startTime === undefined) return undefined;
  const start = Date.parse(startTime);
  if (Number.isNaN(start)) return undefined;
  return Math.max(0, start + seconds * 1000 - nowMs);
}

/** One pod's deadline timer; `arm` again whenever the deadline may have changed. */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onExceeded: () => void) {}

  arm(pod: Pod, startTime: string | undefined): void {
    this.clear();
    const left = deadlineLeftMs(pod, startTime, Date.now());
    if (left === undefined) return;
    if (left === 0) return this.onExceeded();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (left > MAX_TIMER_MS) this.arm(pod, startTime);
      else this.onExceeded();
    }, Math.min(left, MAX_TIMER_MS));
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
