import { f, kindStruct, mergeList, struct, T, type StructDef } from '../dsl.js';
import { core, coreRef } from './core-common.js';
import { coreContainerTypes } from './core-container.js';
import { corePodStatusTypes } from './core-pod-status.js';
import { coreSchedulingTypes } from './core-scheduling.js';
import { coreSecurityTypes } from './core-security.js';
import { coreVolumeTypes } from './core-volumes.js';
import { META } from './meta.js';

const atomic = { listType: 'atomic' } as const;
const objectMeta = T.ref(`${META}.ObjectMeta`);

const podTypes: StructDef[] = [
  kindStruct(core('Pod'), {
    metadata: f(1, objectMeta),
    spec: f(2, coreRef('PodSpec')),
    status: f(3, coreRef('PodStatus')),
  }),
  struct(core('PodTemplateSpec'), {
    metadata: f(1, objectMeta),
    spec: f(2, coreRef('PodSpec')),
  }),
  // These defaults (SetDefaults_PodSpec) reach pod templates too. Pod-only ones (enableServiceLinks,
  // requests copied from limits, hostPort under hostNetwork) belong to the Pod strategy, because
  // Kubernetes leaves them out of Deployment and other templates.
  struct(core('PodSpec'), {
    volumes: mergeList(1, coreRef('Volume'), 'name', { patchStrategy: 'merge,retainKeys' }),
    initContainers: mergeList(20, coreRef('Container'), 'name'),
    containers: mergeList(2, coreRef('Container'), 'name', { required: true }),
    ephemeralContainers: mergeList(34, coreRef('EphemeralContainer'), 'name'),
    restartPolicy: f(3, T.enumOf('Always', 'OnFailure', 'Never'), { default: 'Always' }),
    terminationGracePeriodSeconds: f(4, T.int64, { pointer: true, default: 30 }),
    activeDeadlineSeconds: f(5, T.int64, { pointer: true }),
    dnsPolicy: f(6, T.enumOf('ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'), { default: 'ClusterFirst' }),
    nodeSelector: f(7, T.stringMap),
    serviceAccountName: f(8, T.string),
    serviceAccount: f(9, T.string),
    automountServiceAccountToken: f(21, T.boolean, { pointer: true }),
    nodeName: f(10, T.string),
    hostNetwork: f(11, T.boolean),
    hostPID: f(12, T.boolean),
    hostIPC: f(13, T.boolean),
    shareProcessNamespace: f(27, T.boolean, { pointer: true }),
    securityContext: f(14, coreRef('PodSecurityContext'), { default: {} }),
    imagePullSecrets: mergeList(15, coreRef('LocalObjectReference'), 'name'),
    hostname: f(16, T.string),
    subdomain: f(17, T.string),
    affinity: f(18, coreRef('Affinity')),
    schedulerName: f(19, T.string, { default: 'default-scheduler' }),
    tolerations: f(22, T.list(coreRef('Toleration')), atomic),
    hostAliases: mergeList(23, coreRef('HostAlias'), 'ip'),
    priorityClassName: f(24, T.string),
    priority: f(25, T.int32, { pointer: true }),
    dnsConfig: f(26, coreRef('PodDNSConfig')),
    readinessGates: f(28, T.list(coreRef('PodReadinessGate')), atomic),
    runtimeClassName: f(29, T.string, { pointer: true }),
    enableServiceLinks: f(30, T.boolean, { pointer: true }),
    preemptionPolicy: f(31, T.enumOf('Never', 'PreemptLowerPriority'), { pointer: true }),
    overhead: f(32, T.map(T.quantity)),
    topologySpreadConstraints: mergeList(33, coreRef('TopologySpreadConstraint'), 'topologyKey', {
      listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
    }),
    setHostnameAsFQDN: f(35, T.boolean, { pointer: true }),
    os: f(36, coreRef('PodOS')),
    hostUsers: f(37, T.boolean, { pointer: true }),
    schedulingGates: mergeList(38, coreRef('PodSchedulingGate'), 'name'),
    resourceClaims: mergeList(39, coreRef('PodResourceClaim'), 'name', { patchStrategy: 'merge,retainKeys' }),
    resources: f(40, coreRef('ResourceRequirements')),
    hostnameOverride: f(41, T.string, { pointer: true }),
    workloadRef: f(42, coreRef('WorkloadReference')),
  }),
  struct(core('PodDNSConfig'), {
    nameservers: f(1, T.list(T.string), atomic),
    searches: f(2, T.list(T.string), atomic),
    options: f(3, T.list(coreRef('PodDNSConfigOption')), atomic),
  }),
  struct(core('PodDNSConfigOption'), {
    name: f(1, T.string, { required: true }),
    value: f(2, T.string, { pointer: true }),
  }),
  struct(core('HostAlias'), {
    ip: f(1, T.string, { required: true }),
    hostnames: f(2, T.list(T.string), atomic),
  }),
  struct(core('PodReadinessGate'), {
    conditionType: f(1, T.string, { required: true }),
  }),
  struct(core('PodOS'), {
    name: f(1, T.enumOf('linux', 'windows'), { required: true }),
  }),
  struct(core('PodSchedulingGate'), {
    name: f(1, T.string, { required: true }),
  }),
  struct(core('PodResourceClaim'), {
    name: f(1, T.string, { required: true }),
    resourceClaimName: f(3, T.string, { pointer: true }),
    resourceClaimTemplateName: f(4, T.string, { pointer: true }),
  }),
  struct(core('WorkloadReference'), {
    name: f(1, T.string, { required: true }),
    podGroup: f(2, T.string, { required: true }),
    podGroupReplicaKey: f(3, T.string),
  }),
  struct(core('ObjectReference'), {
    kind: f(1, T.string),
    namespace: f(2, T.string),
    name: f(3, T.string),
    uid: f(4, T.string),
    apiVersion: f(5, T.string),
    resourceVersion: f(6, T.string),
    fieldPath: f(7, T.string),
  }),
  struct(core('LocalObjectReference'), {
    name: f(1, T.string),
  }),
];

/** Pod, PodTemplateSpec and every core/v1 struct reachable from them, plus ObjectReference. */
export const corePodTypes: StructDef[] = [
  ...podTypes,
  ...corePodStatusTypes,
  ...coreContainerTypes,
  ...coreSecurityTypes,
  ...coreVolumeTypes,
  ...coreSchedulingTypes,
];
