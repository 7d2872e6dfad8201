import { sleep, summarize, type LatencySummary } from '../store/stats.js';
import { cpuWindow, type CpuUse } from './cpu.js';
import { HttpClient, type Reply } from './http.js';
import { createNamespace, createPods, pod, podsPath, resourceVersionOf } from './objects.js';
import type { Stack } from './servers.js';

export type PacedOp = 'create' | 'update' | 'patch' | 'delete';
const ROTATION: PacedOp[] = ['create', 'update', 'patch', 'delete'];

/** Pods that exist before the run: targets of updates, of patches, and the first deletes. */
const POOL = 50;
const PRE_CREATED = 100;

export interface PacedResult {
  rate: number;
  seconds: number;
  /** Requests answered per second over the run. */
  achieved: number;
  all: LatencySummary;
  byOp: Record<PacedOp, LatencySummary>;
  errors: number;
  firstError?: string;
  /** How late the bench sent requests against the schedule (its own event loop's delay). */
  lagP99: number;
  lagMax: number;
  cpu: CpuUse;
}

/**
 * Open loop: mutating single-object requests sent on a fixed schedule (`rate` per second),
 * whether or not earlier ones have been answered, so a slow answer cannot slow the arrivals
 * down and hide itself. A rotation of create, update (PUT with resourceVersion), merge patch
 * and delete, each on a different pod. Latency is from sending to the last byte of the answer.
 */
export async function pacedWrites(stack: Stack, rate: number, seconds: number, round = 0): Promise<PacedResult> {
  const http = new HttpClient(stack.apiserver.address, 64);
  const ns = `paced-${round}`;
  try {
    await createNamespace(http, ns);
    await createPods(http, ns, 'u-', POOL, 8);
    await createPods(http, ns, 'm-', POOL, 8);
    await createPods(http, ns, 'p-', PRE_CREATED, 8);
    const updRv: string[] = [];
    for (let i = 0; i < POOL; i++) updRv.push(resourceVersionOf((await http.expect(200, 'GET', podsPath(ns, `u-${i}`))).body));

    const samples: Record<PacedOp, number[]> = { create: [], update: [], patch: [], delete: [] };
    const lags: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const counters: Record<PacedOp, number> = { create: 0, update: 0, patch: 0, delete: 0 };

    const send = async (op: PacedOp): Promise<void> => {
      const k = counters[op]++;
      let r: Reply;
      let expected = 200;
      try {
        if (op === 'create') {
          expected = 201;
          r = await http.request('POST', podsPath(ns), { body: pod(`p-${PRE_CREATED + k}`) });
        } else if (op === 'update') {
          const i = k % POOL;
          const body = pod(`u-${i}`, { rev: String(k) }) as { metadata: Record<string, unknown> };
          body.metadata.resourceVersion = updRv[i];
          r = await http.request('PUT', podsPath(ns, `u-${i}`), { body });
          if (r.status === 200) updRv[i] = resourceVersionOf(r.body);
        } else if (op === 'patch') {
          r = await http.request('PATCH', podsPath(ns, `m-${k % POOL}`), { body: { metadata: { labels: { rev: String(k) } } }, contentType: 'application/merge-patch+json' });
        } else {
          // Created PRE_CREATED creates ago (two seconds at 200/s): long answered.
          r = await http.request('DELETE', podsPath(ns, `p-${k}`));
        }
      } catch (err) {
        errors++;
        firstError ??= `${op}: ${err instanceof Error ? err.message : String(err)}`;
        return;
      }
      if (r.status !== expected) {
        errors++;
        firstError ??= `${op}: ${r.status} ${r.body.toString().slice(0, 200)}`;
        return;
      }
      samples[op].push(r.ms);
    };

    const total = Math.round(rate * seconds);
    const interval = 1000 / rate;
    const pending: Promise<void>[] = [];
    const cpuEnd = await cpuWindow(stack);
    const start = performance.now() + 20;
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      lags.push(Math.max(0, performance.now() - due));
      pending.push(send(ROTATION[i % ROTATION.length] as PacedOp));
    }
    await Promise.all(pending);
    const cpu = await cpuEnd();
    const elapsed = (performance.now() - start) / 1000;
    const all = Object.values(samples).flat();
    const lag = summarize(lags);
    return {
      rate,
      seconds,
      achieved: all.length / elapsed,
      all: summarize(all),
      byOp: { create: summarize(samples.create), update: summarize(samples.update), patch: summarize(samples.patch), delete: summarize(samples.delete) },
      errors,
      ...(firstError !== undefined ? { firstError } : {}),
      lagP99: lag.p99,
      lagMax: lag.max,
      cpu,
    };
  } finally {
    http.close();
  }
}
