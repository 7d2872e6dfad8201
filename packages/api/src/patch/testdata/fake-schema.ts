import { f, kindStruct, mergeList, SchemaRegistry, struct, T } from '../../schema/dsl.js';

/**
 * A small schema for the patch tests, so they do not depend on the real types files: a Pod and
 * a Deployment cut down to the markers that matter, and apimachinery's own test type
 * `MergeItem` (strategicpatch/patch_test.go) so its expectations can be checked as written.
 */
export const POD = 'test.Pod';
export const DEPLOYMENT = 'test.Deployment';
export const MERGE_ITEM = 'test.MergeItem';

export function fakeRegistry(): SchemaRegistry {
  const reg = new SchemaRegistry().add(
    kindStruct(POD, {
      metadata: f(1, T.ref('test.ObjectMeta')),
      spec: f(2, T.ref('test.PodSpec')),
      status: f(3, T.ref('test.PodStatus')),
    }),
    struct('test.ObjectMeta', {
      name: f(1, T.string),
      namespace: f(2, T.string),
      labels: f(3, T.stringMap),
      annotations: f(4, T.stringMap),
      finalizers: f(5, T.list(T.string), { patchStrategy: 'merge', listType: 'set' }),
      ownerReferences: mergeList(6, T.ref('test.OwnerReference'), 'uid'),
    }),
    struct('test.OwnerReference', { uid: f(1, T.string), name: f(2, T.string), kind: f(3, T.string) }),
    struct('test.PodSpec', {
      containers: mergeList(1, T.ref('test.Container'), 'name'),
      volumes: mergeList(2, T.ref('test.Volume'), 'name', { patchStrategy: 'merge,retainKeys' }),
      tolerations: f(3, T.list(T.ref('test.Toleration')), { listType: 'atomic' }),
      nodeSelector: f(4, T.stringMap),
      restartPolicy: f(5, T.string),
      overhead: f(6, T.raw),
      dnsConfig: f(7, T.ref('test.DNSConfig'), { patchStrategy: 'replace' }),
    }),
    struct('test.Container', {
      name: f(1, T.string),
      image: f(2, T.string),
      args: f(3, T.list(T.string), { listType: 'atomic' }),
      env: mergeList(4, T.ref('test.EnvVar'), 'name'),
      ports: mergeList(5, T.ref('test.ContainerPort'), 'containerPort', { listMapKeys: ['containerPort', 'protocol'] }),
    }),
    struct('test.EnvVar', { name: f(1, T.string), value: f(2, T.string) }),
    struct('test.ContainerPort', { containerPort: f(1, T.int32), protocol: f(2, T.string), name: f(3, T.string) }),
    struct('test.Volume', {
      name: f(1, T.string),
      emptyDir: f(2, T.ref('test.EmptyDir')),
      configMap: f(3, T.ref('test.ConfigMapVolume')),
    }),
    struct('test.EmptyDir', { medium: f(1, T.string) }),
    struct('test.ConfigMapVolume', { name: f(1, T.string), optional: f(2, T.boolean) }),
    struct('test.Toleration', { key: f(1, T.string), operator: f(2, T.string), value: f(3, T.string) }),
    struct('test.DNSConfig', { nameservers: f(1, T.list(T.string)), searches: f(2, T.list(T.string)) }),
    struct('test.PodStatus', { phase: f(1, T.string) }),

    kindStruct(DEPLOYMENT, {
      metadata: f(1, T.ref('test.ObjectMeta')),
      spec: f(2, T.ref('test.DeploymentSpec')),
    }),
    struct('test.DeploymentSpec', {
      replicas: f(1, T.int32, { pointer: true }),
      template: f(2, T.ref('test.PodTemplateSpec')),
      strategy: f(3, T.ref('test.DeploymentStrategy'), { patchStrategy: 'retainKeys' }),
    }),
    struct('test.PodTemplateSpec', { metadata: f(1, T.ref('test.ObjectMeta')), spec: f(2, T.ref('test.PodSpec')) }),
    struct('test.DeploymentStrategy', { type: f(1, T.string), rollingUpdate: f(2, T.ref('test.RollingUpdate')) }),
    struct('test.RollingUpdate', { maxSurge: f(1, T.intOrString), maxUnavailable: f(2, T.intOrString) }),

    struct(MERGE_ITEM, {
      name: f(1, T.string),
      value: f(2, T.string),
      other: f(3, T.string),
      mergingList: mergeList(4, T.ref(MERGE_ITEM), 'name'),
      nonMergingList: f(5, T.list(T.ref(MERGE_ITEM))),
      mergingIntList: f(6, T.list(T.int64), { patchStrategy: 'merge' }),
      nonMergingIntList: f(7, T.list(T.int64)),
      simpleMap: f(8, T.stringMap),
      retainKeysMap: f(9, T.ref('test.RetainKeysMergeItem'), { patchStrategy: 'retainKeys' }),
      retainKeysMergingList: mergeList(10, T.ref(MERGE_ITEM), 'name', { patchStrategy: 'merge,retainKeys' }),
    }),
    struct('test.RetainKeysMergeItem', {
      name: f(1, T.string),
      value: f(2, T.string),
      other: f(3, T.string),
      simpleMap: f(4, T.stringMap),
    }),
  );
  reg.check();
  return reg;
}
