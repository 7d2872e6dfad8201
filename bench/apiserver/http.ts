import http from 'node:http';

const REQUEST_TIMEOUT_MS = 60_000;

export interface Reply {
  status: number;
  body: Buffer;
  /** From writing the request to the last byte of the response. */
  ms: number;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  accept?: string;
}

/**
 * Plain HTTP/1.1 with keep-alive, one socket per concurrent caller: what client-go does
 * (minus HTTP/2), and nothing that retries or parses behind the bench's back.
 */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(address: string, sockets: number) {
    const i = address.lastIndexOf(':');
    this.host = address.slice(0, i);
    this.port = Number(address.slice(i + 1));
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(method: string, path: string, o: RequestOptions = {}): Promise<Reply> {
    const payload = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    const headers: http.OutgoingHttpHeaders = { accept: o.accept ?? 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = o.contentType ?? 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - started }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like `request`, but a status other than `expect` is an error naming the request and the answer. */
  async expect(expect: number, method: string, path: string, o: RequestOptions = {}): Promise<Reply> {
    const r = await this.request(method, path, o);
    if (r.status !== expect) {
      let why = r.body.toString().slice(0, 300);
      try {
        const s = JSON.parse(r.body.toString()) as { kind?: string; reason?: string; message?: string };
        if (s.kind === 'Status') why = `${s.reason}: ${s.message}`;
      } catch {
        // not JSON: the raw text says it
      }
      throw new Error(`${method} ${path} answered ${r.status} (expected ${expect}) ${why}`);
    }
    return r;
  }

  close(): void {
    this.agent.destroy();
  }
}

export const json = <T = any>(r: Reply): T => JSON.parse(r.body.toString()) as T;

/**
 * An open watch stream that notes, for each resourceVersion it sees, when the chunk carrying
 * it arrived. Only the version is pulled out of each line: parsing 100 streams' worth of JSON
 * in the bench's own event loop would delay the later streams' timestamps.
 */
export class WatchStream {
  readonly seen = new Map<string, number>();
  private req: http.ClientRequest | undefined;
  private partial = '';
  error: Error | undefined;
  private waiters: { rv: string; resolve: () => void }[] = [];

  private constructor() {}

  static open(address: string, path: string): Promise<WatchStream> {
    const w = new WatchStream();
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
        res.on('error', (err) => (w.error = err));
        res.on('end', () => (w.error ??= new Error('watch stream ended')));
        resolve(w);
      });
      w.req = req;
      req.on('error', (err) => {
        w.error = err;
        reject(err);
      });
      req.end();
    });
  }

  private onChunk(chunk: string, at: number): void {
    const text = this.partial + chunk;
    const end = text.lastIndexOf('\n');
    this.partial = end < 0 ? text : text.slice(end + 1);
    if (end < 0) return;
    // The object's own resourceVersion is the only one in a pod's JSON.
    for (const m of text.slice(0, end).matchAll(/"resourceVersion":"(\d+)"/g)) this.seen.set(m[1] as string, at);
    if (this.waiters.length > 0) {
      this.waiters = this.waiters.filter((w) => {
        if (!this.seen.has(w.rv)) return true;
        w.resolve();
        return false;
      });
    }
  }

  /** Resolves once the event with this resourceVersion has arrived. */
  until(rv: string): Promise<void> {
    if (this.seen.has(rv)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ rv, resolve }));
  }

  close(): void {
    this.req?.destroy();
  }
}
