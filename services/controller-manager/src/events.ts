import { randomBytes } from 'node:crypto';
import type { KiteClient, KubeObject } from '@kite/client';

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * core/v1 Events about any object, as client-go's recorder writes them: a repeat of the same
 * reason and message for the same object bumps the count instead of creating another event.
 * Fire-and-forget: an event that cannot be written never fails a reconcile.
 */
export class EventRecorder {
  private readonly recent = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(
    private readonly client: KiteClient,
    private readonly component: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.write(obj, type, reason, message).catch(this.onError);
  }

  private async write(obj: KubeObject, type: string, reason: string, message: string): Promise<void> {
    const ns = obj.metadata.namespace ?? 'default';
    const key = `${obj.metadata.uid}\u0000${reason}\u0000${message}`;
    const seen = this.recent.get(key);
    const ts = now();
    if (seen) {
      seen.count++;
      try {
        await this.client.patch({ apiVersion: 'v1', kind: 'Event', namespace: seen.namespace }, seen.name, 'merge', { count: seen.count, lastTimestamp: ts });
        return;
      } catch {
        this.recent.delete(key);
      }
    }
    if (this.recent.size > 4096) this.recent.clear();
    const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
    await this.client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      reason,
      message,
      type,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.component,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    } as KubeObject);
    this.recent.set(key, { name, namespace: ns, count: 1 });
  }
}
