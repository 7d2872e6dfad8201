import { ageColumn, nameColumn } from './common-columns.js';
import { since } from './duration.js';
import { bool, creation, deleting, int, name, obj, objList, str, time, type Obj } from './fields.js';
import { column, type TablePrinter, type TableRowCondition } from './types.js';

/** Reason the node lifecycle controller gives pods on an unreachable node (util/node.NodeUnreachablePodReason). */
const NODE_LOST = 'NodeLost';

const columns = [
  nameColumn,
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn,
  column('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', { wide: true }),
  column(
    'Node',
    'string',
    'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
    { wide: true },
  ),
  column(
    'Nominated Node',
    'string',
    'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
    { wide: true },
  ),
  column(
    'Readiness Gates',
    'string',
    'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
    { wide: true },
  ),
];

/** A struct pointer field is set when present and not null, even if empty (`waiting: {}`). */
function isSet(o: Obj, key: string): boolean {
  const v = o[key];
  return typeof v === 'object' && v !== null;
}

/** A sidecar: an init container that keeps running (restartPolicy Always). */
const restartable = (c: Obj | undefined): boolean => c !== undefined && c.restartPolicy === 'Always';

/** The first condition of `type` decides, as the Go helpers loop and return on the first match. */
function conditionTrue(conditions: Obj[], type: string): boolean {
  const c = conditions.find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}

function hasReadyCondition(conditions: Obj[]): boolean {
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** When a container's previous run finished, if it has one. */
const lastFinished = (status: Obj): number | undefined =>
  isSet(obj(status, 'lastState'), 'terminated') ? time(obj(status, 'lastState', 'terminated').finishedAt) : undefined;

const later = (a: number | undefined, b: number | undefined): number | undefined => (b === undefined || (a !== undefined && b <= a) ? a : b);

const terminatedReason = (t: Obj, prefix: string): string => {
  const reason = str(t.reason);
  if (reason !== '') return prefix + reason;
  return int(t.signal) !== 0 ? `${prefix}Signal:${int(t.signal)}` : `${prefix}ExitCode:${int(t.exitCode)}`;
};

interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  lastRestart: number | undefined;
}

/** The READY, STATUS and RESTARTS of `kubectl get pods`, following printPod step by step. */
export function summarizePod(pod: Obj): PodSummary {
  const spec = obj(pod, 'spec');
  const status = obj(pod, 'status');
  const conditions = objList(status.conditions);
  const phase = str(status.phase);
  const initSpecs = objList(spec.initContainers);

  let reason = str(status.reason) !== '' ? str(status.reason) : phase;
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initByName = new Map(initSpecs.map((c) => [str(c.name), c] as const));
  const total = objList(spec.containers).length + initSpecs.filter((c) => restartable(c)).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  let initializing = false;
  const initStatuses = objList(status.initContainerStatuses);
  for (const [i, c] of initStatuses.entries()) {
    const sidecar = restartable(initByName.get(str(c.name)));
    restarts += int(c.restartCount);
    lastRestart = later(lastRestart, lastFinished(c));
    if (sidecar) {
      sidecarRestarts += int(c.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, lastFinished(c));
    }
    const state = obj(c, 'state');
    const terminated = isSet(state, 'terminated') ? obj(state, 'terminated') : undefined;
    const waiting = isSet(state, 'waiting') ? obj(state, 'waiting') : undefined;
    if (terminated !== undefined && int(terminated.exitCode) === 0) continue;
    if (sidecar && bool(c.started)) {
      if (bool(c.ready)) ready++;
      continue;
    }
    if (terminated !== undefined) {
      reason = terminatedReason(terminated, 'Init:');
    } else if (waiting !== undefined && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objList(status.containerStatuses);
    // Backwards, so the first container's state has the last word, as in printPod.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as Obj;
      restarts += int(c.restartCount);
      lastRestart = later(lastRestart, lastFinished(c));
      const state = obj(c, 'state');
      const waiting = obj(state, 'waiting');
      const terminated = obj(state, 'terminated');
      if (isSet(state, 'waiting') && str(waiting.reason) !== '') {
        reason = str(waiting.reason);
      } else if (isSet(state, 'terminated')) {
        reason = terminatedReason(terminated, '');
      } else if (bool(c.ready) && isSet(state, 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasReadyCondition(conditions) ? 'Running' : 'NotReady';
  }

  if (deleting(pod)) {
    if (str(status.reason) === NODE_LOST) reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }
  return { ready, total, reason, restarts, lastRestart };
}

function readinessGates(pod: Obj): string {
  const gates = objList(obj(pod, 'spec').readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = objList(obj(pod, 'status').conditions);
  const met = gates.filter((g) => conditionTrue(conditions, str(g.conditionType))).length;
  return `${met}/${gates.length}`;
}

const orNone = (s: string): string => (s === '' ? '<none>' : s);

function podIP(status: Obj): string {
  const first = objList(status.podIPs)[0];
  // Servers convert a lone podIP into podIPs[0]; read either.
  return orNone(first !== undefined ? str(first.ip) : str(status.podIP));
}

export const podPrinter: TablePrinter = {
  columns,
  row(pod, now) {
    const s = summarizePod(pod);
    const restarts = s.restarts !== 0 && s.lastRestart !== undefined ? `${s.restarts} (${since(s.lastRestart, now)} ago)` : String(s.restarts);
    const status = obj(pod, 'status');
    return [
      name(pod),
      `${s.ready}/${s.total}`,
      s.reason,
      restarts,
      since(creation(pod), now),
      podIP(status),
      orNone(str(obj(pod, 'spec').nodeName)),
      orNone(str(status.nominatedNodeName)),
      readinessGates(pod),
    ];
  },
  conditions(pod): TableRowCondition[] | undefined {
    const phase = str(obj(pod, 'status').phase);
    if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};
