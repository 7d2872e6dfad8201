/**
 * What a plugin says about a pod and a node, with kube-scheduler's codes:
 * - Success: the node is fine for the pod.
 * - Error: something broke (not the pod's fault); the pod is retried after back-off.
 * - Unschedulable: the node does not fit now, but could if pods were removed (preemption may help).
 * - UnschedulableAndUnresolvable: removing pods would not help on this node (no preemption).
 * - Skip: a PreFilter/PreScore plugin has nothing to do for this pod; its Filter/Score is skipped.
 */
export enum Code {
  Success = 0,
  Error = 1,
  Unschedulable = 2,
  UnschedulableAndUnresolvable = 3,
  Skip = 4,
}

export class Status {
  private static readonly ok = new Status(Code.Success);

  constructor(
    readonly code: Code,
    /** Human-readable reasons; these are what FailedScheduling counts. */
    readonly reasons: readonly string[] = [],
    /** The plugin that returned it (set by the framework). */
    public plugin = '',
  ) {}

  static success(): Status {
    return Status.ok;
  }

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }

  static error(message: string): Status {
    return new Status(Code.Error, [message]);
  }

  static skip(): Status {
    return new Status(Code.Skip);
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }

  /** Unschedulable or UnschedulableAndUnresolvable. */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  message(): string {
    return this.reasons.join(', ');
  }

  withPlugin(name: string): Status {
    return this.code === Code.Success ? this : new Status(this.code, this.reasons, name);
  }
}
