/**
 * What the kubelet's streaming server (logs, exec, attach, port-forward) asks of the rest of the
 * kubelet. The streaming code knows wires; these two lookups know pods. Both answer from the
 * kubelet's own state, never from the apiserver, so a stream never waits on the control plane.
 */
import type { Sandbox } from '@kite/runtime';

/** Why a lookup failed, for the streaming server to map to a gRPC code (and kubectl's message). */
export type LookupErrorCode =
  /** No such pod on this node, or no such container in it (gRPC NOT_FOUND). */
  | 'NotFound'
  /** The pod or container exists but is not in a state the request needs, e.g. not running (FAILED_PRECONDITION). */
  | 'NotRunning'
  /** `container` was omitted and the pod has more than one container (INVALID_ARGUMENT). */
  | 'ContainerRequired';

/** Thrown by `PodLookup` and `LogLocator`; the message is meant for the user as it stands. */
export class LookupError extends Error {
  override name = 'LookupError';
  constructor(
    readonly code: LookupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface PodRef {
  namespace: string;
  name: string;
  /** Omitted: the pod's only container (or its `kubectl.kubernetes.io/default-container`). */
  container?: string;
}

export interface RunningContainer {
  /** The pod's sandbox: its IP, network namespace and directory (port-forward dials into it). */
  sandbox: Sandbox;
  /** The pod's UID. */
  podUID: string;
  /** The container the request resolved to (the default one when `container` was omitted). */
  container: string;
  /** The runtime's ID of the container's current instance, for `Runtime.exec`; undefined when it is not running. */
  containerID?: string;
}

/** pod (and container) → sandbox and runtime container ID, for exec, attach and port-forward. */
export interface PodLookup {
  /**
   * Resolves the pod and, when `requireRunning` is true (exec, attach), a running container;
   * throws `LookupError`: NotFound (no such pod/container on this node), NotRunning (no
   * sandbox yet, or the container is not running), ContainerRequired (several containers and
   * none named). Port-forward calls it with `requireRunning: false` and uses only the sandbox.
   */
  find(ref: PodRef, requireRunning: boolean): RunningContainer;
}

export interface LogRef extends PodRef {
  /** The instance before the current one (`kubectl logs --previous`). */
  previous?: boolean;
}

export interface LogLocation {
  /** CRI-format log file (`<root>/pods/<ns>_<name>_<uid>/<container>/<attempt>.log`), for `readLogs`. */
  path: string;
  /** The container the request resolved to. */
  container: string;
  /** False when the instance has exited: a follow ends at the end of the file. */
  running: boolean;
}

/** pod/container/previous → the CRI log file to read. */
export interface LogLocator {
  /**
   * Throws `LookupError`: NotFound for an unknown pod or container; NotRunning with kubectl's
   * wording when there is nothing to read yet (`container "x" in pod "p" is waiting to start:
   * ContainerCreating`) or no previous instance (`previous terminated container "x" in pod "p"
   * not found`); ContainerRequired when the pod has several containers and none is named.
   */
  locate(ref: LogRef): LogLocation;
}
