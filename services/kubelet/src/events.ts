import { randomBytes } from 'node:crypto';
import { isNotFound, type KiteClient } from '@kite/client';
import type { Logger } from '@kite/common';
import { rfc3339 } from './pod/types.js';

export interface InvolvedObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string;
  uid: string;
  fieldPath?: string;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
}

/**
 * core/v1 Events as the kubelet's EventRecorder writes them: named `<object>.<hex>`, source
 * kubelet on this host, and a repeat of the same event (same object, field, reason and message)
 * bumps `count` and `lastTimestamp` of the first instead of adding another. Writes go out in
 * the background, in order; when the apiserver cannot keep up the oldest pending are dropped,
 * as events are best-effort in Kubernetes too.
 */
export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly client: KiteClient,
    private readonly host: string,
    private readonly log: Logger,
    private readonly maxCached = 4096,
    private readonly maxPending = 1000,
  ) {}

  emit(obj: InvolvedObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.pending >= this.maxPending) return;
    this.pending++;
    const now = new Date();
    this.chain = this.chain
      .then(() => this.write(obj, type, reason, message, now))
      .catch((err: unknown) => this.log.debug({ err, reason }, 'event not recorded'))
      .finally(() => this.pending--);
  }

  /** Resolves once every event emitted so far has been written (or given up). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(obj: InvolvedObject, type: string, reason: string, message: string, at: Date): Promise<void> {
    const key = [obj.uid, obj.fieldPath ?? '', type, reason, message].join('\0');
    const ts = rfc3339(at);
    const prior = this.seen.get(key);
    if (prior !== undefined) {
      prior.count++;
      try {
        await this.client.patch({ apiVersion: 'v1', kind: 'Event', namespace: prior.namespace }, prior.name, 'merge', { count: prior.count, lastTimestamp: ts });
        // Most recently used last, so the oldest is the one to forget.
        this.seen.delete(key);
        this.seen.set(key, prior);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.seen.delete(key);
      }
    }
    const name = `${obj.name}.${(BigInt(at.getTime()) * 1_000_000n).toString(16)}${randomBytes(2).toString('hex')}`;
    const involvedObject: Record<string, unknown> = { kind: obj.kind, apiVersion: obj.apiVersion, name: obj.name, namespace: obj.namespace, uid: obj.uid };
    if (obj.fieldPath !== undefined) involvedObject.fieldPath = obj.fieldPath;
    await this.client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: obj.namespace },
      involvedObject,
      reason,
      message,
      type,
      source: { component: 'kubelet', host: this.host },
      reportingComponent: 'kubelet',
      reportingInstance: this.host,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    });
    this.seen.set(key, { name, namespace: obj.namespace, count: 1 });
    if (this.seen.size > this.maxCached) this.seen.delete(this.seen.keys().next().value as string);
  }
}
