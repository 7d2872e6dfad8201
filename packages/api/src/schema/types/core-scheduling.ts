import { f, struct, T, type StructDef } from '../dsl.js';
import { core, coreRef } from './core-common.js';
import { META } from './meta.js';

const atomic = { listType: 'atomic' } as const;
const labelSelector = T.ref(`${META}.LabelSelector`);
const inclusionPolicy = T.enumOf('Honor', 'Ignore');

/** Where a pod may run: node and pod (anti-)affinity, tolerations, topology spread. */
export const coreSchedulingTypes: StructDef[] = [
  struct(core('Affinity'), {
    nodeAffinity: f(1, coreRef('NodeAffinity')),
    podAffinity: f(2, coreRef('PodAffinity')),
    podAntiAffinity: f(3, coreRef('PodAntiAffinity')),
  }),
  struct(core('NodeAffinity'), {
    requiredDuringSchedulingIgnoredDuringExecution: f(1, coreRef('NodeSelector')),
    preferredDuringSchedulingIgnoredDuringExecution: f(2, T.list(coreRef('PreferredSchedulingTerm')), atomic),
  }),
  struct(core('NodeSelector'), {
    nodeSelectorTerms: f(1, T.list(coreRef('NodeSelectorTerm')), { ...atomic, required: true }),
  }),
  struct(core('NodeSelectorTerm'), {
    matchExpressions: f(1, T.list(coreRef('NodeSelectorRequirement')), atomic),
    matchFields: f(2, T.list(coreRef('NodeSelectorRequirement')), atomic),
  }),
  struct(core('NodeSelectorRequirement'), {
    key: f(1, T.string, { required: true }),
    operator: f(2, T.enumOf('In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'), { required: true }),
    values: f(3, T.list(T.string), atomic),
  }),
  struct(core('PreferredSchedulingTerm'), {
    weight: f(1, T.int32, { required: true }),
    preference: f(2, coreRef('NodeSelectorTerm'), { required: true }),
  }),
  struct(core('PodAffinity'), {
    requiredDuringSchedulingIgnoredDuringExecution: f(1, T.list(coreRef('PodAffinityTerm')), atomic),
    preferredDuringSchedulingIgnoredDuringExecution: f(2, T.list(coreRef('WeightedPodAffinityTerm')), atomic),
  }),
  struct(core('PodAntiAffinity'), {
    requiredDuringSchedulingIgnoredDuringExecution: f(1, T.list(coreRef('PodAffinityTerm')), atomic),
    preferredDuringSchedulingIgnoredDuringExecution: f(2, T.list(coreRef('WeightedPodAffinityTerm')), atomic),
  }),
  struct(core('PodAffinityTerm'), {
    labelSelector: f(1, labelSelector),
    namespaces: f(2, T.list(T.string), atomic),
    topologyKey: f(3, T.string, { required: true }),
    namespaceSelector: f(4, labelSelector),
    matchLabelKeys: f(5, T.list(T.string), atomic),
    mismatchLabelKeys: f(6, T.list(T.string), atomic),
  }),
  struct(core('WeightedPodAffinityTerm'), {
    weight: f(1, T.int32, { required: true }),
    podAffinityTerm: f(2, coreRef('PodAffinityTerm'), { required: true }),
  }),
  // An empty operator means Equal and an empty effect means every effect; validation accepts
  // both spelled out as "". Lt and Gt wait behind the TaintTolerationComparisonOperators gate.
  struct(core('Toleration'), {
    key: f(1, T.string),
    operator: f(2, T.enumOf('', 'Equal', 'Exists')),
    value: f(3, T.string),
    effect: f(4, T.enumOf('', 'NoSchedule', 'PreferNoSchedule', 'NoExecute')),
    tolerationSeconds: f(5, T.int64, { pointer: true }),
  }),
  struct(core('TopologySpreadConstraint'), {
    maxSkew: f(1, T.int32, { required: true }),
    topologyKey: f(2, T.string, { required: true }),
    whenUnsatisfiable: f(3, T.enumOf('DoNotSchedule', 'ScheduleAnyway'), { required: true }),
    labelSelector: f(4, labelSelector),
    minDomains: f(5, T.int32, { pointer: true }),
    nodeAffinityPolicy: f(6, inclusionPolicy, { pointer: true }),
    nodeTaintsPolicy: f(7, inclusionPolicy, { pointer: true }),
    matchLabelKeys: f(8, T.list(T.string), atomic),
  }),
];
