import { WatchStream } from '../common/watch-stream.js';
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
  private stream!: WatchStream<PodJson>;

  static async open(address: string, namespace: string, resourceVersion: string): Promise<PodTracker> {
    const t = new PodTracker();
    t.stream = await WatchStream.open<PodJson>(address, `/api/v1/namespaces/${namespace}/pods?watch=1&resourceVersion=${resourceVersion}`, (type, pod, at) => t.onEvent(type, pod, at));
    return t;
  }

  get error(): Error | undefined {
    return this.stream.error;
  }

  fail(err: Error): void {
    this.stream.fail(err);
  }

  private onEvent(type: string, pod: PodJson, at: number): void {
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
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

  /** Resolves true once `done()` holds, false when `timeoutMs` passes first; rejects if the watch breaks. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.stream.until(done, timeoutMs);
  }

  close(): void {
    this.stream.close();
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
