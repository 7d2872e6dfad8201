import { quantile } from '../store/stats.js';
import type { CpuUse } from './cpu.js';
import type { CreateResult, PodMarks } from './pods.js';

/** scheduler_perf's threshold for SchedulingBasic/5000Nodes_10000Pods (average pods/s). */
export const UPSTREAM_THRESHOLD = 680;

export interface PhaseResult {
  label: string;
  pods: number;
  create: CreateResult;
  /** Pods the watch saw bound before the phase's deadline. */
  bound: number;
  running: number;
  /** From the first pod ADDED to the last bound, s. */
  windowS: number;
  /** Pods bound / window. */
  throughput: number;
  /** scheduler_perf-style: pods bound in each whole second of the window. */
  perSecond: number[];
  /** ADDED -> bound, ms. */
  latencies: number[];
  /** ADDED -> Running (the hollow kubelet's report), ms. */
  runningLatencies: number[];
  cpu: CpuUse;
  timedOut: boolean;
  /** Binds the scheduler itself completed in each second (from its metrics). */
  schedulerBinds?: number[];
}

/** The figures of one phase from the watch's marks for its pods. */
export function phaseResult(label: string, names: string[], marks: Map<string, PodMarks>, create: CreateResult, cpu: CpuUse, timedOut: boolean, from?: number): PhaseResult {
  // Pods created before the scheduler started (--create-first) count from its start.
  const ms = names.map((n) => marks.get(n)).filter((m): m is PodMarks => m !== undefined).map((m) => (from === undefined ? m : { ...m, added: Math.max(m.added, from) }));
  const first = from ?? Math.min(...ms.map((m) => m.added));
  const boundAt = ms.flatMap((m) => (m.bound === undefined ? [] : [m.bound]));
  const last = Math.max(...boundAt);
  const windowS = boundAt.length > 0 ? (last - first) / 1000 : NaN;
  const buckets = new Array<number>(Math.max(0, Math.floor(windowS))).fill(0);
  for (const t of boundAt) {
    const i = Math.floor((t - first) / 1000);
    if (i < buckets.length) buckets[i] = (buckets[i] as number) + 1;
  }
  return {
    label,
    pods: names.length,
    create,
    bound: boundAt.length,
    running: ms.filter((m) => m.running !== undefined).length,
    windowS,
    throughput: boundAt.length / windowS,
    perSecond: buckets,
    latencies: ms.flatMap((m) => (m.bound === undefined ? [] : [m.bound - m.added])),
    runningLatencies: ms.flatMap((m) => (m.running === undefined ? [] : [m.running - m.added])),
    cpu,
    timedOut,
  };
}

const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(head), sep, ...rows.map(line)].join('\n');
}

/** Binds per second from the scheduler's own counts, up to the last second it bound anything. */
function schedulerRate(perSecond: number[] | undefined): number {
  if (perSecond === undefined) return NaN;
  let last = perSecond.length - 1;
  while (last >= 0 && perSecond[last] === 0) last--;
  return last < 0 ? NaN : perSecond.slice(0, last + 1).reduce((a, b) => a + b, 0) / (last + 1);
}

const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

export interface Extra {
  nodes: number;
  registerS: number;
  attempts: Record<string, number | undefined>;
  error?: string;
}

export function renderReport(phases: PhaseResult[], x: Extra): string {
  const out: string[] = [];
  out.push(`Nodes: ${x.nodes.toLocaleString('en-US')} hollow nodes registered (and leases renewed once) in ${fmt(x.registerS)} s.`, '');
  out.push(
    table(
      ['phase', 'pods', 'created/s', 'bound', 'window s', 'pods/s', 'per-second avg', 'scheduler-side pods/s', 'p50 ms', 'p99 ms', 'max ms', 'Running p50 ms', 'Running p99 ms'],
      phases.map((p) => [
        p.label,
        p.pods.toLocaleString('en-US'),
        fmt(p.create.created / (p.create.ms / 1000), 0),
        `${p.bound.toLocaleString('en-US')}${p.timedOut ? ' (timed out)' : ''}`,
        fmt(p.windowS),
        fmt(p.throughput, 0),
        fmt(mean(p.perSecond), 0),
        fmt(schedulerRate(p.schedulerBinds), 0),
        fmt(quantile(p.latencies, 0.5), 0),
        fmt(quantile(p.latencies, 0.99), 0),
        fmt(quantile(p.latencies, 1), 0),
        fmt(quantile(p.runningLatencies, 0.5), 0),
        fmt(quantile(p.runningLatencies, 0.99), 0),
      ]),
    ),
    '',
  );
  out.push("CPU over each phase (cores: CPU seconds / wall seconds; the machine has 2; 'others' is work outside this bench):", '');
  out.push(
    table(
      ['phase', 'wall s', 'apiserver', 'store', 'scheduler', 'hollow kubelet', 'bench', 'others', 'machine'],
      phases.map((p) => {
        const c = p.cpu;
        const cores = (v: number): string => fmt(v / c.seconds, 2);
        const others = Math.max(0, c.machine - c.apiserver - c.store - c.scheduler - c.hollow - c.bench);
        return [p.label, fmt(c.seconds), cores(c.apiserver), cores(c.store), cores(c.scheduler), cores(c.hollow), cores(c.bench), cores(others), cores(c.machine)];
      }),
    ),
    '',
  );
  for (const p of phases) {
    out.push(`${p.label}: pods/s by second as the watch saw the binds: ${p.perSecond.join(' ')}`);
    if (p.schedulerBinds) out.push(`${p.label}: binds/s by second as the scheduler completed them: ${p.schedulerBinds.join(' ')}`);
  }
  out.push('');
  const errors = phases.filter((p) => p.create.errors > 0).map((p) => `${p.label}: ${p.create.errors} create errors (first: ${p.create.firstError ?? '?'})`);
  if (errors.length > 0) out.push(...errors, '');
  out.push(`Scheduler attempts by result: ${Object.entries(x.attempts).map(([k, v]) => `${k} ${v ?? '?'}`).join(', ')}`, '');
  const measured = phases.find((p) => p.label.startsWith('measured'));
  if (measured) {
    const met = measured.throughput >= UPSTREAM_THRESHOLD && !measured.timedOut;
    out.push(`Verdict: ${fmt(measured.throughput, 0)} pods/s over the measured pods vs upstream's threshold of ${UPSTREAM_THRESHOLD} pods/s: ${met ? 'met' : 'NOT met'}.`);
  }
  if (x.error) out.push('', `Run failed: ${x.error}`);
  return out.join('\n');
}
