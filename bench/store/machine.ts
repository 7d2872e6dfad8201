import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { repoRoot } from './procs.js';

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line ? line.slice(line.indexOf(':') + 1).trim() : os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

/** The facts a reader needs to compare these figures with their own. */
export function describeMachine(): Record<string, string> {
  const dirty = run('git', ['status', '--porcelain', '--', 'services/store', 'packages', 'proto']);
  return {
    date: new Date().toISOString(),
    cpus: `${os.availableParallelism()} (nproc ${run('nproc', [])})`,
    'cpu model': cpuModel(),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    etcd: run(process.env.ETCD_BIN ?? 'etcd', ['--version']).split('\n')[0] ?? 'unknown',
    etcdctl: run(process.env.ETCDCTL_BIN ?? 'etcdctl', ['version']).split('\n')[0] ?? 'unknown',
    'kite commit': `${run('git', ['rev-parse', '--short', 'HEAD'])}${dirty && dirty !== 'unknown' ? ' (+ uncommitted changes in services/store, packages or proto)' : ''}`,
    tmpdir: os.tmpdir(),
  };
}
