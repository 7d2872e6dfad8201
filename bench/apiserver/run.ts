/**
 * kite-apiserver over kite-store (or a real etcd): create/get/update/list latency and
 * throughput at several concurrencies, single-object writes at a fixed rate, a 10,000-pod
 * list, and watch fan-out to 100 watchers, all over plain keep-alive HTTP. It starts the
 * store and the apiserver itself on loopback (fresh temp data dir) and stops them. A
 * benchmark, not a test: it prints figures and says whether the targets hold.
 *
 *   npm run bench:apiserver -- [--store=kite|etcd] [--quick] ...   (see USAGE; docs/benchmarks.md)
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from '../store/machine.js';
import { installCleanupHandlers, killAllNow, repoRoot, tempDir, waitForQuiet } from '../store/procs.js';
import { crudLevel, prepareListNamespace } from './crud.js';
import { watchFanout } from './fanout.js';
import { bigList } from './list.js';
import { pacedWrites } from './paced.js';
import { renderReport, verdicts, type Results } from './report.js';
import { startStack, type Backend, type Stack } from './servers.js';

const PHASES = ['crud', 'paced', 'list', 'watch'] as const;
type Phase = (typeof PHASES)[number];

const USAGE = `usage: node bench/dist/apiserver/run.js [options]
  --store=kite|etcd        what kite-apiserver stores into: kite-store (default) or a real etcd
                           (ETCD_BIN selects the binary)
  --quick                  shorter runs (1 s per op level, 3 s of paced writes, 3 list calls, 50 watch writes)
  --levels=1,32            concurrent clients for create/get/update/list
  --duration=SECONDS       measured seconds per op and level (default 3; 1 with --quick)
  --rate=N                 paced single-object writes per second (default 200)
  --paced-seconds=S        how long to pace them (default 10; 3 with --quick)
  --paced-rounds=N         repeat the paced writes N times; the target is judged on the median
                           round's p99 (default 3; 1 with --quick)
  --pods=N                 pods in the big list (default 10000)
  --list-calls=N           timed calls per list form (default 10; 3 with --quick)
  --watchers=N             watch streams for the fan-out (default 100)
  --watch-writes=N         measured writes for the fan-out (default 200; 50 with --quick)
  --phases=crud,paced,list,watch   which workloads to run
  --quiet-wait=SECONDS     before each phase, wait up to this long for other processes to
                           leave the machine idle (default 60; 0 = don't wait)
  --cpu-prof=DIR           run kite-apiserver under node --cpu-prof, writing the profile into DIR
  --apiserver-bin=PATH     kite-apiserver entry point (default services/apiserver/dist/bin.js)
  --apiserver-node-args=ARGS  extra node flags for kite-apiserver, space-separated
  --json=FILE              also write the raw results as JSON`;

interface Config {
  backend: Backend;
  levels: number[];
  durationMs: number;
  warmupMs: number;
  rate: number;
  pacedSeconds: number;
  pacedRounds: number;
  pods: number;
  listCalls: number;
  watchers: number;
  watchWrites: number;
  watchWarmup: number;
  phases: Set<Phase>;
  quietWaitMs: number;
  cpuProfDir?: string;
  apiserverBin?: string;
  apiserverNodeArgs: string[];
  jsonFile?: string;
}

function positive(flag: string, v: string, integer = true): number {
  const n = Number(v);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new Error(`--${flag} must be a positive ${integer ? 'integer' : 'number'}\n${USAGE}`);
  return n;
}

function parseConfig(): Config {
  const { values } = parseArgs({
    options: {
      store: { type: 'string', default: 'kite' },
      quick: { type: 'boolean', default: false },
      levels: { type: 'string', default: '1,32' },
      duration: { type: 'string' },
      rate: { type: 'string', default: '200' },
      'paced-seconds': { type: 'string' },
      'paced-rounds': { type: 'string' },
      pods: { type: 'string', default: '10000' },
      'list-calls': { type: 'string' },
      watchers: { type: 'string', default: '100' },
      'watch-writes': { type: 'string' },
      phases: { type: 'string', default: PHASES.join(',') },
      'quiet-wait': { type: 'string', default: '60' },
      'cpu-prof': { type: 'string' },
      'apiserver-bin': { type: 'string' },
      'apiserver-node-args': { type: 'string', default: '' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const quick = values.quick === true;
  if (values.store !== 'kite' && values.store !== 'etcd') throw new Error(`--store must be kite or etcd\n${USAGE}`);
  const phases = new Set((values.phases as string).split(',').map((s) => s.trim()));
  for (const p of phases) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase ${p}\n${USAGE}`);
  const quietWait = Number(values['quiet-wait']);
  if (!(quietWait >= 0)) throw new Error(`--quiet-wait must be a number of seconds\n${USAGE}`);
  return {
    backend: values.store,
    levels: (values.levels as string).split(',').map((s) => positive('levels', s.trim())),
    durationMs: positive('duration', values.duration ?? (quick ? '1' : '3'), false) * 1000,
    warmupMs: quick ? 300 : 500,
    rate: positive('rate', values.rate as string, false),
    pacedSeconds: positive('paced-seconds', values['paced-seconds'] ?? (quick ? '3' : '10'), false),
    pacedRounds: positive('paced-rounds', values['paced-rounds'] ?? (quick ? '1' : '3')),
    pods: positive('pods', values.pods as string),
    listCalls: positive('list-calls', values['list-calls'] ?? (quick ? '3' : '10')),
    watchers: positive('watchers', values.watchers as string),
    watchWrites: positive('watch-writes', values['watch-writes'] ?? (quick ? '50' : '200')),
    watchWarmup: quick ? 10 : 20,
    phases: phases as Set<Phase>,
    quietWaitMs: quietWait * 1000,
    apiserverNodeArgs: (values['apiserver-node-args'] as string).split(/\s+/).filter((a) => a.length > 0),
    ...(values['cpu-prof'] ? { cpuProfDir: path.resolve(values['cpu-prof']) } : {}),
    ...(values['apiserver-bin'] ? { apiserverBin: path.resolve(values['apiserver-bin']) } : {}),
    ...(values.json ? { jsonFile: path.resolve(values.json) } : {}),
  };
}

const say = (s: string): void => void process.stderr.write(s + '\n');
const f2 = (n: number): string => n.toFixed(2);

/** On two shared cores any other process skews every figure; wait for it to finish when asked. */
async function quiet(cfg: Config): Promise<void> {
  if (cfg.quietWaitMs <= 0) return;
  const cores = await waitForQuiet(0.15, cfg.quietWaitMs, (c) => say(`   (machine busy with other work: ${c.toFixed(2)} cores; waiting up to ${cfg.quietWaitMs / 1000} s)`));
  if (cores !== undefined && cores > 0.15) say(`   (still busy: ${cores.toFixed(2)} cores of other work; measuring anyway)`);
}

function apiserverState(): string {
  try {
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'services/apiserver', 'packages/api', 'packages/storage'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    return dirty ? 'uncommitted changes in services/apiserver, packages/api or packages/storage' : 'as committed';
  } catch {
    return 'unknown';
  }
}

async function run(cfg: Config, stack: Stack, res: Results): Promise<void> {
  if (cfg.phases.has('crud')) {
    await prepareListNamespace(stack);
    for (const clients of cfg.levels) {
      await quiet(cfg);
      const rs = await crudLevel(stack, clients, cfg.warmupMs, cfg.durationMs, (o) =>
        say(`   ${o.op} x${clients}: ${Math.round(o.throughput)} req/s, p50 ${f2(o.latency.p50)} ms, p99 ${f2(o.latency.p99)} ms (apiserver CPU ${o.cpu?.apiserver?.toFixed(2) ?? '?'}, other CPU ${o.cpu?.other?.toFixed(2) ?? '?'}, ${o.errors} errors)`),
      );
      res.crud.push(...rs);
    }
  }
  if (cfg.phases.has('paced')) {
    for (let round = 0; round < cfg.pacedRounds; round++) {
      await quiet(cfg);
      say(`   paced writes: ${cfg.rate}/s for ${cfg.pacedSeconds} s (round ${round + 1} of ${cfg.pacedRounds}) ...`);
      const p = await pacedWrites(stack, cfg.rate, cfg.pacedSeconds, round);
      res.paced.push(p);
      say(`   paced: p50 ${f2(p.all.p50)} ms, p99 ${f2(p.all.p99)} ms, max ${f2(p.all.max)} ms, ${p.errors} errors, other CPU ${p.cpu.other?.toFixed(2) ?? '?'}`);
    }
  }
  if (cfg.phases.has('list')) {
    await quiet(cfg);
    say(`   loading ${cfg.pods} pods ...`);
    res.list = await bigList(stack, cfg.pods, cfg.listCalls, (f) => say(`   list ${f.form}: median ${f2(f.medianMs)} ms (${f.pages} pages, ${f.bytes} bytes)`));
  }
  if (cfg.phases.has('watch')) {
    await quiet(cfg);
    res.fanout = await watchFanout(stack, cfg.watchers, cfg.watchWrites, cfg.watchWarmup);
    const w = res.fanout;
    say(`   fan-out to ${w.watchers}: p50 ${f2(w.afterResponse.p50)} ms, p99 ${f2(w.afterResponse.p99)} ms, max ${f2(w.afterResponse.max)} ms`);
  }
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const cfg = parseConfig();
  const machine = {
    ...describeMachine(),
    'apiserver code': apiserverState() + (cfg.apiserverNodeArgs.length > 0 ? `; node flags: ${cfg.apiserverNodeArgs.join(' ')}` : ''),
    'store under the apiserver': cfg.backend === 'kite' ? 'kite-store (durable defaults)' : 'etcd (durable defaults)',
  };
  const res: Results = { crud: [], paced: [] };
  const tmp = await tempDir('apiserver');
  let stack: Stack | undefined;
  try {
    if (cfg.cpuProfDir) await mkdir(cfg.cpuProfDir, { recursive: true });
    await quiet(cfg);
    stack = await startStack(cfg.backend, path.join(tmp.dir, 'data'), {
      ...(cfg.apiserverBin ? { apiserverBin: cfg.apiserverBin } : {}),
      ...(cfg.cpuProfDir ? { cpuProfDir: cfg.cpuProfDir } : {}),
      nodeArgs: cfg.apiserverNodeArgs,
    });
    say(`== kite-apiserver (pid ${stack.apiserver.pid}) on ${stack.apiserver.address} over ${stack.backend.name} (pid ${stack.backend.pid}) on ${stack.backend.endpoint}`);
    await run(cfg, stack, res);
  } catch (err) {
    res.error = err instanceof Error ? err.message : String(err);
    say(`   run failed: ${res.error}`);
  } finally {
    if (stack) await stack.stop();
    await tmp.remove();
  }

  const lines = [
    `## kite-apiserver over ${cfg.backend === 'kite' ? 'kite-store' : 'etcd'}`,
    '',
    ...Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`),
    `- op levels: ${cfg.levels.join(', ')} clients, ${cfg.warmupMs / 1000} s warm-up + ${cfg.durationMs / 1000} s measured per op; paced: ${cfg.rate}/s for ${cfg.pacedSeconds} s x ${cfg.pacedRounds} rounds;` +
      ` list: ${cfg.pods} pods, ${cfg.listCalls} calls per form; fan-out: ${cfg.watchers} watchers, ${cfg.watchWrites} writes`,
    '',
    renderReport(res),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (cfg.cpuProfDir) say(`kite-apiserver CPU profile written to ${cfg.cpuProfDir}`);
  if (cfg.jsonFile) await writeFile(cfg.jsonFile, JSON.stringify({ machine, config: { ...cfg, phases: [...cfg.phases] }, results: res, verdicts: verdicts(res) }, null, 2));
  if (res.error) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  killAllNow();
  process.exit(1);
});
