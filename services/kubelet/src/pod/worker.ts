/**
 * One pod's worker: it owns everything the kubelet does for that pod UID, in one place, so
 * work on a pod is never done twice at once (CONVENTIONS 10). The latest pod object wins; a
 * kill, once asked for, stays asked for. "Kill this pod" is the worker's own AbortController;
 * kubelet shutdown asks it to kill too, but without deleting the pod (CONVENTIONS 9). "Halt"
 * stops the containers without a kill: the pod ran past its activeDeadlineSeconds and stays,
 * Failed, until deleted.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { isConflict, isNotFound } from '@kite/client';
import type { Logger } from '@kite/common';
import type { Sandbox } from '@kite/runtime';
import { Backoff, shouldRestart, sleep } from './backoff.js';
import { podRef, type WorkerContext } from './context.js';
import { DEADLINE_MESSAGE, DEADLINE_REASON, DeadlineTimer } from './deadline.js';
import { runInstance, stopInstance, type Instance, type InstanceHost } from './instance.js';
import { buildPodStatus, defaultWaitingReason, newContainerRecord, type ContainerRecord, type PodRecord } from './status.js';
import { isSidecar, podDirName, rfc3339, POD_TARGET, type Container, type ContainerState, type Pod } from './types.js';
import { PodVolumes } from './volumes.js';
import { crashBackoff, waitAfterFailure, type WaitTarget } from './waits.js';

export type KillReason =
  /** deletionTimestamp set: stop within the grace period, then confirm the delete. */
  | 'deleted'
  /** The object is gone (force-deleted): stop at once, nothing to confirm. */
  | 'gone'
  /** The kubelet is shutting down: stop gracefully, keep the pod (it runs again on restart). */
  | 'shutdown';

/** Tries at the final delete before giving up on a pod that keeps changing under it. */
const CONFIRM_ATTEMPTS = 10;

const isTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** A container the kubelet lost track of (it was running when the kubelet died). */
const LOST_REASON = 'ContainerStatusUnknown';
const LOST: ContainerState = {
  terminated: { exitCode: 137, reason: LOST_REASON, message: 'The container could not be located when the kubelet restarted' },
};

export class PodWorker {
  readonly uid: string;
  readonly dir: string;
  readonly rec: PodRecord;
  sandbox: Sandbox | undefined;
  /** The current (or last) instance of each container, for exec, attach and logs. */
  readonly instances = new Map<string, Instance>();
  readonly done: Promise<void>;
  private latest: Pod;
  private readonly kill = new AbortController();
  private killReason: KillReason | undefined;
  /** Containers stop and none starts again: aborted by a kill or by the pod's deadline. */
  private readonly halt = new AbortController();
  private readonly halted = new Promise<void>((resolve) => this.halt.signal.addEventListener('abort', () => resolve(), { once: true }));
  private graceDeadline = Number.POSITIVE_INFINITY;
  private readonly deadline = new DeadlineTimer(() => this.deadlineExceeded());
  /** Whether containers may still start: the deadline counts only then. */
  private active = false;
  /** Sidecar loops in init order; each has its own stop, given after the app containers stopped. */
  private readonly sidecars: Array<{ stop: AbortController; done: Promise<void> }> = [];
  private sidecarGraceEnd = Number.POSITIVE_INFINITY;
  private readonly volumes: PodVolumes;
  /** Containers whose earlier instance (from before a kubelet restart) counts as a restart. */
  private readonly resumed = new Set<string>();
  /** Containers to run again whatever the restartPolicy, because their image changed. */
  private readonly imageChanged = new Set<string>();
  private reportedStart = false;
  private readonly log: Logger;

  constructor(
    pod: Pod,
    private readonly ctx: WorkerContext,
    private readonly onDone: (w: PodWorker) => void,
  ) {
    this.latest = pod;
    this.uid = pod.metadata.uid as string;
    this.dir = path.join(ctx.podsDir, podDirName(pod));
    this.log = ctx.log.child({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, uid: this.uid });
    this.rec = this.recordFromApi(pod);
    this.volumes = new PodVolumes(this.dir, ctx.deps.volumes, () => ({ source: ctx.config, field: { pod: this.latest, hostIP: ctx.hostIP, podIP: this.sandbox?.ip }, node: ctx.node }), this.log);
    this.done = this.run();
  }

  get pod(): Pod {
    return this.latest;
  }

  get killing(): boolean {
    return this.killReason !== undefined;
  }

  /** A newer version of the pod object: the latest wins; a deletion turns into a kill. */
  update(pod: Pod): void {
    const newer = Number(pod.metadata.resourceVersion ?? 0) >= Number(this.latest.metadata.resourceVersion ?? 0);
    if (!newer) return;
    const labelsChanged = JSON.stringify([pod.metadata.labels, pod.metadata.annotations]) !== JSON.stringify([this.latest.metadata.labels, this.latest.metadata.annotations]);
    const before = this.latest;
    this.latest = pod;
    this.ctx.status.observe(pod);
    // Only images may change in a running pod's spec: a changed one restarts its container, as Kubernetes does.
    const restartable = (p: Pod): Container[] => [...p.spec.containers, ...(p.spec.initContainers ?? []).filter(isSidecar)];
    for (const c of restartable(pod)) {
      const old = restartable(before).find((x) => x.name === c.name);
      if (old !== undefined && old.image !== c.image && pod.metadata.deletionTimestamp === undefined) {
        this.imageChanged.add(c.name);
        this.stopContainer(c.name, `Container ${c.name} definition changed, will be restarted`);
      }
    }
    if (this.active && pod.spec.activeDeadlineSeconds !== before.spec.activeDeadlineSeconds) this.deadline.arm(pod, this.rec.startTime);
    if (pod.metadata.deletionTimestamp !== undefined) this.requestKill('deleted', pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30);
    else if (labelsChanged) void this.volumes.refresh(pod);
  }

  /** A ConfigMap or Secret the pod uses changed. */
  refreshVolumes(): void {
    if (this.killReason === undefined) void this.volumes.refresh(this.latest);
  }

  /** Asks the pod to stop; a later, shorter grace period (or `gone`) hurries a kill under way. */
  requestKill(reason: KillReason, graceSeconds: number): void {
    const deadline = Date.now() + Math.max(0, graceSeconds) * 1000;
    // Stops a kill, a deadline or a finished pod's sidecars began are under way: a shorter grace hurries them.
    const stopping = this.halt.signal.aborted || Number.isFinite(this.sidecarGraceEnd);
    if (this.killReason === undefined) {
      this.killReason = reason;
      this.log.info({ reason, graceSeconds }, 'stopping pod');
    } else if (reason === 'gone') this.killReason = 'gone';
    const shorter = deadline < this.graceDeadline;
    if (shorter) this.graceDeadline = deadline;
    this.kill.abort();
    this.halt.abort();
    if (shorter && stopping) for (const inst of this.instances.values()) if (inst.running && inst.stopping !== undefined) void this.ctx.deps.runtime.stop(inst.id, this.graceLeftMs()).catch(() => undefined);
  }

  /** activeDeadlineSeconds ran out: stop every container within the pod's grace period and fail the pod. */
  private deadlineExceeded(): void {
    if (this.halt.signal.aborted) return;
    this.log.info({ activeDeadlineSeconds: this.latest.spec.activeDeadlineSeconds }, 'active deadline exceeded');
    this.rec.failure = { reason: DEADLINE_REASON, message: DEADLINE_MESSAGE };
    this.ctx.events.emit(podRef(this.latest), 'Normal', DEADLINE_REASON, DEADLINE_MESSAGE);
    this.graceDeadline = Date.now() + (this.latest.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    this.halt.abort();
    this.publish();
  }

  graceLeftMs(): number {
    return Math.max(0, this.graceDeadline - Date.now());
  }

  publish(): void {
    if (this.killReason === 'gone' || this.killReason === 'shutdown') return;
    const status = buildPodStatus(this.latest, this.rec, rfc3339(new Date()));
    if (status.phase === 'Running' && !this.reportedStart) {
      this.reportedStart = true;
      const created = Date.parse(String(this.latest.metadata.creationTimestamp ?? ''));
      if (!Number.isNaN(created)) this.ctx.metrics?.podStarted(Math.max(0, Date.now() - created) / 1000);
    }
    this.ctx.status.set(this.latest, status);
  }

  /** The kubelet's record of each container, continued from the status in the API after a kubelet restart. */
  private recordFromApi(pod: Pod): PodRecord {
    const s = pod.status ?? {};
    const rec: PodRecord = { sandboxReady: false, hostIP: this.ctx.hostIP, init: new Map(), app: new Map() };
    if (s.startTime !== undefined) rec.startTime = s.startTime;
    const waiting = defaultWaitingReason(pod);
    const adopt = (c: Container, prior: ContainerRecord | undefined, into: Map<string, ContainerRecord>): void => {
      const r = newContainerRecord(c, waiting);
      if (prior !== undefined) {
        r.restartCount = prior.restartCount ?? 0;
        r.lastState = prior.lastState ?? {};
        if (prior.state.terminated !== undefined) r.state = prior.state;
        if (prior.containerID !== undefined) r.containerID = prior.containerID;
        const hadInstance = prior.state.running !== undefined || prior.state.terminated !== undefined || prior.lastState?.terminated !== undefined;
        if (hadInstance) {
          this.resumed.add(c.name);
          if (prior.state.running !== undefined) r.state = { terminated: { ...(LOST.terminated as NonNullable<ContainerState['terminated']>), finishedAt: rfc3339(new Date()) } };
        }
        r.image = prior.image || c.image;
        r.imageID = prior.imageID ?? '';
      }
      into.set(c.name, r);
    };
    const byName = <T extends { name: string }>(xs: T[] | undefined, n: string): T | undefined => (xs ?? []).find((x) => x.name === n);
    for (const c of pod.spec.initContainers ?? []) adopt(c, byName(s.initContainerStatuses, c.name) as ContainerRecord | undefined, rec.init);
    for (const c of pod.spec.containers) adopt(c, byName(s.containerStatuses, c.name) as ContainerRecord | undefined, rec.app);
    return rec;
  }

  private host(sandbox: Sandbox, serviceAccountDir?: string): InstanceHost {
    return {
      serviceAccountDir,
      ctx: this.ctx,
      pod: () => this.latest,
      sandbox,
      podDir: this.dir,
      volumes: this.volumes.hostDirs,
      killed: this.halt.signal,
      graceLeftMs: () => this.graceLeftMs(),
      publish: () => this.publish(),
      track: (inst, name) => {
        if (inst !== undefined) this.instances.set(name, inst);
      },
    };
  }

  private async run(): Promise<void> {
    try {
      if (!isTerminal(this.latest) && this.latest.metadata.deletionTimestamp === undefined) await this.lifecycle();
    } catch (err) {
      this.log.error({ err }, 'pod worker failed');
    }
    this.log.debug({ killed: this.kill.signal.aborted }, 'pod lifecycle ended');
    if (!this.kill.signal.aborted) await new Promise((resolve) => this.kill.signal.addEventListener('abort', resolve, { once: true }));
    // A pod marked for deletion before its worker ever ran lands here too.
    if (this.killReason === undefined && this.latest.metadata.deletionTimestamp !== undefined) this.killReason = 'deleted';
    await this.teardown();
    this.onDone(this);
  }

  private async lifecycle(): Promise<void> {
    this.rec.startTime ??= rfc3339(new Date());
    this.publish();
    this.active = true;
    this.deadline.arm(this.latest, this.rec.startTime);
    try {
      await this.runContainers();
    } finally {
      this.active = false;
      this.deadline.clear();
    }
    if (!this.kill.signal.aborted) await this.finish();
  }

  private async runContainers(): Promise<void> {
    const sandbox = await this.createSandbox();
    if (sandbox === undefined || !(await this.setupVolumes())) return;
    const sa = this.ctx.deps.runtime.capabilities.mounts ? await this.volumes.serviceAccount(this.latest).catch(() => undefined) : undefined;
    const host = this.host(sandbox, sa);
    try {
      if (await this.runInitContainers(host)) await this.runAppContainers(host);
    } finally {
      await this.stopSidecars();
    }
  }

  /** Each regular init container to completion, each sidecar until started; false when the pod goes no further. */
  private async runInitContainers(host: InstanceHost): Promise<boolean> {
    for (const c of this.latest.spec.initContainers ?? []) {
      if (isSidecar(c)) {
        let started: () => void = () => undefined;
        const first = new Promise<void>((resolve) => (started = resolve));
        const stop = new AbortController();
        this.sidecars.push({ stop, done: this.runSidecar(host, c, stop.signal, started).finally(started) });
        await Promise.race([first, this.halted]);
      } else if (!(await this.runInit(host, c))) return false;
      if (this.halt.signal.aborted) return false;
    }
    return true;
  }

  /** Runs the app containers until none will run again (they finished, or the pod stops). */
  private async runAppContainers(host: InstanceHost): Promise<void> {
    // One after another in spec order, as Kubernetes starts them: a sidecar that reads what the
    // container before it creates finds it there. Each waits only for the previous one's start.
    const runs: Array<Promise<void>> = [];
    for (const c of this.latest.spec.containers) {
      let started: () => void = () => undefined;
      const first = new Promise<void>((resolve) => (started = resolve));
      runs.push(this.runApp(host, c, started).finally(started));
      await first;
    }
    await Promise.all(runs);
  }

  /**
   * Once the app containers are done (finished for good, or stopped), sidecars stop one by one in
   * reverse init order, as Kubernetes stops them, sharing what is left of the pod's grace period
   * (a whole one when the pod simply finished).
   */
  private async stopSidecars(): Promise<void> {
    if (this.sidecars.length === 0) return;
    this.sidecarGraceEnd = Number.isFinite(this.graceDeadline) ? this.graceDeadline : Date.now() + (this.latest.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    for (const s of this.sidecars.splice(0).reverse()) {
      s.stop.abort();
      await s.done;
    }
  }

  /** All containers are done for good: free the sandbox (its IP, processes) and keep the status. */
  private async finish(): Promise<void> {
    this.publish();
    try {
      await this.ctx.deps.runtime.removeSandbox(this.uid);
      this.rec.sandboxReady = false;
      this.publish();
    } catch (err) {
      this.log.warn({ err }, 'cannot remove the sandbox of a finished pod');
    }
  }

  private async createSandbox(): Promise<Sandbox | undefined> {
    const p = this.latest;
    const backoff = new Backoff(this.ctx.backoff);
    while (!this.halt.signal.aborted) {
      const t0 = Date.now();
      try {
        const sb = await this.ctx.deps.runtime.createSandbox({
          uid: this.uid,
          namespace: p.metadata.namespace as string,
          name: p.metadata.name as string,
          hostname: p.spec.hostname ?? (p.metadata.name as string),
          ...(p.spec.subdomain !== undefined ? { subdomain: p.spec.subdomain } : {}),
          hostNetwork: p.spec.hostNetwork === true,
          ...(p.spec.hostAliases !== undefined ? { hostAliases: p.spec.hostAliases } : {}),
        });
        this.log.debug({ ms: Date.now() - t0, ip: sb.ip }, 'sandbox ready');
        this.sandbox = sb;
        this.rec.sandboxReady = true;
        this.rec.podIP = sb.ip;
        if (!sb.isolated && p.spec.hostNetwork !== true)
          this.ctx.events.emit(podRef(p), 'Warning', 'NotIsolated', `pod runs on the node's network: ${this.ctx.deps.runtime.capabilities.limitations.join('; ')}`);
        this.publish();
        return sb;
      } catch (err) {
        this.ctx.events.emit(podRef(p), 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
        await sleep(Math.max(backoff.next(), 1000), this.halt.signal);
      }
    }
    return undefined;
  }

  private async setupVolumes(): Promise<boolean> {
    const backoff = new Backoff(this.ctx.backoff);
    while (!this.halt.signal.aborted) {
      try {
        await this.volumes.setup(this.latest);
        return true;
      } catch (err) {
        this.ctx.events.emit(podRef(this.latest), 'Warning', 'FailedMount', (err as Error).message);
        await sleep(Math.max(backoff.next(), 1000), this.halt.signal);
      }
    }
    return false;
  }

  /** Prepares the record for the next instance: the last one becomes lastState, restartCount goes up. */
  private nextInstance(rec: ContainerRecord, name: string, ranBefore: boolean): void {
    if (!ranBefore && !this.resumed.delete(name)) return;
    if (rec.state.terminated !== undefined) rec.lastState = { terminated: rec.state.terminated };
    rec.restartCount++;
  }

  private waitTarget(): WaitTarget {
    return { ctx: this.ctx, pod: this.latest, publish: () => this.publish() };
  }

  /** Runs an init container until it succeeds; false when the pod failed (restartPolicy Never) or was killed. */
  private async runInit(host: InstanceHost, c: Container): Promise<boolean> {
    const rec = this.rec.init.get(c.name) as ContainerRecord;
    const crash = new Backoff(this.ctx.backoff);
    const retry = new Backoff(this.ctx.backoff);
    let ran = false;
    while (!this.halt.signal.aborted) {
      this.nextInstance(rec, c.name, ran);
      const r = await runInstance(host, c, rec, true);
      if (r.kind !== 'exited') {
        if (r.kind === 'aborted' || !(await waitAfterFailure(this.waitTarget(), rec, c, true, r, retry, this.halt.signal))) return false;
        continue;
      }
      ran = true;
      if (r.exit.exitCode === 0) return true;
      if (this.halt.signal.aborted || this.latest.spec.restartPolicy === 'Never') return false;
      if (!(await crashBackoff(this.waitTarget(), rec, c, true, crash.next(r.ranMs), this.halt.signal))) return false;
    }
    return false;
  }

  private async runApp(host: InstanceHost, c: Container, firstStarted: () => void = () => undefined): Promise<void> {
    const rec = this.rec.app.get(c.name) as ContainerRecord;
    const policy = this.latest.spec.restartPolicy;
    // Finished for good before a kubelet restart: nothing to run.
    if (rec.state.terminated !== undefined && rec.state.terminated.reason !== LOST_REASON && !shouldRestart(policy, rec.state.terminated.exitCode)) return;
    const crash = new Backoff(this.ctx.backoff);
    const retry = new Backoff(this.ctx.backoff);
    let ran = false;
    while (!this.halt.signal.aborted) {
      this.nextInstance(rec, c.name, ran);
      const spec = this.latest.spec.containers.find((x) => x.name === c.name) ?? c;
      const r = await runInstance(host, spec, rec, false, firstStarted);
      firstStarted();
      if (r.kind !== 'exited') {
        if (r.kind === 'aborted' || !(await waitAfterFailure(this.waitTarget(), rec, spec, false, r, retry, this.halt.signal))) return;
        continue;
      }
      ran = true;
      if (this.halt.signal.aborted) return;
      if (this.imageChanged.delete(c.name)) continue;
      if (!shouldRestart(policy, r.exit.exitCode)) return;
      if (!(await crashBackoff(this.waitTarget(), rec, c, false, crash.next(r.ranMs), this.halt.signal))) return;
    }
  }

  /** Keeps a sidecar running, restarted whatever the pod's restartPolicy, until `stop`. */
  private async runSidecar(host: InstanceHost, c: Container, stop: AbortSignal, firstStarted: () => void): Promise<void> {
    const rec = this.rec.init.get(c.name) as ContainerRecord;
    // Its own stop rather than the pod's: a stopping pod stops its sidecars last.
    const own: InstanceHost = { ...host, killed: stop, graceLeftMs: () => Math.max(0, Math.min(this.sidecarGraceEnd, this.graceDeadline) - Date.now()) };
    const crash = new Backoff(this.ctx.backoff);
    const retry = new Backoff(this.ctx.backoff);
    let ran = false;
    // A stopping pod starts no new instance, though the running one lasts until its turn.
    while (!stop.aborted && !this.halt.signal.aborted) {
      this.nextInstance(rec, c.name, ran);
      const spec = (this.latest.spec.initContainers ?? []).find((x) => x.name === c.name) ?? c;
      const r = await runInstance(own, spec, rec, true, firstStarted);
      if (r.kind !== 'exited') {
        if (r.kind === 'aborted' || !(await waitAfterFailure(this.waitTarget(), rec, spec, true, r, retry, stop))) return;
        continue;
      }
      ran = true;
      if (stop.aborted || this.halt.signal.aborted) return;
      if (this.imageChanged.delete(c.name)) continue;
      if (!(await crashBackoff(this.waitTarget(), rec, c, true, crash.next(r.ranMs), stop))) return;
    }
  }

  /** After a kill: containers are stopped (the instance loops did it); remove the rest and confirm. */
  private async teardown(): Promise<void> {
    const reason = this.killReason ?? 'deleted';
    const t0 = Date.now();
    try {
      await this.ctx.deps.runtime.removeSandbox(this.uid);
      this.log.debug({ ms: Date.now() - t0 }, 'sandbox removed');
    } catch (err) {
      this.log.warn({ err }, 'cannot remove the sandbox');
    }
    try {
      await this.volumes.teardown();
    } catch (err) {
      this.log.warn({ err }, 'cannot unmount the volumes');
    }
    this.rec.sandboxReady = false;
    if (reason === 'shutdown') return;
    await rm(this.dir, { recursive: true, force: true }).catch((err: unknown) => this.log.warn({ err }, 'cannot remove the pod directory'));
    this.ctx.status.forget(this.uid);
    if (reason !== 'deleted') return;
    await this.confirmDeletion();
  }

  /**
   * The final delete (grace 0). A Conflict may only mean that another write to the pod (our own
   * last status, say) landed between the apiserver's read and its delete: while the pod with
   * this UID still exists, ask again, or it would stay Terminating for good.
   */
  private async confirmDeletion(): Promise<void> {
    const p = this.latest;
    const target = { ...POD_TARGET, namespace: p.metadata.namespace as string };
    const name = p.metadata.name as string;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ctx.client.delete(target, name, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= CONFIRM_ATTEMPTS) {
          this.log.warn({ err }, 'cannot confirm the pod deletion');
          return;
        }
        const fresh = await this.ctx.client.get<Pod>(target, name).catch(() => undefined);
        if (fresh === undefined || fresh.metadata.uid !== this.uid) return;
      }
    }
  }

  /** Stops a running container now (image change, or a test), letting its loop decide what follows. */
  stopContainer(name: string, why: string): void {
    const inst = this.instances.get(name);
    const c = [...this.latest.spec.containers, ...(this.latest.spec.initContainers ?? [])].find((x) => x.name === name);
    if (inst === undefined || !inst.running || c === undefined || this.sandbox === undefined) return;
    void stopInstance(this.host(this.sandbox), c, inst, () => (this.latest.spec.terminationGracePeriodSeconds ?? 30) * 1000, why);
  }
}
