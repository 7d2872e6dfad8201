import http from 'node:http';

/**
 * One Kubernetes watch over plain HTTP (no client library in the measured path): events are
 * handed over with the time their chunk arrived, and waiters are checked after each chunk.
 */
export class WatchStream<T> {
  error: Error | undefined;
  private req: http.ClientRequest | undefined;
  private partial = '';
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly onEvent: (type: string, object: T, at: number) => void) {}

  /** Opens `path` (a `?watch=1` URL) on `address` (host:port); resolves once the server answered 200. */
  static open<T>(address: string, path: string, onEvent: (type: string, object: T, at: number) => void): Promise<WatchStream<T>> {
    const w = new WatchStream<T>(onEvent);
    const i = address.lastIndexOf(':');
    return new Promise((resolve, reject) => {
      const req = http.request({ host: address.slice(0, i), port: Number(address.slice(i + 1)), path, agent: false, headers: { accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${path} answered ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => w.onChunk(chunk, performance.now()));
        res.on('error', (err) => w.fail(err));
        res.on('end', () => w.fail(new Error('the watch ended')));
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
      const ev = JSON.parse(line) as { type: string; object: T };
      this.onEvent(ev.type, ev.object, at);
    }
    this.notify();
  }

  /** Resolves true once `done()` holds, false when `timeoutMs` passes first; rejects if the watch breaks. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve, reject) => {
      const finish = (v: boolean | Error): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (v instanceof Error) reject(v);
        else resolve(v);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const check = (): void => {
        if (this.error) finish(this.error);
        else if (done()) finish(true);
      };
      this.listeners.add(check);
    });
  }

  close(): void {
    this.req?.destroy();
  }
}
