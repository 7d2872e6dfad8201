import type { TargetResults } from './report.js';
import { median } from './stats.js';
import type { PutResult, RangeResult, WatchResult } from './workloads.js';

/** Median of the defined values, or undefined when there are none. */
function med(values: Array<number | undefined>): number | undefined {
  const v = values.filter((x): x is number => x !== undefined && !Number.isNaN(x));
  return v.length === 0 ? undefined : median(v);
}

function putMedian(rounds: PutResult[]): PutResult {
  const first = rounds[0] as PutResult;
  const m = (f: (p: PutResult) => number | undefined): number => med(rounds.map(f)) ?? NaN;
  const serverCpu = med(rounds.map((p) => p.serverCpu));
  const otherCpu = med(rounds.map((p) => p.otherCpu));
  const putsPerSync = med(rounds.map((p) => p.putsPerSync));
  const firstError = rounds.find((p) => p.firstError)?.firstError;
  return {
    clients: first.clients,
    channels: first.channels,
    seconds: rounds.reduce((a, p) => a + p.seconds, 0),
    ops: rounds.reduce((a, p) => a + p.ops, 0),
    errors: rounds.reduce((a, p) => a + p.errors, 0),
    ...(firstError !== undefined ? { firstError } : {}),
    throughput: m((p) => p.throughput),
    latency: { n: rounds.reduce((a, p) => a + p.latency.n, 0), p50: m((p) => p.latency.p50), p99: m((p) => p.latency.p99), max: Math.max(...rounds.map((p) => p.latency.max)) },
    clientCpu: m((p) => p.clientCpu),
    ...(serverCpu !== undefined ? { serverCpu } : {}),
    ...(otherCpu !== undefined ? { otherCpu } : {}),
    ...(putsPerSync !== undefined ? { putsPerSync } : {}),
    rounds: rounds.map((p) => p.throughput),
  };
}

function rangeMedian(rounds: RangeResult[]): RangeResult | undefined {
  const first = rounds[0];
  if (!first) return undefined;
  return {
    keys: first.keys,
    calls: rounds.reduce((a, r) => a + r.calls, 0),
    medianMs: med(rounds.map((r) => r.medianMs)) ?? NaN,
    minMs: Math.min(...rounds.map((r) => r.minMs)),
    maxMs: Math.max(...rounds.map((r) => r.maxMs)),
    rawMedianMs: med(rounds.map((r) => r.rawMedianMs)) ?? NaN,
    responseBytes: first.responseBytes,
    ...(rounds.some((r) => r.serverRssMiB !== undefined) ? { serverRssMiB: med(rounds.flatMap((r) => (r.serverRssMiB === undefined ? [] : [r.serverRssMiB]))) ?? NaN } : {}),
    startupMs: med(rounds.map((r) => r.startupMs)) ?? NaN,
  };
}

function watchMedian(rounds: WatchResult[]): WatchResult | undefined {
  const first = rounds[0];
  if (!first) return undefined;
  const m = (f: (w: WatchResult) => number): number => med(rounds.map(f)) ?? NaN;
  return {
    puts: rounds.reduce((a, w) => a + w.puts, 0),
    event: { n: rounds.reduce((a, w) => a + w.event.n, 0), p50: m((w) => w.event.p50), p99: m((w) => w.event.p99), max: Math.max(...rounds.map((w) => w.event.max)) },
    put: { n: rounds.reduce((a, w) => a + w.put.n, 0), p50: m((w) => w.put.p50), p99: m((w) => w.put.p99), max: Math.max(...rounds.map((w) => w.put.max)) },
    eventFirst: rounds.reduce((a, w) => a + w.eventFirst, 0),
  };
}

/**
 * One result from several rounds against fresh servers: the median of each figure (so one
 * noisy round does not decide a ratio), maxima for max, sums for counts.
 */
export function aggregateRounds(rounds: TargetResults[]): TargetResults {
  if (rounds.length === 1) return rounds[0] as TargetResults;
  const levels = [...new Set(rounds.flatMap((r) => r.puts.map((p) => p.clients)))];
  const puts = levels.map((c) => putMedian(rounds.flatMap((r) => r.puts.filter((p) => p.clients === c))));
  const range = rangeMedian(rounds.flatMap((r) => (r.range ? [r.range] : [])));
  const watch = watchMedian(rounds.flatMap((r) => (r.watch ? [r.watch] : [])));
  const checkPerf = rounds.find((r) => r.checkPerf)?.checkPerf;
  const errors = rounds.flatMap((r) => (r.error ? [r.error] : []));
  return {
    puts,
    ...(range ? { range } : {}),
    ...(watch ? { watch } : {}),
    ...(checkPerf ? { checkPerf } : {}),
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
  };
}
