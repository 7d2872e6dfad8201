import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What a running `kite up` records about itself, for `kite status` and `kite down`. */
export interface ClusterState {
  pid: number;
  startedAt: string;
  store: { endpoint: string; metrics: string };
  apiserver: { url: string; grpc: string };
  scheduler?: { metrics: string };
  controllerManager?: { metrics: string };
  nodes?: Array<{ name: string; streaming: string }>;
  /** `kite up`'s own control endpoint (node kill/start). */
  control?: string;
  kubeconfig: string;
}

export const statePath = (dataDir: string): string => path.resolve(dataDir, 'state.json');
export const logPath = (dataDir: string): string => path.resolve(dataDir, 'kite.log');

export async function readState(dataDir: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(statePath(dataDir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export const writeState = (dataDir: string, state: ClusterState): Promise<void> =>
  writeFile(statePath(dataDir), JSON.stringify(state, null, 2) + '\n');

export const removeState = (dataDir: string): Promise<void> => rm(statePath(dataDir), { force: true });

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state of a `kite up` that is still running; a stale file (its process gone) counts as none. */
export async function runningCluster(dataDir: string): Promise<ClusterState | undefined> {
  const state = await readState(dataDir);
  return state && isAlive(state.pid) ? state : undefined;
}

export function banner(dataDir: string, state: ClusterState): string {
  return [
    `kite is up (data in ${path.resolve(dataDir)})`,
    `  kite-apiserver  Kubernetes API at ${state.apiserver.url}   kite.v1 gRPC at ${state.apiserver.grpc}`,
    `  kite-store      etcd v3 API at ${state.store.endpoint}   health and metrics at http://${state.store.metrics}/metrics`,
    ...(state.scheduler ? [`  kite-scheduler  health and metrics at http://${state.scheduler.metrics}/metrics`] : []),
    ...(state.controllerManager ? [`  kite-controller-manager  health and metrics at http://${state.controllerManager.metrics}/metrics`] : []),
    ...(state.nodes ?? []).map((n) => `  kite-kubelet    ${n.name}, streaming at ${n.streaming}`),
    `  try: export KUBECONFIG=${state.kubeconfig}; kubectl get namespaces`,
  ].join('\n');
}
