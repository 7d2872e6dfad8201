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

type Mark = Omit<CpuUse, 'seconds'> & { at: number };

async function mark(c: Cluster): Promise<Mark> {
  const [store, apiserver, scheduler, hollow, machine] = await Promise.all([
    cpuSeconds(c.store.pid),
    cpuSeconds(c.apiserver.pid),
    c.scheduler ? cpuSeconds(c.scheduler.pid) : undefined,
    c.hollow ? cpuSeconds(c.hollow.pid) : undefined,
    machineBusySeconds(),
  ]);
  const b = process.cpuUsage();
  return { at: performance.now(), store: store ?? 0, apiserver: apiserver ?? 0, scheduler: scheduler ?? 0, hollow: hollow ?? 0, bench: (b.user + b.system) / 1e6, machine: machine ?? 0 };
}

/** Starts a window; the returned function ends it. */
export async function cpuWindow(c: Cluster): Promise<() => Promise<CpuUse>> {
  const a = await mark(c);
  return async () => {
    const b = await mark(c);
    return {
      seconds: (b.at - a.at) / 1000,
      store: b.store - a.store,
      apiserver: b.apiserver - a.apiserver,
      scheduler: b.scheduler - a.scheduler,
      hollow: b.hollow - a.hollow,
      bench: b.bench - a.bench,
      machine: b.machine - a.machine,
    };
  };
}
