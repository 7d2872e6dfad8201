/**
 * Pod start-up: kite-store, kite-apiserver, kite-scheduler and N kite-kubelets (fast profile,
 * real namespaces and cgroups) on this machine; creates 100 busybox `sleep 3600` pods and times
 * each from its create request to the first watch event showing it Running, then deletes them
 * and times that. Reports kubelet memory and everyone's CPU, checks that the kubelets left
 * nothing behind when stopped with SIGTERM, and says whether issue 4's targets hold.
 * A benchmark, not a test: it prints figures. Needs root (namespaces, veths, cgroups).
 *
 *   npm run bench:pod-startup -- [--concurrency=4,1] [--nodes=3] ...   (see USAGE; docs/benchmarks.md)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { json } from '../apiserver/http.js';
import { describeMachine } from '../store/machine.js';
import { killAllNow, repoRoot, waitForQuiet } from '../store/procs.js';
import { startCluster, type Cluster } from './cluster.js';
import { findLeftovers, removeNodes, type NodeRef } from './leftovers.js';
import { PodWatch } from './pod-watch.js';
import { killOwnedNow } from './procs.js';
import { renderReport, verdicts, type Results } from './report.js';
import { kubeletMemory } from './usage.js';
import { NAMESPACE, runRound, type KubeletTimings } from './workload.js';
import { countFlag } from '../common/args.js';

const USAGE = `usage: node bench/dist/pod-startup/run.js [options]     (as root)
  --pods=N                 pods per round (default 100)
  --nodes=N                kite-kubelets, pod CIDRs 10.244.201.0/24, .202, ... (default 3)
  --concurrency=LIST       one round per entry: clients creating (and later deleting) pods at
                           once; 1 = one pod at a time, each waiting for the previous to run
                           (default 4,1)
  --warmup=N               pods started and deleted before measuring, so the first measured
                           pods do not pay for the kubelets' cold code (default: one per node)
  --timeout=SECONDS        longest wait for a round's pods to run or go (default 180)
  --base-dir=DIR           where the kubelets' root dirs and the store's data go, in a fresh
                           sub-directory (default /var/tmp: containers get a private /tmp, so
                           nothing a pod uses should live under the node's /tmp)
  --kubelet-timings        run the kubelets at log level debug and report their own sandbox and
                           container start times (costs some kubelet CPU)
  --kubelet-log-level=L    the kubelets' log level (default warn; debug with --kubelet-timings);
                           a failed run prints the tail of each kubelet's log
  --kubelet-node-args=ARGS extra node flags for the kubelets, space-separated (e.g. --cpu-prof
                           --cpu-prof-dir=/var/tmp/prof)
  --quiet-wait=SECONDS     before each round, wait up to this long for other processes to leave
                           the machine idle (default 60; 0 = don't wait)
  --json=FILE              also write the raw results as JSON`;

interface Config {
  pods: number;
  nodes: number;
  levels: number[];
  warmup: number;
  timeoutMs: number;
  baseDir: string;
  kubeletTimings: boolean;
  kubeletLogLevel: string;
  kubeletNodeArgs: string[];
  quietWaitMs: number;
  jsonFile?: string;
}

const count = (flag: string, v: string, allowZero = false): number => countFlag(flag, v, USAGE, allowZero);

function parseConfig(): Config {
  const { values } = parseArgs({
    options: {
      pods: { type: 'string', default: '100' },
      nodes: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '4,1' },
      warmup: { type: 'string' },
      timeout: { type: 'string', default: '180' },
      'base-dir': { type: 'string', default: '/var/tmp' },
      'kubelet-timings': { type: 'boolean', default: false },
      'kubelet-log-level': { type: 'string' },
      'kubelet-node-args': { type: 'string', default: '' },
      'quiet-wait': { type: 'string', default: '60' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const nodes = count('nodes', values.nodes as string);
  if (nodes > 50) throw new Error(`--nodes: at most 50\n${USAGE}`);
  const quiet = Number(values['quiet-wait']);
  if (!(quiet >= 0)) throw new Error(`--quiet-wait must be a number of seconds\n${USAGE}`);
  return {
    pods: count('pods', values.pods as string),
    nodes,
    levels: (values.concurrency as string).split(',').map((s) => count('concurrency', s.trim())),
    warmup: count('warmup', values.warmup ?? String(nodes), true),
    timeoutMs: count('timeout', values.timeout as string) * 1000,
    baseDir: path.resolve(values['base-dir'] as string),
    kubeletTimings: values['kubelet-timings'] === true,
    kubeletLogLevel: values['kubelet-log-level'] ?? (values['kubelet-timings'] === true ? 'debug' : 'warn'),
    kubeletNodeArgs: (values['kubelet-node-args'] as string).split(/\s+/).filter((a) => a !== ''),
    quietWaitMs: quiet * 1000,
    ...(values.json ? { jsonFile: path.resolve(values.json) } : {}),
  };
}

const say = (s: string): void => void process.stderr.write(s + '\n');

function codeState(): string {
  try {
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'services/kubelet', 'services/scheduler', 'packages/runtime', 'services/apiserver'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    return dirty ? 'uncommitted changes in services/kubelet, services/scheduler, packages/runtime or services/apiserver' : 'as committed';
  } catch {
    return 'unknown';
  }
}

function tools(): string {
  const v = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]?.trim() ?? '?';
    } catch {
      return 'missing';
    }
  };
  return `${v('unshare', ['--version'])}; ${v('ip', ['-V'])}`;
}

async function quiet(cfg: Config): Promise<void> {
  if (cfg.quietWaitMs <= 0) return;
  const c = await waitForQuiet(0.15, cfg.quietWaitMs, (x) => say(`   (machine busy with other work: ${x.toFixed(2)} cores; waiting up to ${cfg.quietWaitMs / 1000} s)`));
  if (c !== undefined && c > 0.15) say(`   (still busy: ${c.toFixed(2)} cores of other work; measuring anyway)`);
}

/** What `finally` and the signal handlers share: what exists, so it can be taken down. */
const live: { cluster: Partial<Cluster>; watch?: PodWatch; baseDir?: string; cleaned: boolean } = { cluster: {}, cleaned: false };

function nodeRefs(): NodeRef[] {
  return (live.cluster.kubelets ?? []).map((k) => ({ name: k.name, rootDir: k.rootDir }));
}

/** The last resort: SIGKILL everything, then remove namespaces, links, cgroups and dirs synchronously. */
function hardCleanup(): void {
  if (live.cleaned) return;
  live.cleaned = true;
  killOwnedNow();
  killAllNow();
  removeNodes(nodeRefs());
  if (live.baseDir) rmSync(live.baseDir, { recursive: true, force: true });
}

let interrupted = false;

function installSignalHandlers(): void {
  process.on('exit', hardCleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (!interrupted) {
        interrupted = true;
        say(`\nbench: ${sig}: stopping the kubelets (SIGTERM) and the rest; again to kill everything at once`);
        live.watch?.fail(new Error(`interrupted by ${sig}`));
        return;
      }
      say(`\nbench: ${sig} again: killing everything`);
      hardCleanup();
      process.exit(130);
    });
  }
}

/** Stops the kubelets with SIGTERM (they stop their pods), checks what is left, then everything else. */
async function teardown(res: Results): Promise<void> {
  const c = live.cluster;
  live.watch?.close();
  const stopMs: Record<string, number> = {};
  await Promise.all(
    (c.kubelets ?? []).map(async (k) => {
      const t = performance.now();
      await k.proc.stop(60_000);
      stopMs[k.name] = performance.now() - t;
    }),
  );
  if (c.kubelets && c.kubelets.length > 0) {
    res.stopMs = stopMs;
    res.leftovers = await findLeftovers(nodeRefs());
  }
  await c.scheduler?.stop(10_000);
  c.api?.close();
  await c.stack?.stop();
  removeNodes(nodeRefs());
  const l = res.leftovers;
  if (l) {
    res.removed =
      l.nodeBridges.length + l.nodeCgroups.length === 0
        ? "The kubelets also removed their nodes' bridges and cgroup directories."
        : `The kubelets left their nodes' ${[l.nodeBridges.length ? `bridges (${l.nodeBridges.join(' ')})` : '', l.nodeCgroups.length ? `cgroup directories (${l.nodeCgroups.length})` : ''].filter(Boolean).join(' and ')}; the bench removed them.`;
  }
  if (live.baseDir) rmSync(live.baseDir, { recursive: true, force: true });
  live.cleaned = true;
}

async function main(): Promise<void> {
  installSignalHandlers();
  const cfg = parseConfig();
  if (process.getuid?.() !== 0) throw new Error('run as root: the kubelets create network namespaces, veths and cgroups');
  const { etcd: _e, etcdctl: _c, tmpdir: _t, ...machine } = describeMachine();
  const facts: Record<string, string> = { ...machine, 'kite code': codeState(), tools: tools() };
  const res: Results = { nodes: [], memIdle: {}, rounds: [] };
  const timings: { current?: KubeletTimings } = {};
  const onKubeletLine = (_node: string, line: string): void => {
    const t = timings.current;
    if (!t || !line.startsWith('{')) return;
    try {
      const o = JSON.parse(line) as { msg?: string; ms?: number };
      if (typeof o.ms !== 'number') return;
      if (o.msg === 'sandbox ready') t.sandboxMs.push(o.ms);
      else if (o.msg === 'container started') t.startMs.push(o.ms);
    } catch {
      // not a log record
    }
  };
  try {
    live.baseDir = mkdtempSync(path.join(cfg.baseDir, 'kite-bench-pod-startup-'));
    await quiet(cfg);
    const cluster = await startCluster(
      {
        nodes: cfg.nodes,
        baseDir: live.baseDir,
        kubeletNodeArgs: cfg.kubeletNodeArgs,
        kubeletLogLevel: cfg.kubeletLogLevel,
        ...(cfg.kubeletTimings ? { onKubeletLine } : {}),
        say,
      },
      live.cluster,
    );
    res.nodes = cluster.kubelets.map((k) => k.name);
    res.memIdle = await kubeletMemory(cluster);
    const list = await cluster.api.expect(200, 'GET', `/api/v1/namespaces/${NAMESPACE}/pods`);
    const watch = await PodWatch.open(cluster.stack.apiserver.address, NAMESPACE, json<{ metadata: { resourceVersion: string } }>(list).metadata.resourceVersion);
    live.watch = watch;
    if (interrupted) throw new Error('interrupted');
    if (cfg.warmup > 0) {
      say(`   warm-up: ${cfg.warmup} pods`);
      await runRound(cluster, watch, { label: 'warm-up', prefix: 'warmup', pods: cfg.warmup, concurrency: Math.min(cfg.warmup, cfg.nodes), timeoutMs: cfg.timeoutMs, say });
      res.memAfterWarmup = await kubeletMemory(cluster);
    }
    for (const [i, level] of cfg.levels.entries()) {
      if (interrupted) throw new Error('interrupted');
      await quiet(cfg);
      const label = level === 1 ? 'one at a time' : `${level} clients`;
      say(`   round ${i + 1}: ${cfg.pods} pods, ${label} ...`);
      const t: KubeletTimings = { sandboxMs: [], startMs: [] };
      if (cfg.kubeletTimings) timings.current = t;
      res.rounds.push(
        await runRound(cluster, watch, { label, prefix: `r${i + 1}-c${level}`, pods: cfg.pods, concurrency: level, timeoutMs: cfg.timeoutMs, say, ...(cfg.kubeletTimings ? { timings: t } : {}) }),
      );
      timings.current = undefined;
    }
  } catch (err) {
    res.error = err instanceof Error ? err.message : String(err);
    say(`   run failed: ${res.error}`);
    for (const k of interrupted ? [] : (live.cluster.kubelets ?? [])) {
      const file = path.join(cfg.baseDir, `${k.name}.log`);
      writeFileSync(file, k.proc.output());
      say(`   ${k.name}'s log (head and tail): ${file}`);
    }
  } finally {
    say('   stopping the kubelets (SIGTERM), scheduler, apiserver and store ...');
    await teardown(res);
  }

  const lines = [
    '## Pod start-up',
    '',
    ...Object.entries(facts).map(([k, v]) => `- ${k}: ${v}`),
    `- ${cfg.nodes} kite-kubelets (--profile fast), kite-scheduler, kite-apiserver over kite-store, all on this machine; ${cfg.pods} busybox \`sleep 3600\` pods per round; warm-up ${cfg.warmup} pods; kubelet log level ${cfg.kubeletLogLevel}${cfg.kubeletNodeArgs.length ? `; kubelet node flags: ${cfg.kubeletNodeArgs.join(' ')}` : ''}`,
    '',
    renderReport(res),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (cfg.jsonFile) await writeFile(cfg.jsonFile, JSON.stringify({ machine: facts, config: cfg, results: res, verdicts: verdicts(res) }, null, 2));
  if (res.error) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  hardCleanup();
  process.exit(1);
});
