/**
 * What a container shows while the kubelet waits to try it again — ErrImagePull and
 * ImagePullBackOff, CreateContainerConfigError, CrashLoopBackOff — with Kubernetes' events.
 */
import { sleep, type Backoff } from './backoff.js';
import { podRef, type WorkerContext } from './context.js';
import type { Outcome } from './instance.js';
import type { ContainerRecord } from './status.js';
import type { Container, ContainerState, Pod } from './types.js';

/** The pod worker, as seen from a wait. */
export interface WaitTarget {
  ctx: WorkerContext;
  pod: Pod;
  publish(): void;
}

/** Shows a failed image pull or configuration, then waits its back-off; false when killed meanwhile. */
export async function waitAfterFailure(t: WaitTarget, rec: ContainerRecord, c: Container, init: boolean, r: Outcome, backoff: Backoff, signal: AbortSignal): Promise<boolean> {
  const ref = podRef(t.pod, c.name, init);
  if (r.kind === 'pull-failed') {
    rec.state = { waiting: { reason: 'ErrImagePull', message: r.message } };
    t.ctx.events.emit(ref, 'Warning', 'Failed', `Failed to pull image ${JSON.stringify(c.image)}: ${r.message}`);
    t.ctx.events.emit(ref, 'Warning', 'Failed', 'Error: ErrImagePull');
    t.publish();
    const delay = backoff.next();
    if (delay > 0) {
      rec.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image ${JSON.stringify(c.image)}: ErrImagePull: ${r.message}` } };
      t.ctx.events.emit(ref, 'Normal', 'BackOff', `Back-off pulling image ${JSON.stringify(c.image)}`);
      t.ctx.events.emit(ref, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      t.publish();
    }
    return sleep(delay, signal);
  }
  if (r.kind === 'config-failed') {
    rec.state = { waiting: { reason: 'CreateContainerConfigError', message: r.message } };
    t.ctx.events.emit(ref, 'Warning', 'Failed', `Error: ${r.message}`);
    t.publish();
    return sleep(Math.max(backoff.next(), 1000), signal);
  }
  return !signal.aborted;
}

/** CrashLoopBackOff: wait before the next instance, saying so. */
export async function crashBackoff(t: WaitTarget, rec: ContainerRecord, c: Container, init: boolean, delayMs: number, signal: AbortSignal): Promise<boolean> {
  if (delayMs <= 0) return true;
  const p = t.pod;
  const uid = p.metadata.uid as string;
  if (rec.state.terminated !== undefined) rec.lastState = { terminated: rec.state.terminated };
  rec.state = {
    waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatDelay(delayMs)} restarting failed container=${c.name} pod=${p.metadata.name}_${p.metadata.namespace}(${uid})` },
  };
  t.ctx.events.emit(podRef(p, c.name, init), 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${p.metadata.name}_${p.metadata.namespace}(${uid})`);
  t.publish();
  const ok = await sleep(delayMs, signal);
  // The next instance moves lastState itself; undo the double move.
  if (ok) rec.state = { terminated: rec.lastState.terminated as NonNullable<ContainerState['terminated']> };
  return ok;
}

/** Go's duration format for whole seconds and minutes ("10s", "1m20s", "5m0s"), as the back-off message has it. */
export function formatDelay(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${s % 60}s`;
}
