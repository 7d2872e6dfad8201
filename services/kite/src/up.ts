import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '@kite/common';
import { storeBinPath } from '@kite/store';

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
      process.stdout.write(
        [
          `kite is up (data in ${path.resolve(opts.dataDir)})`,
          `  kite-store  etcd v3 API at ${m[1]}   health and metrics at http://${m[2]}/metrics`,
          `  try: ETCDCTL_API=3 etcdctl --endpoints=${m[1]} endpoint status`,
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
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
  if (!announced) log.error({ code }, 'kite-store exited before it was ready');
  return code;
}
