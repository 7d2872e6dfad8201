import http from 'node:http';

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
  error: Error | undefined;
  private req: http.ClientRequest | undefined;
  private partial = '';
  private listeners = new Set<() => void>();

  private constructor() {}

  static open(address: string, namespace: string, resourceVersion: string): Promise<PodWatch> {
    const w = new PodWatch();
    const i = address.lastIndexOf(':');
    const p = `/api/v1/namespaces/${namespace}/pods?watch=1&resourceVersion=${resourceVersion}`;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: address.slice(0, i), port: Number(address.slice(i + 1)), path: p, agent: false, headers: { accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${p} answered ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => w.onChunk(chunk, performance.now()));
        res.on('error', (err) => w.fail(err));
        res.on('end', () => w.fail(new Error('the pod watch ended')));
        resolve(w);
      });
      w.req = req;
      req.on('error', (err) => {
        w.fail(err);
        reject(err);
      });
      req.end();
    });
  }

  /** Ends every wait with this error (the bench was interrupted, or the stream broke). */
  fail(err: Error): void {
    this.error ??= err;
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private onChunk(chunk: string, at: number): void {
    const text = this.partial + chunk;
    const end = text.lastIndexOf('\n');
    this.partial = end < 0 ? text : text.slice(end + 1);
    if (end < 0) return;
    for (const line of text.slice(0, end).split('\n')) {
      if (line.trim() === '') continue;
      const ev = JSON.parse(line) as { type: string; object: PodJson };
      if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') continue;
      const pod = ev.object;
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
      if (ev.type === 'DELETED') m.deleted ??= at;
    }
    this.notify();
  }

  /** Resolves when `done()` holds (checked after each batch of events); rejects on timeout or a broken watch. */
  until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`));
      }, timeoutMs);
      const check = (): void => {
        if (this.error) {
          clearTimeout(timer);
          this.listeners.delete(check);
          reject(this.error);
        } else if (done()) {
          clearTimeout(timer);
          this.listeners.delete(check);
          resolve();
        }
      };
      this.listeners.add(check);
    });
  }

  close(): void {
    this.req?.destroy();
  }
}
