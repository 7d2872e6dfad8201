import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import { constants } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { probeCapabilities, type HostTools } from './capabilities.js';
import { Cgroups } from './cgroups.js';
import { startExec } from './exec.js';
import { ptyResizer } from './pty.js';
import { createLogWriter, type LogWriter } from './logs/index.js';
import { hostNames, type HostNames } from './host-names.js';
import { PodCIDRInUseError, PodNetwork } from './network.js';
import { podDir, podDirUids, readPodState, removePodDir, writePodDir } from './sandbox.js';
import { childrenOf } from './command.js';
import { launch } from './spawn.js';
import type {
  AttachOptions,
  ContainerInfo,
  ContainerSpec,
  ExecOptions,
  ExecSession,
  ExitStatus,
  Runtime,
  RuntimeCapabilities,
  Sandbox,
  SandboxSpec,
} from './types.js';

/** The part of a pino logger the runtime uses. */
export interface RuntimeLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface ProcessRuntimeOptions {
  /** The kubelet's state directory: pods/<uid>/ and ipam/ live under it. */
  rootDir: string;
  nodeName: string;
  /**
   * Tells this instance apart from others on the machine with the same node name: the bridge,
   * network namespaces, veths and cgroups are named after it and nodeName (see hostNames). The
   * kubelet passes its --root-dir. Default rootDir.
   */
  instanceDir?: string;
  /** The node's pod CIDR (IPv4); without it pods use the host network. */
  podCIDR?: string;
  /**
   * The pod network of the whole cluster, containing podCIDR. Every runtime given the same one
   * joins its node bridge to one shared bridge, and pods get its prefix length: pods on
   * different nodes of the machine reach each other by pod IP, bridged, never routed.
   */
  clusterCIDR?: string;
  log?: RuntimeLogger;
  /** Rotation of each container's CRI log: size per file and rotated files kept (default 10 MiB, 4). */
  logRotation?: { maxBytes: number; maxFiles: number };
}

/** The node's own address, used as the pod IP when a pod shares the host network. */
const NODE_IP = '127.0.0.1';
const STREAM_DRAIN_MS = 2_000;

interface ContainerRecord {
  id: string;
  spec: ContainerSpec;
  key: string;
  child: ChildProcess;
  initPid: number;
  appPid: number;
  /** Sets the size of a tty container's terminal (does nothing without a tty). */
  resize: (cols: number, rows: number) => void;
  cgroupDirs: string[];
  startedAt: Date;
  exited: Promise<ExitStatus>;
  status?: ExitStatus;
  output: EventEmitter;
  termSent: boolean;
  killAt?: number;
  killTimer?: NodeJS.Timeout;
}

const silent: RuntimeLogger = { info() {}, warn() {}, debug() {} };

/**
 * Containers as process trees on this machine: a pod's sandbox is a network namespace on the
 * node's bridge plus a directory; each container is a shell-as-PID-1 in fresh mount, PID and UTS
 * namespaces that dies with the kubelet (parent-death signal). See spawn.ts for the launch chain.
 */
export class ProcessRuntime implements Runtime {
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly creating = new Map<string, Promise<Sandbox>>();
  private readonly log: RuntimeLogger;

  private constructor(
    readonly capabilities: RuntimeCapabilities,
    private readonly tools: HostTools,
    private readonly cgroups: Cgroups,
    private readonly network: PodNetwork | undefined,
    /** What this instance is called on the host (bridge, netns, cgroups). */
    readonly hostNames: HostNames,
    private readonly opts: ProcessRuntimeOptions,
  ) {
    this.log = opts.log ?? silent;
  }

  /**
   * Throws PodCIDRInUseError when another interface on the machine has an address in podCIDR,
   * ClusterLinkError when the node bridge cannot join the cluster's shared bridge.
   */
  static async create(opts: ProcessRuntimeOptions): Promise<ProcessRuntime> {
    const probe = await probeCapabilities({ podCIDR: opts.podCIDR });
    await mkdir(path.join(opts.rootDir, 'pods'), { recursive: true });
    const names = hostNames(opts.nodeName, opts.instanceDir ?? opts.rootDir);
    let network: PodNetwork | undefined;
    const caps = probe.capabilities;
    if (caps.network && opts.podCIDR && probe.tools.ip) {
      network = new PodNetwork(probe.tools.ip, names, opts.podCIDR, path.join(opts.rootDir, 'ipam'), opts.clusterCIDR);
      try {
        await network.ensureBridge();
      } catch (err) {
        // Host networking would hide the clash, not avoid it: the node must not start.
        if (err instanceof PodCIDRInUseError) throw err;
        network = undefined;
        caps.network = false;
        caps.limitations.push(`cannot create the node bridge (${(err as Error).message}): pods use the host network`);
      }
      try {
        await network?.ensureClusterLink();
      } catch (err) {
        // A node cut off from the rest of its cluster must say so, not run half-connected pods.
        await network?.removeBridge();
        throw err;
      }
    }
    const rt = new ProcessRuntime(caps, probe.tools, new Cgroups(probe.cgroups, names.cgroup), network, names, opts);
    rt.log.info({ capabilities: caps }, 'process runtime ready');
    return rt;
  }

  async createSandbox(spec: SandboxSpec): Promise<Sandbox> {
    const known = this.sandboxes.get(spec.uid);
    if (known) return known;
    let pending = this.creating.get(spec.uid);
    if (!pending) {
      pending = this.makeSandbox(spec).finally(() => this.creating.delete(spec.uid));
      this.creating.set(spec.uid, pending);
    }
    return pending;
  }

  private async makeSandbox(spec: SandboxSpec): Promise<Sandbox> {
    const dir = podDir(this.opts.rootDir, spec.uid);
    let sandbox: Sandbox;
    if (!spec.hostNetwork && this.network) {
      const { ip, netns } = await this.network.attach(spec.uid);
      sandbox = { uid: spec.uid, ip, netns, dir, isolated: true };
    } else {
      sandbox = { uid: spec.uid, ip: NODE_IP, dir, isolated: spec.hostNetwork };
    }
    try {
      await writePodDir(sandbox, spec);
    } catch (err) {
      await this.network?.detach(spec.uid);
      throw err;
    }
    this.sandboxes.set(spec.uid, sandbox);
    this.log.debug({ pod: spec.uid, ip: sandbox.ip }, 'sandbox created');
    return sandbox;
  }

  async removeSandbox(uid: string): Promise<void> {
    const running = [...this.containers.values()].filter((c) => c.spec.sandbox.uid === uid);
    await Promise.all(running.map((c) => this.stop(c.id, 0)));
    await this.cleanUp(uid);
    for (const c of running) this.containers.delete(c.id);
    this.sandboxes.delete(uid);
  }

  /** Removes whatever exists for a pod UID, known or left over: processes, cgroups, netns, dir. */
  private async cleanUp(uid: string): Promise<void> {
    if (this.network) for (const pid of await this.network.pidsIn(uid)) killQuietly(pid, 'SIGKILL');
    await this.cgroups.remove(uid);
    await this.network?.detach(uid);
    const dir = podDir(this.opts.rootDir, uid);
    if (await readPodState(dir)) await removePodDir(dir);
  }

  async start(spec: ContainerSpec): Promise<ContainerInfo> {
    const uid = spec.sandbox.uid;
    const id = `${uid}/${spec.name}/${spec.attempt}`;
    const existing = this.containers.get(id);
    if (existing && !existing.status) throw new Error(`container ${id} is already running`);
    const key = `${spec.name}-${spec.attempt}`;
    const tmpDir = path.join(spec.sandbox.dir, 'containers', spec.name, 'tmp');
    const devDir = path.join(spec.sandbox.dir, 'containers', spec.name, 'dev');
    // A restarted container starts with an empty /tmp, as a fresh image layer would give it.
    await rm(tmpDir, { recursive: true, force: true });
    const cgroupDirs = await this.cgroups.create(uid, key, {
      memoryBytes: this.capabilities.memoryLimits ? spec.memoryLimitBytes : undefined,
      cpuMillis: this.capabilities.cpuQuota ? spec.cpuLimitMillis : undefined,
    });
    const logWriter = createLogWriter(spec.logPath, {
      ...(this.opts.logRotation ?? { maxBytes: 10 << 20, maxFiles: 4 }),
      onError: (err) => this.log.warn({ container: id, err: err.message }, 'container output not logged'),
    });
    const output = new EventEmitter();
    let launched;
    try {
      launched = await launch(spec, { tools: this.tools, capabilities: this.capabilities, cgroupDirs, tmpDir, devDir }, (name, chunk) => {
        logWriter.write(name, chunk);
        output.emit(name, chunk);
      });
    } catch (err) {
      logWriter.close();
      await this.cgroups.removeContainer(uid, key);
      throw err;
    }
    const { child, exited, drained, initPid, appPid, ptyPid } = launched;
    const record: ContainerRecord = {
      id,
      spec,
      key,
      child,
      initPid,
      appPid,
      resize: ptyResizer(this.tools.stty, ptyPid),
      cgroupDirs,
      startedAt: new Date(),
      exited: exited.then(({ code, signal }) => this.finish(record, code, signal, drained, logWriter)),
      output,
      termSent: false,
    };
    this.containers.set(id, record);
    this.log.debug({ container: id, pid: appPid || initPid }, 'container started');
    return { id, pid: appPid || initPid, startedAt: record.startedAt };
  }

  /** Records how a container ended, once its output is in the log, and frees its cgroups. */
  private async finish(
    record: ContainerRecord,
    code: number | null,
    signal: NodeJS.Signals | null,
    drained: Promise<void>,
    logWriter: LogWriter,
  ): Promise<ExitStatus> {
    if (record.killTimer) clearTimeout(record.killTimer);
    // Orphans outside a PID namespace may hold the pipes: do not wait on them forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise((r) => (timer = setTimeout(r, STREAM_DRAIN_MS)))]);
    clearTimeout(timer);
    const status = await this.exitStatus(record, code, signal);
    logWriter.close();
    await this.cgroups.removeContainer(record.spec.sandbox.uid, record.key).catch(() => undefined);
    record.status = status;
    this.log.debug({ container: record.id, ...status }, 'container exited');
    return status;
  }

  private async exitStatus(record: ContainerRecord, code: number | null, signal: NodeJS.Signals | null): Promise<ExitStatus> {
    const finishedAt = new Date();
    const failed = signal !== null || code !== 0;
    if (failed && (await this.cgroups.oomKilled(record.spec.sandbox.uid, record.key))) {
      return { exitCode: 137, signal: 'SIGKILL', reason: 'OOMKilled', finishedAt };
    }
    let exitCode: number;
    let name: string | undefined;
    if (signal) {
      exitCode = 128 + (constants.signals[signal] ?? 9);
      name = signal;
    } else {
      exitCode = code ?? 1;
      // The PID-1 shell reports a program killed by signal N as 128 + N.
      if (exitCode > 128) name = signalName(exitCode - 128);
    }
    const status: ExitStatus = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt };
    if (name) status.signal = name;
    return status;
  }

  wait(id: string): Promise<ExitStatus> {
    const record = this.containers.get(id);
    if (!record) return Promise.reject(new Error(`no container ${id}`));
    return record.exited;
  }

  async stop(id: string, graceMs: number): Promise<ExitStatus> {
    const record = this.containers.get(id);
    if (!record) throw new Error(`no container ${id}`);
    if (record.status) return record.status;
    if (!record.termSent && graceMs > 0) {
      record.termSent = true;
      const target = record.appPid || (await childrenOf(record.initPid))[0];
      if (target) killQuietly(target, 'SIGTERM');
    }
    // A second stop may shorten the grace period, never lengthen it.
    const killAt = Date.now() + Math.max(0, graceMs);
    if (record.killAt === undefined || killAt < record.killAt) {
      record.killAt = killAt;
      if (record.killTimer) clearTimeout(record.killTimer);
      record.killTimer = setTimeout(() => void this.killTree(record), Math.max(0, graceMs));
    }
    return record.exited;
  }

  /** SIGKILL to the namespace holder ends the PID namespace; the cgroup catches anything else. */
  private async killTree(record: ContainerRecord): Promise<void> {
    if (record.status) return;
    const pid = record.child.pid!;
    killQuietly(-pid, 'SIGKILL');
    killQuietly(pid, 'SIGKILL');
    for (const p of await this.cgroups.pidsOf(record.spec.sandbox.uid, record.key)) killQuietly(p, 'SIGKILL');
  }

  async exec(opts: ExecOptions): Promise<ExecSession> {
    const record = this.running(opts.container);
    return startExec(
      this.tools,
      { initPid: record.initPid, cgroupDirs: record.cgroupDirs, env: record.spec.env, namespaces: this.capabilities.mounts },
      { argv: opts.argv, env: opts.env, tty: opts.tty },
    );
  }

  /**
   * Joins a running container's own stdio (kubectl attach): output from now on, stdin when the
   * container keeps it open. Ending the session detaches; it never stops the container, but with
   * stdinOnce the first session that fed stdin closes it when it ends, and the program sees EOF.
   */
  attach(id: string, opts: AttachOptions = {}): ExecSession {
    const record = this.running(id);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const onOut = (b: Buffer): void => void stdout.write(b);
    const onErr = (b: Buffer): void => void stderr.write(b);
    const detach = (): void => {
      record.output.off('stdout', onOut);
      record.output.off('stderr', onErr);
      stdout.end();
      stderr.end();
    };
    record.output.on('stdout', onOut);
    record.output.on('stderr', onErr);
    // A tty container without spec.stdin has a pipe too (see launch), which is not for attach.
    const containerStdin = record.spec.stdin ? record.child.stdin : null;
    const closeOnce = (): void => {
      if (record.spec.stdinOnce && opts.stdin !== false) containerStdin?.end();
    };
    const stdin = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (containerStdin && !containerStdin.writableEnded && !containerStdin.destroyed) containerStdin.write(chunk, () => cb());
        else cb();
      },
      final(cb) {
        closeOnce();
        cb();
      },
    });
    return {
      stdin,
      stdout,
      stderr,
      exit: record.exited.then((s) => {
        detach();
        return s.exitCode;
      }),
      resize: record.resize,
      kill() {
        detach();
        closeOnce();
      },
    };
  }

  private running(id: string): ContainerRecord {
    const record = this.containers.get(id);
    if (!record) throw new Error(`no container ${id}`);
    if (record.status) throw new Error(`container ${id} is not running`);
    return record;
  }

  connect(sandbox: Sandbox, port: number): Promise<net.Socket> {
    const host = sandbox.netns ? sandbox.ip : NODE_IP;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }

  async recover(): Promise<{ removedSandboxes: string[] }> {
    const uids = new Set<string>([
      ...(await this.cgroups.podUids()),
      ...(await podDirUids(this.opts.rootDir)),
      ...((await this.network?.existingNamespaces()) ?? []),
      ...((await this.network?.leasedUids()) ?? []),
    ]);
    for (const uid of [...this.sandboxes.keys(), ...this.creating.keys()]) uids.delete(uid);
    const removed: string[] = [];
    for (const uid of uids) {
      try {
        await this.cleanUp(uid);
        removed.push(uid);
      } catch (err) {
        this.log.warn({ pod: uid, err: (err as Error).message }, 'cannot remove a leftover sandbox');
      }
    }
    if (this.network) {
      for (const veth of await this.network.strayVeths([...this.sandboxes.keys()])) await this.network.deleteLink(veth);
    }
    if (removed.length > 0) this.log.info({ removed }, 'removed sandboxes left by a previous run');
    return { removedSandboxes: removed };
  }

  /** Kills every container, removes every sandbox, then the node's bridge and cgroup roots. */
  async destroy(): Promise<void> {
    for (const uid of [...this.sandboxes.keys()]) await this.removeSandbox(uid);
    await this.recover();
    await this.cgroups.remove();
    await this.network?.removeBridge();
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function signalName(n: number): string | undefined {
  for (const [name, num] of Object.entries(constants.signals)) if (num === n) return name;
  return undefined;
}

