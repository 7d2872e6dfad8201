import { benchCpuSeconds, cpuWindow as window } from '../common/cpu-window.js';
import { cpuSeconds, machineBusySeconds } from '../store/procs.js';
import type { Cluster } from './cluster.js';

/** CPU seconds each process used over a window, and the window's length. */
export interface CpuUse {
  seconds: number;
  store: number;
  apiserver: number;
  scheduler: number;
  hollow: number;
  bench: number;
  /** Everything but idle, all cores: the above plus whatever else ran. */
  machine: number;
}

/** Starts a window; the returned function ends it. */
export function cpuWindow(c: Cluster): Promise<() => Promise<CpuUse>> {
  return window(async () => {
    const [store, apiserver, scheduler, hollow, machine] = await Promise.all([
      cpuSeconds(c.store.pid),
      cpuSeconds(c.apiserver.pid),
      c.scheduler ? cpuSeconds(c.scheduler.pid) : undefined,
      c.hollow ? cpuSeconds(c.hollow.pid) : undefined,
      machineBusySeconds(),
    ]);
    return { store: store ?? 0, apiserver: apiserver ?? 0, scheduler: scheduler ?? 0, hollow: hollow ?? 0, bench: benchCpuSeconds(), machine: machine ?? 0 };
  });
}
