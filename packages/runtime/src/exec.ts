import { spawn } from 'node:child_process';
import { readlink } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import type { HostTools } from './capabilities.js';
import { shQuote } from './command.js';
import { ptyResizer, SCRIPT_FLAGS, ttyEnv } from './pty.js';
import { containerEnv, DEFAULT_PATH } from './spawn.js';
import type { ExecSession } from './types.js';

export interface ExecTarget {
  /** Host PID of the container's PID 1, whose namespaces the command joins. */
  initPid: number;
  cgroupDirs: string[];
  env: Record<string, string>;
  /** Whether the container has its own namespaces to enter. */
  namespaces: boolean;
}

export interface ExecRequest {
  argv: string[];
  env?: Record<string, string>;
  tty?: boolean;
}

/** The command line for an exec: into the container's cgroups, namespaces and working dir. */
export function execCommand(
  tools: HostTools,
  target: ExecTarget,
  req: ExecRequest,
  cwd?: string,
): { argv: string[]; env: Record<string, string> } {
  const plain = containerEnv({ ...target.env, ...req.env });
  const env = req.tty ? ttyEnv(plain) : plain;
  const inner: string[] = [];
  if (target.namespaces && tools.nsenter) {
    inner.push(tools.nsenter, `--target=${target.initPid}`, '--net', '--mount', '--pid', '--uts', '--wd', '--');
  }
  inner.push(tools.env, '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...req.argv);

  const steps = target.cgroupDirs.map((d) => `echo 0 > ${shQuote(path.join(d, 'cgroup.procs'))}`);
  if (cwd) steps.push(`cd ${shQuote(cwd)} 2>/dev/null || true`);
  const prefix = tools.setpriv ? [tools.setpriv, '--pdeathsig', 'KILL', '--'] : [];
  const spawnEnv: Record<string, string> = { PATH: DEFAULT_PATH, SHELL: tools.sh };
  if (req.tty && tools.script) {
    steps.push(`exec ${shQuote(tools.script)} ${SCRIPT_FLAGS} "$KITE_EXEC" /dev/null`);
    spawnEnv.KITE_EXEC = inner.map(shQuote).join(' ');
    return { argv: [...prefix, tools.sh, '-c', steps.join('; ')], env: spawnEnv };
  }
  steps.push('exec "$@"');
  return { argv: [...prefix, tools.sh, '-c', steps.join('; '), 'sh', ...inner], env: spawnEnv };
}

/** Starts an exec session; resolves once the process exists. */
export async function startExec(tools: HostTools, target: ExecTarget, req: ExecRequest): Promise<ExecSession> {
  // Without namespaces the command still starts where the container works.
  const cwd = target.namespaces ? undefined : await readlink(`/proc/${target.initPid}/cwd`).catch(() => undefined);
  const { argv, env } = execCommand(tools, target, req, cwd);
  const [file, ...args] = argv;
  const child = spawn(file!, args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exit = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 9) : 9));
    });
  });
  const pid = child.pid!;
  return {
    stdin: child.stdin!,
    stdout: child.stdout!,
    stderr: child.stderr!,
    exit,
    resize: ptyResizer(req.tty ? tools.stty : undefined, pid),
    kill() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
