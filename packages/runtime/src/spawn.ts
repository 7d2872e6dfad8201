import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { HostTools } from './capabilities.js';
import { childrenOf, shQuote, waitFor } from './command.js';
import { prepareMounts } from './container-mounts.js';
import { SCRIPT_FLAGS, ttyEnv } from './pty.js';
import type { ContainerSpec, RuntimeCapabilities } from './types.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface LaunchContext {
  tools: HostTools;
  capabilities: RuntimeCapabilities;
  /** Cgroup directories the container joins before its program starts. */
  cgroupDirs: string[];
  /** Per-container directory on the node backing its private /tmp. */
  tmpDir: string;
  /** Per-container directory on the node that becomes its private /dev (made afresh at each start). */
  devDir: string;
}

export interface Launched {
  child: ChildProcess;
  /** The chain's exit, listened for from the spawn on so a quick exit is never missed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Both output pipes have closed. */
  drained: Promise<void>;
  /** Host PID of the shell that is the container's PID 1 (the target for nsenter). */
  initPid: number;
  /** Host PID of the container's program, child of that shell or of script (0 if it ended at once). */
  appPid: number;
  /** Host PID of script(1) holding a tty container's terminal, between shell and program (else 0). */
  ptyPid: number;
}

/** The container's environment: exactly what the spec says, with a PATH if it has none. */
export function containerEnv(env: Record<string, string>): Record<string, string> {
  return 'PATH' in env ? { ...env } : { PATH: DEFAULT_PATH, ...env };
}

/**
 * What script(1) runs for a tty container (undefined without a tty, or without script on the
 * node). `exec`: the program is script's own child, the one stop signals and a resize finds.
 */
export function ttyCommand(spec: ContainerSpec, tools: HostTools): string | undefined {
  if (!spec.tty || !tools.script) return undefined;
  const env = Object.entries(ttyEnv(containerEnv(spec.env))).map(([k, v]) => `${k}=${v}`);
  return `exec ${[tools.env, '-i', ...env, ...spec.argv].map(shQuote).join(' ')}`;
}

/**
 * The shell that prepares the container from inside its new namespaces and then runs the
 * program as its child. The shell stays as PID 1 (like a pod's pause process with a shared
 * PID namespace) so the program gets default signal behaviour and its exit code comes back
 * as the shell's. Setup errors go to fd 3, which the runtime reads; "ready" says setup is done.
 */
export function setupScript(spec: ContainerSpec, ctx: LaunchContext): string {
  const q = shQuote;
  const isolated = ctx.capabilities.mounts;
  // ':' keeps the block valid when there is nothing to set up.
  const lines: string[] = ['set -e', '{', ':'];
  for (const dir of ctx.cgroupDirs) lines.push(`echo 0 > ${q(path.join(dir, 'cgroup.procs'))}`);
  if (isolated) {
    // All mounts in one process (see container-mounts.ts); the hostname with shell builtins.
    // The hostname first: the sandbox directory may lie under the node's /tmp, hidden after the mounts.
    if (spec.sandbox.netns) lines.push(`read -r h < ${q(path.join(spec.sandbox.dir, 'etc-hostname'))}`, `printf '%s\\n' "$h" > /proc/sys/kernel/hostname`);
    lines.push(`${q(ctx.tools.mount ?? 'mount')} -a -T ${q(fstabPath(ctx))}`);
    // Best effort: a read-only or missing directory leaves the file to the program. Not `:`,
    // a special built-in, whose failed redirection would end the shell.
    for (const f of spec.createdAtStart ?? []) lines.push(`{ true >> ${q(f)}; } 2>/dev/null || true`);
  }
  if (spec.workingDir) lines.push(`[ -d ${q(spec.workingDir)} ] || mkdir -p ${q(spec.workingDir)}`, `cd ${q(spec.workingDir)}`);
  lines.push('} 2>&3');
  lines.push(`echo ready >&3`, `exec 3>&-`);
  const tty = ttyCommand(spec, ctx.tools);
  if (tty !== undefined) {
    // script runs its command with $SHELL -c; the node's shell, whatever the kubelet's SHELL.
    lines.push(`set +e`, `SHELL=${q(ctx.tools.sh)} ${q(ctx.tools.script!)} ${SCRIPT_FLAGS} ${q(tty)} /dev/null`, 'exit $?');
    return lines.join('\n');
  }
  const env = Object.entries(containerEnv(spec.env)).map(([k, v]) => q(`${k}=${v}`));
  lines.push(`set +e`, `${q(ctx.tools.env)} -i ${env.join(' ')} "$@"`, 'exit $?');
  return lines.join('\n');
}

/** Where the container's fstab is written, beside its /dev and /tmp directories. */
export function fstabPath(ctx: LaunchContext): string {
  return path.join(path.dirname(ctx.devDir), 'mounts.fstab');
}

/** setpriv (parent-death signal) → nsenter (pod network) → unshare (mount, PID, UTS) → sh. */
export function containerCommand(spec: ContainerSpec, ctx: LaunchContext): string[] {
  const t = ctx.tools;
  const cmd: string[] = [];
  // PDEATHSIG survives exec, so it covers nsenter and unshare; unshare --kill-child passes it on.
  if (t.setpriv) cmd.push(t.setpriv, '--pdeathsig', 'KILL', '--');
  if (ctx.capabilities.mounts && t.unshare) {
    if (spec.sandbox.netns && t.nsenter) cmd.push(t.nsenter, `--net=${spec.sandbox.netns}`, '--');
    cmd.push(t.unshare, '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc');
    if (spec.sandbox.netns) cmd.push('--uts');
    cmd.push('--');
  }
  cmd.push(t.sh, '-c', setupScript(spec, ctx), 'sh', ...spec.argv);
  return cmd;
}

/**
 * True once `pid` is past the steps on the way to the program (or is gone). Compared by what it
 * is not: a program may rewrite its own command line (nginx does).
 */
async function runsProgram(pid: number, onTheWay: (cmdline: string) => boolean, gone: () => boolean): Promise<true | undefined> {
  if (gone()) return true;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline !== '') return onTheWay(cmdline) ? undefined : true;
    // Empty for a zombie, and also, often, halfway through an execve (new memory, no arguments
    // yet): between sh and env, or env and the program.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z' ? true : undefined;
  } catch {
    return true; // already exited
  }
}

/**
 * Starts the container and resolves once its program runs (past the setup shell and `env`);
 * rejects with the setup's own error text when setup fails (a missing mount source, an
 * unwritable cgroup).
 */
export async function launch(
  spec: ContainerSpec,
  ctx: LaunchContext,
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
): Promise<Launched> {
  if (ctx.capabilities.mounts) await prepareMounts(spec, ctx, fstabPath(ctx));
  const [file, ...args] = containerCommand(spec, ctx);
  const tty = ttyCommand(spec, ctx.tools);
  const child = spawn(file!, args, {
    env: { PATH: DEFAULT_PATH },
    // Like an image without WORKDIR; never the kubelet's own directory.
    cwd: '/',
    // A terminal's program reads it, not stdin: script gets a pipe nobody writes to rather than
    // /dev/null, whose EOF it would pass on as ^D.
    stdio: [spec.stdin || tty !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
    // Its own process group: a terminal's ^C to the kubelet must not reach containers directly.
    detached: true,
  });
  // Read output from the first moment: Node discards what nobody reads once the child exits.
  const drained = Promise.all(
    (['stdout', 'stderr'] as const).map((name) => {
      const stream = child[name]!;
      stream.on('data', (chunk: Buffer) => onOutput(name, chunk));
      return new Promise<void>((resolve) => stream.once('close', resolve));
    }),
  ).then(() => undefined);
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      resolve({ code, signal });
    });
  });
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  if (!spawned || child.pid === undefined) throw new Error(`cannot start ${file}`);
  // Writing to a program that has stopped reading must not crash the kubelet (EPIPE).
  child.stdin?.on('error', () => undefined);
  const pid = child.pid;

  const setup = child.stdio[3] as Readable;
  let text = '';
  const ready = await new Promise<boolean>((resolve) => {
    setup.on('data', (b: Buffer) => {
      text += b.toString('utf8');
      if (/(^|\n)ready\n/.test(text)) resolve(true);
    });
    void exited.then(() => setTimeout(() => resolve(/(^|\n)ready\n/.test(text)), 0));
  });
  // Only setup writes to fd 3; unshare would hold it open for the container's whole life.
  setup.destroy();
  if (!ready) {
    const why = text.trim() || `exited with ${child.exitCode ?? child.signalCode}`;
    throw new Error(`container ${spec.name} setup failed: ${why}`);
  }
  const isolated = ctx.capabilities.mounts && Boolean(ctx.tools.unshare);
  // A container may be done before we look: then its PIDs no longer matter.
  const firstChild = async (parent: number): Promise<number | undefined> => (await childrenOf(parent))[0] ?? (gone ? 0 : undefined);
  const initPid = isolated ? ((await waitFor(() => firstChild(pid), 2_000, 2)) ?? 0) || pid : pid;
  let appPid = (await waitFor(() => firstChild(initPid), 2_000, 2)) ?? 0;
  let ptyPid = 0;
  if (tty !== undefined && appPid > 0) {
    ptyPid = appPid;
    appPid = (await waitFor(() => firstChild(ptyPid), 2_000, 2)) ?? 0;
  }
  // Started means the program runs, as runc's start returns once its process has exec'd: the
  // shell's forked child becomes `env`, then the program (on a tty, script's child is a fork of
  // script, then `sh -c` with the command, then `env`). The next container of the pod starts
  // only after this one, so a sidecar finds what the program before it creates at once.
  if (appPid > 0) {
    const envPrefix = `${ctx.tools.env}\0`;
    const shell = await readFile(`/proc/${initPid}/cmdline`, 'utf8').catch(() => '');
    const onTheWay =
      tty !== undefined ? (c: string) => c.includes(`\0${tty}\0`) || c.startsWith(envPrefix) : (c: string) => c === shell || c.startsWith(envPrefix);
    await waitFor(() => runsProgram(appPid, onTheWay, () => gone), 2_000, 1);
  }
  return { child, exited, drained, initPid, appPid, ptyPid };
}
