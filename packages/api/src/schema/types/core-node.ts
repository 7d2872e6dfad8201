import { f, kindStruct, mergeList, struct, T, type StructDef } from '../dsl.js';
import { META } from './meta.js';

/** core/v1 Node and its spec/status parts (k8s.io/api/core/v1/types.go). */
const c = (n: string): string => `io.k8s.api.core.v1.${n}`;
const m = (n: string): string => `${META}.${n}`;

export const nodeTypes: StructDef[] = [
  kindStruct(c('Node'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    spec: f(2, T.ref(c('NodeSpec'))),
    status: f(3, T.ref(c('NodeStatus'))),
  }),
  struct(c('NodeSpec'), {
    podCIDR: f(1, T.string),
    podCIDRs: f(7, T.list(T.string), { patchStrategy: 'merge', listType: 'set' }),
    providerID: f(3, T.string),
    unschedulable: f(4, T.boolean),
    // Taints carry no patch strategy upstream: a strategic merge patch replaces the whole list.
    taints: f(5, T.list(T.ref(c('Taint'))), { listType: 'atomic' }),
    configSource: f(6, T.ref(c('NodeConfigSource'))),
    externalID: f(2, T.string),
  }),
  struct(c('Taint'), {
    key: f(1, T.string, { required: true }),
    value: f(2, T.string),
    effect: f(3, T.enumOf('NoSchedule', 'PreferNoSchedule', 'NoExecute'), { required: true }),
    timeAdded: f(4, T.time),
  }),
  // Dynamic kubelet config is gone, but the fields remain in the API and round-trip.
  struct(c('NodeConfigSource'), {
    configMap: f(2, T.ref(c('ConfigMapNodeConfigSource'))),
  }),
  struct(c('ConfigMapNodeConfigSource'), {
    namespace: f(1, T.string, { required: true }),
    name: f(2, T.string, { required: true }),
    uid: f(3, T.string),
    resourceVersion: f(4, T.string),
    kubeletConfigKey: f(5, T.string, { required: true }),
  }),
  struct(c('NodeStatus'), {
    capacity: f(1, T.map(T.quantity)),
    allocatable: f(2, T.map(T.quantity)),
    phase: f(3, T.string),
    conditions: mergeList(4, T.ref(c('NodeCondition')), 'type'),
    addresses: mergeList(5, T.ref(c('NodeAddress')), 'type'),
    daemonEndpoints: f(6, T.ref(c('NodeDaemonEndpoints'))),
    nodeInfo: f(7, T.ref(c('NodeSystemInfo'))),
    images: f(8, T.list(T.ref(c('ContainerImage'))), { listType: 'atomic' }),
    volumesInUse: f(9, T.list(T.string), { listType: 'atomic' }),
    volumesAttached: f(10, T.list(T.ref(c('AttachedVolume'))), { listType: 'atomic' }),
    config: f(11, T.ref(c('NodeConfigStatus'))),
    runtimeHandlers: f(12, T.list(T.ref(c('NodeRuntimeHandler'))), { listType: 'atomic' }),
    features: f(13, T.ref(c('NodeFeatures'))),
    declaredFeatures: f(14, T.list(T.string), { listType: 'atomic' }),
  }),
  struct(c('NodeCondition'), {
    type: f(1, T.string),
    status: f(2, T.string),
    lastHeartbeatTime: f(3, T.time),
    lastTransitionTime: f(4, T.time),
    reason: f(5, T.string),
    message: f(6, T.string),
  }),
  struct(c('NodeAddress'), {
    type: f(1, T.string),
    address: f(2, T.string),
  }),
  struct(c('NodeDaemonEndpoints'), {
    kubeletEndpoint: f(1, T.ref(c('DaemonEndpoint'))),
  }),
  // The JSON name is capitalised: an unquoted struct tag in early releases made it `Port` for good.
  struct(c('DaemonEndpoint'), {
    Port: f(1, T.int32),
  }),
  struct(c('NodeSystemInfo'), {
    machineID: f(1, T.string),
    systemUUID: f(2, T.string),
    bootID: f(3, T.string),
    kernelVersion: f(4, T.string),
    osImage: f(5, T.string),
    containerRuntimeVersion: f(6, T.string),
    kubeletVersion: f(7, T.string),
    kubeProxyVersion: f(8, T.string),
    operatingSystem: f(9, T.string),
    architecture: f(10, T.string),
    swap: f(11, T.ref(c('NodeSwapStatus'))),
  }),
  struct(c('NodeSwapStatus'), {
    capacity: f(1, T.int64, { pointer: true }),
  }),
  struct(c('ContainerImage'), {
    names: f(1, T.list(T.string), { listType: 'atomic' }),
    sizeBytes: f(2, T.int64),
  }),
  struct(c('AttachedVolume'), {
    name: f(1, T.string),
    devicePath: f(2, T.string),
  }),
  struct(c('NodeConfigStatus'), {
    assigned: f(1, T.ref(c('NodeConfigSource'))),
    active: f(2, T.ref(c('NodeConfigSource'))),
    lastKnownGood: f(3, T.ref(c('NodeConfigSource'))),
    error: f(4, T.string),
  }),
  struct(c('NodeRuntimeHandler'), {
    name: f(1, T.string),
    features: f(2, T.ref(c('NodeRuntimeHandlerFeatures'))),
  }),
  struct(c('NodeRuntimeHandlerFeatures'), {
    recursiveReadOnlyMounts: f(1, T.boolean, { pointer: true }),
    userNamespaces: f(2, T.boolean, { pointer: true }),
  }),
  struct(c('NodeFeatures'), {
    supplementalGroupsPolicy: f(1, T.boolean, { pointer: true }),
    containerUlimits: f(2, T.boolean, { pointer: true }),
  }),
];
