/**
 * The runtime contract: the kubelet knows pods, the runtime knows processes. A sandbox holds a
 * pod's shared namespaces (network, and its directory on disk); a container is one process
 * tree started in it. Nothing here reads the Kubernetes API.
 */

/** What the runtime can isolate on this machine, decided once at start. */
export interface RuntimeCapabilities {
  /** Network namespaces, veths and a bridge (needs root or CAP_NET_ADMIN). */
  network: boolean;
  /** Per-container mount namespaces with bind-mounted volumes, /etc/hosts, private /tmp. */
  mounts: boolean;
  /** Per-container PID namespace: the whole process tree dies with its first process. */
  pid: boolean;
  /** Memory limits (and OOM detection) through writable cgroups. */
  memoryLimits: boolean;
  /** CPU quota through writable cgroups. */
  cpuQuota: boolean;
  /** Why anything above is false, in words for a Node condition or event. */
  limitations: string[];
}

export interface SandboxSpec {
  /** The pod's UID: names everything the runtime creates for it. */
  uid: string;
  namespace: string;
  name: string;
  /** Pod hostname (spec.hostname or the pod name) and optional subdomain. */
  hostname: string;
  subdomain?: string;
  /** spec.hostNetwork: share the node's network instead of a namespace. */
  hostNetwork: boolean;
  /** Extra /etc/hosts entries (spec.hostAliases). */
  hostAliases?: Array<{ ip: string; hostnames: string[] }>;
}

export interface Sandbox {
  uid: string;
  /** The pod IP: from the node's pod CIDR, or the node's IP when not isolated. */
  ip: string;
  /** Path of the network namespace (`/run/netns/...`), undefined on the host network. */
  netns?: string;
  /** The pod's directory: volumes, etc-hosts, logs live under it. */
  dir: string;
  /** False when the pod runs on the host network because the runtime cannot isolate it. */
  isolated: boolean;
}

export interface MountSpec {
  /** Directory or file on the node. */
  hostPath: string;
  /** Where the container sees it. */
  containerPath: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  sandbox: Sandbox;
  /** Container name, unique in the pod. */
  name: string;
  /** 0 for the first start, then +1 per restart (the log file and restartCount follow it). */
  attempt: number;
  /** Program and arguments, already resolved through the image catalog and $(VAR) expansion. */
  argv: string[];
  env: Record<string, string>;
  workingDir?: string;
  mounts: MountSpec[];
  /** Container paths made empty files during setup when missing (ImageConfig.createdAtStart). */
  createdAtStart?: string[];
  /** Bytes; undefined for no limit. */
  memoryLimitBytes?: number;
  /** Millicores; undefined for no quota. */
  cpuLimitMillis?: number;
  /** CRI-format log file for stdout and stderr. */
  logPath: string;
  /** Keep stdin open for `kubectl attach -i` (spec.stdin). */
  stdin?: boolean;
  /** Close stdin when the first attach session feeding it ends (spec.stdinOnce). */
  stdinOnce?: boolean;
  /** Run the program on a pseudo-terminal: its stdio, and what the log and attach carry. */
  tty?: boolean;
}

export interface ContainerInfo {
  /** Runtime-wide unique ID: `<pod uid>/<name>/<attempt>`. */
  id: string;
  /** The host PID of the container's first process. */
  pid: number;
  startedAt: Date;
}

export type TerminationReason = 'Completed' | 'Error' | 'OOMKilled';

export interface ExitStatus {
  exitCode: number;
  /** Signal name when killed by one (exitCode is then 128 + its number). */
  signal?: string;
  reason: TerminationReason;
  finishedAt: Date;
}

export interface ExecOptions {
  /** Container ID whose namespaces and mounts the command joins. */
  container: string;
  argv: string[];
  env?: Record<string, string>;
  tty?: boolean;
}

/** A running exec or attach session: plain streams and the exit. */
export interface ExecSession {
  stdin: NodeJS.WritableStream;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** Resolves with the exit code (128 + signal number when killed). */
  exit: Promise<number>;
  resize(cols: number, rows: number): void;
  kill(): void;
}

export interface AttachOptions {
  /** Whether the session feeds the container's stdin (default true). */
  stdin?: boolean;
}

export interface Runtime {
  readonly capabilities: RuntimeCapabilities;
  /** Creates the pod's namespaces, address and directory; idempotent for one UID. */
  createSandbox(spec: SandboxSpec): Promise<Sandbox>;
  /** Removes everything the sandbox created: processes, namespace, veth, cgroups, directory. */
  removeSandbox(uid: string): Promise<void>;
  /** Starts a container; resolves once its process exists. */
  start(spec: ContainerSpec): Promise<ContainerInfo>;
  /** Resolves when the container exits. */
  wait(id: string): Promise<ExitStatus>;
  /** SIGTERM to the container's first process, SIGKILL to all of it after `graceMs`. */
  stop(id: string, graceMs: number): Promise<ExitStatus>;
  /** Runs a command in a running container's namespaces (exec probes, kubectl exec). */
  exec(opts: ExecOptions): Promise<ExecSession>;
  /** Opens a TCP connection to `port` on the pod's address, from inside its network (port-forward). */
  connect(sandbox: Sandbox, port: number): Promise<import('node:net').Socket>;
  /** Kills and removes whatever a previous run of this kubelet left (after a crash). */
  recover(): Promise<{ removedSandboxes: string[] }>;
}
