import { LIST_PODS, type OpResult } from './crud.js';
import type { FanoutResult } from './fanout.js';
import type { BigListResult } from './list.js';
import type { PacedResult } from './paced.js';

export interface Results {
  crud: OpResult[];
  /** One per round. */
  paced: PacedResult[];
  list?: BigListResult;
  fanout?: FanoutResult;
  error?: string;
}

/** The targets. */
export const MUTATING_P99_TARGET_MS = 25;
export const BIG_LIST_TARGET_MS = 500;

const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || Number.isNaN(n) ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (n: number | undefined): string => fmt(n, 0);
const ms = (n: number | undefined): string => fmt(n, n !== undefined && n < 10 ? 2 : 1);

/** A markdown table: the first `textCols` columns left-aligned, the figures after them right-aligned. */
function table(title: string, head: string[], rows: string[][], textCols = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i < textCols ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i < textCols ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [`### ${title}`, '', line(head), sep, ...rows.map(line), ''].join('\n');
}

export interface Verdict {
  target: string;
  measured: string;
  met: boolean | undefined;
}

/** The round whose p99 is the median of the rounds' (the higher middle one for an even count). */
export function medianRound(rounds: readonly PacedResult[]): PacedResult | undefined {
  return [...rounds].sort((a, b) => a.all.p99 - b.all.p99)[rounds.length >> 1];
}

export function verdicts(r: Results): Verdict[] {
  const p = medianRound(r.paced);
  const of = r.paced.length > 1 ? ` (median of ${r.paced.length} rounds: ${r.paced.map((x) => ms(x.all.p99)).join(', ')})` : '';
  const whole = r.list?.forms.find((f) => f.form === 'JSON, whole');
  return [
    {
      target: `single-object mutating p99 < ${MUTATING_P99_TARGET_MS} ms at ${p?.rate ?? 200} writes/s`,
      measured: p ? `p99 ${ms(p.all.p99)} ms${of}; p50 ${ms(p.all.p50)}, max ${ms(p.all.max)}; ${r.paced.reduce((n, x) => n + x.errors, 0)} errors` : 'not run',
      met: p ? p.all.p99 < MUTATING_P99_TARGET_MS && r.paced.every((x) => x.errors === 0) : undefined,
    },
    {
      target: `${int(r.list?.pods ?? 10_000)}-pod list < ${BIG_LIST_TARGET_MS} ms`,
      measured: whole ? (whole.error ? `failed: ${whole.error}` : `median ${ms(whole.medianMs)} ms, worst of ${whole.calls} ${ms(whole.maxMs)} ms (whole JSON list)`) : 'not run',
      met: whole ? whole.error === undefined && whole.medianMs < BIG_LIST_TARGET_MS : undefined,
    },
  ];
}

export function renderReport(r: Results): string {
  const out: string[] = [];
  if (r.crud.length > 0) {
    out.push(
      table(
        `Requests on small pods (closed loop, one request in flight per client; list = a namespace of ${LIST_PODS} pods; CPU in cores, 1.00 = one full core)`,
        ['op', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'apiserver CPU', 'store CPU', 'bench CPU', 'other CPU', 'errors'],
        r.crud.map((o) => [o.op, String(o.clients), int(o.throughput), ms(o.latency.p50), ms(o.latency.p99), ms(o.latency.max), fmt(o.cpu?.apiserver, 2), fmt(o.cpu?.store, 2), fmt(o.cpu?.bench, 2), fmt(o.cpu?.other, 2), String(o.errors)]),
      ),
    );
  }
  const p = medianRound(r.paced);
  if (p && r.paced.length > 1) {
    out.push(
      table(
        `Mutating requests at a fixed ${p.rate}/s: each round (${p.seconds} s; CPU in cores, "other" = everything on the machine but apiserver, store and bench)`,
        ['round', 'answered/s', 'p50 ms', 'p99 ms', 'max ms', 'send lag p99 ms', 'apiserver CPU', 'store CPU', 'other CPU', 'errors'],
        r.paced.map((x, i) => [String(i + 1) + (x === p ? ' (median)' : ''), int(x.achieved), ms(x.all.p50), ms(x.all.p99), ms(x.all.max), ms(x.lagP99), fmt(x.cpu.apiserver, 2), fmt(x.cpu.store, 2), fmt(x.cpu.other, 2), String(x.errors)]),
      ),
    );
  }
  if (p) {
    const rows = (['create', 'update', 'patch', 'delete'] as const).map((op) => {
      const s = p.byOp[op];
      return [op, String(s.n), ms(s.p50), ms(s.p99), ms(s.max)];
    });
    rows.push(['all mutating', String(p.all.n), ms(p.all.p50), ms(p.all.p99), ms(p.all.max)]);
    out.push(
      table(
        `Mutating requests at a fixed ${p.rate}/s for ${p.seconds} s${r.paced.length > 1 ? ', the median round' : ''} (open loop; ${fmt(p.achieved, 0)} answered/s, ${p.errors} errors; bench send lag p99 ${ms(p.lagP99)} ms, max ${ms(p.lagMax)} ms; CPU in cores: apiserver ${fmt(p.cpu.apiserver, 2)}, store ${fmt(p.cpu.store, 2)}, bench ${fmt(p.cpu.bench, 2)}, other ${fmt(p.cpu.other, 2)})`,
        ['op', 'n', 'p50 ms', 'p99 ms', 'max ms'],
        rows,
      ),
    );
  }
  const l = r.list;
  if (l) {
    out.push(
      table(
        `List of ${int(l.pods)} pods in one namespace (loaded at ${int(l.loadRate)} pods/s by 32 clients; ms to the last byte)`,
        ['form', 'median', 'min', 'max', 'calls', 'pages', 'page median', 'bytes'],
        l.forms.map((f) => [f.form + (f.error ? ' (FAILED, see below)' : ''), ms(f.medianMs), ms(f.minMs), ms(f.maxMs), String(f.calls), String(f.pages), ms(f.pageMedianMs), int(f.bytes)]),
      ),
    );
  }
  const w = r.fanout;
  if (w) {
    out.push(
      table(
        `Watch fan-out: ${w.watchers} watch streams on pods, ${w.writes} writes one at a time (creates and merge patches; streams opened in ${ms(w.openMs)} ms)`,
        ['measure', 'n', 'p50 ms', 'p99 ms', 'max ms'],
        [
          ['write answered -> each watcher has the event (0 if it came first)', String(w.afterResponse.n), ms(w.afterResponse.p50), ms(w.afterResponse.p99), ms(w.afterResponse.max)],
          ['write answered -> last of the watchers has it', String(w.lastWatcher.n), ms(w.lastWatcher.p50), ms(w.lastWatcher.p99), ms(w.lastWatcher.max)],
          ['write sent -> each watcher has the event', String(w.afterSend.n), ms(w.afterSend.p50), ms(w.afterSend.p99), ms(w.afterSend.max)],
          ['first -> last watcher, per write', String(w.spread.n), ms(w.spread.p50), ms(w.spread.p99), ms(w.spread.max)],
          ['write sent -> answered', String(w.write.n), ms(w.write.p50), ms(w.write.p99), ms(w.write.max)],
          [`events that arrived before their write was answered: ${w.beforeResponse} of ${w.afterResponse.n}`, '', '', '', ''],
        ],
      ),
    );
  }
  out.push(
    table(
      'Against the targets',
      ['target', 'measured', 'result'],
      verdicts(r).map((v) => [v.target, v.measured, v.met === undefined ? 'not run' : v.met ? 'MET' : 'MISSED']),
      3,
    ),
  );
  for (const o of r.crud) if (o.firstError) out.push(`${o.op} x${o.clients}: ${o.errors} errors, first: ${o.firstError}\n`);
  for (const [i, x] of r.paced.entries()) if (x.firstError) out.push(`paced writes, round ${i + 1}: ${x.errors} errors, first: ${x.firstError}\n`);
  for (const f of l?.forms ?? []) if (f.error) out.push(`list "${f.form}" failed: ${f.error}\n`);
  if (r.error) out.push(`**run failed:** ${r.error}\n`);
  return out.join('\n');
}
