import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { banner, isAlive, logPath, runningCluster, type ClusterState } from './state.js';

const kiteBin = fileURLToPath(new URL('./bin.js', import.meta.url));

/**
 * Starts `kite up` in the background (its output in <data-dir>/kite.log) and returns once the
 * cluster is ready, or with the log's tail if it failed to start.
 */
export async function upDetached(dataDir: string, upArgs: string[], timeoutMs = 30_000): Promise<number> {
  const already = await runningCluster(dataDir);
  if (already) {
    process.stderr.write(`kite: a cluster is already running (pid ${already.pid}); \`kite down\` stops it\n`);
    return 1;
  }
  await mkdir(dataDir, { recursive: true });
  const log = await open(logPath(dataDir), 'a');
  const child = spawn(process.execPath, [kiteBin, 'up', '--data-dir', dataDir, ...upArgs], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
  });
  child.unref();
  await log.close();
  const deadline = Date.now() + timeoutMs;
  let state: ClusterState | undefined;
  while (!(state = await runningCluster(dataDir))) {
    if (!isAlive(child.pid as number) || Date.now() > deadline) {
      const tail = (await readFile(logPath(dataDir), 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
      process.stderr.write(`kite: the cluster did not start; the end of ${logPath(dataDir)}:\n${tail}\n`);
      if (isAlive(child.pid as number)) process.kill(child.pid as number, 'SIGTERM');
      return 1;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(`${banner(dataDir, state)}\nRunning in the background (pid ${state.pid}); logs in ${logPath(dataDir)}; \`kite down\` stops it.\n`);
  return 0;
}

/** Stops a detached cluster: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function down(dataDir: string, graceMs = 15_000): Promise<number> {
  const state = await runningCluster(dataDir);
  if (!state) {
    process.stdout.write('kite is not running\n');
    return 0;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(state.pid)) {
    if (Date.now() > deadline) {
      process.kill(state.pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(`kite stopped (pid ${state.pid})\n`);
  return 0;
}

/** Says whether a cluster runs from `dataDir` and whether its processes answer. */
export async function status(dataDir: string): Promise<number> {
  const state = await runningCluster(dataDir);
  if (!state) {
    process.stdout.write('kite is not running\n');
    return 1;
  }
  const check = (url: string): Promise<string> =>
    fetch(url).then(
      (r) => (r.ok ? 'healthy' : `unhealthy (HTTP ${r.status})`),
      (err: unknown) => `not answering (${(err as Error).message})`,
    );
  const store = await check(`http://${state.store.metrics}/healthz`);
  const api = await check(`${state.apiserver.url}/readyz`);
  process.stdout.write(
    `kite is running (pid ${state.pid}, since ${state.startedAt})\n  kite-apiserver  ${state.apiserver.url}  ${api}\n  kite-store      ${state.store.endpoint}  ${store}\n  kubeconfig      ${state.kubeconfig}\n`,
  );
  return store === 'healthy' && api === 'healthy' ? 0 : 1;
}

/** `kite node kill|start NAME`: asks the running `kite up` through its control endpoint. */
export async function nodeAction(dataDir: string, verb: 'kill' | 'start', name: string): Promise<number> {
  const state = await runningCluster(dataDir);
  if (!state?.control) {
    process.stderr.write('kite: no running cluster with node control here (start one with `kite up`)\n');
    return 1;
  }
  try {
    const res = await fetch(`http://${state.control}/nodes/${encodeURIComponent(name)}/${verb}`, { method: 'POST' });
    const text = await res.text();
    (res.ok ? process.stdout : process.stderr).write(res.ok ? text : `kite: ${text}`);
    return res.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`kite: cannot reach the running cluster: ${(err as Error).message}\n`);
    return 1;
  }
}
