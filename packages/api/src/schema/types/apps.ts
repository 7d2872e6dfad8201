import { f, kindStruct, mergeList, struct, T, type FieldDef, type StructDef } from '../dsl.js';
import { META } from './meta.js';

const a = (n: string): string => `io.k8s.api.apps.v1.${n}`;
const m = (n: string): string => `${META}.${n}`;
const CORE = 'io.k8s.api.core.v1';

const metadata = f(1, T.ref(m('ObjectMeta')));
const selector = (proto: number): FieldDef => f(proto, T.ref(m('LabelSelector')), { required: true });
const template = (proto: number, required: boolean): FieldDef => f(proto, T.ref(`${CORE}.PodTemplateSpec`), { required });
const replicas = (proto: number): FieldDef => f(proto, T.int32, { pointer: true, default: 1 });
const revisionHistoryLimit = (proto: number): FieldDef => f(proto, T.int32, { pointer: true, default: 10 });
const intOrPercent = (proto: number): FieldDef => f(proto, T.intOrString, { pointer: true });

/** The five-field condition every apps/v1 controller reports (Deployment's adds lastUpdateTime). */
const condition = (kind: string): StructDef =>
  struct(a(`${kind}Condition`), {
    type: f(1, T.string),
    status: f(2, T.string),
    lastTransitionTime: f(3, T.time),
    reason: f(4, T.string),
    message: f(5, T.string),
  });

const deploymentTypes: StructDef[] = [
  kindStruct(a('Deployment'), { metadata, spec: f(2, T.ref(a('DeploymentSpec'))), status: f(3, T.ref(a('DeploymentStatus'))) }),
  struct(a('DeploymentSpec'), {
    replicas: replicas(1),
    selector: selector(2),
    template: template(3, true),
    // retainKeys: switching type to Recreate in a patch must drop the old rollingUpdate block.
    strategy: f(4, T.ref(a('DeploymentStrategy')), { patchStrategy: 'retainKeys' }),
    minReadySeconds: f(5, T.int32),
    revisionHistoryLimit: revisionHistoryLimit(6),
    paused: f(7, T.boolean),
    progressDeadlineSeconds: f(9, T.int32, { pointer: true, default: 600 }),
    podReplacementPolicy: f(10, T.enumOf('TerminationStarted', 'TerminationComplete'), { pointer: true }),
  }),
  struct(a('DeploymentStrategy'), {
    type: f(1, T.enumOf('Recreate', 'RollingUpdate'), { default: 'RollingUpdate' }),
    // maxSurge/maxUnavailable default to 25% only for RollingUpdate: left to the strategy.
    rollingUpdate: f(2, T.ref(a('RollingUpdateDeployment'))),
  }),
  struct(a('RollingUpdateDeployment'), {
    maxUnavailable: intOrPercent(1),
    maxSurge: intOrPercent(2),
  }),
  struct(a('DeploymentStatus'), {
    observedGeneration: f(1, T.int64),
    replicas: f(2, T.int32),
    updatedReplicas: f(3, T.int32),
    readyReplicas: f(7, T.int32),
    availableReplicas: f(4, T.int32),
    unavailableReplicas: f(5, T.int32),
    terminatingReplicas: f(9, T.int32, { pointer: true }),
    conditions: mergeList(6, T.ref(a('DeploymentCondition')), 'type'),
    collisionCount: f(8, T.int32, { pointer: true }),
  }),
  struct(a('DeploymentCondition'), {
    type: f(1, T.string),
    status: f(2, T.string),
    lastUpdateTime: f(6, T.time),
    lastTransitionTime: f(7, T.time),
    reason: f(4, T.string),
    message: f(5, T.string),
  }),
];

const replicaSetTypes: StructDef[] = [
  kindStruct(a('ReplicaSet'), { metadata, spec: f(2, T.ref(a('ReplicaSetSpec'))), status: f(3, T.ref(a('ReplicaSetStatus'))) }),
  struct(a('ReplicaSetSpec'), {
    replicas: replicas(1),
    minReadySeconds: f(4, T.int32),
    selector: selector(2),
    // +optional in types.go; an empty template still fails the pod-template validation.
    template: template(3, false),
  }),
  struct(a('ReplicaSetStatus'), {
    replicas: f(1, T.int32),
    fullyLabeledReplicas: f(2, T.int32),
    readyReplicas: f(4, T.int32),
    availableReplicas: f(5, T.int32),
    terminatingReplicas: f(7, T.int32, { pointer: true }),
    observedGeneration: f(3, T.int64),
    conditions: mergeList(6, T.ref(a('ReplicaSetCondition')), 'type'),
  }),
  condition('ReplicaSet'),
];

const daemonSetTypes: StructDef[] = [
  kindStruct(a('DaemonSet'), { metadata, spec: f(2, T.ref(a('DaemonSetSpec'))), status: f(3, T.ref(a('DaemonSetStatus'))) }),
  // Proto field 5 is skipped (templateGeneration of the pre-apps/v1 DaemonSet).
  struct(a('DaemonSetSpec'), {
    selector: selector(1),
    template: template(2, true),
    updateStrategy: f(3, T.ref(a('DaemonSetUpdateStrategy'))),
    minReadySeconds: f(4, T.int32),
    revisionHistoryLimit: revisionHistoryLimit(6),
  }),
  struct(a('DaemonSetUpdateStrategy'), {
    type: f(1, T.enumOf('RollingUpdate', 'OnDelete'), { default: 'RollingUpdate' }),
    // maxUnavailable 1 / maxSurge 0 apply only to RollingUpdate: left to the strategy.
    rollingUpdate: f(2, T.ref(a('RollingUpdateDaemonSet'))),
  }),
  struct(a('RollingUpdateDaemonSet'), {
    maxUnavailable: intOrPercent(1),
    maxSurge: intOrPercent(2),
  }),
  struct(a('DaemonSetStatus'), {
    currentNumberScheduled: f(1, T.int32),
    numberMisscheduled: f(2, T.int32),
    desiredNumberScheduled: f(3, T.int32),
    numberReady: f(4, T.int32),
    observedGeneration: f(5, T.int64),
    updatedNumberScheduled: f(6, T.int32),
    numberAvailable: f(7, T.int32),
    numberUnavailable: f(8, T.int32),
    collisionCount: f(9, T.int32, { pointer: true }),
    conditions: mergeList(10, T.ref(a('DaemonSetCondition')), 'type'),
  }),
  condition('DaemonSet'),
];

const retention = T.enumOf('Retain', 'Delete');

const statefulSetTypes: StructDef[] = [
  kindStruct(a('StatefulSet'), { metadata, spec: f(2, T.ref(a('StatefulSetSpec'))), status: f(3, T.ref(a('StatefulSetStatus'))) }),
  struct(a('StatefulSetSpec'), {
    replicas: replicas(1),
    selector: selector(2),
    template: template(3, true),
    volumeClaimTemplates: f(4, T.list(T.ref(`${CORE}.PersistentVolumeClaim`)), { listType: 'atomic' }),
    serviceName: f(5, T.string),
    podManagementPolicy: f(6, T.enumOf('OrderedReady', 'Parallel'), { default: 'OrderedReady' }),
    updateStrategy: f(7, T.ref(a('StatefulSetUpdateStrategy'))),
    revisionHistoryLimit: revisionHistoryLimit(8),
    minReadySeconds: f(9, T.int32),
    // Always created by defaulting upstream, so its two fields read Retain when unset.
    persistentVolumeClaimRetentionPolicy: f(10, T.ref(a('StatefulSetPersistentVolumeClaimRetentionPolicy'))),
    ordinals: f(11, T.ref(a('StatefulSetOrdinals'))),
  }),
  struct(a('StatefulSetUpdateStrategy'), {
    type: f(1, T.enumOf('RollingUpdate', 'OnDelete'), { default: 'RollingUpdate' }),
    rollingUpdate: f(2, T.ref(a('RollingUpdateStatefulSetStrategy'))),
  }),
  // partition 0 (and maxUnavailable 1) are defaulted only under RollingUpdate: left to the strategy.
  struct(a('RollingUpdateStatefulSetStrategy'), {
    partition: f(1, T.int32, { pointer: true }),
    maxUnavailable: intOrPercent(2),
  }),
  struct(a('StatefulSetPersistentVolumeClaimRetentionPolicy'), {
    whenDeleted: f(1, retention, { default: 'Retain' }),
    whenScaled: f(2, retention, { default: 'Retain' }),
  }),
  struct(a('StatefulSetOrdinals'), {
    start: f(1, T.int32),
  }),
  struct(a('StatefulSetStatus'), {
    observedGeneration: f(1, T.int64),
    replicas: f(2, T.int32),
    readyReplicas: f(3, T.int32),
    currentReplicas: f(4, T.int32),
    updatedReplicas: f(5, T.int32),
    currentRevision: f(6, T.string),
    updateRevision: f(7, T.string),
    collisionCount: f(9, T.int32, { pointer: true }),
    conditions: mergeList(10, T.ref(a('StatefulSetCondition')), 'type'),
    availableReplicas: f(11, T.int32),
  }),
  condition('StatefulSet'),
];

const controllerRevisionTypes: StructDef[] = [
  // data is a RawExtension (any JSON: DaemonSets and StatefulSets keep a patch of their template);
  // revision is a non-pointer int64 that Go always writes, so an absent one reads 0.
  kindStruct(a('ControllerRevision'), { metadata, data: f(2, T.raw), revision: f(3, T.int64, { default: 0 }) }),
];

/** apps/v1 Deployment, ReplicaSet, DaemonSet, StatefulSet, ControllerRevision and their parts. */
export const appsTypes: StructDef[] = [...deploymentTypes, ...replicaSetTypes, ...daemonSetTypes, ...statefulSetTypes, ...controllerRevisionTypes];
