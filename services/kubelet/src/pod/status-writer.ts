import { isConflict, isNotFound, type KiteClient } from '@kite/client';
import type { Logger } from '@kite/common';
import { POD_TARGET, type Pod, type PodStatus } from './types.js';

interface Entry {
  pod: Pod;
  status: PodStatus;
  /** JSON of the last status the apiserver accepted (or already had). */
  written: string;
  writing: boolean;
  dirty: boolean;
}

const rv = (p: Pod): number => Number(p.metadata.resourceVersion ?? 0);

/**
 * Writes each pod's status through the status subresource when it changed, one write at a
 * time per pod with the latest status winning. Writes are conditional on the resourceVersion,
 * and a conflict re-reads the pod and retries only if it is still the same pod (same UID), so a
 * status never lands on a re-created namesake.
 */
export class StatusWriter {
  private readonly entries = new Map<string, Entry>();
  private readonly draining = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly client: KiteClient,
    private readonly log: Logger,
    private readonly retryMs = 500,
  ) {}

  /** The newest pod object seen (for its resourceVersion). */
  observe(pod: Pod): void {
    const e = this.entries.get(pod.metadata.uid as string);
    if (e !== undefined && rv(pod) > rv(e.pod)) e.pod = pod;
  }

  set(pod: Pod, status: PodStatus): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid as string;
    let e = this.entries.get(uid);
    if (e === undefined) {
      e = { pod, status, written: JSON.stringify(pod.status ?? {}), writing: false, dirty: false };
      this.entries.set(uid, e);
    } else if (rv(pod) > rv(e.pod)) e.pod = pod;
    e.status = status;
    if (JSON.stringify(status) === e.written) return;
    e.dirty = true;
    if (!e.writing) {
      // Start on the next turn: changes made in one go (Running, then started and ready at once
      // for a container without probes) become one write, not two.
      e.writing = true;
      const d: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain(uid, e)).finally(() => this.draining.delete(d));
      this.draining.add(d);
    }
  }

  /** Resolves when no write is pending or under way. */
  async flush(): Promise<void> {
    while (this.draining.size > 0) await Promise.all([...this.draining]);
  }

  forget(uid: string): void {
    this.entries.delete(uid);
  }

  /** No more writes (the kubelet is shutting down). */
  stop(): void {
    this.stopped = true;
  }

  private async drain(uid: string, e: Entry): Promise<void> {
    e.writing = true;
    try {
      while (e.dirty && !this.stopped && this.entries.get(uid) === e) {
        e.dirty = false;
        const status = e.status;
        const json = JSON.stringify(status);
        if (json === e.written) continue;
        try {
          const res = await this.client.updateStatus<Pod>({ ...e.pod, apiVersion: 'v1', kind: 'Pod', status });
          e.written = json;
          if (rv(res) > rv(e.pod)) e.pod = res;
        } catch (err) {
          if (isNotFound(err)) return;
          if (!isConflict(err)) {
            this.log.warn({ err, pod: `${e.pod.metadata.namespace}/${e.pod.metadata.name}` }, 'pod status not written; retrying');
            await new Promise((r) => setTimeout(r, this.retryMs));
          } else {
            const fresh = await this.client.get<Pod>(POD_TARGET_NS(e.pod), e.pod.metadata.name as string).catch(() => undefined);
            if (fresh === undefined || fresh.metadata.uid !== uid) return;
            e.pod = fresh;
          }
          e.dirty = true;
        }
      }
    } finally {
      e.writing = false;
    }
  }
}

const POD_TARGET_NS = (p: Pod): { apiVersion: string; kind: string; namespace: string } => ({ ...POD_TARGET, namespace: p.metadata.namespace as string });
