import { benchCpuSeconds, cpuWindow as window } from '../common/cpu-window.js';
import { machineBusySeconds } from '../store/procs.js';
import type { Cluster } from './cluster.js';
import { cpuTimesOf, memoryOf, type Memory } from './procs.js';

/** CPU seconds used over a window, by whom. */
export interface CpuUse {
  seconds: number;
  kubelets: number;
  /** Children the kubelets waited for meanwhile (ip, mount, unshare... once ended). */
  kubeletChildren: number;
  scheduler: number;
  apiserver: number;
  store: number;
  bench: number;
  /** The whole machine, everything but idle (the above, container setup shells, other people's work). */
  machine: number;
}

/** Starts measuring; the returned function ends the window. */
export function cpuWindow(c: Cluster): Promise<() => Promise<CpuUse>> {
  return window(async () => {
    const ks = await Promise.all(c.kubelets.map((k) => cpuTimesOf(k.proc.pid)));
    const [s, a, st, machine] = await Promise.all([cpuTimesOf(c.scheduler.pid), cpuTimesOf(c.stack.apiserver.pid), cpuTimesOf(c.stack.backend.pid), machineBusySeconds()]);
    return {
      kubelets: ks.reduce((n, t) => n + (t?.own ?? 0), 0),
      kubeletChildren: ks.reduce((n, t) => n + (t?.children ?? 0), 0),
      scheduler: s?.own ?? 0,
      apiserver: a?.own ?? 0,
      store: st?.own ?? 0,
      bench: benchCpuSeconds(),
      machine: machine ?? 0,
    };
  });
}

/** Each kubelet's memory now, by node name. */
export async function kubeletMemory(c: Cluster): Promise<Record<string, Memory | undefined>> {
  const out: Record<string, Memory | undefined> = {};
  for (const k of c.kubelets) out[k.name] = await memoryOf(k.proc.pid);
  return out;
}
