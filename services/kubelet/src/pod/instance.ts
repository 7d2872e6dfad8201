/**
 * One run of one container: resolve its image and environment, start it in the sandbox, run
 * its postStart hook and probes, wait for it to exit (or stop it when the pod is killed), and
 * record what happened. The loops in worker.ts decide whether it runs again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExitStatus, Sandbox } from '@kite/runtime';
import { runAction, type ActionTarget } from './actions.js';
import { containerSpec } from './container-config.js';
import { podRef, type WorkerContext } from './context.js';
import { ContainerConfigError, resolveEnv } from './env.js';
import { FieldRefError } from './field-path.js';
import { probeLabel, runProbes } from './probes.js';
import type { ContainerRecord } from './status.js';
import { terminationMessage } from './termination-message.js';
import { isSidecar, rfc3339, type Container, type Pod } from './types.js';
import { VolumeError } from './volume-files.js';

/** A started container instance, as the pod worker tracks it. */
export interface Instance {
  container: string;
  init: boolean;
  id: string;
  attempt: number;
  logPath: string;
  startedAt: Date;
  running: boolean;
  /** Set once a stop began, so a second stop asks the runtime again only to shorten the grace. */
  stopping?: Promise<ExitStatus>;
}

export type Outcome =
  | { kind: 'exited'; exit: ExitStatus; ranMs: number }
  | { kind: 'pull-failed'; message: string }
  | { kind: 'config-failed'; message: string }
  | { kind: 'aborted' };

/** What an instance needs from its pod worker. */
export interface InstanceHost {
  ctx: WorkerContext;
  pod(): Pod;
  sandbox: Sandbox;
  podDir: string;
  volumes: ReadonlyMap<string, string>;
  /** The implicit service account directory, when the runtime can mount it. */
  serviceAccountDir: string | undefined;
  /** "Kill this pod": the worker aborts it on deletion or kubelet shutdown. */
  killed: AbortSignal;
  /** Milliseconds left of the pod's grace period once killed. */
  graceLeftMs(): number;
  publish(): void;
  track(inst: Instance | undefined, name: string): void;
}

/** How long past the grace period a stop may take before the kubelet stops waiting for the runtime. */
const STOP_SLACK_MS = 10_000;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Stops an instance: preStop first (inside the grace period), then SIGTERM and SIGKILL at the
 * end of the grace. Idempotent; a repeat with a shorter grace hurries the runtime along.
 */
export function stopInstance(host: InstanceHost, c: Container, inst: Instance, graceMs: () => number, why: string): Promise<ExitStatus> {
  const runtime = host.ctx.deps.runtime;
  if (inst.stopping !== undefined) {
    void runtime.stop(inst.id, graceMs()).catch(() => undefined);
    return inst.stopping;
  }
  host.ctx.events.emit(podRef(host.pod(), c.name, inst.init), 'Normal', 'Killing', why);
  inst.stopping = (async () => {
    const preStop = c.lifecycle?.preStop;
    if (preStop !== undefined && graceMs() > 0) {
      const target: ActionTarget = { runtime, containerID: inst.id, podIP: host.sandbox.ip, container: c };
      const r = await runAction(preStop, target, graceMs());
      if (!r.ok) host.ctx.events.emit(podRef(host.pod(), c.name, inst.init), 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.output}`);
    }
    // The runtime answers once the process is gone; if it never does, removing the sandbox will
    // kill whatever is left, so the pod's teardown must not hang on it.
    const grace = graceMs();
    let timer: NodeJS.Timeout | undefined;
    const lost = new Promise<ExitStatus>((resolve) => {
      timer = setTimeout(() => resolve({ exitCode: 137, signal: 'SIGKILL', reason: 'Error', finishedAt: new Date() }), grace + STOP_SLACK_MS);
    });
    try {
      return await Promise.race([runtime.stop(inst.id, grace), lost]);
    } finally {
      clearTimeout(timer);
    }
  })();
  return inst.stopping;
}

/**
 * Runs one instance of `c` to its end, updating `rec` as it goes. `onStarted` lets the next
 * container start: after an app container's postStart hook, after a sidecar's startup probe.
 */
export async function runInstance(host: InstanceHost, c: Container, rec: ContainerRecord, init: boolean, onStarted: () => void = () => undefined): Promise<Outcome> {
  const { ctx } = host;
  const pod = host.pod();
  const ref = podRef(pod, c.name, init);
  const containerDir = path.join(host.podDir, '.containers', c.name);
  await mkdir(containerDir, { recursive: true });

  let image;
  try {
    image = await ctx.deps.images.resolve(c.image, containerDir);
  } catch (err) {
    return { kind: 'pull-failed', message: message(err) };
  }
  ctx.events.emit(ref, 'Normal', 'Pulled', `Container image ${JSON.stringify(c.image)} already present on machine`);

  const attempt = rec.restartCount;
  const logPath = path.join(host.podDir, c.name, `${attempt}.log`);
  let spec;
  let termFile: string | undefined;
  try {
    const { env, warnings } = resolveEnv(pod, c, { field: { pod, hostIP: ctx.hostIP, podIP: host.sandbox.ip }, node: ctx.node, source: ctx.config });
    for (const w of warnings) ctx.events.emit(ref, 'Warning', 'InvalidEnvironmentVariableNames', w);
    if (ctx.deps.runtime.capabilities.mounts) {
      termFile = path.join(containerDir, `termination-log.${attempt}`);
      await writeFile(termFile, '');
    }
    spec = containerSpec({ pod, container: c, sandbox: host.sandbox, attempt, image, env, volumes: host.volumes, logPath, ...(termFile !== undefined ? { terminationLog: termFile } : {}), ...(host.serviceAccountDir !== undefined ? { serviceAccountDir: host.serviceAccountDir } : {}) });
  } catch (err) {
    if (err instanceof ContainerConfigError || err instanceof FieldRefError || err instanceof VolumeError) return { kind: 'config-failed', message: err.message };
    throw err;
  }
  if (spec.argv.length === 0) return { kind: 'config-failed', message: `no command specified for container ${c.name} and image ${c.image} has no entrypoint` };
  if (host.killed.aborted) return { kind: 'aborted' };
  await mkdir(path.dirname(logPath), { recursive: true });

  rec.image = image.image;
  rec.imageID = image.imageID ?? image.image;
  let info;
  const t0 = Date.now();
  try {
    info = await ctx.deps.runtime.start(spec);
    ctx.log.debug({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, container: c.name, ms: Date.now() - t0 }, 'container started');
  } catch (err) {
    const now = new Date();
    ctx.events.emit(ref, 'Warning', 'Failed', `Error: ${message(err)}`);
    const exit: ExitStatus = { exitCode: 128, reason: 'Error', finishedAt: now };
    rec.state = { terminated: { exitCode: 128, reason: 'StartError', message: message(err), startedAt: rfc3339(now), finishedAt: rfc3339(now) } };
    return { kind: 'exited', exit, ranMs: 0 };
  }
  ctx.metrics?.containerStarted();
  ctx.events.emit(ref, 'Normal', 'Created', `Created container: ${c.name}`);
  ctx.events.emit(ref, 'Normal', 'Started', `Started container ${c.name}`);
  const inst: Instance = { container: c.name, init, id: info.id, attempt, logPath, startedAt: info.startedAt, running: true };
  host.track(inst, c.name);
  rec.containerID = `kite://${info.id}`;
  rec.state = { running: { startedAt: rfc3339(info.startedAt) } };
  rec.ready = false;
  rec.started = false;
  host.publish();

  const exited = ctx.deps.runtime.wait(info.id);
  const probesStop = new AbortController();
  const target: ActionTarget = { runtime: ctx.deps.runtime, containerID: info.id, podIP: host.sandbox.ip, container: c };
  const podGrace = (): number => (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;

  const postStart = c.lifecycle?.postStart;
  let hookFailed = false;
  if (postStart !== undefined) {
    const r = await Promise.race([runAction(postStart, target, podGrace(), probesStop.signal), exited.then(() => ({ ok: true, output: '' }))]);
    if (!r.ok && !host.killed.aborted) {
      hookFailed = true;
      ctx.events.emit(ref, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${r.output}`);
      void stopInstance(host, c, inst, podGrace, `FailedPostStartHook`);
    }
  }
  const sidecar = init && isSidecar(c);
  if (!sidecar) onStarted();
  if (!hookFailed && (!init || sidecar)) {
    runProbes(
      c,
      target,
      {
        started: () => {
          rec.started = true;
          host.publish();
          if (sidecar) onStarted();
        },
        ready: (ok) => {
          rec.ready = ok && rec.started && inst.running;
          host.publish();
        },
        unhealthy: (kind, out) => ctx.events.emit(ref, 'Warning', 'Unhealthy', `${probeLabel(kind)} probe failed: ${out}`),
        kill: (kind) => {
          const grace = (kind === 'liveness' ? c.livenessProbe : c.startupProbe)?.terminationGracePeriodSeconds;
          void stopInstance(host, c, inst, () => (grace !== undefined ? grace * 1000 : podGrace()), `Container ${c.name} failed ${kind} probe, will be restarted`);
        },
      },
      probesStop.signal,
    );
  } else if (!hookFailed) {
    rec.started = true;
    host.publish();
  }

  let onAbort: (() => void) | undefined;
  const onKill = new Promise<'killed'>((resolve) => {
    onAbort = () => resolve('killed');
    if (host.killed.aborted) resolve('killed');
    else host.killed.addEventListener('abort', onAbort, { once: true });
  });
  let exit = await Promise.race([exited, onKill]);
  // One listener per instance would pile up on a crash-looping container's pod signal.
  if (onAbort !== undefined) host.killed.removeEventListener('abort', onAbort);
  if (exit === 'killed') exit = await stopInstance(host, c, inst, () => host.graceLeftMs(), `Stopping container ${c.name}`);
  probesStop.abort();
  inst.running = false;
  const msg = await terminationMessage(termFile, c.terminationMessagePolicy, exit.exitCode, logPath);
  rec.ready = false;
  rec.started = false;
  rec.state = {
    terminated: {
      exitCode: exit.exitCode,
      reason: exit.reason,
      ...(msg !== '' ? { message: msg } : {}),
      startedAt: rfc3339(info.startedAt),
      finishedAt: rfc3339(exit.finishedAt),
      containerID: rec.containerID,
    },
  };
  host.publish();
  return { kind: 'exited', exit, ranMs: exit.finishedAt.getTime() - info.startedAt.getTime() };
}
