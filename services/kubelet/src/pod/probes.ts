import { sleep } from './backoff.js';
import { runAction, type ActionResult, type ActionTarget } from './actions.js';
import { probeTiming, ProbeState, type ProbeKind } from './probe-state.js';
import type { Container, Probe } from './types.js';

export interface ProbeEvents {
  /** The startup probe passed (or there is none): liveness and readiness probing begins. */
  started(): void;
  ready(ready: boolean): void;
  /** One failed probe, for an Unhealthy event. */
  unhealthy(kind: ProbeKind, output: string): void;
  /** Liveness or startup gave up on the container: it must be killed (and maybe restarted). */
  kill(kind: ProbeKind, output: string): void;
}

const label: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
export const probeLabel = (k: ProbeKind): string => label[k];

/**
 * Runs one container instance's probes as Kubernetes' prober workers do: startup first (the
 * others wait for it), then liveness and readiness, each on its own period. Stops when the
 * signal aborts (the instance exited or is being stopped).
 */
export function runProbes(container: Container, target: ActionTarget, events: ProbeEvents, signal: AbortSignal, run = runAction): void {
  const loop = async (kind: ProbeKind, probe: Probe, onStarted?: () => void): Promise<void> => {
    const timing = probeTiming(probe);
    const state = new ProbeState(kind, timing);
    if (!(await sleep(timing.initialDelayMs, signal))) return;
    for (;;) {
      const r: ActionResult = await run(probe, target, timing.timeoutMs, signal);
      if (signal.aborted) return;
      if (!r.ok) events.unhealthy(kind, r.output);
      const changed = state.record(r.ok);
      if (kind === 'readiness' && changed) events.ready(state.ok);
      if (kind === 'startup' && state.ok) return onStarted?.();
      if (state.exhausted) return events.kill(kind, r.output);
      if (!(await sleep(timing.periodMs, signal))) return;
    }
  };
  const afterStart = (): void => {
    if (container.livenessProbe !== undefined) void loop('liveness', container.livenessProbe);
    if (container.readinessProbe !== undefined) void loop('readiness', container.readinessProbe);
    else events.ready(true);
  };
  if (container.startupProbe !== undefined) {
    void loop('startup', container.startupProbe, () => {
      events.started();
      afterStart();
    });
    return;
  }
  events.started();
  afterStart();
}
