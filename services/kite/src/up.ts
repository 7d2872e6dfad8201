import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@kite/common';
import { storeBinPath } from '@kite/store';
import { banner, removeState, runningCluster, writeState, type ClusterState } from './state.js';

export interface UpOptions {
  /** Everything kite keeps on disk goes under here. */
  dataDir: string;
  storeListen: string;
  storeMetricsListen: string;
}

/**
 * Runs the cluster's processes in the foreground until a signal or until one of them dies.
 * At this stage the cluster is its store; each later component becomes one more child here.
 */
export async function up(opts: UpOptions, log: Logger): Promise<number> {
  const already = await runningCluster(opts.dataDir);
  if (already) {
    process.stderr.write(`kite: a cluster is already running from ${path.resolve(opts.dataDir)} (pid ${already.pid}); \`kite down\` stops it\n`);
    return 1;
  }
  await mkdir(opts.dataDir, { recursive: true });
  const storeDir = path.resolve(opts.dataDir, 'store');
  const child = spawn(
    process.execPath,
    [storeBinPath, '--data-dir', storeDir, '--listen', opts.storeListen, '--metrics-listen', opts.storeMetricsListen],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let announced = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const m = /listening on (\S+) \(metrics (\S+)\)/.exec(chunk);
    if (m && !announced) {
      announced = true;
      const state: ClusterState = {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        store: { endpoint: m[1] as string, metrics: m[2] as string },
      };
      writeState(opts.dataDir, state).then(
        () => process.stdout.write(`${banner(opts.dataDir, state)}\nPress Ctrl-C to stop.\n`),
        (err: unknown) => log.error({ err }, 'cannot write the cluster state file'),
      );
    }
  });
  const forward = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'stopping the cluster');
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  await removeState(opts.dataDir);
  if (!announced) log.error({ code }, 'kite-store exited before it was ready');
  return code;
}
