import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, repoRoot, startProcess, tempDir, waitFor, type Proc } from '../support/processes.js';

const run = promisify(execFile);
const kiteBin = path.join(repoRoot, 'services/kite/dist/bin.js');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('kite up', () => {
  const cleanups = cleanupAfterEach();

  it('starts a store that etcdctl can use, keeps its data under the data dir, and stops it on SIGTERM', async () => {
    const { dir, remove } = await tempDir('up');
    cleanups.push(remove);
    const kite: Proc = startProcess(process.execPath, [kiteBin, 'up', '--data-dir', dir, '--store-listen', '127.0.0.1:0', '--store-metrics-listen', '127.0.0.1:0']);
    cleanups.push(() => kite.stop('SIGKILL'));
    const endpoint = await waitFor('kite up to announce the store', () => /etcd v3 API at (\S+)/.exec(kite.output())?.[1]);
    const env = { ...process.env, ETCDCTL_API: '3', ETCDCTL_ENDPOINTS: endpoint };
    expect((await run('etcdctl', ['put', 'hello', 'kite'], { env })).stdout).toBe('OK\n');
    expect((await run('etcdctl', ['get', 'hello', '--print-value-only'], { env })).stdout).toBe('kite\n');
    expect(existsSync(path.join(dir, 'store', 'CURRENT'))).toBe(true);

    const { stdout } = await run('pgrep', ['-P', String(kite.pid)]);
    const storePid = Number(stdout.trim());
    expect(alive(storePid)).toBe(true);
    expect(await kite.stop('SIGTERM')).toBe(0);
    await waitFor('the store process to exit', () => (alive(storePid) ? undefined : true));
  });
});
