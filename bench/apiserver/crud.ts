import { sleep, summarize, type LatencySummary } from '../store/stats.js';
import { cpuWindow, type CpuUse } from './cpu.js';
import { HttpClient, type Reply } from './http.js';
import { createNamespace, createPods, pod, podsPath, resourceVersionOf } from './objects.js';
import type { Stack } from './servers.js';

export type Op = 'create' | 'get' | 'update' | 'list';
export const OPS: Op[] = ['create', 'get', 'update', 'list'];

/** Pods in the namespace the `list` op reads whole. */
export const LIST_PODS = 100;

export interface OpResult {
  op: Op;
  clients: number;
  /** Requests completed in the measured window per second. */
  throughput: number;
  latency: LatencySummary;
  errors: number;
  firstError?: string;
  /** Cores used during the measured window. */
  cpu?: CpuUse;
}

interface Owned {
  name: string;
  rv: string;
}

/** What one client loop does for an op; returns the reply whose status decides success. */
type Step = (client: number, seq: number) => Promise<Reply>;

const ok = (r: Reply): boolean => r.status >= 200 && r.status < 300;

/**
 * `clients` closed loops (one request in flight each) for warm-up + measured time; only
 * requests that start and end inside the measured window count.
 */
async function level(stack: Stack, op: Op, clients: number, warmupMs: number, durationMs: number, step: Step): Promise<OpResult> {
  const samples: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const from = t0 + warmupMs;
  const to = from + durationMs;
  let cpuEnd: (() => Promise<CpuUse>) | undefined;
  const marks = (async () => {
    await sleep(warmupMs);
    cpuEnd = await cpuWindow(stack);
  })();
  const loop = async (client: number): Promise<void> => {
    for (let seq = 0; performance.now() < to; seq++) {
      const started = performance.now();
      let failure: string | undefined;
      try {
        const r = await step(client, seq);
        if (!ok(r)) failure = `${r.status} ${r.body.toString().slice(0, 200)}`;
        else if (started >= from && performance.now() <= to) samples.push(r.ms);
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
      if (failure !== undefined && started >= from) {
        errors++;
        firstError ??= failure;
      }
    }
  };
  await Promise.all([marks, ...Array.from({ length: clients }, (_, c) => loop(c))]);
  // The loops end with the window, so this is (within one request) the measured window's CPU.
  const cpu = await cpuEnd?.();
  const secs = durationMs / 1000;
  return {
    op,
    clients,
    throughput: samples.length / secs,
    latency: summarize(samples),
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    ...(cpu ? { cpu } : {}),
  };
}

/**
 * create, get, update (PUT with the resourceVersion last seen) and list at one concurrency.
 * Each client creates its own pods and later reads and updates only those, so updates never
 * conflict; list reads a namespace of LIST_PODS pods.
 */
export async function crudLevel(stack: Stack, clients: number, warmupMs: number, durationMs: number, onResult: (r: OpResult) => void): Promise<OpResult[]> {
  const http = new HttpClient(stack.apiserver.address, clients);
  try {
    const ns = `crud-${clients}`;
    await createNamespace(http, ns);
    const owned: Owned[][] = Array.from({ length: clients }, () => []);
    const steps: Record<Op, Step> = {
      create: async (c, seq) => {
        const name = `c${c}-${seq}`;
        const r = await http.request('POST', podsPath(ns), { body: pod(name) });
        if (r.status === 201) owned[c]?.push({ name, rv: resourceVersionOf(r.body) });
        return r;
      },
      get: (c, seq) => {
        const mine = owned[c] as Owned[];
        return http.request('GET', podsPath(ns, mine[(seq * 7919) % mine.length]?.name));
      },
      update: async (c, seq) => {
        const mine = owned[c] as Owned[];
        const o = mine[seq % mine.length] as Owned;
        const body = pod(o.name, { rev: String(seq) }) as { metadata: Record<string, unknown> };
        body.metadata.resourceVersion = o.rv;
        const r = await http.request('PUT', podsPath(ns, o.name), { body });
        if (r.status === 200) o.rv = resourceVersionOf(r.body);
        return r;
      },
      list: () => http.request('GET', podsPath('list')),
    };
    const results: OpResult[] = [];
    for (const op of OPS) {
      const r = await level(stack, op, clients, warmupMs, durationMs, steps[op]);
      onResult(r);
      results.push(r);
      if (op === 'create' && owned.some((o) => o.length === 0)) throw new Error(`a create client made no pods: ${r.firstError ?? 'no error recorded'}`);
    }
    return results;
  } finally {
    http.close();
  }
}

export async function prepareListNamespace(stack: Stack): Promise<void> {
  const http = new HttpClient(stack.apiserver.address, 8);
  try {
    await createNamespace(http, 'list');
    await createPods(http, 'list', 'l-', LIST_PODS, 8);
  } finally {
    http.close();
  }
}
