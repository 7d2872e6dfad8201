import { performance } from 'node:perf_hooks';
import { prefixEnd } from '@kite/storage';
import { ChannelPool, type Channel } from './client.js';
import { cpuSeconds, diskSyncs, machineBusySeconds, rssMiB, type Server } from './procs.js';
import { median, sleep, summarize, type LatencySummary } from './stats.js';

/** In-flight request loops per gRPC channel, as etcd's own benchmark tool spreads clients over conns. */
export const CLIENTS_PER_CHANNEL = 16;
export const VALUE_BYTES = 256;

const value = Buffer.alloc(VALUE_BYTES, 'v');

export interface PutResult {
  clients: number;
  channels: number;
  seconds: number;
  ops: number;
  errors: number;
  firstError?: string;
  throughput: number;
  latency: LatencySummary;
  /** Server CPU seconds per wall second during the measured window (1.0 = one full core). */
  serverCpu?: number;
  /** This (client) process's CPU, likewise. */
  clientCpu: number;
  /** Everything else the machine ran meanwhile, in cores (other processes, kernel work not charged to either). */
  otherCpu?: number;
  /** With several rounds: each round's throughput (the figures above are medians). */
  rounds?: number[];
  /** Puts acknowledged per disk sync (LevelDB synced batch / etcd WAL fsync). */
  putsPerSync?: number;
}

/**
 * `clients` loops, each with one Put in flight at a time on distinct keys, spread over one
 * channel per 16 loops. Runs `warmupMs` unmeasured, then counts every Put that completes in
 * the next `durationMs`.
 */
export async function putLevel(server: Server, clients: number, durationMs: number, warmupMs: number, runId: string): Promise<PutResult> {
  const channels = Math.max(1, Math.ceil(clients / CLIENTS_PER_CHANNEL));
  const pool = new ChannelPool(server.endpoint, channels);
  await pool.ready();
  let measureStart = Infinity;
  let measureEnd = Infinity;
  let stop = false;
  const samples: number[] = [];
  let errors = 0;
  let firstError: string | undefined;

  const loop = async (c: number): Promise<void> => {
    const ch = pool.channels[c % channels] as Channel;
    for (let i = 0; !stop; i++) {
      const key = Buffer.from(`/bench/put/${runId}/c${clients}/${c}/${i}`);
      const t0 = performance.now();
      try {
        await ch.put(key, value);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
        if (errors > 100) throw new Error(`too many Put errors, first: ${firstError}`);
        continue;
      }
      const t1 = performance.now();
      if (t1 >= measureStart && t1 <= measureEnd) samples.push(t1 - t0);
    }
  };

  const loops = Array.from({ length: clients }, (_, c) => loop(c));
  const done = Promise.all(loops);
  done.catch(() => undefined); // surfaced below
  await sleep(warmupMs);
  const cpu0 = await cpuSeconds(server.pid);
  const syncs0 = await diskSyncs(server);
  const machine0 = await machineBusySeconds();
  const client0 = process.cpuUsage();
  measureStart = performance.now();
  await sleep(durationMs);
  measureEnd = performance.now();
  const elapsedS = (measureEnd - measureStart) / 1000;
  const clientUse = process.cpuUsage(client0);
  const machine1 = await machineBusySeconds();
  const cpu1 = await cpuSeconds(server.pid);
  const syncs1 = await diskSyncs(server);
  stop = true;
  await done;
  pool.close();

  const ops = samples.length;
  const serverCpu = cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / elapsedS : undefined;
  const clientCpu = (clientUse.user + clientUse.system) / 1e6 / elapsedS;
  const machineCpu = machine0 !== undefined && machine1 !== undefined ? (machine1 - machine0) / elapsedS : undefined;
  return {
    clients,
    channels,
    seconds: elapsedS,
    ops,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    throughput: ops / elapsedS,
    latency: summarize(samples),
    serverCpu,
    clientCpu,
    otherCpu: machineCpu !== undefined && serverCpu !== undefined ? Math.max(0, machineCpu - serverCpu - clientCpu) : undefined,
    putsPerSync: syncs0 !== undefined && syncs1 !== undefined && syncs1 > syncs0 ? ops / (syncs1 - syncs0) : undefined,
  };
}

export interface RangeResult {
  keys: number;
  calls: number;
  /** Full round trip with the client decoding the response into objects, as an app would. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Round trip with the response bytes received but not decoded. */
  rawMedianMs: number;
  responseBytes: number;
  /** The server's resident memory once the keys are loaded and listed, MiB. */
  serverRssMiB?: number;
  /** From spawning the server to its first answer, ms. */
  startupMs: number;
}

/** Loads `keys` keys under a prefix (Txns of 100 Puts), then times full-prefix Range calls. */
export async function rangeBench(server: Server, keys: number, calls: number): Promise<RangeResult> {
  const pool = new ChannelPool(server.endpoint, 1);
  await pool.ready();
  const ch = pool.channels[0] as Channel;
  const prefix = Buffer.from('/bench/range/');
  const batch = 100;
  const batches: number[] = [];
  for (let b = 0; b < keys; b += batch) batches.push(b);
  // Load with 4 Txns in flight.
  let next = 0;
  const loader = async (): Promise<void> => {
    while (next < batches.length) {
      const start = batches[next++] as number;
      const success = [];
      for (let i = start; i < Math.min(keys, start + batch); i++) {
        success.push({ request_put: { key: Buffer.from(`/bench/range/${String(i).padStart(6, '0')}`), value } });
      }
      await ch.txn({ compare: [], success, failure: [] });
    }
  };
  await Promise.all([loader(), loader(), loader(), loader()]);

  const end = prefixEnd(prefix);
  const check = await ch.range(prefix, end, { count_only: true });
  if (Number(check.count) !== keys) throw new Error(`expected ${keys} keys under ${prefix.toString()}, found ${check.count}`);

  // Two unmeasured calls each way, then alternate decoded and raw calls.
  for (let i = 0; i < 2; i++) {
    await ch.range(prefix, end);
    await ch.rangeRaw(prefix, end);
  }
  const decoded: number[] = [];
  const raw: number[] = [];
  let responseBytes = 0;
  for (let i = 0; i < calls; i++) {
    let t0 = performance.now();
    const res = await ch.range(prefix, end);
    decoded.push(performance.now() - t0);
    if (res.kvs.length !== keys) throw new Error(`Range returned ${res.kvs.length} kvs, expected ${keys}`);
    t0 = performance.now();
    responseBytes = await ch.rangeRaw(prefix, end);
    raw.push(performance.now() - t0);
  }
  pool.close();
  const rss = await rssMiB(server.pid);
  return {
    keys,
    calls,
    medianMs: median(decoded),
    minMs: Math.min(...decoded),
    maxMs: Math.max(...decoded),
    rawMedianMs: median(raw),
    responseBytes,
    ...(rss !== undefined ? { serverRssMiB: rss } : {}),
    startupMs: server.startupMs,
  };
}

export interface WatchResult {
  puts: number;
  /** From sending the Put to the watch event's arrival. */
  event: LatencySummary;
  /** From sending the Put to its response, in the same sequential loop. */
  put: LatencySummary;
  /** Events that arrived before the Put's own response. */
  eventFirst: number;
}

/**
 * One watcher on a prefix; Puts one at a time under it. Each Put waits for both its response
 * and its event before the next is sent.
 */
export async function watchBench(server: Server, puts: number, warmup: number): Promise<WatchResult> {
  const pool = new ChannelPool(server.endpoint, 1);
  await pool.ready();
  const ch = pool.channels[0] as Channel;
  const prefix = Buffer.from('/bench/watch/');
  const stream = ch.watch();
  const arrivals = new Map<string, () => void>();
  const eventTimes = new Map<string, number>();
  let streamError: Error | undefined;
  let created: (() => void) | undefined;
  const createdP = new Promise<void>((r) => (created = r));
  stream.on('data', (res: any) => {
    const now = performance.now();
    if (res.created) created?.();
    for (const ev of res.events ?? []) {
      const key = (ev.kv.key as Buffer).toString();
      const arrived = arrivals.get(key);
      if (arrived) {
        arrivals.delete(key);
        eventTimes.set(key, now);
        arrived();
      }
    }
  });
  stream.on('error', (err: Error) => {
    if (!/Cancelled/i.test(err.message)) streamError = err;
  });
  stream.write({ create_request: { key: prefix, range_end: prefixEnd(prefix), start_revision: 0 } });
  await createdP;

  const eventLat: number[] = [];
  const putLat: number[] = [];
  let eventFirst = 0;
  for (let i = 0; i < warmup + puts; i++) {
    const keyStr = `/bench/watch/${i}`;
    const gotEvent = new Promise<void>((r, reject) => {
      const timer = setTimeout(() => reject(new Error(`no watch event for ${keyStr} within 10 s${streamError ? `: ${streamError.message}` : ''}`)), 10_000);
      arrivals.set(keyStr, () => {
        clearTimeout(timer);
        r();
      });
    });
    const t0 = performance.now();
    let putDone = 0;
    await Promise.all([ch.put(Buffer.from(keyStr), value).then(() => (putDone = performance.now())), gotEvent]);
    const evAt = eventTimes.get(keyStr) as number;
    eventTimes.delete(keyStr);
    if (i < warmup) continue;
    eventLat.push(evAt - t0);
    putLat.push(putDone - t0);
    if (evAt < putDone) eventFirst++;
  }
  stream.cancel();
  pool.close();
  return { puts, event: summarize(eventLat), put: summarize(putLat), eventFirst };
}
