import { f, mergeList, struct, T, type StructDef } from '../dsl.js';
import { core, coreRef } from './core-common.js';

const atomic = { listType: 'atomic' } as const;
const containerStatuses = (proto: number) => f(proto, T.list(coreRef('ContainerStatus')), atomic);

/** PodStatus and what the kubelet and scheduler report in it. */
export const corePodStatusTypes: StructDef[] = [
  struct(core('PodStatus'), {
    observedGeneration: f(17, T.int64),
    phase: f(1, T.string),
    conditions: mergeList(2, coreRef('PodCondition'), 'type'),
    message: f(3, T.string),
    reason: f(4, T.string),
    nominatedNodeName: f(11, T.string),
    hostIP: f(5, T.string),
    // Merge-patched by ip yet atomic for server-side apply, exactly as types.go marks it.
    hostIPs: f(16, T.list(coreRef('HostIP')), { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' }),
    podIP: f(6, T.string),
    podIPs: mergeList(12, coreRef('PodIP'), 'ip'),
    startTime: f(7, T.time),
    initContainerStatuses: containerStatuses(10),
    containerStatuses: containerStatuses(8),
    qosClass: f(9, T.string),
    ephemeralContainerStatuses: containerStatuses(13),
    resize: f(14, T.string),
    resourceClaimStatuses: mergeList(15, coreRef('PodResourceClaimStatus'), 'name', { patchStrategy: 'merge,retainKeys' }),
    extendedResourceClaimStatus: f(18, coreRef('PodExtendedResourceClaimStatus')),
    allocatedResources: f(19, T.map(T.quantity)),
    resources: f(20, coreRef('ResourceRequirements')),
  }),
  struct(core('PodCondition'), {
    type: f(1, T.string, { required: true }),
    observedGeneration: f(7, T.int64),
    status: f(2, T.string),
    lastProbeTime: f(3, T.time),
    lastTransitionTime: f(4, T.time),
    reason: f(5, T.string),
    message: f(6, T.string),
  }),
  struct(core('HostIP'), { ip: f(1, T.string, { required: true }) }),
  struct(core('PodIP'), { ip: f(1, T.string, { required: true }) }),
  struct(core('ContainerStatus'), {
    name: f(1, T.string, { required: true }),
    state: f(2, coreRef('ContainerState')),
    lastState: f(3, coreRef('ContainerState')),
    ready: f(4, T.boolean),
    restartCount: f(5, T.int32),
    image: f(6, T.string),
    imageID: f(7, T.string),
    containerID: f(8, T.string),
    started: f(9, T.boolean, { pointer: true }),
    allocatedResources: f(10, T.map(T.quantity)),
    resources: f(11, coreRef('ResourceRequirements')),
    volumeMounts: mergeList(12, coreRef('VolumeMountStatus'), 'mountPath'),
    user: f(13, coreRef('ContainerUser')),
    allocatedResourcesStatus: mergeList(14, coreRef('ResourceStatus'), 'name'),
    stopSignal: f(15, T.string, { pointer: true }),
  }),
  struct(core('ContainerState'), {
    waiting: f(1, coreRef('ContainerStateWaiting')),
    running: f(2, coreRef('ContainerStateRunning')),
    terminated: f(3, coreRef('ContainerStateTerminated')),
  }),
  struct(core('ContainerStateWaiting'), {
    reason: f(1, T.string),
    message: f(2, T.string),
  }),
  struct(core('ContainerStateRunning'), {
    startedAt: f(1, T.time),
  }),
  struct(core('ContainerStateTerminated'), {
    exitCode: f(1, T.int32),
    signal: f(2, T.int32),
    reason: f(3, T.string),
    message: f(4, T.string),
    startedAt: f(5, T.time),
    finishedAt: f(6, T.time),
    containerID: f(7, T.string),
  }),
  struct(core('VolumeMountStatus'), {
    name: f(1, T.string, { required: true }),
    mountPath: f(2, T.string, { required: true }),
    readOnly: f(3, T.boolean),
    recursiveReadOnly: f(4, T.enumOf('Disabled', 'Enabled'), { pointer: true }),
    volumeStatus: f(5, coreRef('VolumeStatus')),
  }),
  struct(core('VolumeStatus'), {
    image: f(1, coreRef('ImageVolumeStatus')),
  }),
  struct(core('ImageVolumeStatus'), {
    imageRef: f(1, T.string, { required: true }),
  }),
  struct(core('ContainerUser'), {
    linux: f(1, coreRef('LinuxContainerUser')),
  }),
  struct(core('LinuxContainerUser'), {
    uid: f(1, T.int64),
    gid: f(2, T.int64),
    supplementalGroups: f(3, T.list(T.int64), atomic),
  }),
  struct(core('ResourceStatus'), {
    name: f(1, T.string, { required: true }),
    resources: f(2, T.list(coreRef('ResourceHealth')), { listType: 'map', listMapKeys: ['resourceID'] }),
  }),
  struct(core('ResourceHealth'), {
    resourceID: f(1, T.string, { required: true }),
    health: f(2, T.string),
    message: f(6, T.string, { pointer: true }),
  }),
  struct(core('PodResourceClaimStatus'), {
    name: f(1, T.string, { required: true }),
    resourceClaimName: f(2, T.string, { pointer: true }),
  }),
  struct(core('PodExtendedResourceClaimStatus'), {
    requestMappings: f(1, T.list(coreRef('ContainerExtendedResourceRequest')), atomic),
    resourceClaimName: f(2, T.string),
  }),
  struct(core('ContainerExtendedResourceRequest'), {
    containerName: f(1, T.string),
    resourceName: f(2, T.string),
    requestName: f(3, T.string),
  }),
];
