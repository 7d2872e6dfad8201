import { randomBytes } from 'node:crypto';
import type { KiteClient, KubeObject } from '@kite/client';
import type { Pod } from './framework/objects.js';

export const COMPONENT = 'default-scheduler';

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  first: string;
  obj: KubeObject;
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * core/v1 Events about pods, as client-go's recorder writes them: a repeat of the same
 * reason and message for the same pod bumps the existing event's count (kubectl shows
 * "x3 over 2m") instead of creating another.
 */
export class EventRecorder {
  private readonly recent = new Map<string, Recorded>();

  constructor(
    private readonly client: KiteClient,
    private readonly instance: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  record(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.write(pod, type, reason, message).catch(this.onError);
  }

  private async write(pod: Pod, type: string, reason: string, message: string): Promise<void> {
    const ns = pod.metadata.namespace ?? 'default';
    const key = `${pod.metadata.uid}\u0000${reason}\u0000${message}`;
    const seen = this.recent.get(key);
    const ts = now();
    if (seen) {
      seen.count++;
      try {
        const obj = await this.client.patch({ apiVersion: 'v1', kind: 'Event', namespace: seen.namespace }, seen.name, 'merge', { count: seen.count, lastTimestamp: ts });
        seen.obj = obj;
        return;
      } catch {
        this.recent.delete(key);
      }
    }
    if (this.recent.size > 4096) this.recent.clear();
    const name = `${pod.metadata.name}.${randomBytes(8).toString('hex')}`;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: ns,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        resourceVersion: pod.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      reportingInstance: this.instance,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    };
    const obj = await this.client.create(event as KubeObject);
    this.recent.set(key, { name, namespace: ns, count: 1, first: ts, obj });
  }
}
