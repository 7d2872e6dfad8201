import { f, kindStruct, struct, T, type StructDef } from '../dsl.js';
import { META } from './meta.js';

const b = (n: string): string => `io.k8s.api.batch.v1.${n}`;
const m = (n: string): string => `${META}.${n}`;

/** batch/v1 Job and its parts. */
export const batchTypes: StructDef[] = [
  kindStruct(b('Job'), {
    metadata: f(1, T.ref(m('ObjectMeta'))),
    spec: f(2, T.ref(b('JobSpec'))),
    status: f(3, T.ref(b('JobStatus'))),
  }),
  // Enum values are in the order Kubernetes' validation messages list them.
  // Left to the strategy because they depend on other fields: completions (1 only when parallelism
  // is also unset), backoffLimit (6, or MaxInt32 with backoffLimitPerIndex) and podReplacementPolicy
  // (Failed with a podFailurePolicy, TerminatingOrFailed otherwise).
  struct(b('JobSpec'), {
    parallelism: f(1, T.int32, { pointer: true, default: 1 }),
    completions: f(2, T.int32, { pointer: true }),
    activeDeadlineSeconds: f(3, T.int64, { pointer: true }),
    podFailurePolicy: f(11, T.ref(b('PodFailurePolicy'))),
    successPolicy: f(16, T.ref(b('SuccessPolicy'))),
    backoffLimit: f(7, T.int32, { pointer: true }),
    backoffLimitPerIndex: f(12, T.int32, { pointer: true }),
    maxFailedIndexes: f(13, T.int32, { pointer: true }),
    selector: f(4, T.ref(m('LabelSelector'))),
    manualSelector: f(5, T.boolean, { pointer: true, default: false }),
    template: f(6, T.ref('io.k8s.api.core.v1.PodTemplateSpec'), { required: true }),
    ttlSecondsAfterFinished: f(8, T.int32, { pointer: true }),
    completionMode: f(9, T.enumOf('NonIndexed', 'Indexed'), { pointer: true, default: 'NonIndexed' }),
    suspend: f(10, T.boolean, { pointer: true, default: false }),
    podReplacementPolicy: f(14, T.enumOf('Failed', 'TerminatingOrFailed'), { pointer: true }),
    managedBy: f(15, T.string, { pointer: true }),
  }),
  struct(b('PodFailurePolicy'), {
    rules: f(1, T.list(T.ref(b('PodFailurePolicyRule'))), { required: true, listType: 'atomic' }),
  }),
  struct(b('PodFailurePolicyRule'), {
    action: f(1, T.enumOf('Count', 'FailIndex', 'FailJob', 'Ignore'), { required: true }),
    onExitCodes: f(2, T.ref(b('PodFailurePolicyOnExitCodesRequirement'))),
    onPodConditions: f(3, T.list(T.ref(b('PodFailurePolicyOnPodConditionsPattern'))), { listType: 'atomic' }),
  }),
  struct(b('PodFailurePolicyOnExitCodesRequirement'), {
    containerName: f(1, T.string, { pointer: true }),
    operator: f(2, T.enumOf('In', 'NotIn'), { required: true }),
    values: f(3, T.list(T.int32), { required: true, listType: 'set' }),
  }),
  struct(b('PodFailurePolicyOnPodConditionsPattern'), {
    type: f(1, T.string, { required: true }),
    status: f(2, T.enumOf('False', 'True', 'Unknown'), { default: 'True' }),
  }),
  struct(b('SuccessPolicy'), {
    rules: f(1, T.list(T.ref(b('SuccessPolicyRule'))), { required: true, listType: 'atomic' }),
  }),
  struct(b('SuccessPolicyRule'), {
    succeededIndexes: f(1, T.string, { pointer: true }),
    succeededCount: f(2, T.int32, { pointer: true }),
  }),
  struct(b('JobStatus'), {
    // Merge-patched by type, yet atomic for server-side apply: both markers are upstream's.
    conditions: f(1, T.list(T.ref(b('JobCondition'))), { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' }),
    startTime: f(2, T.time),
    completionTime: f(3, T.time),
    active: f(4, T.int32),
    succeeded: f(5, T.int32),
    failed: f(6, T.int32),
    terminating: f(11, T.int32, { pointer: true }),
    completedIndexes: f(7, T.string),
    failedIndexes: f(10, T.string, { pointer: true }),
    uncountedTerminatedPods: f(8, T.ref(b('UncountedTerminatedPods'))),
    ready: f(9, T.int32, { pointer: true }),
  }),
  struct(b('UncountedTerminatedPods'), {
    succeeded: f(1, T.list(T.string), { listType: 'set' }),
    failed: f(2, T.list(T.string), { listType: 'set' }),
  }),
  struct(b('JobCondition'), {
    type: f(1, T.string),
    status: f(2, T.string),
    lastProbeTime: f(3, T.time),
    lastTransitionTime: f(4, T.time),
    reason: f(5, T.string),
    message: f(6, T.string),
  }),
];
