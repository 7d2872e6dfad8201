/** CPU seconds by whom over a window, and the window's length in seconds. */
export type CpuWindowUse<K extends string> = Record<K, number> & { seconds: number };

/**
 * Starts a window: `read` gives cumulative CPU seconds by whom (processes from /proc, the bench
 * itself, the machine); the returned function ends the window and gives the differences.
 */
export async function cpuWindow<K extends string>(read: () => Promise<Record<K, number>>): Promise<() => Promise<CpuWindowUse<K>>> {
  const a = await read();
  const t0 = performance.now();
  return async () => {
    const b = await read();
    const use = { seconds: (performance.now() - t0) / 1000 } as CpuWindowUse<K>;
    for (const k of Object.keys(b) as K[]) (use as Record<K, number>)[k] = b[k] - a[k];
    return use;
  };
}

/** This process's own user + system CPU seconds so far. */
export function benchCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
