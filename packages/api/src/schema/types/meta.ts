import { f, kindStruct, mergeList, struct, T, type StructDef } from '../dsl.js';

/** apimachinery's meta/v1 and runtime types (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto). */
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const m = (n: string): string => `${META}.${n}`;

export const metaTypes: StructDef[] = [
  struct(m('ObjectMeta'), {
    name: f(1, T.string),
    generateName: f(2, T.string),
    namespace: f(3, T.string),
    selfLink: f(4, T.string),
    uid: f(5, T.string),
    resourceVersion: f(6, T.string),
    generation: f(7, T.int64),
    creationTimestamp: f(8, T.time),
    deletionTimestamp: f(9, T.time),
    deletionGracePeriodSeconds: f(10, T.int64, { pointer: true }),
    labels: f(11, T.stringMap),
    annotations: f(12, T.stringMap),
    ownerReferences: mergeList(13, T.ref(m('OwnerReference')), 'uid'),
    finalizers: f(14, T.list(T.string), { patchStrategy: 'merge', listType: 'set' }),
    managedFields: f(17, T.list(T.ref(m('ManagedFieldsEntry'))), { listType: 'atomic' }),
  }),
  struct(m('OwnerReference'), {
    apiVersion: f(5, T.string, { required: true }),
    kind: f(1, T.string, { required: true }),
    name: f(3, T.string, { required: true }),
    uid: f(4, T.string, { required: true }),
    controller: f(6, T.boolean, { pointer: true }),
    blockOwnerDeletion: f(7, T.boolean, { pointer: true }),
  }),
  struct(m('ManagedFieldsEntry'), {
    manager: f(1, T.string),
    operation: f(2, T.string),
    apiVersion: f(3, T.string),
    time: f(4, T.time),
    fieldsType: f(6, T.string),
    fieldsV1: f(7, T.raw),
    subresource: f(8, T.string),
  }),
  struct(m('ListMeta'), {
    selfLink: f(1, T.string),
    resourceVersion: f(2, T.string),
    continue: f(3, T.string),
    remainingItemCount: f(4, T.int64, { pointer: true }),
  }),
  struct(m('LabelSelector'), {
    matchLabels: f(1, T.stringMap),
    matchExpressions: f(2, T.list(T.ref(m('LabelSelectorRequirement'))), { listType: 'atomic' }),
  }),
  struct(m('LabelSelectorRequirement'), {
    key: f(1, T.string, { required: true }),
    operator: f(2, T.enumOf('In', 'NotIn', 'Exists', 'DoesNotExist'), { required: true }),
    values: f(3, T.list(T.string), { listType: 'atomic' }),
  }),
  kindStruct(m('Status'), {
    metadata: f(1, T.ref(m('ListMeta'))),
    status: f(2, T.string),
    message: f(3, T.string),
    reason: f(4, T.string),
    details: f(5, T.ref(m('StatusDetails'))),
    code: f(6, T.int32),
  }),
  struct(m('StatusDetails'), {
    name: f(1, T.string),
    group: f(2, T.string),
    kind: f(3, T.string),
    uid: f(6, T.string),
    causes: f(4, T.list(T.ref(m('StatusCause'))), { listType: 'atomic' }),
    retryAfterSeconds: f(5, T.int32),
  }),
  struct(m('StatusCause'), {
    reason: f(1, T.string),
    message: f(2, T.string),
    field: f(3, T.string),
  }),
  kindStruct(m('DeleteOptions'), {
    gracePeriodSeconds: f(1, T.int64, { pointer: true }),
    preconditions: f(2, T.ref(m('Preconditions'))),
    orphanDependents: f(3, T.boolean, { pointer: true }),
    propagationPolicy: f(4, T.enumOf('Orphan', 'Background', 'Foreground')),
    dryRun: f(5, T.list(T.string), { listType: 'atomic' }),
  }),
  struct(m('Preconditions'), {
    uid: f(1, T.string, { pointer: true }),
    resourceVersion: f(2, T.string, { pointer: true }),
  }),
];
