import { cpuSeconds, machineBusySeconds } from '../store/procs.js';
import type { Stack } from './servers.js';

/** Cores used over a window (1.00 = one full core); undefined where /proc could not tell. */
export interface CpuUse {
  apiserver?: number;
  store?: number;
  bench: number;
  /** Everything else on the machine: other people's work skews the figures taken meanwhile. */
  other?: number;
}

interface Mark {
  at: number;
  apiserver?: number;
  store?: number;
  machine?: number;
  bench: NodeJS.CpuUsage;
}

async function mark(stack: Stack): Promise<Mark> {
  const [apiserver, store, machine] = await Promise.all([cpuSeconds(stack.apiserver.pid), cpuSeconds(stack.backend.pid), machineBusySeconds()]);
  return { at: performance.now(), ...(apiserver !== undefined ? { apiserver } : {}), ...(store !== undefined ? { store } : {}), ...(machine !== undefined ? { machine } : {}), bench: process.cpuUsage() };
}

/** Starts measuring; the returned function ends the window and says who used the CPU. */
export async function cpuWindow(stack: Stack): Promise<() => Promise<CpuUse>> {
  const from = await mark(stack);
  return async () => {
    const to = await mark(stack);
    const secs = (to.at - from.at) / 1000;
    const d = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : (b - a) / secs);
    const bench = (to.bench.user + to.bench.system - from.bench.user - from.bench.system) / 1e6 / secs;
    const apiserver = d(from.apiserver, to.apiserver);
    const store = d(from.store, to.store);
    const machine = d(from.machine, to.machine);
    const other = machine === undefined || apiserver === undefined || store === undefined ? undefined : Math.max(0, machine - apiserver - store - bench);
    return { bench, ...(apiserver !== undefined ? { apiserver } : {}), ...(store !== undefined ? { store } : {}), ...(other !== undefined ? { other } : {}) };
  };
}
