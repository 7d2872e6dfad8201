/**
 * The pod status the kubelet reports, computed from what it knows of each container, following
 * Kubernetes' kubelet (getPhase, the condition generators, convertToAPIContainerStatuses) so
 * `kubectl get pods` reads READY, STATUS and RESTARTS as it does on a real cluster.
 */
import { isSidecar, type Container, type ContainerState, type ContainerStatus, type Pod, type PodCondition, type PodStatus } from './types.js';

/** What the kubelet knows about one container; the API's ContainerStatus minus defaults. */
export interface ContainerRecord {
  name: string;
  image: string;
  imageID: string;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  started: boolean;
  containerID?: string;
}

export interface PodRecord {
  /** The sandbox exists and has its network (PodReadyToStartContainers). */
  sandboxReady: boolean;
  podIP?: string;
  hostIP: string;
  startTime?: string;
  /** Set when the kubelet failed the pod itself (activeDeadlineSeconds): phase Failed with this reason once nothing runs. */
  failure?: { reason: string; message: string };
  init: Map<string, ContainerRecord>;
  app: Map<string, ContainerRecord>;
}

export function newContainerRecord(c: Container, waitingReason: string): ContainerRecord {
  return { name: c.name, image: c.image, imageID: '', restartCount: 0, state: { waiting: { reason: waitingReason } }, lastState: {}, ready: false, started: false };
}

/** The reason a container that has not started yet waits with. */
export const defaultWaitingReason = (pod: Pod): string => ((pod.spec.initContainers ?? []).length > 0 ? 'PodInitializing' : 'ContainerCreating');

function toStatus(c: Container, r: ContainerRecord | undefined, waiting: string, init = false): ContainerStatus {
  const rec = r ?? newContainerRecord(c, waiting);
  const s: ContainerStatus = {
    name: c.name,
    state: rec.state,
    lastState: rec.lastState,
    // An init container that completed counts as ready, as Kubernetes' prober reports it; a
    // sidecar is ready as its probes say, like an app container.
    ready: init && !isSidecar(c) && rec.state.terminated?.exitCode === 0 ? true : rec.ready,
    restartCount: rec.restartCount,
    image: rec.image,
    imageID: rec.imageID,
    started: rec.started,
  };
  if (rec.containerID !== undefined) s.containerID = rec.containerID;
  return s;
}

const sidecarNames = (pod: Pod): Set<string> => new Set((pod.spec.initContainers ?? []).filter(isSidecar).map((c) => c.name));

/** Kubernetes' getPhase over the container statuses. */
export function podPhase(pod: Pod, init: ContainerStatus[], app: ContainerStatus[]): string {
  const policy = pod.spec.restartPolicy ?? 'Always';
  const sidecars = sidecarNames(pod);
  let pendingInit = 0;
  let failedInit = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of init) {
    if (sidecars.has(s.name)) {
      // A running sidecar keeps the pod Running; a stopped one is ignored, so a Job's pod ends
      // Succeeded or Failed by its app containers alone once the kubelet stopped its sidecars.
      if (s.state.running !== undefined) {
        running++;
        if (s.started !== true) pendingInit++;
      } else if (s.state.terminated === undefined && s.lastState.terminated === undefined) {
        pendingInit++;
        waiting++;
      }
      continue;
    }
    const t = s.state.terminated ?? (s.state.waiting !== undefined ? s.lastState.terminated : undefined);
    if (s.state.running !== undefined || t === undefined) pendingInit++;
    else if (t.exitCode === 0 && s.state.terminated !== undefined) continue;
    else if (t.exitCode === 0) pendingInit++;
    else failedInit++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  for (const s of app) {
    if (s.state.running !== undefined) running++;
    else if (s.state.terminated !== undefined) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated !== undefined) stopped++;
    else waiting++;
  }
  if (pendingInit > 0 || failedInit > 0 || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False' };
  if (!ok && reason !== undefined) c.reason = reason;
  if (!ok && message !== undefined) c.message = message;
  return c;
}

/** Keeps a condition's lastTransitionTime while its status stays the same. */
function stamp(conds: PodCondition[], previous: PodCondition[], now: string): PodCondition[] {
  return conds.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    return { ...c, lastProbeTime: null, lastTransitionTime: old !== undefined && old.status === c.status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : now };
  });
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']);

/** The whole status to report for `pod` given what the kubelet knows, at time `now` (RFC 3339). */
export function buildPodStatus(pod: Pod, rec: PodRecord, now: string): PodStatus {
  const prev = pod.status ?? {};
  const waiting = defaultWaitingReason(pod);
  const initSpecs = pod.spec.initContainers ?? [];
  const init = initSpecs.map((c) => toStatus(c, rec.init.get(c.name), waiting, true));
  const app = pod.spec.containers.map((c) => toStatus(c, rec.app.get(c.name), waiting));
  // The kubelet's own verdict (a deadline) waits for the containers it stops, as Kubernetes
  // reports no terminal phase while a container may still run.
  const failed = rec.failure !== undefined && ![...init, ...app].some((s) => s.state.running !== undefined);
  const phase = failed ? 'Failed' : podPhase(pod, init, app);

  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const sidecars = sidecarNames(pod);
  // A sidecar counts as initialized once started; a pod whose app containers started once stays
  // initialized while a sidecar restarts.
  const incompleteInit = init.filter((s) => (sidecars.has(s.name) ? s.started !== true : !(s.state.terminated?.exitCode === 0))).map((s) => s.name);
  const appStarted = app.some((s) => s.state.running !== undefined || s.state.terminated !== undefined);
  const initialized = incompleteInit.length === 0 || appStarted || (terminal && app.some((s) => s.lastState.terminated !== undefined));
  const unready = [...init.filter((s) => sidecars.has(s.name)), ...app].filter((s) => !s.ready).map((s) => s.name);
  const containersReady = unready.length === 0 && !terminal;
  const gates = (pod.spec.readinessGates ?? []).map((g) => g.conditionType);
  const prevConds = prev.conditions ?? [];
  const unmetGates = gates.filter((g) => prevConds.find((c) => c.type === g)?.status !== 'True');
  let notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  let notReadyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  if (containersReady && unmetGates.length > 0) {
    notReadyReason = 'ReadinessGatesNotReady';
    notReadyMessage = `corresponding condition of pod readiness gate "${unmetGates[0]}" does not exist.`;
  }
  const conds: PodCondition[] = [
    condition('PodReadyToStartContainers', rec.sandboxReady && !terminal),
    condition('Initialized', initialized, terminal ? 'PodCompleted' : 'ContainersNotInitialized', terminal ? undefined : `containers with incomplete status: [${incompleteInit.join(' ')}]`),
    condition('Ready', containersReady && unmetGates.length === 0, notReadyReason, notReadyMessage),
    condition('ContainersReady', containersReady, terminal ? 'PodCompleted' : 'ContainersNotReady', terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`),
    condition('PodScheduled', true),
  ];
  const stamped = stamp(conds, prevConds, now);
  // Conditions owned by others (readiness gates, DisruptionTarget …) are kept as they are.
  const scheduled = prevConds.find((c) => c.type === 'PodScheduled');
  if (scheduled !== undefined) stamped[stamped.length - 1] = scheduled;
  const others = prevConds.filter((c) => !KUBELET_CONDITIONS.has(c.type));

  const status: PodStatus = { ...prev, phase, conditions: [...stamped, ...others], hostIP: rec.hostIP, hostIPs: [{ ip: rec.hostIP }] };
  if (rec.podIP !== undefined && rec.podIP !== '') {
    status.podIP = rec.podIP;
    status.podIPs = [{ ip: rec.podIP }];
  }
  if (rec.startTime !== undefined) status.startTime = rec.startTime;
  if (failed && rec.failure !== undefined) {
    status.reason = rec.failure.reason;
    status.message = rec.failure.message;
  }
  if (init.length > 0) status.initContainerStatuses = init;
  else delete status.initContainerStatuses;
  status.containerStatuses = app;
  return status;
}
