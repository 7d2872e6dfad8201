/**
 * kite-store vs etcd: durable Put throughput and latency at several concurrencies, a 10,000
 * key Range, Put -> watch event latency, and `etcdctl check perf`. Each server gets a fresh
 * temp data dir and runs alone (one after the other) on loopback. A benchmark, not a test:
 * it prints figures and ratios and does not judge them.
 *
 *   npm run bench:store -- [--rounds=5] [--quick] [--only=kite|etcd] ...   (see USAGE; docs/benchmarks.md)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { aggregateRounds } from './aggregate.js';
import { checkPerf } from './check-perf.js';
import { describeMachine } from './machine.js';
import { cpuSeconds, installCleanupHandlers, killAllNow, startEtcd, startKiteStore, tempDir, waitForQuiet, type Server } from './procs.js';
import { renderReport, type Results, type Target, type TargetResults } from './report.js';
import { sleep } from './stats.js';
import { putLevel, rangeBench, VALUE_BYTES, watchBench } from './workloads.js';

const USAGE = `usage: node bench/dist/store/run.js [options]
  --rounds=N               repeat everything but check perf N times against fresh servers,
                           alternating which goes first, and report medians (default 1)
  --quick                  shorter runs (1 s per put level, fewer range calls and watch puts, no check perf)
  --only=kite|etcd         benchmark just one server
  --levels=1,16,64         concurrent put clients per level
  --duration=SECONDS       measured seconds per put level (default 3; 1 with --quick)
  --check-perf=WHICH       both (default), kite, etcd or none (default none with --quick)
  --check-perf-load=LOAD   etcdctl check perf workload: s, m (default), l, xl
  --phases=put,range,watch which workloads to run (check perf is controlled by --check-perf)
  --cpu-prof=DIR           run kite-store under node --cpu-prof, writing the profile into DIR
  --store-bin=PATH         kite-store entry point to run (default services/store/dist/bin.js)
  --store-node-args=ARGS   extra node flags for kite-store, space-separated (e.g. --max-semi-space-size=16)
  --quiet-wait=SECONDS     before each server and put level, wait up to this long for other
                           processes to leave the machine idle (default 60; 0 = don't wait)
  --json=FILE              also write the raw results as JSON`;

interface Config {
  targets: Target[];
  rounds: number;
  levels: number[];
  durationMs: number;
  warmupMs: number;
  rangeKeys: number;
  rangeCalls: number;
  watchPuts: number;
  watchWarmup: number;
  checkPerf: Set<Target>;
  checkPerfLoad: string;
  phases: Set<string>;
  cpuProfDir?: string;
  storeBin?: string;
  storeNodeArgs: string[];
  quietWaitMs: number;
  jsonFile?: string;
}

function parseConfig(): Config {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
      only: { type: 'string' },
      levels: { type: 'string', default: '1,16,64' },
      duration: { type: 'string' },
      'check-perf': { type: 'string' },
      'check-perf-load': { type: 'string', default: 'm' },
      phases: { type: 'string', default: 'put,range,watch' },
      'cpu-prof': { type: 'string' },
      'store-bin': { type: 'string' },
      'store-node-args': { type: 'string', default: '' },
      json: { type: 'string' },
      'quiet-wait': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const quick = values.quick === true;
  if (values.only !== undefined && values.only !== 'kite' && values.only !== 'etcd') throw new Error(`--only must be kite or etcd\n${USAGE}`);
  const targets: Target[] = values.only ? [values.only as Target] : ['kite', 'etcd'];
  const levels = (values.levels as string).split(',').map((s) => Number(s.trim()));
  if (levels.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--levels must be positive integers\n${USAGE}`);
  const duration = Number(values.duration ?? (quick ? 1 : 3));
  if (!(duration > 0)) throw new Error(`--duration must be a positive number of seconds\n${USAGE}`);
  const cp = values['check-perf'] ?? (quick ? 'none' : 'both');
  if (!['both', 'kite', 'etcd', 'none'].includes(cp)) throw new Error(`--check-perf must be both, kite, etcd or none\n${USAGE}`);
  const phases = new Set((values.phases as string).split(',').map((s) => s.trim()));
  for (const p of phases) if (!['put', 'range', 'watch'].includes(p)) throw new Error(`unknown phase ${p}\n${USAGE}`);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer\n${USAGE}`);
  return {
    targets,
    rounds,
    phases,
    levels,
    durationMs: duration * 1000,
    warmupMs: quick ? 300 : 1000,
    rangeKeys: 10_000,
    rangeCalls: quick ? 5 : 15,
    watchPuts: quick ? 200 : 1000,
    watchWarmup: quick ? 20 : 50,
    checkPerf: new Set<Target>(cp === 'both' ? ['kite', 'etcd'] : cp === 'none' ? [] : [cp as Target]),
    checkPerfLoad: values['check-perf-load'] as string,
    quietWaitMs: Number(values['quiet-wait']) * 1000,
    storeNodeArgs: (values['store-node-args'] as string).split(/\s+/).filter((a) => a.length > 0),
    ...(values['cpu-prof'] ? { cpuProfDir: path.resolve(values['cpu-prof']) } : {}),
    ...(values['store-bin'] ? { storeBin: path.resolve(values['store-bin']) } : {}),
    ...(values.json ? { jsonFile: path.resolve(values.json) } : {}),
  };
}

const say = (s: string): void => void process.stderr.write(s + '\n');

/** Other processes on a 2-core machine skew every figure; wait for them to finish when asked. */
async function quiet(cfg: Config): Promise<void> {
  if (cfg.quietWaitMs <= 0) return;
  const cores = await waitForQuiet(0.15, cfg.quietWaitMs, (c) => say(`   (machine busy with other work: ${c.toFixed(2)} cores; waiting up to ${cfg.quietWaitMs / 1000} s)`));
  if (cores !== undefined && cores > 0.15) say(`   (still busy: ${cores.toFixed(2)} cores of other work; measuring anyway)`);
}

async function benchOne(target: Target, cfg: Config, withCheckPerf: boolean): Promise<TargetResults> {
  const tmp = await tempDir(target);
  const res: TargetResults = { puts: [] };
  let server: Server | undefined;
  try {
    if (cfg.cpuProfDir && target === 'kite') await mkdir(cfg.cpuProfDir, { recursive: true });
    await quiet(cfg);
    server =
      target === 'kite'
        ? await startKiteStore(path.join(tmp.dir, 'data'), {
            ...(cfg.cpuProfDir ? { cpuProfDir: cfg.cpuProfDir } : {}),
            ...(cfg.storeBin ? { bin: cfg.storeBin } : {}),
            nodeArgs: cfg.storeNodeArgs,
          })
        : await startEtcd(path.join(tmp.dir, 'data'));
    say(`== ${server.name} (pid ${server.pid}) on ${server.endpoint}, data in ${server.dataDir}`);
    const runId = Date.now().toString(36);
    for (const clients of cfg.phases.has('put') ? cfg.levels : []) {
      await quiet(cfg);
      const p = await putLevel(server, clients, cfg.durationMs, cfg.warmupMs, runId);
      res.puts.push(p);
      say(
        `   put x${clients}: ${Math.round(p.throughput)} puts/s, p50 ${p.latency.p50.toFixed(2)} ms, p99 ${p.latency.p99.toFixed(2)} ms` +
          ` (server CPU ${p.serverCpu?.toFixed(2) ?? '?'}, client CPU ${p.clientCpu.toFixed(2)}, other CPU ${p.otherCpu?.toFixed(2) ?? '?'},` +
          ` ${p.putsPerSync?.toFixed(1) ?? '?'} puts/sync, ${p.errors} errors)`,
      );
      await sleep(300);
    }
    if (cfg.phases.has('range')) {
      await quiet(cfg);
      res.range = await rangeBench(server, cfg.rangeKeys, cfg.rangeCalls);
      say(`   range ${res.range.keys} keys: median ${res.range.medianMs.toFixed(1)} ms (bytes only ${res.range.rawMedianMs.toFixed(1)} ms)`);
    }
    if (cfg.phases.has('watch')) {
      await quiet(cfg);
      res.watch = await watchBench(server, cfg.watchPuts, cfg.watchWarmup);
      say(`   put->event: p50 ${res.watch.event.p50.toFixed(2)} ms, p99 ${res.watch.event.p99.toFixed(2)} ms`);
    }
    if (withCheckPerf && cfg.checkPerf.has(target)) {
      await quiet(cfg);
      say(`   etcdctl check perf --load=${cfg.checkPerfLoad} (about a minute) ...`);
      res.checkPerf = await checkPerf(server, cfg.checkPerfLoad, cpuSeconds);
      say(`   check perf ${res.checkPerf.passed ? 'passed' : 'FAILED'}: ${res.checkPerf.summary.join(' | ')}`);
    }
  } catch (err) {
    res.error = err instanceof Error ? err.message : String(err);
    say(`   ${target} run failed: ${res.error}`);
  } finally {
    if (server) {
      const code = await server.stop();
      if (code !== 0 && target === 'kite') say(`   kite-store exited with ${code}`);
    }
    await tmp.remove();
  }
  return res;
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const cfg = parseConfig();
  const machine = describeMachine();
  say(`kite-store vs etcd, ${VALUE_BYTES}-byte values, put levels ${cfg.levels.join('/')} for ${cfg.durationMs / 1000} s each`);
  const perRound: Record<Target, TargetResults[]> = { kite: [], etcd: [] };
  for (let round = 0; round < cfg.rounds; round++) {
    if (cfg.rounds > 1) say(`-- round ${round + 1} of ${cfg.rounds}`);
    // Alternate the order so that neither server always runs on a warmer (or busier) machine.
    const order = round % 2 === 0 ? cfg.targets : [...cfg.targets].reverse();
    for (const t of order) perRound[t].push(await benchOne(t, cfg, round === 0));
  }
  const results: Results = {};
  for (const t of cfg.targets) results[t] = aggregateRounds(perRound[t]);

  const lines = [
    '## kite-store vs etcd',
    '',
    ...Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`),
    `- rounds: ${cfg.rounds}${cfg.rounds > 1 ? ' (fresh servers each round, order alternated; figures are medians over rounds)' : ''}`,
    `- put levels: ${cfg.levels.join(', ')} concurrent clients (one gRPC channel per 16), ${cfg.warmupMs / 1000} s warm-up + ${cfg.durationMs / 1000} s measured each, ${VALUE_BYTES}-byte values, distinct keys`,
    `- range: ${cfg.rangeKeys} keys with ${VALUE_BYTES}-byte values, ${cfg.rangeCalls} measured calls; watch: ${cfg.watchPuts} sequential puts`,
    '',
    renderReport(results),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (cfg.cpuProfDir && cfg.targets.includes('kite')) say(`kite-store CPU profile written to ${cfg.cpuProfDir}`);
  if (cfg.jsonFile) await writeFile(cfg.jsonFile, JSON.stringify({ machine, config: { ...cfg, checkPerf: [...cfg.checkPerf], phases: [...cfg.phases] }, results, perRound }, null, 2));
  if (Object.values(results).some((r) => r?.error)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  killAllNow();
  process.exit(1);
});
