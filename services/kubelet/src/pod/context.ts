import type { KiteClient } from '@kite/client';
import type { Logger } from '@kite/common';
import type { KubeletDeps } from '../deps.js';
import type { EventRecorder, InvolvedObject } from '../events.js';
import type { BackoffFigures } from './backoff.js';
import type { ConfigSource } from './env.js';
import type { NodeAllocatable } from './field-path.js';
import type { StatusWriter } from './status-writer.js';
import type { Pod } from './types.js';

/** What every pod worker shares: the kubelet's clients, helpers and figures. */
export interface WorkerContext {
  nodeName: string;
  /** The node's address: status.hostIP. */
  hostIP: string;
  /** `<root>/pods`: each pod's directory (logs, volumes) lives under it. */
  podsDir: string;
  backoff: BackoffFigures;
  deps: KubeletDeps;
  client: KiteClient;
  events: EventRecorder;
  status: StatusWriter;
  config: ConfigSource;
  node: NodeAllocatable;
  log: Logger;
  metrics?: WorkerMetrics;
}

/** What the pod workers count, for /metrics. */
export interface WorkerMetrics {
  /** From the pod's creation to the kubelet first reporting it Running. */
  podStarted(seconds: number): void;
  containerStarted(): void;
}

export function podRef(pod: Pod, container?: string, init = false): InvolvedObject {
  const ref: InvolvedObject = { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name as string, namespace: pod.metadata.namespace as string, uid: pod.metadata.uid as string };
  if (container !== undefined) ref.fieldPath = `spec.${init ? 'initContainers' : 'containers'}{${container}}`;
  return ref;
}
