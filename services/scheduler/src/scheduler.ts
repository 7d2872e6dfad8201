import { Informer, isConflict, isNotFound, type KiteClient } from '@kite/client';
import type { Logger } from '@kite/common';
import { SchedulerCache } from './cache.js';
import { EventRecorder } from './events.js';
import { Framework } from './framework/framework.js';
import type { Namespace, Node, Pod } from './framework/objects.js';
import { PodInfo } from './framework/pod-info.js';
import { DEFAULT_PROFILE, type PluginRegistry } from './framework/registry.js';
import type { SchedulerMetrics } from './metrics.js';
import type { CompiledSchedulerOptions } from './options.js';
import { inTreeRegistry } from './plugins/index.js';
import { SchedulingQueue } from './queue.js';

const PODS = { apiVersion: 'v1', kind: 'Pod' } as const;
const MAX_BINDS_IN_FLIGHT = 256;

const isTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const assigned = (p: Pod): boolean => typeof p.spec?.nodeName === 'string' && p.spec.nodeName !== '';

/** Whether a pending pod changed in a way scheduling reads (not just its status or resourceVersion). */
function schedulingInputChanged(a: Pod, b: Pod): boolean {
  const strip = (p: Pod): string => JSON.stringify([p.metadata.labels ?? {}, p.metadata.annotations ?? {}, p.spec]);
  return strip(a) !== strip(b);
}

/** Node changes that can make a pending pod fit; heartbeats and condition churn cannot. */
function nodeChangeMatters(a: Node, b: Node): boolean {
  return (
    JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {}) ||
    JSON.stringify(a.spec?.taints ?? []) !== JSON.stringify(b.spec?.taints ?? []) ||
    Boolean(a.spec?.unschedulable) !== Boolean(b.spec?.unschedulable) ||
    JSON.stringify(a.status?.allocatable ?? a.status?.capacity ?? {}) !== JSON.stringify(b.status?.allocatable ?? b.status?.capacity ?? {})
  );
}

/**
 * The scheduler: informers fill the cache (nodes, bound pods, namespaces) and the queue
 * (pending pods for this schedulerName); while leading, one loop takes pods off the queue,
 * runs the framework synchronously, assumes the chosen node and binds in the background.
 */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly namespaces: Informer<Namespace>;
  private readonly events: EventRecorder;
  private running = false;
  private closed = false;
  private resume: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private bindsInFlight = 0;
  private readonly bindSlots: Array<() => void> = [];

  constructor(
    private readonly client: KiteClient,
    private readonly opts: CompiledSchedulerOptions,
    private readonly log: Logger,
    readonly metrics: SchedulerMetrics,
    registry: PluginRegistry = inTreeRegistry(),
  ) {
    this.queue = new SchedulingQueue({ maxUnschedulableMs: opts.maxUnschedulableMs });
    this.framework = new Framework(registry, { ...DEFAULT_PROFILE, schedulerName: opts.schedulerName });
    const ilog = { warn: (o: object, m: string) => log.warn(o, m) };
    this.pods = new Informer<Pod>(client, PODS, {}, ilog);
    this.nodes = new Informer<Node>(client, { apiVersion: 'v1', kind: 'Node' }, {}, ilog);
    this.namespaces = new Informer<Namespace>(client, { apiVersion: 'v1', kind: 'Namespace' }, {}, ilog);
    this.events = new EventRecorder(client, opts.identity, (err) => log.warn({ err: String(err) }, 'could not write event'));
    this.wire();
  }

  private responsible(p: Pod): boolean {
    return (p.spec?.schedulerName ?? 'default-scheduler') === this.opts.schedulerName;
  }

  private wire(): void {
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.cache.setNamespace(ns),
      onUpdate: (_o, ns) => {
        this.cache.setNamespace(ns);
        this.queue.moveAllToActiveOrBackoff();
      },
      onDelete: (ns) => this.cache.removeNamespace(ns),
    });
    this.nodes.addEventHandler({
      onAdd: (n) =>
        this.guard(n, () => {
          this.cache.setNode(n);
          this.queue.moveAllToActiveOrBackoff();
        }),
      onUpdate: (old, n) =>
        this.guard(n, () => {
          this.cache.setNode(n);
          if (nodeChangeMatters(old, n)) this.queue.moveAllToActiveOrBackoff();
        }),
      onDelete: (n) => this.cache.removeNode(n.metadata.name as string),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.guard(p, () => this.podChanged(undefined, p)),
      onUpdate: (old, p) => this.guard(p, () => this.podChanged(old, p)),
      onDelete: (p) => {
        const uid = p.metadata.uid as string;
        this.queue.delete(uid);
        if (assigned(p) || this.cache.isAssumed(uid)) {
          this.cache.removePod(uid);
          // Freed resources, ports or anti-affinity domains may let others fit.
          this.queue.moveAllToActiveOrBackoff();
        }
      },
    });
  }

  /** An object the cache cannot take (malformed selector or quantity) is logged and skipped, never fatal to the informer. */
  private guard(o: Pod | Node, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const what = `${o.kind ?? 'object'} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
      this.log.warn({ object: what, err: err instanceof Error ? err.message : String(err) }, 'ignoring an object the scheduler cannot read');
    }
  }

  private podChanged(old: Pod | undefined, p: Pod): void {
    const uid = p.metadata.uid as string;
    if (assigned(p)) {
      this.queue.delete(uid);
      if (isTerminal(p)) {
        this.cache.removePod(uid);
        this.queue.moveAllToActiveOrBackoff();
        return;
      }
      const labelsChanged = old !== undefined && JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(p.metadata.labels ?? {});
      const newlyPlaced = old === undefined || !assigned(old);
      this.cache.addOrUpdatePod(p);
      // A pod landing on a node (or relabelled) can satisfy affinity or spread for others.
      if (newlyPlaced || labelsChanged) this.queue.moveAllToActiveOrBackoff((info) => info.requiredAffinity.length > 0 || (info.pod.spec.topologySpreadConstraints ?? []).length > 0);
      return;
    }
    if (!this.responsible(p) || isTerminal(p)) return;
    if (p.metadata.deletionTimestamp !== undefined) {
      this.queue.delete(uid);
      return;
    }
    // In flight to a node already: the informer will show it bound soon.
    if (this.cache.isAssumed(uid)) return;
    this.queue.addOrUpdate(new PodInfo(p), old === undefined || schedulingInputChanged(old, p));
  }

  async start(): Promise<void> {
    this.namespaces.start();
    this.nodes.start();
    this.pods.start();
    await Promise.all([this.namespaces.waitForSync(), this.nodes.waitForSync(), this.pods.waitForSync()]);
  }

  synced(): boolean {
    return this.pods.hasSynced() && this.nodes.hasSynced() && this.namespaces.hasSynced();
  }

  /** Starts (or resumes) scheduling, on becoming leader. */
  run(): void {
    this.running = true;
    this.loop ??= this.scheduleLoop();
    this.resume?.();
    this.resume = undefined;
  }

  /** Stops taking pods off the queue (on losing leadership); binds in flight finish. */
  pause(): void {
    this.running = false;
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.running = false;
    this.queue.close();
    this.resume?.();
    await this.loop;
    this.pods.stop();
    this.nodes.stop();
    this.namespaces.stop();
  }

  private async scheduleLoop(): Promise<void> {
    let sinceYield = 0;
    for (;;) {
      if (!this.running) await new Promise<void>((r) => (this.resume = r));
      if (this.closed) return;
      const info = await this.queue.pop();
      if (info === undefined) return;
      if (!this.running) {
        // Leadership went away while waiting: leave the pod for whoever leads now.
        this.queue.done(info.uid);
        this.queue.addOrUpdate(info);
        continue;
      }
      try {
        this.scheduleOne(info);
      } catch (err) {
        // A pod the framework cannot even read (say, a malformed selector) must not stop the loop.
        this.log.error({ pod: info.key, err: err instanceof Error ? err.message : String(err) }, 'scheduling cycle failed');
        this.metrics.attempts.inc({ result: 'error' });
        this.queue.addBackoff(info);
      }
      // Bound the binds in flight so a burst of thousands does not flood the apiserver.
      while (this.bindsInFlight >= MAX_BINDS_IN_FLIGHT) await new Promise<void>((r) => this.bindSlots.push(r));
      // Let informer events and bind replies in between long bursts.
      if (++sinceYield >= 50) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  /** One scheduling cycle; binding continues asynchronously. */
  scheduleOne(queued: PodInfo): void {
    const started = performance.now();
    const cycle = this.queue.currentCycle();
    // Level-triggered: decide on the newest object the informer has, not the queued copy.
    const pod = this.pods.get(queued.key);
    if (pod === undefined || pod.metadata.uid !== queued.uid || assigned(pod) || pod.metadata.deletionTimestamp !== undefined || !this.responsible(pod)) {
      this.queue.done(queued.uid);
      return;
    }
    const info = pod === queued.pod ? queued : new PodInfo(pod);
    const result = this.framework.schedule(info, this.cache);
    const elapsed = (): number => (performance.now() - started) / 1000;
    if (result.kind === 'scheduled') {
      this.cache.assume(info, result.node);
      this.queue.done(info.uid);
      void this.bind(info, result.node, elapsed);
      return;
    }
    const resultLabel = result.kind === 'unschedulable' ? 'unschedulable' : 'error';
    this.metrics.attempts.inc({ result: resultLabel });
    this.metrics.duration.observe({ result: resultLabel }, elapsed());
    if (result.kind === 'unschedulable') this.queue.addUnschedulable(info, cycle);
    else this.queue.addBackoff(info);
    this.log.info({ pod: info.key, reason: result.message }, 'unable to schedule pod');
    this.reportFailure(pod, result.kind === 'unschedulable' ? 'Unschedulable' : 'SchedulerError', result.message);
  }

  private async bind(info: PodInfo, node: string, elapsed: () => number): Promise<void> {
    this.bindsInFlight++;
    try {
      await this.bindOnce(info, node, elapsed);
    } finally {
      this.bindsInFlight--;
      this.bindSlots.shift()?.();
    }
  }

  private async bindOnce(info: PodInfo, node: string, elapsed: () => number): Promise<void> {
    const ns = info.namespace;
    const name = info.pod.metadata.name as string;
    try {
      await this.client.bind(ns, name, node, info.uid);
      this.metrics.attempts.inc({ result: 'scheduled' });
      this.metrics.duration.observe({ result: 'scheduled' }, elapsed());
      this.log.debug({ pod: info.key, node }, 'bound pod');
      this.events.record(info.pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
    } catch (err) {
      this.cache.forget(info.uid);
      this.metrics.attempts.inc({ result: 'error' });
      this.metrics.duration.observe({ result: 'error' }, elapsed());
      // Gone, or bound by someone else meanwhile: nothing left to do for it.
      if (isNotFound(err) || (isConflict(err) && /already assigned|being deleted/.test((err as Error).message))) return;
      this.log.warn({ pod: info.key, node, err: (err as Error).message }, 'binding failed');
      this.queue.addBackoff(info);
      this.queue.moveAllToActiveOrBackoff();
      this.reportFailure(info.pod, 'SchedulerError', `binding rejected: ${(err as Error).message}`);
    }
  }

  private reportFailure(pod: Pod, reason: string, message: string): void {
    this.events.record(pod, 'Warning', 'FailedScheduling', message);
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.reason === reason && current.message === message) return;
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      reason,
      message,
      lastProbeTime: null,
      lastTransitionTime: current?.status === 'False' ? undefined : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    void this.client
      .patch({ ...PODS, namespace: pod.metadata.namespace }, pod.metadata.name as string, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' })
      .catch((err: unknown) => {
        if (!isNotFound(err)) this.log.warn({ pod: pod.metadata.name, err: String(err) }, 'could not update PodScheduled condition');
      });
  }

  updateGauges(): void {
    const s = this.queue.sizes;
    this.metrics.pending.set({ queue: 'active' }, s.active);
    this.metrics.pending.set({ queue: 'backoff' }, s.backoff);
    this.metrics.pending.set({ queue: 'unschedulable' }, s.unschedulable);
  }
}
