import { f, kindStruct, mergeList, struct, T, type StructDef } from '../dsl.js';
import { nodeTypes } from './core-node.js';
import { serviceTypes } from './core-service.js';
import { META } from './meta.js';

const c = (n: string): string => `io.k8s.api.core.v1.${n}`;
const m = (n: string): string => `${META}.${n}`;

const namespaceTypes: StructDef[] = [
  kindStruct(c('Namespace'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    spec: f(2, T.ref(c('NamespaceSpec'))),
    status: f(3, T.ref(c('NamespaceStatus'))),
  }),
  struct(c('NamespaceSpec'), {
    finalizers: f(1, T.list(T.string), { listType: 'atomic' }),
  }),
  struct(c('NamespaceStatus'), {
    phase: f(1, T.enumOf('Active', 'Terminating'), { default: 'Active' }),
    conditions: mergeList(2, T.ref(c('NamespaceCondition')), 'type'),
  }),
  // Proto field 3 is unused: NamespaceCondition never had a lastProbeTime.
  struct(c('NamespaceCondition'), {
    type: f(1, T.string),
    status: f(2, T.string),
    lastTransitionTime: f(4, T.time),
    reason: f(5, T.string),
    message: f(6, T.string),
  }),
];

const eventTypes: StructDef[] = [
  kindStruct(c('Event'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    involvedObject: f(2, T.ref(c('ObjectReference'))),
    reason: f(3, T.string),
    message: f(4, T.string),
    source: f(5, T.ref(c('EventSource'))),
    firstTimestamp: f(6, T.time),
    lastTimestamp: f(7, T.time),
    count: f(8, T.int32),
    type: f(9, T.string),
    eventTime: f(10, T.microtime),
    series: f(11, T.ref(c('EventSeries'))),
    action: f(12, T.string),
    related: f(13, T.ref(c('ObjectReference'))),
    // The Go field is ReportingController; the wire name kept the older `reportingComponent`.
    reportingComponent: f(14, T.string),
    reportingInstance: f(15, T.string),
  }),
  struct(c('EventSource'), {
    component: f(1, T.string),
    host: f(2, T.string),
  }),
  struct(c('EventSeries'), {
    count: f(1, T.int32),
    lastObservedTime: f(2, T.microtime),
  }),
];

const configTypes: StructDef[] = [
  kindStruct(c('ConfigMap'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    immutable: f(4, T.boolean, { pointer: true }),
    data: f(2, T.stringMap),
    binaryData: f(3, T.map(T.bytes)),
  }),
  kindStruct(c('Secret'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    immutable: f(5, T.boolean, { pointer: true }),
    data: f(2, T.map(T.bytes)),
    // Write-only: the strategy folds it into data and never returns it.
    stringData: f(4, T.stringMap),
    type: f(3, T.string, { default: 'Opaque' }),
  }),
  kindStruct(c('ServiceAccount'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    secrets: mergeList(2, T.ref(c('ObjectReference')), 'name'),
    imagePullSecrets: f(3, T.list(T.ref(c('LocalObjectReference'))), { listType: 'atomic' }),
    automountServiceAccountToken: f(4, T.boolean, { pointer: true }),
  }),
  kindStruct(c('Binding'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    target: f(2, T.ref(c('ObjectReference')), { required: true }),
  }),
];

/**
 * The claim itself and its status, for StatefulSet volumeClaimTemplates. PersistentVolumeClaimSpec
 * is reachable from a Pod (ephemeral volumes), so it is declared with the Pod types.
 */
const claimTypes: StructDef[] = [
  kindStruct(c('PersistentVolumeClaim'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    spec: f(2, T.ref(c('PersistentVolumeClaimSpec'))),
    status: f(3, T.ref(c('PersistentVolumeClaimStatus'))),
  }),
  // Proto field 6 (resizeStatus) is tombstoned.
  struct(c('PersistentVolumeClaimStatus'), {
    phase: f(1, T.string),
    accessModes: f(2, T.list(T.string), { listType: 'atomic' }),
    capacity: f(3, T.map(T.quantity)),
    conditions: mergeList(4, T.ref(c('PersistentVolumeClaimCondition')), 'type'),
    allocatedResources: f(5, T.map(T.quantity)),
    allocatedResourceStatuses: f(7, T.stringMap),
    currentVolumeAttributesClassName: f(8, T.string, { pointer: true }),
    modifyVolumeStatus: f(9, T.ref(c('ModifyVolumeStatus'))),
  }),
  struct(c('PersistentVolumeClaimCondition'), {
    type: f(1, T.string),
    status: f(2, T.string),
    lastProbeTime: f(3, T.time),
    lastTransitionTime: f(4, T.time),
    reason: f(5, T.string),
    message: f(6, T.string),
  }),
  struct(c('ModifyVolumeStatus'), {
    targetVolumeAttributesClassName: f(1, T.string),
    status: f(2, T.string),
  }),
];

/** core/v1 kinds other than Pod (Namespace, Node, Event, ConfigMap, Secret, Service, Endpoints, ServiceAccount, Binding) and their parts. */
export const coreTypes: StructDef[] = [...namespaceTypes, ...nodeTypes, ...eventTypes, ...configTypes, ...serviceTypes, ...claimTypes];
