import { WatchStream } from '../common/watch-stream.js';

/** When (performance.now()) the watch first showed each step of one pod's life. */
export interface PodMarks {
  /** ADDED. */
  added?: number;
  /** spec.nodeName set: the scheduler bound it. */
  bound?: number;
  node?: string;
  /** status.startTime set: the kubelet's first status write for it. */
  kubelet?: number;
  /** phase Running with every container's state running. */
  running?: number;
  deleted?: number;
  /** Events seen for it until it ran (its create, binding and each status write). */
  eventsToRunning: number;
}

interface PodJson {
  metadata: { name: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; startTime?: string; containerStatuses?: Array<{ state?: { running?: unknown } }> };
}

/**
 * One watch on a namespace's pods, parsing every event (a few hundred per round: cheap) and
 * noting the first time each step shows for each pod name.
 */
export class PodWatch {
  readonly marks = new Map<string, PodMarks>();
  private stream!: WatchStream<PodJson>;

  private constructor() {}

  static async open(address: string, namespace: string, resourceVersion: string): Promise<PodWatch> {
    const w = new PodWatch();
    w.stream = await WatchStream.open<PodJson>(address, `/api/v1/namespaces/${namespace}/pods?watch=1&resourceVersion=${resourceVersion}`, (type, pod, at) => w.onEvent(type, pod, at));
    return w;
  }

  get error(): Error | undefined {
    return this.stream.error;
  }

  /** Ends every wait with this error (the bench was interrupted, or the stream broke). */
  fail(err: Error): void {
    this.stream.fail(err);
  }

  private onEvent(type: string, pod: PodJson, at: number): void {
    if (type === 'ERROR' || type === 'BOOKMARK') return;
    let m = this.marks.get(pod.metadata.name);
    if (m === undefined) this.marks.set(pod.metadata.name, (m = { eventsToRunning: 0 }));
    if (m.running === undefined) m.eventsToRunning++;
    m.added ??= at;
    if (pod.spec?.nodeName !== undefined && m.bound === undefined) {
      m.bound = at;
      m.node = pod.spec.nodeName;
    }
    if (pod.status?.startTime !== undefined) m.kubelet ??= at;
    const cs = pod.status?.containerStatuses ?? [];
    if (pod.status?.phase === 'Running' && cs.length > 0 && cs.every((c) => c.state?.running !== undefined)) m.running ??= at;
    if (type === 'DELETED') m.deleted ??= at;
  }

  /** Resolves when `done()` holds (checked after each batch of events); rejects on timeout or a broken watch. */
  async until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    if (!(await this.stream.until(done, timeoutMs))) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  }

  close(): void {
    this.stream.close();
  }
}
