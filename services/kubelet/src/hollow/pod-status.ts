import type { ContainerStatus, Pod, PodCondition, PodStatus } from '../pod/types.js';

/** A stable fake pod IP in 10.128.0.0/9 from the pod's uid, so repeated reports agree. */
export function hollowPodIP(uid: string): string {
  let h = 0;
  for (let i = 0; i < uid.length; i++) h = (Math.imul(h, 31) + uid.charCodeAt(i)) >>> 0;
  return `10.${128 + ((h >>> 16) & 0x7f)}.${(h >>> 8) & 0xff}.${Math.max(1, h & 0xff)}`;
}

/**
 * The status a real kubelet would report once every container of the pod runs and is ready:
 * what the scheduler benchmark needs a node to say without starting anything. Conditions the
 * pod already has (PodScheduled) are kept; the kubelet's own ones are set True.
 */
export function hollowRunningStatus(pod: Pod, now: string): PodStatus {
  const prior = pod.status ?? {};
  const since = prior.startTime ?? now;
  const ours = ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready'];
  const conditions: PodCondition[] = [
    ...(prior.conditions ?? []).filter((c) => !ours.includes(c.type)),
    ...ours.map((type): PodCondition => ({ type, status: 'True', lastTransitionTime: now, lastProbeTime: null })),
  ];
  const containerStatuses: ContainerStatus[] = pod.spec.containers.map((c) => ({
    name: c.name,
    state: { running: { startedAt: since } },
    lastState: {},
    ready: true,
    started: true,
    restartCount: 0,
    image: c.image,
    imageID: '',
    containerID: `hollow://${pod.metadata.uid ?? ''}/${c.name}`,
  }));
  const ip = hollowPodIP(pod.metadata.uid ?? pod.metadata.name ?? '');
  return {
    ...prior,
    phase: 'Running',
    conditions,
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: since,
    containerStatuses,
  };
}

/** Already reported Running with every container ready: nothing to write. */
export function reportedRunning(pod: Pod): boolean {
  const s = pod.status;
  if (s?.phase !== 'Running') return false;
  const cs = s.containerStatuses ?? [];
  return cs.length === pod.spec.containers.length && cs.every((c) => c.ready && c.state.running !== undefined);
}
