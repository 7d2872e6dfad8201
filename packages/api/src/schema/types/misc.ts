import { f, kindStruct, struct, T, type StructDef } from '../dsl.js';
import { META } from './meta.js';

const m = (n: string): string => `${META}.${n}`;
const metadata = f(1, T.ref(m('ObjectMeta')));

/** coordination.k8s.io/v1 Lease, autoscaling/v1 Scale, policy/v1 Eviction, and meta/v1 Condition. */
export const miscTypes: StructDef[] = [
  kindStruct('io.k8s.api.coordination.v1.Lease', {
    metadata,
    spec: f(2, T.ref('io.k8s.api.coordination.v1.LeaseSpec')),
  }),
  struct('io.k8s.api.coordination.v1.LeaseSpec', {
    holderIdentity: f(1, T.string, { pointer: true }),
    leaseDurationSeconds: f(2, T.int32, { pointer: true }),
    acquireTime: f(3, T.microtime),
    renewTime: f(4, T.microtime),
    leaseTransitions: f(5, T.int32, { pointer: true }),
    strategy: f(6, T.enumOf('OldestEmulationVersion'), { pointer: true }),
    preferredHolder: f(7, T.string, { pointer: true }),
  }),
  kindStruct('io.k8s.api.autoscaling.v1.Scale', {
    metadata,
    spec: f(2, T.ref('io.k8s.api.autoscaling.v1.ScaleSpec')),
    status: f(3, T.ref('io.k8s.api.autoscaling.v1.ScaleStatus')),
  }),
  struct('io.k8s.api.autoscaling.v1.ScaleSpec', {
    replicas: f(1, T.int32),
  }),
  struct('io.k8s.api.autoscaling.v1.ScaleStatus', {
    replicas: f(1, T.int32),
    // A label query in string form, as `kubectl get --selector` takes it.
    selector: f(2, T.string),
  }),
  kindStruct('io.k8s.api.policy.v1.Eviction', {
    metadata,
    deleteOptions: f(2, T.ref(m('DeleteOptions'))),
  }),
  // Lives in meta/v1 but only Service status uses it among kite's kinds, so it is declared here.
  struct(m('Condition'), {
    type: f(1, T.string, { required: true }),
    status: f(2, T.enumOf('True', 'False', 'Unknown'), { required: true }),
    observedGeneration: f(3, T.int64),
    lastTransitionTime: f(4, T.time, { required: true }),
    reason: f(5, T.string, { required: true }),
    message: f(6, T.string),
  }),
];
