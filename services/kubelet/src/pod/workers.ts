import type { Logger } from '@kite/common';
import type { WorkerContext } from './context.js';
import { referencedObjects } from './volume-files.js';
import { PodWorker } from './worker.js';
import type { Pod } from './types.js';

/**
 * Routes pod updates to one worker per pod UID. Workers run concurrently across pods; within
 * a pod, the worker serialises everything. A worker leaves the map when its pod is torn down.
 */
export class PodWorkers {
  private readonly byUid = new Map<string, PodWorker>();
  private stopping = false;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly log: Logger,
  ) {}

  /** A pod bound to this node was added or changed. */
  update(pod: Pod): void {
    const uid = pod.metadata.uid as string;
    const w = this.byUid.get(uid);
    if (w !== undefined) return w.update(pod);
    if (this.stopping) return;
    const worker = new PodWorker(pod, this.ctx, (done) => {
      if (this.byUid.get(done.uid) === done) this.byUid.delete(done.uid);
    });
    this.byUid.set(uid, worker);
    worker.update(pod);
  }

  /** The pod object is gone (force-deleted, or deleted while the kubelet was away): kill at once. */
  gone(pod: Pod): void {
    this.byUid.get(pod.metadata.uid as string)?.requestKill('gone', 0);
  }

  /** A ConfigMap or Secret changed: pods using it rewrite their volumes. */
  configChanged(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): void {
    const key = `${kind}/${namespace}/${name}`;
    for (const w of this.byUid.values()) if (referencedObjects(w.pod).has(key)) w.refreshVolumes();
  }

  get(uid: string): PodWorker | undefined {
    return this.byUid.get(uid);
  }

  /** Workers whose pod is `namespace/name`, newest first (an old UID may still be terminating). */
  byName(namespace: string, name: string): PodWorker[] {
    return [...this.byUid.values()]
      .filter((w) => w.pod.metadata.namespace === namespace && w.pod.metadata.name === name)
      .sort((a, b) => String(b.pod.metadata.creationTimestamp ?? '').localeCompare(String(a.pod.metadata.creationTimestamp ?? '')));
  }

  get size(): number {
    return this.byUid.size;
  }

  /** Kubelet shutdown: stop every pod within its own grace period and wait for all of them. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    const all = [...this.byUid.values()];
    this.log.info({ pods: all.length }, 'stopping all pods');
    for (const w of all) w.requestKill('shutdown', w.pod.spec.terminationGracePeriodSeconds ?? 30);
    await Promise.all(all.map((w) => w.done));
  }
}
