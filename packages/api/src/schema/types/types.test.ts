import { describe, expect, it } from 'vitest';
import { SchemaRegistry, type FieldDef, type TypeRef } from '../dsl.js';
import { KINDS } from '../kinds.js';
import { appsTypes } from './apps.js';
import { batchTypes } from './batch.js';
import { corePodTypes } from './core-pod.js';
import { coreTypes } from './core.js';
import { kubernetesSchema } from './index.js';
import { metaTypes } from './meta.js';
import { miscTypes } from './misc.js';

const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const BATCH = 'io.k8s.api.batch.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Declared in core-pod.ts; these files only refer to them. */
const POD_OWNED = ['PodTemplateSpec', 'ObjectReference', 'LocalObjectReference', 'PersistentVolumeClaimSpec'].map((n) => `${CORE}.${n}`);

const mine = [...coreTypes, ...appsTypes, ...batchTypes, ...miscTypes];
const podTreeReady = corePodTypes.length > 0;

function registry(): SchemaRegistry {
  const r = new SchemaRegistry().add(...metaTypes, ...mine);
  if (podTreeReady) r.add(...corePodTypes);
  return r;
}

function field(r: SchemaRegistry, type: string, name: string): FieldDef {
  const fd = r.get(type).fields[name];
  if (fd === undefined) throw new Error(`${type} has no field ${name}`);
  return fd;
}

function refs(t: TypeRef): string[] {
  if (t.t === 'struct') return [t.name];
  if (t.t === 'list') return refs(t.items);
  if (t.t === 'map') return refs(t.values);
  return [];
}

describe('non-Pod schema types', () => {
  const r = registry();

  it('leaves no reference dangling (Pod-tree names aside until core-pod.ts is filled)', () => {
    if (podTreeReady) {
      expect(() => r.check()).not.toThrow();
      return;
    }
    const dangling = mine.flatMap((d) =>
      Object.entries(d.fields).flatMap(([name, fd]) => refs(fd.type).filter((n) => !r.has(n) && !POD_OWNED.includes(n)).map((n) => `${d.name}.${name} -> ${n}`)),
    );
    expect(dangling).toEqual([]);
  });

  it('does not declare the types core-pod.ts owns', () => {
    const names = new Set(mine.map((d) => d.name));
    expect(POD_OWNED.filter((n) => names.has(n))).toEqual([]);
  });

  it('gives no struct two fields with one proto number', () => {
    for (const d of mine) {
      const numbers = Object.values(d.fields).map((fd) => fd.proto);
      expect(new Set(numbers).size, d.name).toBe(numbers.length);
    }
  });

  it('declares every served kind except Pod as a top-level object', () => {
    for (const k of KINDS.filter((k) => k.kind !== 'Pod')) {
      expect(r.has(k.type), k.type).toBe(true);
      expect(r.get(k.type).typeMeta, k.type).toBe(true);
      expect(field(r, k.type, 'metadata').proto, k.type).toBe(1);
    }
  });

  it.each([
    [`${CORE}.ConfigMap`, 'data', 2],
    [`${CORE}.ConfigMap`, 'binaryData', 3],
    [`${CORE}.ConfigMap`, 'immutable', 4],
    [`${CORE}.Secret`, 'stringData', 4],
    [`${CORE}.Secret`, 'immutable', 5],
    [`${CORE}.NamespaceCondition`, 'lastTransitionTime', 4],
    [`${CORE}.NodeSpec`, 'podCIDRs', 7],
    [`${CORE}.NodeSpec`, 'externalID', 2],
    [`${CORE}.NodeStatus`, 'features', 13],
    [`${CORE}.NodeSystemInfo`, 'swap', 11],
    [`${CORE}.DaemonEndpoint`, 'Port', 1],
    [`${CORE}.Event`, 'reportingComponent', 14],
    [`${CORE}.ServiceSpec`, 'clusterIPs', 18],
    [`${CORE}.ServiceSpec`, 'ipFamilyPolicy', 17],
    [`${CORE}.ServiceSpec`, 'ipFamilies', 19],
    [`${CORE}.ServiceSpec`, 'trafficDistribution', 23],
    [`${CORE}.ServicePort`, 'appProtocol', 6],
    [`${CORE}.ServicePort`, 'port', 3],
    [`${CORE}.EndpointAddress`, 'targetRef', 2],
    [`${CORE}.EndpointAddress`, 'hostname', 3],
    [`${CORE}.PersistentVolumeClaimStatus`, 'allocatedResourceStatuses', 7],
    [`${APPS}.DeploymentSpec`, 'template', 3],
    [`${APPS}.DeploymentSpec`, 'progressDeadlineSeconds', 9],
    [`${APPS}.DeploymentStatus`, 'readyReplicas', 7],
    [`${APPS}.DeploymentCondition`, 'lastUpdateTime', 6],
    [`${APPS}.DeploymentCondition`, 'lastTransitionTime', 7],
    [`${APPS}.ReplicaSetSpec`, 'minReadySeconds', 4],
    [`${APPS}.DaemonSetSpec`, 'revisionHistoryLimit', 6],
    [`${APPS}.StatefulSetStatus`, 'collisionCount', 9],
    [`${APPS}.StatefulSetStatus`, 'availableReplicas', 11],
    [`${APPS}.ControllerRevision`, 'data', 2],
    [`${APPS}.ControllerRevision`, 'revision', 3],
    [`${BATCH}.JobSpec`, 'podFailurePolicy', 11],
    [`${BATCH}.JobSpec`, 'successPolicy', 16],
    [`${BATCH}.JobSpec`, 'managedBy', 15],
    [`${BATCH}.JobStatus`, 'terminating', 11],
    [`${BATCH}.JobStatus`, 'failedIndexes', 10],
    ['io.k8s.api.coordination.v1.LeaseSpec', 'preferredHolder', 7],
    ['io.k8s.api.policy.v1.Eviction', 'deleteOptions', 2],
    [`${META}.Condition`, 'lastTransitionTime', 4],
  ])('%s.%s is proto field %i', (type, name, proto) => {
    expect(field(r, type, name).proto).toBe(proto);
  });

  it.each([
    [`${CORE}.ServiceSpec`, 'ports', 'merge', 'port', 'map', ['port', 'protocol']],
    [`${CORE}.ServiceStatus`, 'conditions', 'merge', 'type', 'map', ['type']],
    [`${CORE}.ServiceAccount`, 'secrets', 'merge', 'name', 'map', ['name']],
    [`${CORE}.NodeStatus`, 'conditions', 'merge', 'type', 'map', ['type']],
    [`${CORE}.NodeStatus`, 'addresses', 'merge', 'type', 'map', ['type']],
    [`${CORE}.NodeSpec`, 'taints', undefined, undefined, 'atomic', undefined],
    [`${CORE}.NodeSpec`, 'podCIDRs', 'merge', undefined, 'set', undefined],
    [`${CORE}.NamespaceStatus`, 'conditions', 'merge', 'type', 'map', ['type']],
    [`${CORE}.Endpoints`, 'subsets', undefined, undefined, 'atomic', undefined],
    [`${APPS}.DeploymentSpec`, 'strategy', 'retainKeys', undefined, undefined, undefined],
    [`${APPS}.DeploymentStatus`, 'conditions', 'merge', 'type', 'map', ['type']],
    [`${APPS}.StatefulSetSpec`, 'volumeClaimTemplates', undefined, undefined, 'atomic', undefined],
    [`${BATCH}.JobStatus`, 'conditions', 'merge', 'type', 'atomic', undefined],
    [`${BATCH}.PodFailurePolicyOnExitCodesRequirement`, 'values', undefined, undefined, 'set', undefined],
  ])('%s.%s patches with %s on %s (listType %s)', (type, name, patchStrategy, patchMergeKey, listType, listMapKeys) => {
    const fd = field(r, type, name);
    expect([fd.patchStrategy, fd.patchMergeKey, fd.listType, fd.listMapKeys]).toEqual([patchStrategy, patchMergeKey, listType, listMapKeys]);
  });

  it.each([
    [`${CORE}.ServiceSpec`, 'type', 'ClusterIP'],
    [`${CORE}.ServiceSpec`, 'sessionAffinity', 'None'],
    [`${CORE}.ServicePort`, 'protocol', 'TCP'],
    [`${CORE}.EndpointPort`, 'protocol', 'TCP'],
    [`${CORE}.Secret`, 'type', 'Opaque'],
    [`${CORE}.NamespaceStatus`, 'phase', 'Active'],
    [`${APPS}.DeploymentSpec`, 'replicas', 1],
    [`${APPS}.DeploymentSpec`, 'revisionHistoryLimit', 10],
    [`${APPS}.DeploymentSpec`, 'progressDeadlineSeconds', 600],
    [`${APPS}.DeploymentStrategy`, 'type', 'RollingUpdate'],
    [`${APPS}.ReplicaSetSpec`, 'replicas', 1],
    [`${APPS}.DaemonSetSpec`, 'revisionHistoryLimit', 10],
    [`${APPS}.DaemonSetUpdateStrategy`, 'type', 'RollingUpdate'],
    [`${APPS}.StatefulSetSpec`, 'replicas', 1],
    [`${APPS}.StatefulSetSpec`, 'podManagementPolicy', 'OrderedReady'],
    [`${APPS}.StatefulSetSpec`, 'revisionHistoryLimit', 10],
    [`${APPS}.StatefulSetUpdateStrategy`, 'type', 'RollingUpdate'],
    [`${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`, 'whenDeleted', 'Retain'],
    [`${BATCH}.JobSpec`, 'parallelism', 1],
    [`${BATCH}.JobSpec`, 'completionMode', 'NonIndexed'],
    [`${BATCH}.JobSpec`, 'suspend', false],
    [`${BATCH}.JobSpec`, 'manualSelector', false],
    [`${BATCH}.PodFailurePolicyOnPodConditionsPattern`, 'status', 'True'],
    // Defaults that depend on other fields stay in code, not in the schema.
    [`${BATCH}.JobSpec`, 'backoffLimit', undefined],
    [`${BATCH}.JobSpec`, 'completions', undefined],
    [`${APPS}.RollingUpdateDeployment`, 'maxSurge', undefined],
    [`${CORE}.ServiceSpec`, 'externalTrafficPolicy', undefined],
  ])('%s.%s defaults to %j', (type, name, value) => {
    expect(field(r, type, name).default).toEqual(value);
  });

  it.each([
    [`${CORE}.ServicePort`, 'port'],
    [`${CORE}.Taint`, 'key'],
    [`${CORE}.Taint`, 'effect'],
    [`${CORE}.Binding`, 'target'],
    [`${APPS}.DeploymentSpec`, 'selector'],
    [`${APPS}.DeploymentSpec`, 'template'],
    [`${APPS}.StatefulSetSpec`, 'template'],
    [`${APPS}.DaemonSetSpec`, 'selector'],
    [`${BATCH}.JobSpec`, 'template'],
    [`${BATCH}.PodFailurePolicyRule`, 'action'],
    [`${META}.Condition`, 'reason'],
  ])('%s.%s is required', (type, name) => {
    expect(field(r, type, name).required).toBe(true);
  });

  it.each([
    [`${APPS}.DeploymentSpec`, 'replicas', true],
    [`${APPS}.DeploymentSpec`, 'minReadySeconds', undefined],
    [`${APPS}.RollingUpdateDeployment`, 'maxUnavailable', true],
    [`${BATCH}.JobSpec`, 'suspend', true],
    [`${CORE}.ConfigMap`, 'immutable', true],
    [`${CORE}.ServiceSpec`, 'publishNotReadyAddresses', undefined],
    [`${CORE}.NodeFeatures`, 'supplementalGroupsPolicy', true],
    ['io.k8s.api.autoscaling.v1.ScaleSpec', 'replicas', undefined],
  ])('%s.%s pointer: %s', (type, name, pointer) => {
    expect(field(r, type, name).pointer).toBe(pointer);
  });

  it.each([
    [`${CORE}.Secret`, 'data', { t: 'map', values: { t: 'scalar', scalar: 'bytes' } }],
    [`${CORE}.Taint`, 'effect', { t: 'scalar', scalar: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] }],
    [`${CORE}.Event`, 'eventTime', { t: 'scalar', scalar: 'microtime' }],
    [`${CORE}.ServicePort`, 'targetPort', { t: 'scalar', scalar: 'int-or-string' }],
    [`${CORE}.NodeStatus`, 'capacity', { t: 'map', values: { t: 'scalar', scalar: 'quantity' } }],
    [`${CORE}.ServiceStatus`, 'conditions', { t: 'list', items: { t: 'struct', name: `${META}.Condition` } }],
    [`${APPS}.StatefulSetSpec`, 'volumeClaimTemplates', { t: 'list', items: { t: 'struct', name: `${CORE}.PersistentVolumeClaim` } }],
    [`${CORE}.PersistentVolumeClaim`, 'spec', { t: 'struct', name: `${CORE}.PersistentVolumeClaimSpec` }],
  ])('%s.%s has type %j', (type, name, want) => {
    expect(field(r, type, name).type).toEqual(want);
  });

  it.runIf(podTreeReady)('assembles with the Pod types into kubernetesSchema()', () => {
    const schema = kubernetesSchema();
    for (const d of mine) expect(schema.has(d.name), d.name).toBe(true);
  });
});
