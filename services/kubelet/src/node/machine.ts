import { statfs, readFile } from 'node:fs/promises';
import os from 'node:os';

/** What the machine has, for the Node's capacity when no flag says otherwise. */
export function machineCapacity(): { cpuMillis: number; memoryBytes: number } {
  return { cpuMillis: os.availableParallelism() * 1000, memoryBytes: os.totalmem() };
}

export interface Pressure {
  memory: boolean;
  disk: boolean;
  pid: boolean;
  /** Figures behind the verdicts, for the condition messages. */
  memoryAvailableBytes: number;
  diskAvailableFraction: number;
}

/**
 * Kubernetes' default hard eviction thresholds: memory.available < 100Mi, nodefs.available
 * < 10%; PID pressure when fewer than 10% of pid_max are left.
 */
export async function readPressure(rootDir: string): Promise<Pressure> {
  const memoryAvailableBytes = os.freemem();
  let diskAvailableFraction = 1;
  try {
    const s = await statfs(rootDir);
    diskAvailableFraction = s.blocks > 0 ? s.bavail / s.blocks : 1;
  } catch {
    // The root dir vanished: the disk check has nothing to say.
  }
  let pid = false;
  try {
    const max = Number((await readFile('/proc/sys/kernel/pid_max', 'utf8')).trim());
    const used = Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[3]?.split('/')[1] ?? 0);
    pid = max > 0 && used > max * 0.9;
  } catch {
    pid = false;
  }
  return { memory: memoryAvailableBytes < 100 * 1024 * 1024, disk: diskAvailableFraction < 0.1, pid, memoryAvailableBytes, diskAvailableFraction };
}
