import type { HttpClient } from '../apiserver/http.js';
import type { Cluster } from './cluster.js';
import type { Memory } from './procs.js';
import type { PodWatch } from './pod-watch.js';
import { cpuWindow, kubeletMemory, type CpuUse } from './usage.js';

export const NAMESPACE = 'default';

/** The kubelet's own timings for each pod, from its debug log (only with --kubelet-timings). */
export interface KubeletTimings {
  sandboxMs: number[];
  startMs: number[];
}

export interface RoundResult {
  label: string;
  concurrency: number;
  pods: number;
  /** Pods whose create was refused (not measured). */
  createErrors: number;
  firstError?: string;
  /** Each create request: sent -> answered. */
  createAck: number[];
  /** First create sent -> last create answered. */
  createSpanMs: number;
  /** Create sent -> the watch shows it Running (the figure the targets are about). */
  startup: number[];
  /** Create sent -> bound (spec.nodeName); bound -> the kubelet's first status; that -> Running. */
  toBound: number[];
  boundToKubelet: number[];
  kubeletToRunning: number[];
  /** First create sent -> last pod Running. */
  allRunningMs: number;
  podsPerNode: Record<string, number>;
  /** Watch events per pod until it ran: 1 create + 1 binding + the kubelet's status writes. */
  eventsToRunning: number[];
  /** Each delete request sent -> the watch's DELETED. */
  deleteLatency: number[];
  /** First delete sent -> last DELETED. */
  allGoneMs: number;
  cpuStart: CpuUse;
  cpuDelete: CpuUse;
  /** Kubelet memory with every pod Running, just then and after a 3 s settle. */
  memRunning: Record<string, Memory | undefined>;
  memSettled: Record<string, Memory | undefined>;
  memAfterDelete: Record<string, Memory | undefined>;
  kubelet?: KubeletTimings;
}

export interface RoundOptions {
  label: string;
  prefix: string;
  pods: number;
  concurrency: number;
  timeoutMs: number;
  /** Where the kubelet log timings go while this round runs (the caller fills it). */
  timings?: KubeletTimings;
  say: (s: string) => void;
}

function podManifest(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'kite-bench-pod-startup' } },
    spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function createPod(api: HttpClient, name: string): Promise<{ sent: number; acked: number } | { error: string }> {
  const sent = performance.now();
  try {
    const r = await api.request('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, { body: podManifest(name) });
    if (r.status !== 201) return { error: `create ${name}: ${r.status} ${r.body.toString().slice(0, 200)}` };
  } catch (err) {
    return { error: `create ${name}: ${(err as Error).message}` };
  }
  return { sent, acked: performance.now() };
}

async function deletePod(api: HttpClient, name: string): Promise<number> {
  const sent = performance.now();
  const r = await api.request('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods/${name}`);
  if (r.status !== 200 && r.status !== 202) throw new Error(`delete ${name}: ${r.status} ${r.body.toString().slice(0, 200)}`);
  return sent;
}

/** For a timeout's message: how the pods still waited for look in the API. */
async function describeLeft(api: HttpClient, names: string[]): Promise<string> {
  const parts: string[] = [];
  for (const name of names.slice(0, 5)) {
    const r = await api.request('GET', `/api/v1/namespaces/${NAMESPACE}/pods/${name}`).catch(() => undefined);
    if (r?.status !== 200) {
      parts.push(`${name}: ${r?.status ?? 'no answer'}`);
      continue;
    }
    const p = JSON.parse(r.body.toString()) as { metadata: { deletionTimestamp?: string }; spec: { nodeName?: string }; status?: { phase?: string; containerStatuses?: Array<{ state?: object }> } };
    parts.push(`${name}: node ${p.spec.nodeName ?? '-'}, phase ${p.status?.phase ?? '-'}, deletionTimestamp ${p.metadata.deletionTimestamp ?? '-'}, containers ${JSON.stringify(p.status?.containerStatuses?.map((x) => x.state) ?? [])}`);
  }
  return `${names.length} left, e.g. ${parts.join('; ')}`;
}

/** `n` clients taking names off one list until it is empty. */
async function clients<T>(n: number, items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/**
 * One round: create `pods` pods with `concurrency` clients (1 = one at a time, each waiting
 * for its pod to run), wait until all run, then delete them the same way and wait until all
 * are gone.
 */
export async function runRound(c: Cluster, watch: PodWatch, o: RoundOptions): Promise<RoundResult> {
  const names = Array.from({ length: o.pods }, (_, i) => `${o.prefix}-${String(i + 1).padStart(4, '0')}`);
  const sent = new Map<string, number>();
  const createAck: number[] = [];
  let createErrors = 0;
  let firstError: string | undefined;
  const sequential = o.concurrency === 1;
  const endStartCpu = await cpuWindow(c);
  const t0 = performance.now();
  let lastAck = t0;
  await clients(o.concurrency, names, async (name) => {
    const r = await createPod(c.api, name);
    if ('error' in r) {
      createErrors++;
      firstError ??= r.error;
      return;
    }
    sent.set(name, r.sent);
    createAck.push(r.acked - r.sent);
    lastAck = Math.max(lastAck, r.acked);
    if (sequential) await watch.until(`${name} to run`, () => watch.marks.get(name)?.running !== undefined, o.timeoutMs);
  });
  const created = [...sent.keys()];
  await watch
    .until(`${created.length} pods to run`, () => created.every((n) => watch.marks.get(n)?.running !== undefined), o.timeoutMs)
    .catch(async (err: Error) => {
      // A broken or interrupted watch says so itself; only a timeout needs the pods described.
      if (watch.error) throw err;
      throw new Error(`${err.message}; ${await describeLeft(c.api, created.filter((n) => watch.marks.get(n)?.running === undefined))}`);
    });
  const cpuStart = await endStartCpu();
  const memRunning = await kubeletMemory(c);

  const startup: number[] = [];
  const toBound: number[] = [];
  const boundToKubelet: number[] = [];
  const kubeletToRunning: number[] = [];
  const podsPerNode: Record<string, number> = {};
  const eventsToRunning: number[] = [];
  let allRunning = t0;
  for (const name of created) {
    const m = watch.marks.get(name)!;
    const s = sent.get(name)!;
    startup.push(m.running! - s);
    eventsToRunning.push(m.eventsToRunning);
    allRunning = Math.max(allRunning, m.running!);
    if (m.bound !== undefined) toBound.push(m.bound - s);
    if (m.bound !== undefined && m.kubelet !== undefined) boundToKubelet.push(m.kubelet - m.bound);
    if (m.kubelet !== undefined) kubeletToRunning.push(m.running! - m.kubelet);
    if (m.node !== undefined) podsPerNode[m.node] = (podsPerNode[m.node] ?? 0) + 1;
  }
  o.say(`   ${o.label}: ${created.length} pods running ${((allRunning - t0) / 1000).toFixed(2)} s after the first create`);
  // Status writes and GC settle after the last pod runs; the figure that matters is what stays.
  await sleep(3000);
  const memSettled = await kubeletMemory(c);

  const endDeleteCpu = await cpuWindow(c);
  const deleteSent = new Map<string, number>();
  const d0 = performance.now();
  await clients(o.concurrency, created, async (name) => {
    deleteSent.set(name, await deletePod(c.api, name));
    if (sequential) await watch.until(`${name} to be gone`, () => watch.marks.get(name)?.deleted !== undefined, o.timeoutMs);
  });
  await watch
    .until(`${created.length} pods to be gone`, () => created.every((n) => watch.marks.get(n)?.deleted !== undefined), o.timeoutMs)
    .catch(async (err: Error) => {
      // A broken or interrupted watch says so itself; only a timeout needs the pods described.
      if (watch.error) throw err;
      throw new Error(`${err.message}; ${await describeLeft(c.api, created.filter((n) => watch.marks.get(n)?.deleted === undefined))}`);
    });
  const cpuDelete = await endDeleteCpu();
  const deleteLatency = created.map((n) => watch.marks.get(n)!.deleted! - deleteSent.get(n)!);
  const allGone = Math.max(...created.map((n) => watch.marks.get(n)!.deleted!));
  o.say(`   ${o.label}: all gone ${((allGone - d0) / 1000).toFixed(2)} s after the first delete`);
  const memAfterDelete = await kubeletMemory(c);

  return {
    label: o.label,
    concurrency: o.concurrency,
    pods: o.pods,
    createErrors,
    ...(firstError !== undefined ? { firstError } : {}),
    createAck,
    createSpanMs: lastAck - t0,
    startup,
    toBound,
    boundToKubelet,
    kubeletToRunning,
    allRunningMs: allRunning - t0,
    podsPerNode,
    eventsToRunning,
    deleteLatency,
    allGoneMs: allGone - d0,
    cpuStart,
    cpuDelete,
    memRunning,
    memSettled,
    memAfterDelete,
    ...(o.timings ? { kubelet: o.timings } : {}),
  };
}
