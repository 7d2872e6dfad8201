import { describe, expect, it } from 'vitest';
import { SchemaRegistry, type FieldDef, type TypeRef } from '../dsl.js';
import { core, embedded, EMBED_BASE, splitEmbedded } from './core-common.js';
import { corePodTypes } from './core-pod.js';
import { metaTypes } from './meta.js';

const registry = (): SchemaRegistry => new SchemaRegistry().add(...metaTypes, ...corePodTypes);
const r = registry();
const field = (type: string, name: string): FieldDef => {
  const fd = r.get(core(type)).fields[name];
  if (fd === undefined) throw new Error(`no field ${type}.${name}`);
  return fd;
};

function refsOf(t: TypeRef): string[] {
  if (t.t === 'struct') return [t.name];
  if (t.t === 'list') return refsOf(t.items);
  if (t.t === 'map') return refsOf(t.values);
  return [];
}

describe('core/v1 pod types', () => {
  it('form a closed tree over the meta types', () => {
    expect(() => registry().check()).not.toThrow();
  });

  it('declare nothing unreachable from Pod and PodTemplateSpec but ObjectReference', () => {
    const seen = new Set<string>();
    const walk = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const fd of Object.values(r.get(name).fields)) for (const ref of refsOf(fd.type)) walk(ref);
    };
    for (const root of ['Pod', 'PodTemplateSpec', 'ObjectReference']) walk(core(root));
    const stray = corePodTypes.map((d) => d.name).filter((n) => !seen.has(n));
    expect(stray).toEqual([]);
  });

  // Field numbers as generated.proto in kubernetes/api core/v1 gives them.
  it.each([
    ['Pod', 'status', 3],
    ['PodTemplateSpec', 'spec', 2],
    ['PodSpec', 'volumes', 1],
    ['PodSpec', 'containers', 2],
    ['PodSpec', 'initContainers', 20],
    ['PodSpec', 'ephemeralContainers', 34],
    ['PodSpec', 'tolerations', 22],
    ['PodSpec', 'topologySpreadConstraints', 33],
    ['PodSpec', 'workloadRef', 42],
    ['PodStatus', 'observedGeneration', 17],
    ['PodStatus', 'podIPs', 12],
    ['Container', 'image', 2],
    ['Container', 'envFrom', 19],
    ['Container', 'volumeDevices', 21],
    ['Container', 'resizePolicy', 23],
    ['Container', 'restartPolicyRules', 25],
    ['ContainerStatus', 'stopSignal', 15],
    ['VolumeMount', 'recursiveReadOnly', 7],
    ['PodSecurityContext', 'fsGroup', 5],
    ['SecurityContext', 'windowsOptions', 10],
    ['ISCSIVolumeSource', 'chapAuthSession', 11],
    ['ClusterTrustBundleProjection', 'path', 4],
    ['PodResourceClaim', 'resourceClaimTemplateName', 4],
    ['ResourceHealth', 'message', 6],
    ['EphemeralContainer', 'targetContainerName', 2],
  ])('%s.%s is proto field %i', (type, name, proto) => {
    expect(field(type, name).proto).toBe(proto);
  });

  // Go's inline embeddings: the lifted JSON field lives in a nested proto message.
  it.each([
    ['Volume', 'configMap', 2, 19],
    ['Volume', 'projected', 2, 26],
    ['Volume', 'image', 2, 30],
    ['Probe', 'httpGet', 1, 2],
    ['Probe', 'grpc', 1, 4],
    ['EphemeralContainer', 'image', 1, 2],
    ['EphemeralContainer', 'restartPolicyRules', 1, 25],
    ['ConfigMapKeySelector', 'name', 1, 1],
    ['SecretVolumeSource', 'secretName', undefined, 1],
  ])('%s.%s sits in embedded field %s as field %i', (type, name, outer, inner) => {
    const proto = field(type, name).proto;
    expect(splitEmbedded(proto)).toEqual(outer === undefined ? undefined : { outer, inner });
    if (outer !== undefined) expect(proto).toBe(embedded(outer, inner));
  });

  it('never use an embedded message number for a plain field of the same struct', () => {
    for (const d of corePodTypes) {
      const protos = Object.values(d.fields).map((fd) => fd.proto);
      const outers = new Set(protos.flatMap((p) => splitEmbedded(p)?.outer ?? []));
      expect(protos.filter((p) => outers.has(p)), d.name).toEqual([]);
    }
  });

  it('keep plain field numbers below the embedding base', () => {
    expect(embedded(2, 30)).toBeGreaterThan(EMBED_BASE);
    expect(splitEmbedded(42)).toBeUndefined();
  });

  // Markers from types.go (+patchStrategy, +patchMergeKey, +listType, +listMapKey).
  it.each([
    ['PodSpec', 'volumes', 'merge,retainKeys', 'name', 'map', ['name']],
    ['PodSpec', 'containers', 'merge', 'name', 'map', ['name']],
    ['PodSpec', 'imagePullSecrets', 'merge', 'name', 'map', ['name']],
    ['PodSpec', 'hostAliases', 'merge', 'ip', 'map', ['ip']],
    ['PodSpec', 'topologySpreadConstraints', 'merge', 'topologyKey', 'map', ['topologyKey', 'whenUnsatisfiable']],
    ['PodSpec', 'resourceClaims', 'merge,retainKeys', 'name', 'map', ['name']],
    ['PodSpec', 'tolerations', undefined, undefined, 'atomic', undefined],
    ['Container', 'ports', 'merge', 'containerPort', 'map', ['containerPort', 'protocol']],
    ['Container', 'env', 'merge', 'name', 'map', ['name']],
    ['Container', 'volumeMounts', 'merge', 'mountPath', 'map', ['mountPath']],
    ['Container', 'envFrom', undefined, undefined, 'atomic', undefined],
    ['EphemeralContainer', 'env', 'merge', 'name', 'map', ['name']],
    ['PodStatus', 'conditions', 'merge', 'type', 'map', ['type']],
    ['PodStatus', 'hostIPs', 'merge', 'ip', 'atomic', undefined],
    ['PodStatus', 'containerStatuses', undefined, undefined, 'atomic', undefined],
    ['ResourceRequirements', 'claims', undefined, undefined, 'map', ['name']],
    ['SecurityContext', 'ulimits', undefined, undefined, 'map', ['name']],
    ['ContainerRestartRuleOnExitCodes', 'values', undefined, undefined, 'set', undefined],
  ])('%s.%s: strategy %s, key %s, list %s %j', (type, name, strategy, key, listType, mapKeys) => {
    const fd = field(type, name);
    expect([fd.patchStrategy, fd.patchMergeKey, fd.listType, fd.listMapKeys]).toEqual([strategy, key, listType, mapKeys]);
  });

  it.each([
    ['PodSpec', 'restartPolicy', 'Always'],
    ['PodSpec', 'dnsPolicy', 'ClusterFirst'],
    ['PodSpec', 'terminationGracePeriodSeconds', 30],
    ['PodSpec', 'schedulerName', 'default-scheduler'],
    ['PodSpec', 'securityContext', {}],
    ['PodSpec', 'enableServiceLinks', undefined],
    ['Container', 'terminationMessagePath', '/dev/termination-log'],
    ['EphemeralContainer', 'terminationMessagePolicy', 'File'],
    ['Container', 'imagePullPolicy', undefined],
    ['ContainerPort', 'protocol', 'TCP'],
    ['Probe', 'timeoutSeconds', 1],
    ['Probe', 'periodSeconds', 10],
    ['Probe', 'successThreshold', 1],
    ['Probe', 'failureThreshold', 3],
    ['HTTPGetAction', 'scheme', 'HTTP'],
    ['HTTPGetAction', 'path', '/'],
    ['ConfigMapVolumeSource', 'defaultMode', 420],
    ['SecretVolumeSource', 'defaultMode', 420],
    ['DownwardAPIVolumeSource', 'defaultMode', 420],
    ['ProjectedVolumeSource', 'defaultMode', 420],
    ['ObjectFieldSelector', 'apiVersion', 'v1'],
    ['ServiceAccountTokenProjection', 'expirationSeconds', 3600],
    ['PersistentVolumeClaimSpec', 'volumeMode', 'Filesystem'],
  ])('%s.%s defaults to %j', (type, name, want) => {
    expect(field(type, name).default).toEqual(want);
  });

  it('give every enum default a value the enum allows', () => {
    for (const d of corePodTypes) {
      for (const [name, fd] of Object.entries(d.fields)) {
        if (fd.default === undefined || fd.type.t !== 'scalar' || fd.type.enum === undefined) continue;
        expect(fd.type.enum, `${d.name}.${name}`).toContain(fd.default);
      }
    }
  });

  it.each([
    ['PodSpec', 'containers'],
    ['Container', 'name'],
    ['EphemeralContainer', 'name'],
    ['ContainerPort', 'containerPort'],
    ['EnvVar', 'name'],
    ['Volume', 'name'],
    ['VolumeMount', 'name'],
    ['VolumeMount', 'mountPath'],
    ['KeyToPath', 'key'],
    ['NodeSelectorRequirement', 'operator'],
    ['TopologySpreadConstraint', 'whenUnsatisfiable'],
  ])('%s.%s is required', (type, name) => {
    expect(field(type, name).required).toBe(true);
  });

  it.each([
    ['PodSpec', 'terminationGracePeriodSeconds', true],
    ['PodSpec', 'hostNetwork', undefined],
    ['SecurityContext', 'runAsUser', true],
    ['SecurityContext', 'privileged', true],
    ['Probe', 'terminationGracePeriodSeconds', true],
    ['Probe', 'timeoutSeconds', undefined],
    ['Toleration', 'tolerationSeconds', true],
    ['ConfigMapKeySelector', 'optional', true],
  ])('%s.%s pointer: %s', (type, name, pointer) => {
    expect(field(type, name).pointer).toBe(pointer);
  });

  it.each([
    ['PodSpec', 'restartPolicy', ['Always', 'OnFailure', 'Never']],
    ['Container', 'imagePullPolicy', ['Always', 'Never', 'IfNotPresent']],
    ['ContainerPort', 'protocol', ['TCP', 'UDP', 'SCTP']],
    ['NodeSelectorRequirement', 'operator', ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']],
  ])('%s.%s allows exactly %j', (type, name, values) => {
    const t = field(type, name).type;
    expect(t.t === 'scalar' ? t.enum : undefined).toEqual(values);
  });
});
