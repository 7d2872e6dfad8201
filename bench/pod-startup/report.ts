import { summarize } from '../store/stats.js';
import type { Leftovers } from './leftovers.js';
import type { Memory } from './procs.js';
import type { RoundResult } from './workload.js';

export const P50_TARGET_MS = 150;
export const P99_TARGET_MS = 500;
export const RSS_TARGET_MIB = 80;

export interface Results {
  nodes: string[];
  memIdle: Record<string, Memory | undefined>;
  memAfterWarmup?: Record<string, Memory | undefined>;
  rounds: RoundResult[];
  leftovers?: Leftovers;
  /** What the bench itself removed afterwards (the bridge and node cgroups are kept by design). */
  removed?: string;
  stopMs?: Record<string, number>;
  error?: string;
}

const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || Number.isNaN(n) || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number | undefined): string => fmt(n, n !== undefined && n < 10 ? 2 : 1);

function table(title: string, head: string[], rows: string[][], textCols = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i < textCols ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i < textCols ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [`### ${title}`, '', line(head), sep, ...rows.map(line), ''].join('\n');
}

const row = (what: string, samples: number[]): string[] => {
  const s = summarize(samples);
  return [what, String(s.n), ms(s.p50), ms(s.p99), ms(s.max)];
};

/** The highest resident memory among the kubelets, with how many pods that kubelet ran. */
function worstRss(mem: Record<string, Memory | undefined>, pods: Record<string, number>): { node: string; rss: number; pods: number } | undefined {
  let worst: { node: string; rss: number; pods: number } | undefined;
  for (const [node, m] of Object.entries(mem)) if (m && (worst === undefined || m.rss > worst.rss)) worst = { node, rss: m.rss, pods: pods[node] ?? 0 };
  return worst;
}

export interface Verdict {
  target: string;
  measured: string;
  met: boolean | undefined;
}

export function verdicts(r: Results): Verdict[] {
  const out: Verdict[] = [];
  for (const round of r.rounds) {
    const s = summarize(round.startup);
    out.push({
      target: `${round.label}: create -> Running p50 < ${P50_TARGET_MS} ms`,
      measured: `p50 ${ms(s.p50)} ms`,
      met: s.p50 < P50_TARGET_MS && round.createErrors === 0,
    });
    out.push({
      target: `${round.label}: create -> Running p99 < ${P99_TARGET_MS} ms`,
      measured: `p99 ${ms(s.p99)} ms (max ${ms(s.max)})`,
      met: s.p99 < P99_TARGET_MS && round.createErrors === 0,
    });
  }
  const full = r.rounds.find((x) => x.concurrency > 1) ?? r.rounds[0];
  if (full) {
    const w = worstRss(full.memSettled, full.podsPerNode);
    out.push({
      target: `kubelet RSS < ${RSS_TARGET_MIB} MB with the pods running (${full.label})`,
      measured: w ? `${fmt(w.rss)} MiB (${w.node}, ${w.pods} pods)` : 'unknown',
      met: w ? w.rss < RSS_TARGET_MIB : undefined,
    });
  }
  if (r.leftovers) {
    const l = r.leftovers;
    const n = l.netns.length + l.veths.length + l.podCgroups.length + l.mounts.length + l.processes.length;
    out.push({ target: 'nothing of the pods left after SIGTERM to the kubelets', measured: n === 0 ? 'nothing' : `${n} left (see below)`, met: n === 0 });
  }
  return out;
}

const cores = (v: number): string => fmt(v, 2);

export function renderReport(r: Results): string {
  const out: string[] = [];
  for (const x of r.rounds) {
    const ack = summarize(x.createAck);
    const perNode = Object.entries(x.podsPerNode)
      .map(([n, k]) => `${n.replace(/^kite-bench-[0-9a-f]+-/, 'node-')}: ${k}`)
      .join(', ');
    out.push(
      table(
        `${x.label}: ${x.pods} pods, ${x.concurrency === 1 ? 'one at a time (each waits for the previous to run)' : `${x.concurrency} concurrent clients`} (${perNode}; ms)`,
        ['from -> to', 'n', 'p50', 'p99', 'max'],
        [
          row('create sent -> Running on the watch', x.startup),
          row('  create sent -> bound (scheduler)', x.toBound),
          row("  bound -> kubelet's first status", x.boundToKubelet),
          row("  kubelet's first status -> Running", x.kubeletToRunning),
          row('create sent -> answered', x.createAck),
          ...(x.kubelet ? [row('kubelet: sandbox created (its log)', x.kubelet.sandboxMs), row('kubelet: container started (its log)', x.kubelet.startMs)] : []),
          row('delete sent -> gone on the watch', x.deleteLatency),
        ],
      ) +
        `\nAll ${x.pods} created in ${ms(x.createSpanMs)} ms (${fmt((x.pods / x.createSpanMs) * 1000, 0)}/s, create p50 ${ms(ack.p50)} ms); all Running ${ms(x.allRunningMs)} ms after the first create; all gone ${ms(x.allGoneMs)} ms after the first delete; ${x.createErrors} create errors; watch events per pod until it ran: median ${fmt(summarize(x.eventsToRunning).p50, 0)} (create, binding, the kubelet's status writes).\n`,
    );
  }
  if (r.rounds.length > 0) {
    const cpuRows: string[][] = [];
    for (const x of r.rounds) {
      for (const [phase, u] of [['start', x.cpuStart], ['delete', x.cpuDelete]] as const) {
        cpuRows.push([`${x.label}, ${phase} (${fmt(u.seconds, 1)} s)`, cores(u.kubelets), cores(u.kubeletChildren), cores(u.scheduler), cores(u.apiserver), cores(u.store), cores(u.bench), cores(u.machine), fmt((u.kubelets / x.pods) * 1000, 1)]);
      }
    }
    out.push(
      table(
        'CPU seconds used (all kubelets together; "machine" = all busy CPU time, including container setup and anything else running)',
        ['phase', 'kubelets', 'their children', 'scheduler', 'apiserver', 'store', 'bench', 'machine', 'kubelet ms/pod'],
        cpuRows,
      ),
    );
    const memRows: string[][] = [];
    const full = r.rounds.find((x) => x.concurrency > 1) ?? (r.rounds[0] as RoundResult);
    for (const node of r.nodes) {
      const short = node.replace(/^kite-bench-[0-9a-f]+-/, 'node-');
      const m = (rec: Record<string, Memory | undefined> | undefined): string => fmt(rec?.[node]?.rss);
      const s = full.memSettled[node];
      memRows.push([short, m(r.memIdle), m(r.memAfterWarmup), String(full.podsPerNode[node] ?? 0), m(full.memRunning), m(full.memSettled), `${fmt(s?.anon)} / ${fmt(s?.file)}`, m(full.memAfterDelete), fmt(full.memAfterDelete[node]?.hwm)]);
    }
    out.push(
      table(
        `Kubelet resident memory (VmRSS, MiB) during ${full.label}`,
        ['kubelet', 'idle', 'after warm-up', 'pods', 'all Running', '3 s later', 'of which anon / file', 'after delete', 'peak (VmHWM)'],
        memRows,
      ),
    );
  }
  if (r.stopMs) {
    out.push(`Kubelets stopped with SIGTERM in ${Object.values(r.stopMs).map((v) => `${ms(v)} ms`).join(', ')}.\n`);
  }
  if (r.leftovers) {
    const l = r.leftovers;
    const parts = [
      l.netns.length ? `netns: ${l.netns.join(' ')}` : '',
      l.veths.length ? `veths: ${l.veths.join(' ')}` : '',
      l.podCgroups.length ? `pod cgroups: ${l.podCgroups.join(' ')}` : '',
      l.mounts.length ? `mounts: ${l.mounts.join(' ')}` : '',
      l.processes.length ? `processes: ${l.processes.join(' ')}` : '',
    ].filter(Boolean);
    out.push(parts.length === 0 ? 'After the kubelets stopped: no pod netns, veth, cgroup, mount or process of theirs was left.' : `**Left after the kubelets stopped:** ${parts.join('; ')}`);
    if (r.removed) out.push(`${r.removed}\n`);
  }
  out.push(
    table(
      'Against the targets',
      ['target', 'measured', 'result'],
      verdicts(r).map((v) => [v.target, v.measured, v.met === undefined ? 'not run' : v.met ? 'MET' : 'MISSED']),
      3,
    ),
  );
  for (const x of r.rounds) if (x.firstError) out.push(`${x.label}: ${x.createErrors} create errors, first: ${x.firstError}\n`);
  if (r.error) out.push(`**run failed:** ${r.error}\n`);
  return out.join('\n');
}
