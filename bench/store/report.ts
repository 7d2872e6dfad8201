import type { CheckPerfResult } from './check-perf.js';
import type { PutResult, RangeResult, WatchResult } from './workloads.js';

export type Target = 'kite' | 'etcd';

export interface TargetResults {
  puts: PutResult[];
  range?: RangeResult;
  watch?: WatchResult;
  checkPerf?: CheckPerfResult;
  error?: string;
}

export type Results = Partial<Record<Target, TargetResults>>;

const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || Number.isNaN(n) ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (n: number | undefined): string => fmt(n, 0);
const ms = (n: number | undefined): string => fmt(n, n !== undefined && n < 10 ? 2 : 1);

/** kite/etcd, or '-' when either is missing. */
function ratio(kite: number | undefined, etcd: number | undefined): string {
  if (kite === undefined || etcd === undefined || Number.isNaN(kite) || Number.isNaN(etcd) || etcd === 0) return '-';
  return `${(kite / etcd).toFixed(2)}x`;
}

/** For latencies (lower is better): which side wins; within 5% counts as a tie. */
function lowerBetter(kite: number | undefined, etcd: number | undefined): string {
  if (kite === undefined || etcd === undefined || Number.isNaN(kite) || Number.isNaN(etcd)) return '-';
  if (Math.abs(kite - etcd) <= 0.05 * Math.max(kite, etcd)) return 'tie';
  return kite < etcd ? 'kite-store' : 'etcd';
}

function table(title: string, head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [`### ${title}`, '', line(head), sep, ...rows.map(line), ''].join('\n');
}

/** Markdown tables (readable as plain text too) comparing kite-store with etcd. */
export function renderReport(r: Results): string {
  const k = r.kite;
  const e = r.etcd;
  const out: string[] = [];
  const levels = [...new Set([...(k?.puts ?? []), ...(e?.puts ?? [])].map((p) => p.clients))].sort((a, b) => a - b);
  const at = (t: TargetResults | undefined, c: number): PutResult | undefined => t?.puts.find((p) => p.clients === c);

  out.push(
    table(
      'Put throughput (durable, 256-byte values, puts/s; higher is better)',
      ['clients', 'kite-store', 'etcd', 'kite/etcd'],
      levels.map((c) => [String(c), int(at(k, c)?.throughput), int(at(e, c)?.throughput), ratio(at(k, c)?.throughput, at(e, c)?.throughput)]),
    ),
  );
  const roundsOf = (t: TargetResults | undefined, c: number): string => at(t, c)?.rounds?.map((x) => Math.round(x).toLocaleString('en-US')).join(', ') ?? '-';
  if (levels.some((c) => at(k, c)?.rounds ?? at(e, c)?.rounds)) {
    out.push(
      table(
        'Put throughput in each round (puts/s; the table above shows their medians)',
        ['clients', 'kite-store rounds', 'etcd rounds'],
        levels.map((c) => [String(c), roundsOf(k, c), roundsOf(e, c)]),
      ),
    );
  }
  out.push(
    table(
      'Put latency (ms; lower is better)',
      ['clients', 'kite p50', 'etcd p50', 'p50 better', 'kite p99', 'etcd p99', 'p99 kite/etcd', 'p99 better'],
      levels.map((c) => {
        const a = at(k, c)?.latency;
        const b = at(e, c)?.latency;
        return [String(c), ms(a?.p50), ms(b?.p50), lowerBetter(a?.p50, b?.p50), ms(a?.p99), ms(b?.p99), ratio(a?.p99, b?.p99), lowerBetter(a?.p99, b?.p99)];
      }),
    ),
  );
  out.push(
    table(
      'Put diagnostics (CPU in cores used: 1.00 = one full core; the machine has its cores shared by client and server)',
      ['clients', 'kite srv CPU', 'etcd srv CPU', 'client CPU (kite run)', 'client CPU (etcd run)', 'other CPU k/e', 'kite puts/sync', 'etcd puts/fsync', 'errors k/e'],
      levels.map((c) => {
        const a = at(k, c);
        const b = at(e, c);
        return [
          String(c),
          fmt(a?.serverCpu, 2),
          fmt(b?.serverCpu, 2),
          fmt(a?.clientCpu, 2),
          fmt(b?.clientCpu, 2),
          `${fmt(a?.otherCpu, 2)}/${fmt(b?.otherCpu, 2)}`,
          fmt(a?.putsPerSync, 1),
          fmt(b?.putsPerSync, 1),
          `${a?.errors ?? '-'}/${b?.errors ?? '-'}`,
        ];
      }),
    ),
  );

  if (k?.range || e?.range) {
    const n = k?.range?.keys ?? e?.range?.keys;
    out.push(
      table(
        `Range of ${int(n)} keys under one prefix (median of ${k?.range?.calls ?? e?.range?.calls} calls, ms; lower is better)`,
        ['measure', 'kite-store', 'etcd', 'kite/etcd', 'better'],
        [
          ['decoded by client', ms(k?.range?.medianMs), ms(e?.range?.medianMs), ratio(k?.range?.medianMs, e?.range?.medianMs), lowerBetter(k?.range?.medianMs, e?.range?.medianMs)],
          ['bytes only (no decode)', ms(k?.range?.rawMedianMs), ms(e?.range?.rawMedianMs), ratio(k?.range?.rawMedianMs, e?.range?.rawMedianMs), lowerBetter(k?.range?.rawMedianMs, e?.range?.rawMedianMs)],
          ['min / max decoded', `${ms(k?.range?.minMs)} / ${ms(k?.range?.maxMs)}`, `${ms(e?.range?.minMs)} / ${ms(e?.range?.maxMs)}`, '', ''],
          ['response bytes', int(k?.range?.responseBytes), int(e?.range?.responseBytes), '', ''],
          ['server RSS after loading and listing (MiB)', ms(k?.range?.serverRssMiB), ms(e?.range?.serverRssMiB), ratio(k?.range?.serverRssMiB, e?.range?.serverRssMiB), lowerBetter(k?.range?.serverRssMiB, e?.range?.serverRssMiB)],
          ['server start to first answer (ms)', ms(k?.range?.startupMs), ms(e?.range?.startupMs), ratio(k?.range?.startupMs, e?.range?.startupMs), lowerBetter(k?.range?.startupMs, e?.range?.startupMs)],
        ],
      ),
    );
  }

  if (k?.watch || e?.watch) {
    const kw = k?.watch;
    const ew = e?.watch;
    out.push(
      table(
        `Put -> watch event latency (one watcher on the prefix, ${kw?.puts ?? ew?.puts} sequential puts, ms; lower is better)`,
        ['measure', 'kite-store', 'etcd', 'kite/etcd', 'better'],
        [
          ['event p50', ms(kw?.event.p50), ms(ew?.event.p50), ratio(kw?.event.p50, ew?.event.p50), lowerBetter(kw?.event.p50, ew?.event.p50)],
          ['event p99', ms(kw?.event.p99), ms(ew?.event.p99), ratio(kw?.event.p99, ew?.event.p99), lowerBetter(kw?.event.p99, ew?.event.p99)],
          ['event max', ms(kw?.event.max), ms(ew?.event.max), '', ''],
          ['put response p50', ms(kw?.put.p50), ms(ew?.put.p50), ratio(kw?.put.p50, ew?.put.p50), lowerBetter(kw?.put.p50, ew?.put.p50)],
          ['events before put response', kw ? `${kw.eventFirst}/${kw.puts}` : '-', ew ? `${ew.eventFirst}/${ew.puts}` : '-', '', ''],
        ],
      ),
    );
  }

  if (k?.checkPerf || e?.checkPerf) {
    const load = k?.checkPerf?.load ?? e?.checkPerf?.load;
    const verdict = (c: CheckPerfResult | undefined): string => (c ? `${c.passed ? 'PASS' : 'FAIL'} (exit ${c.exitCode})` : 'not run');
    const rows = [['result', verdict(k?.checkPerf), verdict(e?.checkPerf)]];
    const kl = k?.checkPerf?.summary ?? [];
    const el = e?.checkPerf?.summary ?? [];
    for (let i = 0; i < Math.max(kl.length, el.length); i++) rows.push([i === 0 ? 'etcdctl output' : '', kl[i] ?? '', el[i] ?? '']);
    rows.push(['server CPU (cores)', fmt(k?.checkPerf?.serverCpu, 2), fmt(e?.checkPerf?.serverCpu, 2)]);
    out.push(table(`etcdctl check perf --load=${load}`, ['', 'kite-store', 'etcd'], rows));
  }

  for (const [name, t] of [['kite-store', k], ['etcd', e]] as const) {
    if (t?.error) out.push(`**${name} run failed:** ${t.error}\n`);
    for (const p of t?.puts ?? []) if (p.firstError) out.push(`${name}, ${p.clients} clients: ${p.errors} put errors, first: ${p.firstError}\n`);
  }
  return out.join('\n');
}
