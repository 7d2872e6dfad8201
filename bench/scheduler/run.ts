/**
 * kite-scheduler throughput on Kubernetes' scheduler_perf workload "SchedulingBasic
 * 5000Nodes_10000Pods": 5,000 nodes (one hollow kite-kubelet simulates them all), 1,000
 * initial pods, then 10,000 measured pods created by concurrent clients as fast as the
 * apiserver takes them. It starts kite-store, kite-apiserver, kite-scheduler and the hollow
 * kubelet on loopback, and prints pods bound per second and create -> bound latency, with
 * each process's CPU. A benchmark, not a test.
 *
 *   npm run bench:scheduler -- [--quick] [--nodes=N] [--pods=N] [--init-pods=N] ...
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HttpClient, json } from '../apiserver/http.js';
import { describeMachine } from '../store/machine.js';
import { installCleanupHandlers, killAllNow, tempDir } from '../store/procs.js';
import { scrape, startControlPlane, startHollow, startScheduler, type Cluster } from './cluster.js';
import { cpuWindow } from './cpu.js';
import { BindSampler } from './sampler.js';
import { createPods, PodTracker } from './pods.js';
import { phaseResult, renderReport, type Extra, type PhaseResult } from './report.js';
import { countFlag } from '../common/args.js';

const USAGE = `usage: node bench/dist/scheduler/run.js [options]
  --nodes=N            hollow nodes (default 5000; 500 with --quick)
  --init-pods=N        pods scheduled before the measured ones (default 1000; 500 with --quick)
  --pods=N             measured pods (default 10000; 1000 with --quick)
  --quick              scheduler_perf's SchedulingBasic/500Nodes sizes
  --clients=N          concurrent pod-creating clients (default 16)
  --create-first       diagnostic: stop the scheduler after the initial pods, create the measured
                       ones, then start a fresh scheduler and time it alone from its start
                       (throughput without pod creation competing; latency is from that start)
  --timeout=SECONDS    give up on a phase whose pods are not all bound by then (default 600)
  --watch-cache-size=N the apiserver's --watch-cache-size (default 100000)
  --cpu-prof=DIR       run every component under node --cpu-prof, profiles into DIR
  --quiet-wait=SECONDS before each phase, wait up to this long for other processes to leave the
                       machine idle (default 60; 0 = don't wait)
  --json=FILE          also write the raw results as JSON`;

interface Config {
  nodes: number;
  initPods: number;
  pods: number;
  clients: number;
  createFirst: boolean;
  timeoutMs: number;
  watchCacheSize: number;
  quietWaitMs: number;
  cpuProfDir?: string;
  jsonFile?: string;
}

const count = (flag: string, v: string, allowZero = false): number => countFlag(flag, v, USAGE, allowZero);

function parseConfig(): Config {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string' },
      'init-pods': { type: 'string' },
      pods: { type: 'string' },
      quick: { type: 'boolean', default: false },
      clients: { type: 'string', default: '16' },
      'create-first': { type: 'boolean', default: false },
      timeout: { type: 'string', default: '600' },
      'watch-cache-size': { type: 'string', default: '100000' },
      'cpu-prof': { type: 'string' },
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
  const q = values.quick === true;
  return {
    nodes: count('nodes', values.nodes ?? (q ? '500' : '5000')),
    initPods: count('init-pods', values['init-pods'] ?? (q ? '500' : '1000'), true),
    pods: count('pods', values.pods ?? (q ? '1000' : '10000')),
    clients: count('clients', values.clients as string),
    createFirst: values['create-first'] === true,
    timeoutMs: count('timeout', values.timeout as string) * 1000,
    watchCacheSize: count('watch-cache-size', values['watch-cache-size'] as string),
    quietWaitMs: count('quiet-wait', values['quiet-wait'] as string, true) * 1000,
    ...(values['cpu-prof'] ? { cpuProfDir: path.resolve(values['cpu-prof']) } : {}),
    ...(values.json ? { jsonFile: path.resolve(values.json) } : {}),
  };
}

const say = (s: string): void => void process.stderr.write(s + '\n');
const NS = 'sched-bench';

/**
 * On two shared cores any other process skews every figure: wait (up to --quiet-wait) for a
 * second in which work outside this bench and its cluster stays under 0.15 cores.
 */
async function quiet(c: Cluster, cfg: Config): Promise<void> {
  const deadline = Date.now() + cfg.quietWaitMs;
  let warned = false;
  while (cfg.quietWaitMs > 0) {
    const end = await cpuWindow(c);
    await new Promise((r) => setTimeout(r, 1000));
    const u = await end();
    const others = (u.machine - u.apiserver - u.store - u.scheduler - u.hollow - u.bench) / u.seconds;
    if (others <= 0.15) return;
    if (Date.now() > deadline) return say(`   (still busy: ${others.toFixed(2)} cores of other work; measuring anyway)`);
    if (!warned) say(`   (machine busy with other work: ${others.toFixed(2)} cores; waiting up to ${cfg.quietWaitMs / 1000} s)`);
    warned = true;
  }
}

/** Creates `names`, waits until the watch has seen each bound (or the timeout), and measures. */
async function phase(label: string, names: string[], c: Cluster, api: HttpClient, tracker: PodTracker, cfg: Config): Promise<PhaseResult> {
  await quiet(c, cfg);
  say(`== ${label}: ${names.length} pods by ${cfg.clients} clients ...`);
  const endCpu = await cpuWindow(c);
  const wanted = new Set(names);
  const binds = new BindSampler(c);
  const progress = setInterval(() => {
    const boundHere = names.reduce((n, x) => n + (tracker.marks.get(x)?.bound !== undefined ? 1 : 0), 0);
    say(`   ${label}: ${tracker.marks.size} seen, ${boundHere}/${names.length} bound (scheduler: ${binds.latest ?? '?'} binds in the last second)`);
  }, 5000);
  const allBound = (): boolean => {
    // Cheap check first: the tracker's total only grows.
    if (tracker.bound < wanted.size) return false;
    return names.every((n) => tracker.marks.get(n)?.bound !== undefined);
  };
  try {
    const [create, done] = await Promise.all([createPods(api, NS, names, cfg.clients), tracker.until(allBound, cfg.timeoutMs)]);
    const cpu = await endCpu();
    // The Running reports trail the binds a little; they are a side figure, so wait briefly.
    await tracker.until(() => names.every((n) => tracker.marks.get(n)?.running !== undefined), 10_000);
    const r = { ...phaseResult(label, names, tracker.marks, create, cpu, !done), schedulerBinds: binds.stop() };
    say(`   ${label}: ${r.bound} bound in ${r.windowS.toFixed(1)} s: ${Math.round(r.throughput)} pods/s; created at ${Math.round(create.created / (create.ms / 1000))}/s`);
    return r;
  } finally {
    clearInterval(progress);
    binds.stop();
  }
}

/** --create-first: the measured pods wait, created, for a scheduler that starts afterwards. */
async function createFirstPhase(names: string[], c: Cluster, api: HttpClient, tracker: PodTracker, cfg: Config): Promise<PhaseResult> {
  await c.scheduler?.stop(10_000);
  c.scheduler = undefined;
  say(`== measured, created first: ${names.length} pods by ${cfg.clients} clients with no scheduler running ...`);
  const create = await createPods(api, NS, names, cfg.clients);
  await tracker.until(() => names.every((n) => tracker.marks.has(n)), cfg.timeoutMs);
  await quiet(c, cfg);
  const endCpu = await cpuWindow(c);
  const binds = new BindSampler(c);
  const from = performance.now();
  await startScheduler(c, cfg.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cfg.cpuProfDir] : []);
  say(`== kite-scheduler pid ${(c.scheduler as Cluster['scheduler'])?.pid} started`);
  const done = await tracker.until(() => names.every((n) => tracker.marks.get(n)?.bound !== undefined), cfg.timeoutMs);
  const cpu = await endCpu();
  await tracker.until(() => names.every((n) => tracker.marks.get(n)?.running !== undefined), 10_000);
  const r = { ...phaseResult('measured, created first', names, tracker.marks, create, cpu, !done, from), schedulerBinds: binds.stop() };
  say(`   ${r.label}: ${r.bound} bound in ${r.windowS.toFixed(1)} s from the scheduler's start: ${Math.round(r.throughput)} pods/s`);
  return r;
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const cfg = parseConfig();
  const machine = describeMachine();
  const tmp = await tempDir('scheduler');
  const phases: PhaseResult[] = [];
  const extra: Extra = { nodes: cfg.nodes, registerS: NaN, attempts: {} };
  let cluster: Cluster | undefined;
  let api: HttpClient | undefined;
  let tracker: PodTracker | undefined;
  try {
    const prof = cfg.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cfg.cpuProfDir] : [];
    if (cfg.cpuProfDir) await mkdir(cfg.cpuProfDir, { recursive: true });
    const nodeArgs = { apiserver: prof, scheduler: prof, hollow: prof, store: prof };
    cluster = await startControlPlane({ dataDir: path.join(tmp.dir, 'store'), watchCacheSize: cfg.watchCacheSize, nodeArgs });
    say(`== kite-store pid ${cluster.store.pid}, kite-apiserver pid ${cluster.apiserver.pid} (${cluster.apiserver.rest}, grpc ${cluster.apiserver.grpc})`);
    api = new HttpClient(cluster.apiserver.rest, cfg.clients + 2);
    await api.expect(201, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });

    const t0 = performance.now();
    await startHollow(cluster, cfg.nodes, 'hollow-', nodeArgs.hollow);
    extra.registerS = (performance.now() - t0) / 1000;
    say(`== ${cfg.nodes} hollow nodes registered in ${extra.registerS.toFixed(1)} s (pid ${cluster.hollow?.pid})`);
    await startScheduler(cluster, nodeArgs.scheduler);
    say(`== kite-scheduler pid ${cluster.scheduler?.pid}`);

    const rv = json<{ metadata: { resourceVersion: string } }>(await api.expect(200, 'GET', `/api/v1/namespaces/${NS}/pods?limit=1`)).metadata.resourceVersion;
    tracker = await PodTracker.open(cluster.apiserver.rest, NS, rv);
    if (cfg.initPods > 0) phases.push(await phase('init', Array.from({ length: cfg.initPods }, (_, i) => `init-${i}`), cluster, api, tracker, cfg));
    const measured = Array.from({ length: cfg.pods }, (_, i) => `pod-${i}`);
    if (cfg.createFirst) phases.push(await createFirstPhase(measured, cluster, api, tracker, cfg));
    else phases.push(await phase('measured', measured, cluster, api, tracker, cfg));
    if (cluster.scheduler) {
      for (const r of ['scheduled', 'unschedulable', 'error']) extra.attempts[r] = await scrape(cluster.scheduler.metrics, 'kite_scheduler_schedule_attempts_total', `result="${r}"`);
    }
  } catch (err) {
    extra.error = err instanceof Error ? err.message : String(err);
    say(`   run failed: ${extra.error}`);
  } finally {
    tracker?.close();
    api?.close();
    if (cluster) await cluster.stop();
    await tmp.remove();
  }

  const lines = [
    '## kite-scheduler: scheduler_perf SchedulingBasic',
    '',
    ...Object.entries(machine).filter(([k]) => !k.startsWith('etcd')).map(([k, v]) => `- ${k}: ${v}`),
    `- workload: ${cfg.nodes} nodes (4 cpu, 32Gi, 110 pods; one hollow kubelet), ${cfg.initPods} initial pods, ${cfg.pods} measured pods (100m / 500Mi), ${cfg.clients} creating clients`,
    '',
    renderReport(phases, extra),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (cfg.jsonFile) await writeFile(cfg.jsonFile, JSON.stringify({ machine, config: cfg, extra, phases }, null, 2));
  if (extra.error) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  killAllNow();
  process.exit(1);
});
