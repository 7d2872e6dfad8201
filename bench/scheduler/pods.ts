import http from 'node:http';
import type { HttpClient } from '../apiserver/http.js';

/** When (performance.now()) the watch first showed each step of one pod's life. */
export interface PodMarks {
  added: number;
  bound?: number;
  running?: number;
}

interface PodJson {
  metadata: { name: string };
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

/**
 * One watch on the benchmark namespace's pods: scheduler_perf measures from a pod informer in
 * the same way, counting a pod scheduled when an event shows spec.nodeName set.
 */
export class PodTracker {
  readonly marks = new Map<string, PodMarks>();
  bound = 0;
  running = 0;
  error: Error | undefined;
  private req: http.ClientRequest | undefined;
  private partial = '';
  private listeners = new Set<() => void>();

  static open(address: string, namespace: string, resourceVersion: string): Promise<PodTracker> {
    const t = new PodTracker();
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
        res.on('data', (chunk: string) => t.onChunk(chunk, performance.now()));
        res.on('error', (err) => t.fail(err));
        res.on('end', () => t.fail(new Error('the pod watch ended')));
        resolve(t);
      });
      t.req = req;
      req.on('error', (err) => {
        t.fail(err);
        reject(err);
      });
      req.end();
    });
  }

  fail(err: Error): void {
    this.error ??= err;
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
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
      const pod = ev.object;
      let m = this.marks.get(pod.metadata.name);
      if (m === undefined) this.marks.set(pod.metadata.name, (m = { added: at }));
      if (m.bound === undefined && pod.spec?.nodeName) {
        m.bound = at;
        this.bound++;
      }
      if (m.running === undefined && pod.status?.phase === 'Running') {
        m.running = at;
        this.running++;
      }
    }
    for (const l of [...this.listeners]) l();
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

/** scheduler_perf's default pod (templates/pod-default.yaml): one pause container, 100m / 500Mi. */
export function benchPod(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'pause',
          image: 'registry.k8s.io/pause:3.10.1',
          ports: [{ containerPort: 80 }],
          resources: { limits: { cpu: '100m', memory: '500Mi' }, requests: { cpu: '100m', memory: '500Mi' } },
        },
      ],
    },
  };
}

export interface CreateResult {
  created: number;
  errors: number;
  firstError?: string;
  /** From the first request sent to the last answer, ms. */
  ms: number;
  /** Per-request latency, ms. */
  latencies: number[];
}

/** POSTs `names` with `clients` concurrent callers, each as fast as the apiserver answers. */
export async function createPods(api: HttpClient, namespace: string, names: string[], clients: number): Promise<CreateResult> {
  const res: CreateResult = { created: 0, errors: 0, ms: 0, latencies: [] };
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++] as string;
      for (let attempt = 0; ; attempt++) {
        const r = await api.request('POST', `/api/v1/namespaces/${namespace}/pods`, { body: benchPod(name) }).catch((err: Error) => ({ status: 0, body: Buffer.from(err.message), ms: 0 }));
        if (r.status === 201) {
          res.created++;
          res.latencies.push(r.ms);
          break;
        }
        res.errors++;
        res.firstError ??= `${r.status} ${r.body.toString().slice(0, 200)}`;
        if (attempt >= 5 || r.status === 409) break;
        await new Promise((w) => setTimeout(w, 100 * 2 ** attempt));
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, lane));
  res.ms = performance.now() - started;
  return res;
}
