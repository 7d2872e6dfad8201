/**
 * The cluster as a whole: `kite up --detach` from nothing to the apiserver answering, every node
 * Ready and a first busybox pod Running; the memory of every kite process idle and with the pod;
 * and, with two nodes or more, how long a killed node takes to be noticed (Ready Unknown, then
 * the unreachable taint). Fresh data dir per round; medians over rounds. A benchmark, not a test:
 * it prints figures. Needs root (the kubelets create namespaces, veths and cgroups).
 *
 *   npm run bench:cluster -- [--nodes=2] [--rounds=3] [--profile=fast]   (see USAGE; docs/benchmarks.md)
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from '../store/machine.js';
import { freePort, repoRoot, waitForQuiet } from '../store/procs.js';
import { median } from '../store/stats.js';
import { removeNodes } from '../pod-startup/leftovers.js';
import { killTrees, memoryOf, processTree, supervisorsOf, type ProcMemory } from './procs.js';

const USAGE = `usage: node bench/dist/cluster/run.js [options]     (as root)
  --nodes=N            kubelets (default 1); with 2 or more, node-2 is killed to time its detection
  --profile=P          kite's timing profile, fast or kubernetes (default fast)
  --rounds=N           fresh clusters, one after the other (default 3); figures are medians
  --cluster-cidr=CIDR  the pod network (default 10.251.0.0/16, away from kite's default so a
                       cluster already running here is not disturbed)
  --base-dir=DIR       where the data dirs go (default /var/tmp: containers get a private /tmp)
  --timeout=SECONDS    longest wait for each step (default 120)
  --quiet-wait=SECONDS before each round and each memory sample, wait up to this long for the
                       machine to be idle (default 30; 0 = don't wait)`;

const kiteBin = path.join(repoRoot, 'services/kite/dist/bin.js');
const POLL_MS = 10;

interface Config {
  nodes: number;
  profile: string;
  rounds: number;
  clusterCIDR: string;
  baseDir: string;
  timeoutMs: number;
  quietWaitMs: number;
}

function parseConfig(): Config {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '1' },
      profile: { type: 'string', default: 'fast' },
      rounds: { type: 'string', default: '3' },
      'cluster-cidr': { type: 'string', default: '10.251.0.0/16' },
      'base-dir': { type: 'string', default: '/var/tmp' },
      timeout: { type: 'string', default: '120' },
      'quiet-wait': { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const int = (flag: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}\n${USAGE}`);
    return n;
  };
  if (values.profile !== 'fast' && values.profile !== 'kubernetes') throw new Error(`--profile must be fast or kubernetes\n${USAGE}`);
  return {
    nodes: int('nodes', values.nodes, 1),
    profile: values.profile,
    rounds: int('rounds', values.rounds, 1),
    clusterCIDR: values['cluster-cidr'],
    baseDir: path.resolve(values['base-dir']),
    timeoutMs: int('timeout', values.timeout, 1) * 1000,
    quietWaitMs: int('quiet-wait', values['quiet-wait'], 0) * 1000,
  };
}

const say = (s: string): void => void process.stderr.write(s + '\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs a command to its end; rejects with its output when it fails. */
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`)) : resolve(stdout))),
  );
}

/** What the signal handlers and the 'exit' handler need to take a round's cluster down. */
const live: { dir?: string; nodes: number; interrupted: boolean } = { nodes: 0, interrupted: false };

/** Polls `probe` every POLL_MS until it returns a value; throws on timeout or interruption. */
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (live.interrupted) throw new Error('interrupted');
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

interface NodeView {
  metadata: { name: string };
  spec?: { taints?: Array<{ key: string }> };
  status?: { conditions?: Array<{ type: string; status: string }> };
}
const readyOf = (n: NodeView): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;

async function getJson<T>(url: string): Promise<T | undefined> {
  const res = await fetch(url);
  if (!res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  return (await res.json()) as T;
}

interface Round {
  /** Milliseconds from spawning `kite up --detach`. */
  readyz: number;
  upReturned: number;
  nodesReady: number;
  /** nodesReady + (kubectl run -> Running): the idle memory sample in between is not counted. */
  podRunning: number;
  /** `kubectl run` started -> the pod Running. */
  podOnly: number;
  memIdle: Map<string, ProcMemory>;
  memPod: Map<string, ProcMemory>;
  /** From `kite node kill node-2` returning. */
  unknownMs?: number;
  taintMs?: number;
}

async function quiet(cfg: Config): Promise<void> {
  if (cfg.quietWaitMs <= 0) return;
  const c = await waitForQuiet(0.15, cfg.quietWaitMs, (x) => say(`   (machine busy with other work: ${x.toFixed(2)} cores; waiting up to ${cfg.quietWaitMs / 1000} s)`));
  if (c !== undefined && c > 0.15) say(`   (still busy: ${c.toFixed(2)} cores of other work; measuring anyway)`);
}

function supervisorPid(dir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return supervisorsOf(dir)[0];
  }
}

/** Memory of the cluster's processes by name; a pod's processes are summed into one entry. */
function clusterMemory(dir: string): Map<string, ProcMemory> {
  const pid = supervisorPid(dir);
  const out = new Map<string, ProcMemory>();
  for (const p of pid === undefined ? [] : processTree(pid)) {
    const m = memoryOf(p.pid);
    if (!m) continue;
    const key = p.kite ? p.name : 'pod processes (not kite)';
    const prev = out.get(key);
    out.set(key, prev ? { rss: prev.rss + m.rss, pss: prev.pss === undefined || m.pss === undefined ? undefined : prev.pss + m.pss } : m);
  }
  return out;
}

async function oneRound(cfg: Config, index: number): Promise<Round> {
  const dir = mkdtempSync(path.join(cfg.baseDir, 'kite-bench-cluster-'));
  live.dir = dir;
  live.nodes = cfg.nodes;
  const kubeconfig = path.join(dir, 'kubeconfig');
  const kubectl = (...args: string[]): Promise<string> => run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'kubectl-cache'), ...args]);
  const kite = (...args: string[]): Promise<string> => run(process.execPath, [kiteBin, ...args, '--data-dir', dir]);
  // The apiserver's port is chosen here so /readyz can be polled from the first millisecond.
  const api = `http://127.0.0.1:${await freePort()}`;
  say(`   round ${index}: kite up --detach --nodes ${cfg.nodes} --profile ${cfg.profile} (${dir})`);

  const t0 = performance.now();
  const up = spawn(
    process.execPath,
    [kiteBin, 'up', '--detach', '--data-dir', dir, '--nodes', String(cfg.nodes), '--profile', cfg.profile, '--cluster-cidr', cfg.clusterCIDR,
      '--store-listen', '127.0.0.1:0', '--store-metrics-listen', '127.0.0.1:0', '--apiserver-listen', api.slice('http://'.length), '--apiserver-grpc-listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let upOut = '';
  up.stdout.on('data', (d: Buffer) => (upOut += d.toString()));
  up.stderr.on('data', (d: Buffer) => (upOut += d.toString()));
  const upDone = new Promise<{ code: number | null; at: number }>((resolve) => up.on('exit', (code) => resolve({ code, at: performance.now() - t0 })));
  let upExit: { code: number | null; at: number } | undefined;
  void upDone.then((e) => (upExit = e));
  const failedUp = (): undefined => {
    if (upExit !== undefined && upExit.code !== 0) throw new Error(`kite up --detach failed (${upExit.code}):\n${upOut}`);
    return undefined;
  };

  const readyz = await until('/readyz', cfg.timeoutMs, async () => failedUp() ?? ((await fetch(`${api}/readyz`).then((r) => r.ok)) ? performance.now() - t0 : undefined));
  const nodesReady = await until(`${cfg.nodes} nodes Ready`, cfg.timeoutMs, async () => {
    failedUp();
    const list = await getJson<{ items: NodeView[] }>(`${api}/api/v1/nodes`);
    return list && list.items.length === cfg.nodes && list.items.every((n) => readyOf(n) === 'True') ? performance.now() - t0 : undefined;
  });
  const upReturned = (await upDone).at;
  failedUp();
  // The same through kubectl and the data dir's kubeconfig (not timed: a kubectl every 10 ms
  // would take a good part of two cores away from the cluster starting up).
  const viaKubectl = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as { items: NodeView[] };
  if (viaKubectl.items.filter((n) => readyOf(n) === 'True').length !== cfg.nodes) throw new Error('kubectl does not see every node Ready');
  say(`     /readyz ${readyz.toFixed(0)} ms, nodes Ready ${nodesReady.toFixed(0)} ms, kite up returned ${upReturned.toFixed(0)} ms`);

  await quiet(cfg);
  const memIdle = clusterMemory(dir);

  const p0 = performance.now();
  await kubectl('run', 'p', '--image=busybox', '--restart=Never', '--', 'sleep', '3600');
  const podOnly = await until('the pod Running', cfg.timeoutMs, async () => {
    const pod = await getJson<{ status?: { phase?: string } }>(`${api}/api/v1/namespaces/default/pods/p`);
    return pod?.status?.phase === 'Running' ? performance.now() - p0 : undefined;
  });
  say(`     pod Running ${podOnly.toFixed(0)} ms after kubectl run`);
  await quiet(cfg);
  const memPod = clusterMemory(dir);
  const round: Round = { readyz, upReturned, nodesReady, podRunning: nodesReady + podOnly, podOnly, memIdle, memPod };

  if (cfg.nodes >= 2) {
    await kite('node', 'kill', 'node-2');
    const k0 = performance.now();
    await until('node-2 Unknown and tainted', cfg.timeoutMs, async () => {
      const n = await getJson<NodeView>(`${api}/api/v1/nodes/node-2`);
      if (!n) return undefined;
      const at = performance.now() - k0;
      if (round.unknownMs === undefined && readyOf(n) === 'Unknown') round.unknownMs = at;
      if (round.taintMs === undefined && (n.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable')) round.taintMs = at;
      return round.unknownMs !== undefined && round.taintMs !== undefined ? true : undefined;
    });
    say(`     node-2 killed: Unknown after ${round.unknownMs?.toFixed(0)} ms, tainted unreachable after ${round.taintMs?.toFixed(0)} ms`);
    // Back up, so that `kite down` stops it gracefully and it cleans up after its predecessor.
    await kite('node', 'start', 'node-2');
    await until('node-2 Ready again', cfg.timeoutMs, async () => {
      const n = await getJson<NodeView>(`${api}/api/v1/nodes/node-2`);
      return n && readyOf(n) === 'True' ? true : undefined;
    });
  }
  return round;
}

/** `kite down` (the kubelets stop their pods), then what the runtime keeps on purpose, then the dir. */
async function teardown(): Promise<void> {
  const dir = live.dir;
  if (dir === undefined) return;
  const pid = supervisorPid(dir);
  if (existsSync(path.join(dir, 'state.json'))) await run(process.execPath, [kiteBin, 'down', '--data-dir', dir]).catch((err: Error) => say(`   kite down: ${err.message}`));
  else if (pid !== undefined) {
    // Still starting (no state file yet): SIGTERM stops it and its components.
    process.kill(pid, 'SIGTERM');
    await until('kite up to stop', 20_000, async () => (processTree(pid).length === 0 ? true : undefined)).catch(() => killTrees([pid]));
  }
  hardCleanup();
}

/** Synchronous: SIGKILL whatever is left of the cluster, remove the nodes' bridges, cgroups, netns and the dir. */
function hardCleanup(): void {
  const dir = live.dir;
  if (dir === undefined) return;
  live.dir = undefined;
  killTrees(supervisorsOf(dir));
  const nodes = Array.from({ length: live.nodes }, (_, i) => ({ name: `node-${i + 1}`, rootDir: path.join(dir, 'nodes', `node-${i + 1}`) }));
  removeNodes(nodes);
  rmSync(dir, { recursive: true, force: true });
}

function installSignalHandlers(): void {
  process.on('exit', hardCleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (!live.interrupted) {
        live.interrupted = true;
        say(`\nbench: ${sig}: stopping the cluster (kite down); again to kill it at once`);
        return;
      }
      say(`\nbench: ${sig} again: killing the cluster`);
      hardCleanup();
      process.exit(130);
    });
  }
}

const f0 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(0));
const f1 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(1));
const total = (m: Map<string, ProcMemory>, k: 'rss' | 'pss'): number | undefined => {
  let s = 0;
  for (const [name, v] of m) {
    if (name.startsWith('pod processes')) continue;
    const x = v[k];
    if (x === undefined) return undefined;
    s += x;
  }
  return s;
};
const med = (xs: Array<number | undefined>): number | undefined => {
  const d = xs.filter((x): x is number => x !== undefined);
  return d.length === 0 ? undefined : median(d);
};

function table(head: string[], rows: string[][]): string[] {
  return ['| ' + head.join(' | ') + ' |', '|' + head.map((_, i) => (i === 0 ? '---|' : '---:|')).join(''), ...rows.map((r) => '| ' + r.join(' | ') + ' |')];
}

function report(cfg: Config, facts: Record<string, string>, rounds: Round[], error: string | undefined): string {
  const kill = cfg.nodes >= 2;
  const timeRow = (label: string, r: Partial<Record<'readyz' | 'upReturned' | 'nodesReady' | 'podRunning' | 'podOnly' | 'unknownMs' | 'taintMs', number | undefined>>): string[] => [
    label, f0(r.readyz), f0(r.upReturned), f0(r.nodesReady), f0(r.podRunning), f0(r.podOnly), ...(kill ? [f0(r.unknownMs), f0(r.taintMs)] : []),
  ];
  const pick = (k: 'readyz' | 'upReturned' | 'nodesReady' | 'podRunning' | 'podOnly' | 'unknownMs' | 'taintMs'): number | undefined => med(rounds.map((r) => r[k]));
  const lines = [
    '## Cluster start-up and footprint',
    '',
    ...Object.entries(facts).map(([k, v]) => `- ${k}: ${v}`),
    `- \`kite up --detach --nodes ${cfg.nodes} --profile ${cfg.profile}\`, fresh data dir under ${cfg.baseDir} each round; ${rounds.length} of ${cfg.rounds} rounds completed`,
    '',
    '### Start-up (ms from spawning `kite up --detach`)',
    '',
    ...table(
      ['round', '/readyz 200', '`kite up` returned', 'all nodes Ready', 'first pod Running', '(kubectl run → Running)', ...(kill ? ['node-2 killed → Unknown', '→ unreachable taint'] : [])],
      [...rounds.map((r, i) => timeRow(String(i + 1), r)), timeRow('**median**', Object.fromEntries((['readyz', 'upReturned', 'nodesReady', 'podRunning', 'podOnly', 'unknownMs', 'taintMs'] as const).map((k) => [k, pick(k)])))],
    ),
    '',
    'First pod Running = all nodes Ready + (`kubectl run` → the pod Running, polled on the apiserver); the idle memory sample taken in between is not counted. ' +
      (kill ? 'Dead node: from `kite node kill node-2` returning (SIGKILL sent) to node-2 Ready=Unknown and to its `node.kubernetes.io/unreachable` taint.' : 'Dead-node detection: skipped (needs --nodes 2 or more).'),
    '',
    '### Memory of the kite processes (MiB, median over rounds)',
    '',
  ];
  const names = [...new Set(rounds.flatMap((r) => [...r.memIdle.keys(), ...r.memPod.keys()]))].sort((a, b) => (a.startsWith('pod') ? 1 : b.startsWith('pod') ? -1 : a.localeCompare(b)));
  const cell = (get: (r: Round) => number | undefined): string => f1(med(rounds.map(get)));
  lines.push(
    ...table(
      ['process', 'RSS idle', 'PSS idle', 'RSS with the pod', 'PSS with the pod'],
      [
        ...names.map((n) => [n, cell((r) => r.memIdle.get(n)?.rss), cell((r) => r.memIdle.get(n)?.pss), cell((r) => r.memPod.get(n)?.rss), cell((r) => r.memPod.get(n)?.pss)]),
        ['**total, kite processes**', cell((r) => total(r.memIdle, 'rss')), cell((r) => total(r.memIdle, 'pss')), cell((r) => total(r.memPod, 'rss')), cell((r) => total(r.memPod, 'pss'))],
      ],
    ),
    '',
    'Per round, kite total RSS / PSS idle → with the pod: ' + rounds.map((r, i) => `${i + 1}: ${f0(total(r.memIdle, 'rss'))}/${f0(total(r.memIdle, 'pss'))} → ${f0(total(r.memPod, 'rss'))}/${f0(total(r.memPod, 'pss'))}`).join('; '),
    '',
  );
  if (error) lines.push(`**The run stopped early:** ${error}`, '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  installSignalHandlers();
  const cfg = parseConfig();
  if (process.getuid?.() !== 0) throw new Error('run as root: the kubelets create network namespaces, veths and cgroups');
  const { etcd: _e, etcdctl: _c, tmpdir: _t, ...machine } = describeMachine();
  const facts: Record<string, string> = { ...machine, kubectl: (await run('kubectl', ['version', '--client']).catch(() => 'missing')).split('\n')[0] ?? '?' };
  const rounds: Round[] = [];
  let error: string | undefined;
  for (let i = 1; i <= cfg.rounds && !live.interrupted; i++) {
    try {
      await quiet(cfg);
      rounds.push(await oneRound(cfg, i));
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      say(`   round ${i} failed: ${error}`);
      break;
    } finally {
      say('   kite down ...');
      await teardown();
    }
  }
  process.stdout.write(report(cfg, facts, rounds, error) + '\n');
  if (error) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  hardCleanup();
  process.exit(1);
});
