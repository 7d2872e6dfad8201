import { performance } from 'node:perf_hooks';
import { startProcess, type Server } from './procs.js';

export interface CheckPerfResult {
  load: string;
  passed: boolean;
  exitCode: number | null;
  /** The PASS/FAIL lines etcdctl printed (progress bar removed). */
  summary: string[];
  seconds: number;
  serverCpu?: number;
}

/** Runs `etcdctl check perf --load=<load>` against the server (about 60 s). */
export async function checkPerf(server: Server, load: string, cpu: (pid: number) => Promise<number | undefined>): Promise<CheckPerfResult> {
  const cpu0 = await cpu(server.pid);
  const t0 = performance.now();
  const p = startProcess(process.env.ETCDCTL_BIN ?? 'etcdctl', [`--endpoints=${server.endpoint}`, 'check', 'perf', `--load=${load}`], {
    ETCDCTL_API: '3',
  });
  // check perf runs for 60 s plus setup and cleanup; give it generous slack before killing it.
  const timer = setTimeout(() => void p.stop(2000), 180_000);
  const exitCode = await p.exited;
  clearTimeout(timer);
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = await cpu(server.pid);
  const lines = p
    .output()
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/Boo+|^\d+ \/ \d+ /.test(l));
  const summary = lines.filter((l) => /^(PASS|FAIL)|too long|too low|too high|Error|error/.test(l));
  return {
    load,
    passed: exitCode === 0 && summary.includes('PASS'),
    exitCode,
    summary: summary.length > 0 ? summary : lines.slice(-10),
    seconds,
    ...(cpu0 !== undefined && cpu1 !== undefined ? { serverCpu: (cpu1 - cpu0) / seconds } : {}),
  };
}
